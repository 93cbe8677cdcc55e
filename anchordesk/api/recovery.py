"""The reply coach for integrations, and the promises agents make to customers.

Everything here is for people who work tickets: a collaborator gets 403, a ticket the
caller may not see the same 404 as one that does not exist. Changes go through
recovery.actions, so they are validated, atomic and audited exactly as in the UI.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anchordesk.accounts.models import User
from anchordesk.api import serialize
from anchordesk.api.auth import current_user, require_ticket_worker
from anchordesk.api.schemas import ErrorOut, Id, InputSchema, UserRef
from anchordesk.recovery import actions
from anchordesk.recovery.choices import PromiseState
from anchordesk.recovery.coach import MAX_DRAFT_CHARS, coach_draft
from anchordesk.recovery.models import Promise
from anchordesk.recovery.queries import access_promise
from anchordesk.tickets.queries import access_ticket, tickets_visible_to

router = Router(tags=["coach and promises"])

ERRORS: dict[int | tuple[int, ...], type] = {(401, 403, 404, 422): ErrorOut}
StateName = Literal["proposed", "open", "done", "missed", "dropped"]
MAX_PROMISES = 500
SOONEST = (F("due_at").asc(nulls_last=True), "id")


# ---------------------------------------------------------------- the reply coach
class CoachIn(InputSchema):
    text: str = Field(max_length=MAX_DRAFT_CHARS, description="The draft reply, plain text.")
    ticket_id: Id | None = Field(
        None,
        description="The ticket it answers: an upset latest customer message asks for an apology and empathy.",
    )
    customer_upset: bool | None = Field(
        None, description="Say so yourself; overrides what the ticket's latest customer message says."
    )
    dismissed: list[str] = Field(
        default_factory=list, max_length=50, description="Finding keys to leave out (as returned in `key`)."
    )


class SpanOut(Schema):
    start: int
    end: int
    text: str


class FindingOut(Schema):
    key: str
    kind: str
    title: str
    suggestion: str
    span: SpanOut | None


class DraftPromiseOut(Schema):
    action: str
    due_text: str
    due: datetime | None
    span: SpanOut


class CoachOut(Schema):
    apology: Literal["none", "sincere", "formulaic", "non_apology"]
    excuse: bool
    ownership: bool
    empathy: bool
    next_step: Literal["none", "vague", "concrete"]
    has_date: bool
    unexplained_questions: bool
    customer_upset: bool
    findings: list[FindingOut]
    promises: list[DraftPromiseOut]


@router.post("/coach", response={200: CoachOut, **ERRORS}, summary="Review a draft reply")
def coach(request: HttpRequest, payload: CoachIn) -> Any:
    """The reply coach: what a draft does well and what to improve, each finding with a suggestion.

    Suggestions only, nothing is stored. The promises the draft makes are listed with their
    due moments, resolved in your time zone from now.
    """
    user = current_user(request)
    require_ticket_worker(user)
    ticket = access_ticket(user, payload.ticket_id) if payload.ticket_id is not None else None
    result = coach_draft(
        payload.text,
        user=user,
        ticket=ticket,
        customer_upset=payload.customer_upset,
        dismissed=payload.dismissed,
    )
    review = result.review
    return {
        "apology": review.apology,
        "excuse": review.excuse,
        "ownership": review.ownership,
        "empathy": review.empathy,
        "next_step": review.next_step,
        "has_date": review.has_date,
        "unexplained_questions": review.unexplained_questions,
        "customer_upset": result.customer_upset,
        "findings": [
            {
                "key": f.key,
                "kind": f.kind,
                "title": f.title,
                "suggestion": f.suggestion,
                "span": None if f.start is None else {"start": f.start, "end": f.end, "text": f.quote},
            }
            for f in result.findings
        ],
        "promises": [
            {
                "action": p.action,
                "due_text": p.due_text or "",
                "due": p.due,
                "span": {"start": p.span.start, "end": p.span.end, "text": p.span.text},
            }
            for p in result.promises
        ],
    }


# ---------------------------------------------------------------- promises
class PromiseOut(Schema):
    id: int
    ticket_id: int
    message_id: int | None
    owner: UserRef
    action: str
    due_text: str
    due_at: datetime | None
    state: StateName
    overdue: bool
    reminded_at: datetime | None
    missed_at: datetime | None
    done_at: datetime | None
    created_at: datetime


class PromiseCreate(InputSchema):
    action: str = Field(max_length=300, description="What was promised, e.g. 'Refund the second charge'.")
    due_at: datetime | None = Field(None, description="ISO 8601; a time without a zone is taken as UTC.")
    due_text: str = Field("", max_length=120, description="The words that said when, if any.")
    owner_id: Id | None = Field(None, description="Who keeps it; default: you.")


class PromiseUpdate(InputSchema):
    action: str | None = Field(None, max_length=300)
    due_at: datetime | None = None
    confirm: bool = Field(False, description="Confirm a promise found in a reply (state proposed → open).")


class PromiseDrop(InputSchema):
    reason: str = Field("", max_length=500)


class PromiseDone(Schema):
    promise: PromiseOut
    tell_customer: str = Field(description="A line for the reply that tells the customer it is done.")


class MyPromisesParams(InputSchema):
    state: list[Literal["proposed", "open", "missed"]] = Field(
        default_factory=list, description="Default: proposed, open and missed."
    )


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, UTC)
    return value


def _out(c: Promise, now: datetime) -> dict[str, Any]:
    live = c.state in (PromiseState.PROPOSED, PromiseState.OPEN)
    return {
        "id": c.pk,
        "ticket_id": c.ticket_id,
        "message_id": c.message_id,
        "owner": serialize.user_ref(c.owner),
        "action": c.action,
        "due_text": c.due_text,
        "due_at": c.due_at,
        "state": c.state,
        "overdue": c.state == PromiseState.MISSED or (live and c.due_at is not None and c.due_at < now),
        "reminded_at": c.reminded_at,
        "missed_at": c.missed_at,
        "done_at": c.done_at,
        "created_at": c.created_at,
    }


def _rows(qs: QuerySet[Promise]) -> list[dict[str, Any]]:
    now = timezone.now()
    return [_out(c, now) for c in qs.select_related("owner")[:MAX_PROMISES]]


def _worker(request: HttpRequest) -> User:
    user = current_user(request)
    require_ticket_worker(user)
    return user


def _owner(owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None or not owner.works_tickets:
        raise ValidationError({"owner_id": f"No active agent with id {owner_id}."})
    return owner


@router.get(
    "/tickets/{ticket_id}/promises",
    response={200: list[PromiseOut], **ERRORS},
    summary="List a ticket's promises",
)
def list_ticket_promises(request: HttpRequest, ticket_id: Id) -> Any:
    """Every promise on the ticket, whatever its state, soonest due first (no date last)."""
    user = _worker(request)
    ticket = access_ticket(user, ticket_id)
    return _rows(Promise.objects.filter(ticket=ticket).order_by(*SOONEST))


@router.post(
    "/tickets/{ticket_id}/promises",
    response={201: PromiseOut, **ERRORS},
    summary="Add a promise by hand",
)
def create_promise(request: HttpRequest, ticket_id: Id, payload: PromiseCreate) -> Any:
    user = _worker(request)
    ticket = access_ticket(user, ticket_id)
    promise = actions.do_add_promise(
        ticket,
        actor=user,
        action=payload.action,
        due_at=_aware(payload.due_at),
        due_text=payload.due_text,
        owner=_owner(payload.owner_id),
    )
    return Status(201, _out(promise, timezone.now()))


@router.get("/promises/mine", response={200: list[PromiseOut], **ERRORS}, summary="My open promises")
def my_promises(request: HttpRequest, filters: Query[MyPromisesParams]) -> Any:
    """Your promises still to keep (found in a reply, open, or missed), soonest due first."""
    user = _worker(request)
    states: list[str] = list(filters.state) or [
        PromiseState.PROPOSED,
        PromiseState.OPEN,
        PromiseState.MISSED,
    ]
    qs = Promise.objects.filter(owner=user, state__in=states, ticket__in=tickets_visible_to(user))
    return _rows(qs.order_by(*SOONEST))


@router.get("/promises/{promise_id}", response={200: PromiseOut, **ERRORS}, summary="Get a promise")
def get_promise(request: HttpRequest, promise_id: Id) -> Any:
    user = _worker(request)
    return _out(access_promise(user, promise_id), timezone.now())


@router.patch("/promises/{promise_id}", response={200: PromiseOut, **ERRORS}, summary="Change a promise")
def update_promise(request: HttpRequest, promise_id: Id, payload: PromiseUpdate) -> Any:
    """Change what was promised or when it is due (a new date earns a new reminder), or confirm it."""
    user = _worker(request)
    promise = access_promise(user, promise_id)
    actions.do_update_promise(
        promise,
        actor=user,
        action=payload.action,
        due_at=_aware(payload.due_at),
        confirm=payload.confirm,
    )
    return _out(promise, timezone.now())


@router.post(
    "/promises/{promise_id}/done",
    response={200: PromiseDone, **ERRORS},
    summary="Mark a promise kept",
)
def complete_promise(request: HttpRequest, promise_id: Id) -> Any:
    """Kept. The answer carries a line to tell the customer (owning the delay when it was late)."""
    user = _worker(request)
    promise = access_promise(user, promise_id)
    line = actions.do_complete_promise(promise, actor=user)
    return {"promise": _out(promise, timezone.now()), "tell_customer": line}


@router.post("/promises/{promise_id}/drop", response={200: PromiseOut, **ERRORS}, summary="Drop a promise")
def drop_promise(request: HttpRequest, promise_id: Id, payload: PromiseDrop) -> Any:
    user = _worker(request)
    promise = access_promise(user, promise_id)
    actions.do_drop_promise(promise, actor=user, reason=payload.reason)
    return _out(promise, timezone.now())
