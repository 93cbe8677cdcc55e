"""/tickets: list with filters and keyset pagination, get, create, update, merge, links.

Every lookup goes through tickets_visible_to/access_ticket, so a collaborator outside a
ticket's team gets the same 404 as for a ticket that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anchordesk.accounts.models import Customer, Team, User
from anchordesk.api import serialize
from anchordesk.api.auth import current_user, require_ticket_worker
from anchordesk.api.pagination import DEFAULT_LIMIT, MAX_ID, MAX_LIMIT, Ordering, keyset_page
from anchordesk.api.schemas import (
    ErrorOut,
    Id,
    InputSchema,
    PriorityName,
    StatusName,
    TicketOut,
    TicketPage,
    TicketRef,
)
from anchordesk.core.access import NotAllowed
from anchordesk.tickets import actions, presence
from anchordesk.tickets.actions import NewTicket
from anchordesk.tickets.inbox import InboxQuery, filtered
from anchordesk.tickets.models import Ticket, TicketLink
from anchordesk.tickets.queries import access_ticket, tickets_visible_to

router = Router(tags=["tickets"])

ERRORS: dict[int | tuple[int, ...], type] = {(401, 403, 404, 409, 422): ErrorOut}

TICKET_SORTS = {
    "-updated_at": Ordering("updated_at", True),
    "updated_at": Ordering("updated_at", False),
    "-created_at": Ordering("created_at", True),
    "created_at": Ordering("created_at", False),
}
TagName = Annotated[str, Field(min_length=1, max_length=50)]


class TicketFilters(InputSchema):
    status: list[StatusName] = Field(default_factory=list, description="Repeat for several statuses.")
    priority: list[PriorityName] = Field(default_factory=list)
    assignee: Annotated[int, Field(ge=0, le=MAX_ID)] | None = Field(
        None, description="Agent id; 0 = unassigned."
    )
    team: Id | None = None
    tag: str = Field("", max_length=50)
    customer: Id | None = None
    q: str = Field("", max_length=200, description="Full-text search over subjects and messages.")
    updated_since: datetime | None = None
    sort: Literal["-updated_at", "updated_at", "-created_at", "created_at"] = "-updated_at"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class TicketCreate(InputSchema):
    customer_id: Id | None = Field(None, description="An existing customer; or give customer_email.")
    customer_email: str | None = Field(None, max_length=254)
    customer_name: str = Field("", max_length=120)
    subject: str
    body: str = Field(description="The customer's words, plain text.")
    html: str = Field("", max_length=1_000_000, description="Optional HTML; sanitized before it is stored.")
    priority: PriorityName = "normal"
    team_id: Id | None = None
    assignee_id: Id | None = None
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    fields: dict[str, Any] = Field(default_factory=dict)
    channel: Literal["api", "web", "email", "phone"] = "api"


class TicketUpdate(InputSchema):
    subject: str | None = None
    status: StatusName | None = None
    priority: PriorityName | None = None
    assignee_id: Id | None = Field(None, description="null unassigns.")
    team_id: Id | None = Field(None, description="null clears the team.")
    tags: list[TagName] | None = Field(None, max_length=50, description="Replaces all tags.")
    add_tags: list[TagName] = Field(default_factory=list, max_length=50)
    remove_tags: list[TagName] = Field(default_factory=list, max_length=50)
    fields: dict[str, Any] | None = Field(
        None, description="Merged into the ticket's fields; null removes one."
    )
    expected_version: int | None = Field(None, description="Refuse with 409 if the ticket changed since.")
    confirm_open_work: bool = Field(
        False,
        description="Solve or close even though promises or handoffs are still open on the ticket; "
        "without it such a change answers 409 listing them.",
    )


class MergeIn(InputSchema):
    into: Id = Field(description="The ticket that receives this ticket's conversation.")


class LinkIn(InputSchema):
    ticket_id: Id


class Present(Schema):
    name: str
    typing: bool


class PresenceOut(Schema):
    others: list[Present] = Field(description="Who else has the ticket open, seen in the last seconds.")
    version: int = Field(description="The ticket's version now: higher than the page's means it changed.")


def _ticket_qs(user: User) -> QuerySet[Ticket]:
    return tickets_visible_to(user).select_related("customer", "assignee", "team").prefetch_related("tags")


def load_ticket(user: User, ticket_id: int) -> Ticket:
    access_ticket(user, ticket_id)  # the same 404 for missing and forbidden
    return _ticket_qs(user).get(pk=ticket_id)


def resolve_team(team_id: int | None, field: str = "team_id") -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationError({field: f"No team with id {team_id}."})
    return team


def resolve_assignee(user_id: int | None, field: str = "assignee_id") -> User | None:
    if user_id is None:
        return None
    assignee = User.objects.filter(pk=user_id).first()
    if assignee is None:
        raise ValidationError({field: f"No agent with id {user_id}."})
    if not assignee.works_tickets:
        raise ValidationError({field: f"{assignee.display_name} cannot be assigned tickets."})
    return assignee


@router.get("/tickets", response={200: TicketPage, **ERRORS}, summary="List tickets")
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> Any:
    user = current_user(request)
    query = InboxQuery(
        view="all",
        status=list(filters.status),
        priority=[serialize.PRIORITY_VALUES[p] for p in filters.priority],
        assignee=filters.assignee,
        team=filters.team,
        tag=filters.tag.strip(),
        customer=filters.customer,
        q=filters.q.strip(),
    )
    qs = filtered(user, query).select_related("customer", "assignee", "team").prefetch_related("tags")
    if filters.updated_since is not None:
        since = filters.updated_since
        if timezone.is_naive(since):
            since = timezone.make_aware(since)
        qs = qs.filter(updated_at__gte=since)
    page = keyset_page(
        qs, sort=filters.sort, ordering=TICKET_SORTS[filters.sort], cursor=filters.cursor, limit=filters.limit
    )
    return {"items": [serialize.ticket(t) for t in page.items], "next_cursor": page.next_cursor}


@router.get("/tickets/{ticket_id}", response={200: TicketOut, **ERRORS}, summary="Get a ticket")
def get_ticket(request: HttpRequest, ticket_id: Id) -> Any:
    return serialize.ticket(load_ticket(current_user(request), ticket_id))


def _customer(payload: TicketCreate) -> Customer:
    if payload.customer_id is not None:
        customer = Customer.objects.filter(pk=payload.customer_id).first()
        if customer is None:
            raise ValidationError({"customer_id": f"No customer with id {payload.customer_id}."})
        return customer
    raise ValidationError({"customer_id": "Give customer_id or customer_email."})


@router.post("/tickets", response={201: TicketOut, **ERRORS}, summary="Create a ticket")
def create_ticket(request: HttpRequest, payload: TicketCreate) -> Any:
    user = current_user(request)
    require_ticket_worker(user)
    customer = None if payload.customer_id is None and payload.customer_email else _customer(payload)
    details: dict[str, Any] = {
        "subject": payload.subject,
        "body": payload.body,
        "html": payload.html,
        "channel": payload.channel,
        "priority": serialize.PRIORITY_VALUES[payload.priority],
        "team": resolve_team(payload.team_id),
        "assignee": resolve_assignee(payload.assignee_id),
        "tags": payload.tags,
        "fields": payload.fields,
    }
    if customer is None:
        # A new contact and their ticket are saved together, or neither is.
        ticket = actions.do_open_ticket_for_contact(
            email=payload.customer_email or "", name=payload.customer_name, actor=user, **details
        )
    else:
        ticket = actions.do_create_ticket(NewTicket(customer=customer, **details), actor=user)
    return Status(201, serialize.ticket(load_ticket(user, ticket.pk)))


def _changes(payload: TicketUpdate) -> dict[str, Any]:
    """The payload's set fields in the words of do_update_ticket (ids resolved, names to values)."""
    changes = payload.model_dump(exclude_unset=True, exclude={"expected_version", "confirm_open_work"})
    if "priority" in changes and changes["priority"] is not None:
        changes["priority"] = serialize.PRIORITY_VALUES[changes["priority"]]
    if "team_id" in changes:
        changes["team"] = resolve_team(changes.pop("team_id"))
    if "assignee_id" in changes:
        changes["assignee"] = resolve_assignee(changes.pop("assignee_id"))
    return changes


@router.patch("/tickets/{ticket_id}", response={200: TicketOut, **ERRORS}, summary="Update a ticket")
def update_ticket(request: HttpRequest, ticket_id: Id, payload: TicketUpdate) -> Any:
    """Apply every given change in one transaction: one refused change leaves the ticket untouched.
    Solving or closing with promises or handoffs open answers 409 with them, unless confirm_open_work."""
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    require_ticket_worker(user)
    actions.do_update_ticket(
        ticket,
        actor=user,
        changes=_changes(payload),
        expected_version=payload.expected_version,
        confirm_open_work=payload.confirm_open_work,
    )
    return serialize.ticket(load_ticket(user, ticket_id))


@router.post("/tickets/{ticket_id}/merge", response={200: TicketOut, **ERRORS}, summary="Merge into another")
def merge_ticket(request: HttpRequest, ticket_id: Id, payload: MergeIn) -> Any:
    """Move this ticket's conversation into `into` and close this one. Answers with the target."""
    user = current_user(request)
    source = access_ticket(user, ticket_id)
    require_ticket_worker(user)
    try:
        target = access_ticket(user, payload.into)
    except NotAllowed:
        raise ValidationError({"into": f"No ticket with id {payload.into}."}) from None
    actions.do_merge_tickets(source, target, actor=user)
    return serialize.ticket(load_ticket(user, target.pk))


def _linked(user: User, ticket_id: int) -> list[dict[str, Any]]:
    links = TicketLink.objects.filter(from_ticket_id=ticket_id).values_list("to_ticket_id", flat=True)
    back = TicketLink.objects.filter(to_ticket_id=ticket_id).values_list("from_ticket_id", flat=True)
    ids = set(links) | set(back)
    rows = tickets_visible_to(user).filter(pk__in=ids).order_by("pk")
    return [{"id": t.pk, "subject": t.subject, "status": t.status} for t in rows]


@router.get("/tickets/{ticket_id}/links", response={200: list[TicketRef], **ERRORS}, summary="Linked tickets")
def list_links(request: HttpRequest, ticket_id: Id) -> Any:
    user = current_user(request)
    access_ticket(user, ticket_id)
    return _linked(user, ticket_id)


@router.post("/tickets/{ticket_id}/links", response={201: list[TicketRef], **ERRORS}, summary="Link a ticket")
def add_link(request: HttpRequest, ticket_id: Id, payload: LinkIn) -> Any:
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    require_ticket_worker(user)
    try:
        other = access_ticket(user, payload.ticket_id)
    except NotAllowed:
        raise ValidationError({"ticket_id": f"No ticket with id {payload.ticket_id}."}) from None
    actions.do_link_tickets(ticket, other, actor=user)
    return Status(201, _linked(user, ticket_id))


@router.delete("/tickets/{ticket_id}/links/{other_id}", response={204: None, **ERRORS}, summary="Unlink")
def remove_link(request: HttpRequest, ticket_id: Id, other_id: Id) -> Any:
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    require_ticket_worker(user)
    other = access_ticket(user, other_id)
    actions.do_unlink_tickets(ticket, other, actor=user)
    return Status(204, None)


@router.post(
    "/tickets/{ticket_id}/presence",
    response={200: PresenceOut, **ERRORS},
    url_name="ticket_presence",
    summary="I am on this ticket: who else is, and has it changed",
)
def ping_presence(request: HttpRequest, ticket_id: Id, typing: bool = False) -> Any:
    """Called every few seconds by an open ticket page (the collision notice); `typing=true` in the
    query says the caller is writing a reply now."""
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    presence.ping(ticket, user, typing=typing)
    others = [{"name": p.user.display_name, "typing": p.typing} for p in presence.others_on(ticket, user)]
    return {"others": others, "version": ticket.version}
