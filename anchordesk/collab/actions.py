"""Escalation and handoff mutations: atomic, audited on the ticket, side effects on commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from anchordesk.accounts.choices import TeamKind
from anchordesk.accounts.models import Team, User
from anchordesk.collab.choices import (
    OPEN_HANDOFF_STATUSES,
    CollabEvent,
    EscalationState,
    HandoffStatus,
    LeadMode,
    RequestedBy,
)
from anchordesk.collab.models import Escalation, Handoff, HandoffComment
from anchordesk.collab.queries import on_duty_leads, open_escalation_for
from anchordesk.core.access import NotAllowed
from anchordesk.core.audit import record_event
from anchordesk.core.models import AuditEvent
from anchordesk.mail.addresses import (
    handoff_reply_address,
    handoff_subject_token,
    is_our_address,
)
from anchordesk.mail.models import OutboundKind
from anchordesk.mail.outbox import do_queue_email
from anchordesk.tickets.actions import do_add_note, do_assign_ticket
from anchordesk.tickets.choices import MessageKind
from anchordesk.tickets.models import Message, Ticket

# Escalations have their own SLA: a lead answers within this many minutes (calendar time).
DEFAULT_ESCALATION_MINUTES = 240
MANAGER_REQUESTED = "customer.manager_requested"


def _escalation_minutes() -> int:
    return int(getattr(settings, "ANCHORDESK_ESCALATION_MINUTES", DEFAULT_ESCALATION_MINUTES))


def _excerpt(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _required(value: str, field: str, label: str, limit: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"{label} is required."})
    if limit is not None and len(value) > limit:
        raise ValidationError({field: f"{label} must be at most {limit} characters."})
    return value


def _send(addresses: Iterable[str], subject: str, body: str, *, kind: str, ticket_id: int) -> None:
    """A notice to people of the company, through the durable outbox in this transaction."""
    do_queue_email(
        to=sorted({a for a in addresses if a}), subject=subject, body=body, kind=kind, ticket=ticket_id
    )


def _ticket_url(ticket_id: int) -> str:
    return f"{settings.SITE_URL}/tickets/{ticket_id}/"


# --- Escalations ---------------------------------------------------------------------------

_OPENERS: dict[str, str] = {
    RequestedBy.CUSTOMER: "The customer asked for a manager",
    RequestedBy.AGENT: "An agent escalated",
    RequestedBy.MISSED_PROMISE: "A promise to the customer was missed",
}


@transaction.atomic
def do_open_escalation(
    ticket: Ticket,
    *,
    requested_by: str,
    reason: str = "",
    actor: User | None = None,
    message: Message | None = None,
) -> tuple[Escalation, bool]:
    """Open the ticket's escalation, or return the one already open (created is then False)."""
    if requested_by not in RequestedBy.values:
        raise ValidationError({"requested_by": f"Unknown requester {requested_by!r}."})
    if requested_by == RequestedBy.AGENT and (actor is None or not actor.works_tickets):
        raise ValidationError({"actor": "Only agents, leads and admins can escalate a ticket."})
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationError({"reason": "The reason must be at most 300 characters."})
    # Lock the ticket so two manager requests arriving together open one escalation.
    Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
    existing = open_escalation_for(ticket)
    if existing is not None:
        return existing, False
    minutes = _escalation_minutes()
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                ticket=ticket,
                requested_by=requested_by,
                reason=reason
                or ("The customer asked for a manager." if requested_by == RequestedBy.CUSTOMER else ""),
                opened_by=actor if requested_by == RequestedBy.AGENT else None,
                message=message,
                sla_minutes=minutes,
                due_at=timezone.now() + timedelta(minutes=minutes),
            )
    except IntegrityError:
        found = open_escalation_for(ticket)
        if found is None:
            raise
        return found, False
    record_event(
        CollabEvent.ESCALATION_OPENED,
        actor=actor,
        ticket=ticket,
        obj=escalation,
        after={"requested_by": requested_by, "due_at": escalation.due_at.isoformat()},
        note=_excerpt(escalation.reason),
    )
    leads = on_duty_leads(ticket)
    _send(
        [lead.email for lead in leads],
        f"Escalation on #{ticket.pk}: {ticket.subject}",
        f"{_OPENERS.get(requested_by, 'An agent escalated')}"
        f" on ticket #{ticket.pk} ({ticket.customer.display_name}).\n"
        f"Reason: {escalation.reason or '-'}\n"
        f"Answer by {escalation.due_at:%Y-%m-%d %H:%M %Z}.\n"
        f"{settings.SITE_URL}/collab/escalations/{escalation.pk}/",
        kind=OutboundKind.ESCALATION,
        ticket_id=ticket.pk,
    )
    return escalation, True


def on_ticket_event(event: AuditEvent) -> None:
    """Subscribed in CollabConfig.ready(): a detected manager request opens an escalation."""
    if event.kind != MANAGER_REQUESTED or event.ticket_id is None:
        return
    ticket = event.ticket
    assert ticket is not None
    message = None
    if event.object_type == "message" and event.object_id is not None:
        message = Message.objects.filter(pk=event.object_id, ticket=ticket, kind=MessageKind.CUSTOMER).first()
    reason = "The customer asked for a manager"
    evidence = (event.after or {}).get("evidence") if isinstance(event.after, dict) else None
    if evidence:
        reason += ": " + _excerpt("; ".join(str(e) for e in evidence), 200)
    do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER, reason=reason, message=message)


def _require_lead(actor: User) -> None:
    if not actor.is_lead:
        raise NotAllowed("Only leads can take and resolve escalations.", status=403)


def _locked(escalation: Escalation) -> Escalation:
    return Escalation.objects.select_for_update().select_related("ticket").get(pk=escalation.pk)


@transaction.atomic
def do_take_escalation(escalation: Escalation, *, actor: User, mode: str = LeadMode.HANDLE) -> Escalation:
    """The lead takes it; handling it personally also assigns them the ticket, coaching does not."""
    _require_lead(actor)
    if mode not in LeadMode.values:
        raise ValidationError({"mode": "Choose to handle it personally or to coach the agent."})
    escalation = _locked(escalation)
    if escalation.state == EscalationState.RESOLVED:
        raise ValidationError({"state": "This escalation is already resolved."})
    before = {"state": escalation.state, "lead": escalation.lead_id}
    escalation.state = EscalationState.TAKEN
    escalation.lead = actor
    escalation.mode = mode
    escalation.taken_at = escalation.taken_at or timezone.now()
    escalation.save(update_fields=["state", "lead", "mode", "taken_at"])
    if mode == LeadMode.HANDLE:
        do_assign_ticket(escalation.ticket, actor, actor=actor)
    record_event(
        CollabEvent.ESCALATION_TAKEN,
        actor=actor,
        ticket=escalation.ticket,
        obj=escalation,
        before=before,
        after={"state": escalation.state, "lead": actor.pk, "mode": mode},
        note=f"{actor.display_name} will {'handle it' if mode == LeadMode.HANDLE else 'coach the agent'}",
    )
    return escalation


@transaction.atomic
def do_coach_on_escalation(escalation: Escalation, body: str, *, actor: User) -> Message:
    """The lead's advice to the agent, as an internal note on the ticket."""
    _require_lead(actor)
    if not (body or "").strip():
        raise ValidationError({"body": "Write the note for the agent."})
    return do_add_note(escalation.ticket, body, actor=actor)


@transaction.atomic
def do_resolve_escalation(escalation: Escalation, outcome: str, *, actor: User) -> Escalation:
    _require_lead(actor)
    outcome = _required(outcome, "outcome", "The outcome")
    escalation = _locked(escalation)
    if escalation.state == EscalationState.RESOLVED:
        raise ValidationError({"state": "This escalation is already resolved."})
    before = escalation.state
    escalation.state = EscalationState.RESOLVED
    escalation.outcome = outcome
    escalation.lead = escalation.lead or actor
    escalation.resolved_at = timezone.now()
    escalation.save(update_fields=["state", "outcome", "lead", "resolved_at"])
    record_event(
        CollabEvent.ESCALATION_RESOLVED,
        actor=actor,
        ticket=escalation.ticket,
        obj=escalation,
        before=before,
        after={"state": escalation.state, "outcome": outcome},
        note=_excerpt(outcome),
    )
    return escalation


def do_scan_overdue_escalations() -> int:
    """Tell the on-duty leads once about each escalation past its SLA; returns how many."""
    now = timezone.now()
    told = 0
    due = Escalation.objects.filter(
        state=EscalationState.OPEN, due_at__lt=now, overdue_notified_at__isnull=True
    ).select_related("ticket", "ticket__customer")
    for escalation in due[:500]:
        with transaction.atomic():
            # Claim first: of two workers scanning together, only one tells the leads.
            claimed = Escalation.objects.filter(
                pk=escalation.pk, state=EscalationState.OPEN, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=now)
            if not claimed:
                continue
            ticket = escalation.ticket
            record_event(
                CollabEvent.ESCALATION_OVERDUE,
                ticket=ticket,
                obj=escalation,
                after={"due_at": escalation.due_at.isoformat()},
                note="no lead has taken it yet",
            )
            _send(
                [lead.email for lead in on_duty_leads(ticket)],
                f"Overdue escalation on #{ticket.pk}: {ticket.subject}",
                f"{ticket.customer.display_name} asked for a manager and no lead has taken it.\n"
                f"It was due {escalation.due_at:%Y-%m-%d %H:%M %Z}.\n"
                f"{settings.SITE_URL}/collab/escalations/{escalation.pk}/",
                kind=OutboundKind.ESCALATION,
                ticket_id=ticket.pk,
            )
            told += 1
    return told


# --- Handoffs ------------------------------------------------------------------------------


def _handoff_event(
    kind: CollabEvent,
    handoff: Handoff,
    *,
    actor: User | None,
    note: str,
    before: object = None,
    after: object = None,
) -> None:
    record_event(
        kind,
        actor=actor,
        ticket=handoff.ticket,
        obj=handoff,
        before=before,
        after={
            "handoff": handoff.pk,
            "team": handoff.team.name,
            **(after if isinstance(after, dict) else {}),
        },
        note=_excerpt(f"{handoff.team.name}: {note}", 300),
    )


def _check_assignee(team: Team, assignee: User | None) -> None:
    if assignee is not None and (not assignee.is_active or not assignee.teams.filter(pk=team.pk).exists()):
        raise ValidationError({"assignee": f"{assignee.display_name} is not a member of {team.name}."})


def check_handoff(
    ticket: Ticket,
    *,
    team: Team | None,
    subject: str,
    needed: str,
    due_on: date | None,
    message_ids: Sequence[int],
) -> tuple[dict[str, list[str]], list[Message]]:
    """Every reason a handoff cannot be opened, by field, and the messages it would attach."""
    errors: dict[str, list[str]] = {}
    if team is None:
        errors["team"] = ["Choose the team to hand off to."]
    elif team.kind == TeamKind.SUPPORT:
        errors["team"] = [
            f"{team.name} is a support team; hand off to engineering, billing, network or marketing."
        ]
    subject = (subject or "").strip()
    if not subject:
        errors["subject"] = ["The subject is required."]
    elif len(subject) > 200:
        errors["subject"] = ["The subject must be at most 200 characters."]
    if not (needed or "").strip():
        errors["needed"] = ["Say what you need from the other team."]
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = ["The due date is in the past."]
    wanted = set(message_ids)
    attached = list(Message.objects.filter(ticket=ticket, pk__in=wanted)) if wanted else []
    if len(attached) != len(wanted):
        errors["messages"] = ["Attach only messages of this ticket."]
    return errors, attached


@transaction.atomic
def do_open_handoff(
    ticket: Ticket,
    *,
    actor: User,
    team: Team | None,
    subject: str,
    needed: str,
    due_on: date | None = None,
    message_ids: Sequence[int] = (),
    assignee: User | None = None,
    external_email: str = "",
    external_name: str = "",
) -> Handoff:
    """Open a handoff; with `external_email` it is also emailed to that person, who needs no account."""
    if not actor.works_tickets:
        raise NotAllowed("Only agents, leads and admins can hand off a ticket.", status=403)
    subject, needed = (subject or "").strip(), (needed or "").strip()
    errors, attached = check_handoff(
        ticket, team=team, subject=subject, needed=needed, due_on=due_on, message_ids=message_ids
    )
    external_email, external_name = check_external(external_email, external_name, errors)
    if errors:
        raise ValidationError(errors)
    assert team is not None
    _check_assignee(team, assignee)
    handoff = Handoff.objects.create(
        ticket=ticket,
        team=team,
        subject=subject,
        needed=needed,
        due_on=due_on,
        assignee=assignee,
        created_by=actor,
        external_email=external_email,
        external_name=external_name,
    )
    if attached:
        handoff.messages.set(attached)
    _handoff_event(
        CollabEvent.HANDOFF_OPENED,
        handoff,
        actor=actor,
        note=subject,
        after={"status": handoff.status, "due_on": due_on.isoformat() if due_on else None},
    )
    recipients = (
        [assignee.email]
        if assignee is not None
        else [team.email]
        if team.email
        else [u.email for u in team.members.filter(is_active=True)]
    )
    _send(
        recipients,
        f"Handoff from support: {subject}",
        f"{actor.display_name} asks {team.name} for help with ticket #{ticket.pk}.\n\n{needed}\n\n"
        f"Due: {due_on.isoformat() if due_on else 'no date set'}\n"
        f"{settings.SITE_URL}/collab/handoffs/{handoff.pk}/",
        kind=OutboundKind.HANDOFF,
        ticket_id=ticket.pk,
    )
    if handoff.external_email:
        _email_external(handoff, _external_request_body(handoff, actor, attached))
    return handoff


def check_external(email: str, name: str, errors: dict[str, list[str]]) -> tuple[str, str]:
    email, name = (email or "").strip().lower(), (name or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["external_email"] = ["Enter an email address such as dev@contractor.example."]
        else:
            if is_our_address(email):
                errors["external_email"] = ["That is one of our own support addresses."]
    if len(name) > 120:
        errors["external_name"] = ["The name must be at most 120 characters."]
    return email, name


def _external_request_body(handoff: Handoff, actor: User, attached: Sequence[Message]) -> str:
    """Everything the outside contact needs, since they cannot open the handoff page."""
    hello = f"Hello {handoff.external_name}," if handoff.external_name else "Hello,"
    parts = [
        hello,
        "",
        f"{actor.display_name} from our support team asks for your help:",
        "",
        handoff.needed,
        "",
        f"Needed by: {handoff.due_on.isoformat() if handoff.due_on else 'no date set'}",
    ]
    for message in attached:
        parts += ["", f"--- {message.author_name}, {message.created_at:%Y-%m-%d %H:%M}:", message.body_text]
    parts += ["", "Just reply to this email: your answer reaches the support team."]
    return "\n".join(parts) + "\n"


def _email_external(handoff: Handoff, body: str) -> None:
    """Through the durable outbox, with the handoff's signed reply address and subject token."""
    do_queue_email(
        kind=OutboundKind.HANDOFF_EXTERNAL,
        ticket=handoff.ticket_id,
        to=[handoff.external_email],
        subject=f"{handoff.subject} {handoff_subject_token(handoff.pk)}",
        body=body,
        reply_to=handoff_reply_address(handoff.pk),
    )


@transaction.atomic
def do_add_emailed_reply(handoff: Handoff, body: str, *, sender: str) -> HandoffComment:
    """An emailed answer from outside the company becomes a comment on the handoff (and the ticket's timeline)."""
    body = (body or "").strip()[:10_000] or "(no text)"
    handoff = _lock_handoff(handoff)
    comment = HandoffComment.objects.create(handoff=handoff, author_email=sender[:254], body=body)
    Handoff.objects.filter(pk=handoff.pk).update(updated_at=timezone.now())
    _handoff_event(
        CollabEvent.HANDOFF_EMAILED,
        handoff,
        actor=None,
        note=f"{sender}: {body}",
        after={"comment": comment.pk, "from": sender},
    )
    people = {u.email for u in (handoff.created_by, handoff.assignee) if u is not None and u.is_active}
    _send(
        people,
        f"Reply on handoff: {handoff.subject} (#{handoff.ticket_id})",
        f"{sender} replied:\n\n{body}\n\n{settings.SITE_URL}/collab/handoffs/{handoff.pk}/",
        kind=OutboundKind.HANDOFF,
        ticket_id=handoff.ticket_id,
    )
    return comment


def _lock_handoff(handoff: Handoff) -> Handoff:
    return Handoff.objects.select_for_update().select_related("ticket", "team").get(pk=handoff.pk)


@transaction.atomic
def do_comment_on_handoff(handoff: Handoff, body: str, *, actor: User) -> HandoffComment:
    body = _required(body, "body", "The comment", limit=10_000)
    handoff = _lock_handoff(handoff)
    comment = HandoffComment.objects.create(handoff=handoff, author=actor, body=body)
    Handoff.objects.filter(pk=handoff.pk).update(updated_at=timezone.now())
    _handoff_event(
        CollabEvent.HANDOFF_COMMENT, handoff, actor=actor, note=body, after={"comment": comment.pk}
    )
    if handoff.external_email:
        # The outside contact has no page to read: the conversation goes on by email.
        _email_external(
            handoff, f"{actor.display_name} wrote:\n\n{body}\n\nJust reply to this email to answer.\n"
        )
    return comment


@transaction.atomic
def do_set_handoff_status(handoff: Handoff, status: str, *, actor: User, note: str = "") -> Handoff:
    if status not in HandoffStatus.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    handoff = _lock_handoff(handoff)
    if status == handoff.status:
        return handoff
    before = handoff.status
    handoff.status = status
    handoff.closed_at = None if status in OPEN_HANDOFF_STATUSES else timezone.now()
    handoff.save(update_fields=["status", "closed_at", "updated_at"])
    note = (note or "").strip()
    if note:
        HandoffComment.objects.create(handoff=handoff, author=actor, body=note)
    label = HandoffStatus(status).label.lower()
    _handoff_event(
        CollabEvent.HANDOFF_STATUS,
        handoff,
        actor=actor,
        note=f"{label}" + (f" — {note}" if note else ""),
        before=before,
        after={"status": status},
    )
    if status in (HandoffStatus.DONE, HandoffStatus.DECLINED):
        ticket = handoff.ticket
        people = {u.email for u in (handoff.created_by, ticket.assignee) if u is not None and u.is_active}
        _send(
            people,
            f"Handoff {label}: {handoff.subject} (#{ticket.pk})",
            f'{handoff.team.name} marked the handoff "{handoff.subject}" {label}'
            f"{' by ' + actor.display_name if actor else ''}.\n"
            + (f"\n{note}\n" if note else "")
            + "\nPlease update the customer on the ticket.\n"
            + _ticket_url(ticket.pk),
            kind=OutboundKind.HANDOFF,
            ticket_id=ticket.pk,
        )
    return handoff


@transaction.atomic
def do_assign_handoff(handoff: Handoff, assignee: User | None, *, actor: User) -> Handoff:
    handoff = _lock_handoff(handoff)
    _check_assignee(handoff.team, assignee)
    if assignee == handoff.assignee:
        return handoff
    before = handoff.assignee_id
    handoff.assignee = assignee
    handoff.save(update_fields=["assignee", "updated_at"])
    _handoff_event(
        CollabEvent.HANDOFF_ASSIGNED,
        handoff,
        actor=actor,
        note=f"assigned to {assignee.display_name}" if assignee else "unassigned",
        before=before,
        after={"assignee": assignee.pk if assignee else None},
    )
    return handoff


def do_scan_overdue_handoffs() -> int:
    """Remind once about each open handoff past its "needed by" date: its assignee (else its team)
    and the agent who opened it. Returns how many were reminded."""
    today = timezone.localdate()
    due = Handoff.objects.filter(
        status__in=OPEN_HANDOFF_STATUSES, due_on__lt=today, overdue_notified_at__isnull=True
    ).select_related("ticket", "team", "assignee", "created_by")
    told = 0
    for handoff in due[:500]:
        with transaction.atomic():
            # Claim first: of two workers scanning together, only one sends the reminder.
            claimed = Handoff.objects.filter(
                pk=handoff.pk, status__in=OPEN_HANDOFF_STATUSES, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=timezone.now())
            if not claimed:
                continue
            assert handoff.due_on is not None
            _handoff_event(
                CollabEvent.HANDOFF_OVERDUE,
                handoff,
                actor=None,
                note=f"{handoff.subject} was needed by {handoff.due_on.isoformat()}",
                after={"due_on": handoff.due_on.isoformat()},
            )
            team = handoff.team
            workers = (
                [handoff.assignee.email]
                if handoff.assignee is not None
                else [team.email]
                if team.email
                else [u.email for u in team.members.filter(is_active=True)]
            )
            opener = [handoff.created_by.email] if handoff.created_by is not None else []
            _send(
                [*workers, *opener],
                f"Overdue handoff: {handoff.subject} (#{handoff.ticket_id})",
                f"The handoff to {team.name} was needed by {handoff.due_on.isoformat()} and is still "
                f"{handoff.get_status_display().lower()}.\n{settings.SITE_URL}/collab/handoffs/{handoff.pk}/",
                kind=OutboundKind.HANDOFF,
                ticket_id=handoff.ticket_id,
            )
            if handoff.external_email:
                _email_external(
                    handoff,
                    f"A reminder: we asked for your help with this by {handoff.due_on.isoformat()}.\n\n"
                    f"{handoff.needed}\n\nJust reply to this email to answer.\n",
                )
            told += 1
    return told
