"""/escalations: the leads' queue, the context of one, take, coach, resolve; agents escalate a ticket.

An escalation is visible to whoever may see its ticket and works tickets; the queue and the
lead's actions are for leads and admins (403 for agents, as in the UI).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anchordesk.accounts.models import User
from anchordesk.api import serialize
from anchordesk.api.auth import current_user, require_lead, require_ticket_worker
from anchordesk.api.schemas import ErrorOut, Id, InputSchema, MessageOut, TicketRef, UserRef
from anchordesk.collab import actions, queries
from anchordesk.collab.choices import LeadMode, RequestedBy
from anchordesk.collab.models import Escalation
from anchordesk.tickets.models import Message
from anchordesk.tickets.queries import access_ticket

router = Router(tags=["escalations"])

ERRORS: dict[int | tuple[int, ...], type] = {(401, 403, 404, 409, 422): ErrorOut}


class EscalationOut(Schema):
    id: int
    ticket: TicketRef
    state: Literal["open", "taken", "resolved"]
    requested_by: Literal["customer", "agent", "promise"] = Field(
        description="customer: detected in a message; agent: escalated by hand; promise: a missed promise."
    )
    reason: str
    opened_by: UserRef | None
    message_id: int | None = Field(description="The customer's message that asked for a manager.")
    lead: UserRef | None
    mode: Literal["handle", "coach", ""]
    sla_minutes: int
    due_at: datetime
    overdue: bool
    outcome: str
    created_at: datetime
    taken_at: datetime | None
    resolved_at: datetime | None


class TemperaturePoint(Schema):
    at: datetime
    heat: int
    abusive: bool
    manager_request: bool
    evidence: list[str]


class EscalationPromiseOut(Schema):
    action: str
    state: str
    due_at: datetime | None
    owner: UserRef | None


class MistakeOut(Schema):
    category: str
    severity: str
    what_happened: str
    impact: str
    why_it_made_sense: str
    recovered_at: datetime | None


class PolicyRow(Schema):
    text: str
    reasons: list[str] = []
    note: str = ""


class EscalationContextOut(Schema):
    escalation: EscalationOut
    summary: list[str] = Field(description="The conversation in a few plain sentences.")
    recent_messages: list[MessageOut]
    message_total: int
    temperature: list[TemperaturePoint]
    promises: list[EscalationPromiseOut]
    mistakes: list[MistakeOut]
    policy_decisions: list[PolicyRow]
    policy_exceptions: list[PolicyRow]
    suggested_reply: str = Field(description="The lead's own reply: who now handles the request.")
    customer_update: str = Field(
        description="What the agent tells the customer meanwhile: who handles it, by when."
    )


class EscalationFilters(InputSchema):
    state: Literal["active", "open", "taken", "resolved", "all"] = Field(
        "active", description="active = open and taken (the queue)."
    )


class EscalationCreate(InputSchema):
    reason: str = Field("", max_length=300)


class TakeIn(InputSchema):
    mode: Literal["handle", "coach"] = Field(
        "handle", description="handle: the lead takes the ticket too; coach: the agent keeps it."
    )


class NoteIn(InputSchema):
    body: str = Field(max_length=10_000, description="Advice to the agent, as an internal note.")


class ResolveIn(InputSchema):
    outcome: str = Field(max_length=10_000)


def _escalation(e: Escalation) -> dict[str, Any]:
    return {
        "id": e.pk,
        "ticket": {"id": e.ticket.pk, "subject": e.ticket.subject, "status": e.ticket.status},
        "state": e.state,
        "requested_by": e.requested_by,
        "reason": e.reason,
        "opened_by": serialize.user_ref(e.opened_by),
        "message_id": e.message_id,
        "lead": serialize.user_ref(e.lead),
        "mode": e.mode,
        "sla_minutes": e.sla_minutes,
        "due_at": e.due_at,
        "overdue": e.is_overdue,
        "outcome": e.outcome,
        "created_at": e.created_at,
        "taken_at": e.taken_at,
        "resolved_at": e.resolved_at,
    }


def _load(user: User, escalation_id: int) -> Escalation:
    return queries.access_escalation(user, escalation_id)


def _lead(request: HttpRequest) -> User:
    user = current_user(request)
    require_lead(user)
    return user


@router.get("/escalations", response={200: list[EscalationOut], **ERRORS}, summary="The escalation queue")
def list_escalations(request: HttpRequest, filters: Query[EscalationFilters]) -> Any:
    """Leads and admins: untaken before taken, oldest first; resolved ones newest first."""
    user = _lead(request)
    rows = queries.escalation_queue(user, include_resolved=filters.state in ("resolved", "all"))
    if filters.state not in ("active", "all"):
        rows = [e for e in rows if e.state == filters.state]
    return [_escalation(e) for e in rows]


@router.get(
    "/escalations/{escalation_id}",
    response={200: EscalationContextOut, **ERRORS},
    summary="An escalation in context",
)
def get_escalation(request: HttpRequest, escalation_id: Id) -> Any:
    """The escalation with its context: recent conversation, temperature over time, promises,
    mistakes, policy decisions and exceptions."""
    user = current_user(request)
    require_ticket_worker(user)
    escalation = _load(user, escalation_id)
    ctx = queries.escalation_context(escalation.ticket)
    messages = (
        Message.objects.filter(pk__in=[m.pk for m in ctx.recent_messages])
        .select_related("author", "customer")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    return {
        "escalation": _escalation(escalation),
        "summary": ctx.summary,
        "recent_messages": [serialize.message(m) for m in messages],
        "message_total": ctx.message_total,
        "temperature": ctx.temperature_points,
        "promises": [
            {"action": c.action, "state": c.state, "due_at": c.due_at, "owner": serialize.user_ref(c.owner)}
            for c in ctx.promises
        ],
        "mistakes": [
            {
                "category": m.category,
                "severity": m.severity,
                "what_happened": m.what_happened,
                "impact": m.impact,
                "why_it_made_sense": m.why_it_made_sense,
                "recovered_at": m.recovered_at,
            }
            for m in ctx.mistakes
        ],
        "policy_decisions": [{"text": d["text"], "reasons": d["reasons"]} for d in ctx.decisions],
        "policy_exceptions": [{"text": x["text"], "note": x["note"]} for x in ctx.exceptions],
        "suggested_reply": queries.suggested_lead_reply(escalation, escalation.lead or user),
        "customer_update": queries.suggested_agent_reply(escalation),
    }


@router.post(
    "/tickets/{ticket_id}/escalations",
    response={200: EscalationOut, 201: EscalationOut, **ERRORS},
    summary="Escalate a ticket",
)
def create_escalation(request: HttpRequest, ticket_id: Id, payload: EscalationCreate) -> Any:
    """Mark the customer's demand for a manager. 201 with the new escalation; 200 with the one
    already open on the ticket (a ticket has one open escalation at a time)."""
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    require_ticket_worker(user)
    escalation, created = actions.do_open_escalation(
        ticket, requested_by=RequestedBy.AGENT, reason=payload.reason, actor=user
    )
    return Status(201 if created else 200, _escalation(_load(user, escalation.pk)))


@router.post("/escalations/{escalation_id}/take", response={200: EscalationOut, **ERRORS}, summary="Take it")
def take_escalation(request: HttpRequest, escalation_id: Id, payload: TakeIn) -> Any:
    user = _lead(request)
    escalation = _load(user, escalation_id)
    actions.do_take_escalation(escalation, actor=user, mode=LeadMode(payload.mode))
    return _escalation(_load(user, escalation_id))


@router.post(
    "/escalations/{escalation_id}/notes", response={201: MessageOut, **ERRORS}, summary="Coach the agent"
)
def coach(request: HttpRequest, escalation_id: Id, payload: NoteIn) -> Any:
    """An internal note on the ticket for the agent; the customer never sees it."""
    user = _lead(request)
    escalation = _load(user, escalation_id)
    note = actions.do_coach_on_escalation(escalation, payload.body, actor=user)
    message = (
        Message.objects.select_related("author", "customer").prefetch_related("attachments").get(pk=note.pk)
    )
    return Status(201, serialize.message(message))


@router.post(
    "/escalations/{escalation_id}/resolve", response={200: EscalationOut, **ERRORS}, summary="Resolve it"
)
def resolve_escalation(request: HttpRequest, escalation_id: Id, payload: ResolveIn) -> Any:
    user = _lead(request)
    escalation = _load(user, escalation_id)
    actions.do_resolve_escalation(escalation, payload.outcome, actor=user)
    return _escalation(_load(user, escalation_id))
