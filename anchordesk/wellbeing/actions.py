"""Wellbeing mutations: atomic, audited; fed by ticket events (core/events.py), never by recovery code.

Exposure comes from the language scoring's events ("customer.abuse", "customer.hostile"), counted
only when aimed at staff (wellbeing/exposure.py); kind words from praise in a customer's message
(signals/praise.py, on "ticket.created" and "ticket.customer_message") and from CSAT ("csat.rated");
a restricted customer's new
message ("ticket.created", "ticket.customer_message") goes to the leads' queue.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from anchordesk.accounts.models import Customer, User
from anchordesk.automation.actions import do_set_availability
from anchordesk.automation.choices import AutomationEvent
from anchordesk.collab.queries import on_duty_leads
from anchordesk.core.access import NotAllowed
from anchordesk.core.audit import audit_note, record_event
from anchordesk.core.models import AuditEvent
from anchordesk.core.snapshot import cached
from anchordesk.mail.models import OutboundKind
from anchordesk.mail.outbox import do_queue_email
from anchordesk.recovery.choices import RecoveryEvent
from anchordesk.recovery.models import MessageSignal
from anchordesk.signals.praise import find_praise
from anchordesk.tickets.actions import do_add_note, do_assign_ticket, do_reply
from anchordesk.tickets.choices import EventKind, MessageKind
from anchordesk.tickets.models import Message, Ticket
from anchordesk.wellbeing.choices import (
    OPEN_BREAK_STATES,
    BreakState,
    KindSource,
    Standing,
    WellbeingEvent,
)
from anchordesk.wellbeing.models import (
    Break,
    CustomerStanding,
    Exposure,
    KindWord,
    RestrictedMessage,
    WellbeingProfile,
)
from anchordesk.wellbeing.queries import (
    AIMED_AT_STAFF,
    agent_day,
    break_after,
    break_minutes,
    exposure_of,
    handover_candidates,
    hostile_run,
    standing_of,
)

_EXPOSURE_EVENTS = (RecoveryEvent.CUSTOMER_ABUSE, RecoveryEvent.CUSTOMER_HOSTILE)


def _is_restricted(customer_id: int) -> bool:
    """Asked for every customer message, so read once per ingest batch (restricted customers are few)."""
    restricted = cached(
        "wellbeing.restricted",
        lambda: set(
            CustomerStanding.objects.filter(state=Standing.RESTRICTED).values_list("customer_id", flat=True)
        ),
    )
    return customer_id in restricted


# --- Events in --------------------------------------------------------------------------------


def on_ticket_event(event: AuditEvent) -> None:
    """Subscribed in WellbeingConfig.ready(); runs inside the transaction of the change."""
    if event.ticket_id is None:
        return
    if event.kind in _EXPOSURE_EVENTS:
        _record_exposure(event)
    elif event.kind == AutomationEvent.CSAT_RATED:
        _kind_word_from_csat(event)
    elif event.kind in (EventKind.CREATED, EventKind.CUSTOMER_MESSAGE):
        _route_if_restricted(event)
        _kind_word_from_praise(event)
    elif event.kind == EventKind.ASSIGNED:
        _attribute_on_pickup(event)


def _event_message(event: AuditEvent) -> Message | None:
    if event.object_type != "message" or event.object_id is None or event.ticket_id is None:
        return None
    held = event.held_object  # the message as the action that recorded the event holds it
    if isinstance(held, Message) and held.pk == event.object_id and held.ticket_id == event.ticket_id:
        return held
    return Message.objects.filter(pk=event.object_id, ticket_id=event.ticket_id).first()


def _record_exposure(event: AuditEvent) -> Exposure | None:
    ticket = event.ticket
    message = _event_message(event)
    if ticket is None or message is None or ticket.assignee_id is None:
        return None  # nobody received it yet: it counts for whoever picks the ticket up
    signal = MessageSignal.objects.filter(message=message).first()
    kind = exposure_of(signal, message) if signal is not None else None
    if kind is None:
        return None  # upset with the product, not aimed at the agent
    agent = ticket.assignee
    assert agent is not None
    if not agent.works_tickets or _is_restricted(ticket.customer_id):
        return None  # a restricted customer's messages go to the leads, not to the agent
    try:
        with transaction.atomic():
            exposure = Exposure.objects.create(
                agent=agent, ticket=ticket, message=message, kind=kind, day=agent_day(agent)
            )
    except IntegrityError:
        return None  # counted once per message, whatever path scored it
    do_suggest_break_if_due(agent)
    return exposure


# An agent who picks up a ticket reads what came in while nobody had it.
PICKUP_WINDOW = timedelta(hours=24)


def _attribute_on_pickup(event: AuditEvent) -> None:
    """Abusive or hostile messages that arrived while the ticket was unassigned count for whoever
    takes it (each message counts once: a later hand-over does not count it again)."""
    ticket = event.ticket
    if ticket is None or ticket.assignee_id is None:
        return
    agent = ticket.assignee
    assert agent is not None
    if not agent.works_tickets or _is_restricted(ticket.customer_id):
        return
    counted = Exposure.objects.filter(ticket=ticket).values("message_id")
    signals = list(
        MessageSignal.objects.filter(ticket=ticket, created_at__gte=timezone.now() - PICKUP_WINDOW)
        .filter(AIMED_AT_STAFF)
        .exclude(message_id__in=counted)
        .select_related("message")
    )
    aimed = [(signal, kind) for signal in signals if (kind := exposure_of(signal)) is not None]
    if not aimed:
        return
    day = agent_day(agent)
    for signal, kind in aimed:
        try:
            with transaction.atomic():
                Exposure.objects.create(
                    agent=agent, ticket=ticket, message_id=signal.message_id, kind=kind, day=day
                )
        except IntegrityError:
            continue
    do_suggest_break_if_due(agent)


def do_suggest_break_if_due(agent: User) -> Break | None:
    """After a run of hostile conversations, suggest a break (once: until it is taken or dismissed)."""
    if Break.objects.filter(agent=agent, state__in=OPEN_BREAK_STATES).exists():
        return None
    run = hostile_run(agent)
    if len(run) < break_after():
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            suggestion = Break.objects.create(
                agent=agent,
                state=BreakState.SUGGESTED,
                reason=f"{len(run)} hostile conversations in a row",
                tickets=run,
                suggested_minutes=break_minutes(),
                suggested_at=now,
            )
    except IntegrityError:
        return None
    record_event(
        WellbeingEvent.BREAK_SUGGESTED,
        obj=suggestion,
        after={"agent": agent.pk, "tickets": run, "minutes": suggestion.suggested_minutes},
    )
    return suggestion


# --- Breaks -----------------------------------------------------------------------------------


def _own_break(brk: Break, actor: User) -> Break:
    locked = Break.objects.select_for_update().get(pk=brk.pk)
    if locked.agent_id != actor.pk:
        raise NotAllowed("Only the agent can answer their own break suggestion.", status=403)
    return locked


def _pause_new_work(agent: User, away: bool) -> None:
    # A short break pauses new work; the agent keeps their tickets for when they are back.
    do_set_availability(agent, actor=agent, away=away, hand_over=False)


@transaction.atomic
def do_take_break(brk: Break, *, actor: User) -> Break:
    brk = _own_break(brk, actor)
    if brk.state != BreakState.SUGGESTED:
        raise ValidationError({"state": "This break is not waiting for an answer."})
    now = timezone.now()
    brk.state, brk.responded_at, brk.started_at = BreakState.TAKEN, now, now
    brk.save(update_fields=["state", "responded_at", "started_at"])
    _pause_new_work(actor, True)
    record_event(WellbeingEvent.BREAK_TAKEN, actor=actor, obj=brk, after={"agent": actor.pk})
    return brk


@transaction.atomic
def do_start_break(*, actor: User, reason: str = "") -> Break:
    """A break the agent takes without waiting to be asked."""
    if not actor.works_tickets:
        raise NotAllowed("Only agents take breaks from the inbox.", status=403)
    open_break = Break.objects.select_for_update().filter(agent=actor, state__in=OPEN_BREAK_STATES).first()
    if open_break is not None and open_break.state == BreakState.TAKEN:
        return open_break
    if open_break is not None:
        return do_take_break(open_break, actor=actor)
    now = timezone.now()
    brk = Break.objects.create(
        agent=actor,
        state=BreakState.TAKEN,
        reason=(reason or "taken by the agent")[:300],
        suggested_minutes=break_minutes(),
        responded_at=now,
        started_at=now,
    )
    _pause_new_work(actor, True)
    record_event(WellbeingEvent.BREAK_TAKEN, actor=actor, obj=brk, after={"agent": actor.pk})
    return brk


@transaction.atomic
def do_dismiss_break(brk: Break, *, actor: User) -> Break:
    brk = _own_break(brk, actor)
    if brk.state != BreakState.SUGGESTED:
        raise ValidationError({"state": "This break is not waiting for an answer."})
    brk.state, brk.responded_at = BreakState.DISMISSED, timezone.now()
    brk.save(update_fields=["state", "responded_at"])
    record_event(WellbeingEvent.BREAK_DISMISSED, actor=actor, obj=brk, after={"agent": actor.pk})
    return brk


@transaction.atomic
def do_end_break(brk: Break, *, actor: User) -> Break:
    brk = _own_break(brk, actor)
    if brk.state != BreakState.TAKEN:
        raise ValidationError({"state": "You are not on this break."})
    brk.state, brk.ended_at = BreakState.ENDED, timezone.now()
    brk.save(update_fields=["state", "ended_at"])
    _pause_new_work(actor, False)
    record_event(
        WellbeingEvent.BREAK_ENDED, actor=actor, obj=brk, after={"agent": actor.pk, "minutes": brk.minutes}
    )
    return brk


# --- Handing over an abusive conversation -----------------------------------------------------


def profile_for(user: User) -> WellbeingProfile:
    profile, _ = WellbeingProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def do_set_volunteer(*, actor: User, volunteer: bool) -> WellbeingProfile:
    if not actor.works_tickets:
        raise NotAllowed("Only agents can take over conversations.", status=403)
    profile = profile_for(actor)
    if profile.volunteer != volunteer:
        before = profile.volunteer
        profile.volunteer = volunteer
        profile.save(update_fields=["volunteer", "updated_at"])
        record_event(WellbeingEvent.VOLUNTEER, actor=actor, obj=profile, before=before, after=volunteer)
    return profile


@transaction.atomic
def do_hand_over_conversation(ticket: Ticket, to: User | None, *, actor: User, note: str = "") -> Ticket:
    """One step: the conversation goes to a lead or a volunteer, with a note saying why."""
    if not actor.works_tickets:
        raise NotAllowed("Only agents can hand over a conversation.", status=403)
    if to is None:
        raise ValidationError({"to": "Choose the lead or volunteer who takes it."})
    if to.pk not in {u.pk for u in handover_candidates(actor)}:
        raise ValidationError({"to": f"{to.display_name} is not a lead or a volunteer for this."})
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationError({"note": "At most 1000 characters."})
    before = ticket.assignee_id
    do_assign_ticket(ticket, to, actor=actor)
    do_add_note(
        ticket,
        f"{actor.display_name} handed this abusive conversation to {to.display_name}."
        + (f"\n\n{note}" if note else ""),
        actor=actor,
    )
    record_event(
        WellbeingEvent.HANDED_OVER,
        actor=actor,
        ticket=ticket,
        before=before,
        after={"to": to.pk},
        note=f"to {to.display_name}",
    )
    return ticket


# --- The abusive-customer policy --------------------------------------------------------------


def _set_standing(
    customer: Customer, state: str, *, actor: User, reason: str, ticket: Ticket | None
) -> CustomerStanding:
    standing, _ = CustomerStanding.objects.select_for_update().get_or_create(customer=customer)
    before = standing.state
    now = timezone.now()
    standing.state, standing.reason, standing.changed_by = state, reason[:300], actor
    if state == Standing.WARNED and before == Standing.OK:
        standing.warned_at = now
    if state == Standing.RESTRICTED:
        standing.restricted_at = now
    if state == Standing.OK:
        standing.warned_at = standing.restricted_at = None
    standing.save()
    record_event(
        WellbeingEvent.CUSTOMER_STANDING,
        actor=actor,
        ticket=ticket,
        obj=standing,
        before=before,
        after={"state": state, "customer": customer.pk},
        note=f"{Standing(before).label.lower()} → {Standing(state).label.lower()}"
        + (f": {reason}" if reason else ""),
    )
    return standing


@transaction.atomic
def do_warn_customer(ticket: Ticket, body: str, *, actor: User) -> Message:
    """Step one: the warning goes to the customer as a public reply, and the customer is marked warned."""
    if not actor.works_tickets:
        raise NotAllowed("Only agents can warn a customer.", status=403)
    current = standing_of(ticket.customer).state
    if current == Standing.RESTRICTED:
        raise ValidationError({"state": "This customer is already restricted."})
    reply = do_reply(ticket, body, actor=actor)
    record_event(WellbeingEvent.CUSTOMER_WARNED, actor=actor, ticket=ticket, obj=reply, note="warning sent")
    if current != Standing.WARNED:
        _set_standing(ticket.customer, Standing.WARNED, actor=actor, reason="warning sent", ticket=ticket)
    return reply


_ORDER = {Standing.OK: 0, Standing.WARNED: 1, Standing.RESTRICTED: 2}


@transaction.atomic
def do_set_standing(
    customer: Customer, state: str, *, actor: User, reason: str = "", ticket: Ticket | None = None
) -> CustomerStanding:
    """Restrict after a warning (any agent), or step back (leads only: every step is reversible by a lead)."""
    if not actor.works_tickets:
        raise NotAllowed("Only agents can apply the abusive-customer policy.", status=403)
    if state not in Standing.values:
        raise ValidationError({"state": f"Unknown standing {state!r}."})
    reason = (reason or "").strip()
    current = standing_of(customer).state
    if state == current:
        return standing_of(customer)
    if _ORDER[Standing(state)] < _ORDER[Standing(current)]:
        if not actor.is_lead:
            raise NotAllowed("Only a lead can lift a warning or a restriction.", status=403)
        if not reason:
            raise ValidationError({"reason": "Say why the step is reversed."})
    elif state == Standing.RESTRICTED and current != Standing.WARNED and not actor.is_lead:
        raise ValidationError(
            {"state": "Warn the customer first; only a lead can restrict without a warning."}
        )
    elif state == Standing.WARNED:
        raise ValidationError({"state": "Send the warning to mark a customer warned."})
    return _set_standing(customer, state, actor=actor, reason=reason, ticket=ticket)


def _route_if_restricted(event: AuditEvent) -> None:
    ticket = event.ticket
    if ticket is None or not _is_restricted(ticket.customer_id):
        return
    message = _event_message(event)
    if message is None:
        message = ticket.messages.filter(kind=MessageKind.CUSTOMER).order_by("id").first()
    if message is None or message.kind != MessageKind.CUSTOMER:
        return
    _, created = RestrictedMessage.objects.get_or_create(
        message=message, defaults={"ticket": ticket, "customer_id": ticket.customer_id}
    )
    if not created:
        return
    record_event(
        WellbeingEvent.RESTRICTED_MESSAGE, ticket=ticket, obj=message, note="the customer is restricted"
    )

    leads = sorted({lead.email for lead in on_duty_leads(ticket) if lead.email})
    if leads:
        subject = f"Restricted customer wrote on #{ticket.pk}: {ticket.subject}"
        body = (
            f"{ticket.customer.display_name} is restricted under the abusive-customer policy, so their "
            f"message waits for a lead:\n{settings.SITE_URL}/wellbeing/lead-queue/\n"
        )

        do_queue_email(kind=OutboundKind.WELLBEING, ticket=ticket, to=leads, subject=subject, body=body)
    assignee = ticket.assignee
    if assignee is not None and not assignee.is_lead:
        token = audit_note.set("restricted customer: the leads' queue")
        try:
            do_assign_ticket(ticket, None, actor=None)
        finally:
            audit_note.reset(token)


@transaction.atomic
def do_take_restricted(item: RestrictedMessage, *, actor: User) -> RestrictedMessage:
    """A lead takes a restricted customer's message: the ticket is theirs, every waiting message with it."""
    if not actor.is_lead:
        raise NotAllowed("Only leads work the restricted customers' queue.", status=403)
    item = RestrictedMessage.objects.select_for_update().select_related("ticket").get(pk=item.pk)
    if item.taken_at is not None:
        return item
    now = timezone.now()
    RestrictedMessage.objects.filter(ticket=item.ticket, taken_at__isnull=True).update(
        taken_by=actor, taken_at=now
    )
    if item.ticket.assignee_id != actor.pk:
        do_assign_ticket(item.ticket, actor, actor=actor)
    record_event(WellbeingEvent.RESTRICTED_TAKEN, actor=actor, ticket=item.ticket, obj=item.message)
    item.refresh_from_db()
    return item


# --- Kind words -------------------------------------------------------------------------------


def _replier(ticket: Ticket, before: Any) -> User | None:
    """Whom the customer is thanking: the last agent who wrote to them, else the assignee."""
    reply = (
        Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY, created_at__lte=before)
        .exclude(author=None)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )
    if reply is not None and reply.author is not None and reply.author.works_tickets:
        return reply.author
    return ticket.assignee


def _kind_word_from_praise(event: AuditEvent) -> None:
    """Praise of the agent or the service reaches the agent; a greeting or a bare thanks does not."""
    ticket = event.ticket
    if ticket is None:
        return
    if event.kind == EventKind.CREATED:
        if ticket.assignee_id is None:
            return  # a new ticket has no reply yet: without an assignee nobody is being praised
        message = ticket.messages.filter(kind=MessageKind.CUSTOMER).order_by("id").first()
    else:
        message = _event_message(event)
    if message is None or message.kind != MessageKind.CUSTOMER:
        return
    if not find_praise(message.body_text):
        return
    agent = _replier(ticket, message.created_at)
    if agent is None:
        return
    KindWord.objects.get_or_create(
        message=message,
        defaults={
            "agent": agent,
            "ticket": ticket,
            "source": KindSource.THANKS,
            "text": message.body_text[:2000],
            "created_at": message.created_at,
        },
    )


def _kind_word_from_csat(event: AuditEvent) -> None:
    after = event.after if isinstance(event.after, dict) else {}
    survey_id, agent_id = event.object_id, after.get("agent")
    comment = str(after.get("comment") or "").strip()
    if survey_id is None or event.ticket is None:
        return
    if after.get("rating") != "good" or not comment or agent_id is None:
        KindWord.objects.filter(survey_id=survey_id).delete()  # re-rated: the compliment is withdrawn
        return
    KindWord.objects.update_or_create(
        survey_id=survey_id,
        defaults={
            "agent_id": agent_id,
            "ticket": event.ticket,
            "source": KindSource.CSAT,
            "text": comment[:2000],
        },
    )
