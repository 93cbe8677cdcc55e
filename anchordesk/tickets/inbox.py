"""The agent inbox: named views, filters, sort and keyset pagination.

Keyset (seek) pagination keeps every page as fast as the first at a million tickets:
the cursor carries the sort value and id of the last row shown.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from anchordesk.accounts.models import User
from anchordesk.core.registry import inbox_sort_annotations, inbox_view_filters, refine_inbox
from anchordesk.tickets import search
from anchordesk.tickets.choices import ACTIVE_STATUSES, Priority, Status
from anchordesk.tickets.models import Ticket
from anchordesk.tickets.queries import tickets_visible_to

VIEWS = {
    "mine": "Mine",
    "unassigned": "Unassigned",
    "team": "My teams",
    "open": "All open",
    "pending": "Pending",
    "solved": "Solved",
    "breaching": "Breaching SLA",
    "all": "All tickets",
}
SORTS = {
    "updated": ("updated_at", True, "Last updated"),
    "oldest": ("updated_at", False, "Least recently updated"),
    "created": ("created_at", True, "Newest"),
    "priority": ("priority", True, "Priority"),
    "sla": ("sla_due_at", False, "Time left (SLA)"),
}
PAGE_SIZE = 50


@dataclass
class InboxQuery:
    view: str = "open"
    status: list[str] = field(default_factory=list)
    priority: list[int] = field(default_factory=list)
    assignee: int | None = None  # 0 means unassigned
    team: int | None = None
    tag: str = ""
    customer: int | None = None
    q: str = ""
    sort: str = "updated"
    cursor: str = ""

    @classmethod
    def from_params(cls, params: Any) -> InboxQuery:
        def ints(name: str) -> list[int]:
            return [int(v) for v in params.getlist(name) if str(v).strip().lstrip("-").isdigit()]

        def one_int(name: str) -> int | None:
            values = ints(name)
            return values[0] if values else None

        view = params.get("view", "open")
        sort = params.get("sort", "updated")
        return cls(
            view=view if view in VIEWS else "open",
            status=[s for s in params.getlist("status") if s in Status.values],
            priority=[p for p in ints("priority") if p in Priority.values],
            assignee=one_int("assignee"),
            team=one_int("team"),
            tag=params.get("tag", "").strip()[:50],
            customer=one_int("customer"),
            q=params.get("q", "").strip()[:200],
            sort=sort if sort in SORTS else "updated",
            cursor=params.get("cursor", ""),
        )

    def as_params(self, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "view": self.view,
            "status": self.status,
            "priority": self.priority,
            "assignee": self.assignee,
            "team": self.team,
            "tag": self.tag,
            "customer": self.customer,
            "q": self.q,
            "sort": self.sort,
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v not in (None, "", [])}


def _view_filter(view: str, user: User) -> Q:
    active = Q(status__in=ACTIVE_STATUSES)
    if view == "mine":
        return active & Q(assignee=user)
    if view == "unassigned":
        return active & Q(assignee__isnull=True)
    if view == "team":
        return active & Q(team__in=list(user.teams.values_list("id", flat=True)))
    if view == "pending":
        return Q(status=Status.PENDING)
    if view == "solved":
        return Q(status__in=(Status.SOLVED, Status.CLOSED))
    if view == "all":
        return Q()
    if view == "breaching":
        return active
    return Q(status__in=(Status.NEW, Status.OPEN, Status.ON_HOLD))


def filtered(user: User, query: InboxQuery) -> QuerySet[Ticket]:
    qs = tickets_visible_to(user).filter(_view_filter(query.view, user))
    if query.status:
        qs = qs.filter(status__in=query.status)
    if query.priority:
        qs = qs.filter(priority__in=query.priority)
    if query.assignee == 0:
        qs = qs.filter(assignee__isnull=True)
    elif query.assignee is not None:
        qs = qs.filter(assignee_id=query.assignee)
    if query.team is not None:
        qs = qs.filter(team_id=query.team)
    if query.tag:
        qs = qs.filter(tags__name=query.tag.lower())
    if query.customer is not None:
        qs = qs.filter(customer_id=query.customer)
    if query.q:
        qs = qs.filter(pk__in=search.matching_ticket_ids(query.q))
    # A view whose meaning an app knows ("breaching": sla) is narrowed by that app's registration.
    return refine_inbox(qs, inbox_view_filters, query.view)


def encode_cursor(value: Any, pk: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[Any, int] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return value, int(pk)
    except (ValueError, TypeError):
        return None


@dataclass
class InboxPage:
    tickets: list[Ticket]
    next_cursor: str
    query: InboxQuery


def page(user: User, query: InboxQuery, *, size: int = PAGE_SIZE) -> InboxPage:
    column, descending, _ = SORTS[query.sort]
    qs = filtered(user, query)
    qs = refine_inbox(qs, inbox_sort_annotations, query.sort)  # "sla": sla annotates sla_due_at
    decoded = _decode_cursor(query.cursor) if query.cursor else None
    if decoded is not None:
        value, pk = decoded
        if column.endswith("_at"):
            value = parse_datetime(str(value))
        if value is not None:
            # The plain bound (<= or >=) lets the database seek the sort index; the OR alone would not.
            if descending:
                qs = qs.filter(
                    Q(**{f"{column}__lte": value}) & (Q(**{f"{column}__lt": value}) | Q(pk__lt=pk))
                )
            else:
                qs = qs.filter(
                    Q(**{f"{column}__gte": value}) & (Q(**{f"{column}__gt": value}) | Q(pk__gt=pk))
                )
    order = [f"-{column}", "-pk"] if descending else [column, "pk"]
    # Two steps: the ids of the page from the covering (status/team/assignee, updated_at, id) indexes,
    # then the rows of those ids only. One query that sorts whole rows reads every matching
    # ticket row before sorting (thousands in the "open" view at a million tickets).
    ids = list(qs.order_by(*order).values_list("pk", flat=True)[: size + 1])
    by_id = (
        Ticket.objects.select_related("customer", "assignee", "team").prefetch_related("tags").in_bulk(ids)
    )
    rows = [by_id[tid] for tid in ids if tid in by_id]
    next_cursor = ""
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, column), last.pk)
    return InboxPage(tickets=rows, next_cursor=next_cursor, query=query)


def next_ticket(user: User, *, after: Ticket) -> Ticket | None:
    """The ticket "Send and next" opens: the top of the agent's Open view, in the inbox's own
    order, other than the one just answered."""
    column, descending, _ = SORTS["updated"]
    order = [f"-{column}", "-pk"] if descending else [column, "pk"]
    return filtered(user, InboxQuery(view="open")).exclude(pk=after.pk).order_by(*order).first()


def view_counts(user: User) -> dict[str, int]:
    """Counts for the sidebar. Capped, because an exact count of a million rows is not worth its time."""
    counts = {}
    base = tickets_visible_to(user)
    for key in ("mine", "unassigned", "team", "open", "pending"):
        counts[key] = base.filter(_view_filter(key, user)).values("pk")[:1000].count()
    return counts
