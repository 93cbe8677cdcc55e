"""Reading recovery: what a user may see of promises and mistakes (those on tickets they may see,
tickets.queries), the promises still open, their calendar and keeper, and the moments the worker
acts on. Changes nothing.

access_* fetch one with that check; missing and not visible are the same NotAllowed (404,
docs/access.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from anchordesk.accounts.models import User
from anchordesk.core.access import NotAllowed
from anchordesk.recovery.choices import LIVE_PROMISE_STATES as _LIVE
from anchordesk.recovery.models import MessageSignal, Mistake, Promise
from anchordesk.recovery.temperature import message_heat
from anchordesk.signals import BusinessCalendar
from anchordesk.sla.models import BusinessCalendar as SlaCalendar
from anchordesk.tickets.models import Ticket
from anchordesk.tickets.queries import tickets_visible_to


def promises_visible_to(user: User) -> QuerySet[Promise]:
    return Promise.objects.filter(ticket__in=tickets_visible_to(user))


def mistakes_visible_to(user: User) -> QuerySet[Mistake]:
    return Mistake.objects.filter(ticket__in=tickets_visible_to(user))


def access_promise(user: User, promise_id: int) -> Promise:
    promise = promises_visible_to(user).select_related("owner", "ticket").filter(pk=promise_id).first()
    if promise is None:
        raise NotAllowed("No such promise", status=404)
    return promise


def access_mistake(user: User, mistake_id: int) -> Mistake:
    mistake = mistakes_visible_to(user).select_related("ticket").filter(pk=mistake_id).first()
    if mistake is None:
        raise NotAllowed("No such mistake", status=404)
    return mistake


def escalation_facts(ticket: Ticket) -> dict[str, Any]:
    """Escalation facts (core/registry.py): how hot each customer message ran, the promises and
    the mistakes on the ticket, for the lead's escalation page."""
    signals = MessageSignal.objects.filter(ticket=ticket).order_by("created_at", "id")[:100]
    points = [
        {
            "at": s.created_at,
            "heat": round(message_heat(s)),
            "abusive": s.abusive,
            "manager_request": bool(s.manager_request),
            "evidence": [e.get("text") for e in s.evidence if isinstance(e, dict) and e.get("text")][:3],
        }
        for s in signals
    ]
    return {
        "temperature_points": points,
        "promises": list(
            Promise.objects.filter(ticket=ticket).select_related("owner").order_by("due_at", "id")
        ),
        "mistakes": list(
            Mistake.objects.filter(ticket=ticket).select_related("logged_by").order_by("-created_at")
        ),
    }


def surviving_ticket(ticket: Ticket) -> Ticket:
    """The ticket a merged ticket's conversation went to (merges never chain into a cycle:
    nothing can be merged into a ticket that was itself merged)."""
    while ticket.merged_into_id is not None:
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def promise_calendar(ticket: Ticket) -> BusinessCalendar | None:
    """The business days and hours "by end of day" and "within 3 business days" count in: the
    ticket's team's SLA calendar, else the default one; None when there is none (or it has no
    working hours), and Monday-Friday 09:00-17:00 in the agent's zone applies."""
    # The team's calendars and the default ones in one statement (there are a handful), then pick.
    team_id = ticket.team_id
    for_team: Exists | Value = (
        Exists(SlaCalendar.teams.through.objects.filter(businesscalendar_id=OuterRef("pk"), team_id=team_id))
        if team_id is not None
        else Value(False)
    )
    rows = list(SlaCalendar.objects.annotate(for_team=for_team).filter(Q(for_team=True) | Q(is_default=True)))
    team_rows = sorted((r for r in rows if r.for_team), key=lambda r: r.pk)
    defaults = [r for r in rows if r.is_default]  # in the model's order (by name), as .first() took it
    row = team_rows[0] if team_rows else (defaults[0] if defaults else None)
    if row is None:
        return None
    try:
        calendar = row.to_clock()
    except ValueError:
        return None
    return calendar if calendar.has_hours else None


def promise_keeper(promise: Promise, *, leaving: User, actor: User) -> User:
    """Who keeps a promise whose owner is leaving: the ticket's assignee, else a lead of the
    ticket's team, else the person who deactivated the owner (always someone who works tickets)."""
    ticket = promise.ticket
    assignee = ticket.assignee
    if assignee is not None and assignee.pk != leaving.pk and assignee.works_tickets:
        return assignee
    if ticket.team_id is not None:
        for lead in (
            User.objects.filter(teams=ticket.team_id, is_active=True).exclude(pk=leaving.pk).order_by("pk")
        ):
            if lead.is_lead:
                return lead
    return actor


def open_promises(ticket: Ticket) -> list[Promise]:
    return list(ticket.promises.filter(state__in=_LIVE).select_related("owner"))


def open_promise_counts(ticket_ids: list[int]) -> dict[int, int]:
    """How many promises are still open on each of these tickets (those with none left out)."""
    rows = (
        Promise.objects.filter(ticket_id__in=ticket_ids, state__in=_LIVE)
        .values("ticket_id")
        .annotate(n=Count("id"))
        .values_list("ticket_id", "n")
    )
    return dict(rows)


def upcoming_moments(now: datetime | None = None, *, within: timedelta) -> list[tuple[int, datetime]]:
    """(promise id, moment) for each reminder and due moment in the next `within`: the worker
    runs `do_fire_promise` at each, so none waits for the next minute's scan."""
    now = now or timezone.now()
    remind_before = timedelta(minutes=settings.PROMISE_REMIND_BEFORE)
    horizon = now + within
    rows = Promise.objects.filter(
        state__in=_LIVE, due_at__gt=now, due_at__lte=horizon + remind_before
    ).values_list("pk", "due_at", "reminded_at")
    moments: list[tuple[int, datetime]] = []
    for pk, due_at, reminded_at in rows:
        if due_at is None:
            continue
        remind_at = due_at - remind_before
        if reminded_at is None and now < remind_at <= horizon:
            moments.append((pk, remind_at))
        if due_at <= horizon:
            moments.append((pk, due_at))
    return moments
