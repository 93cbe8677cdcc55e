"""Promises kept and mistakes made right. Every change atomic and audited on the ticket."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anchordesk.accounts.models import User
from anchordesk.collab.actions import do_open_escalation
from anchordesk.collab.choices import RequestedBy
from anchordesk.core.audit import record_event
from anchordesk.mail.models import OutboundKind
from anchordesk.mail.outbox import do_queue_email
from anchordesk.recovery.choices import (
    LIVE_PROMISE_STATES as _LIVE,
)
from anchordesk.recovery.choices import (
    STEP_ORDER,
    GestureKind,
    MistakeCategory,
    Outcome,
    PromiseState,
    RecoveryEvent,
    Severity,
    StepKind,
)
from anchordesk.recovery.models import Gesture, Mistake, Promise, RecoveryStep
from anchordesk.recovery.queries import promise_calendar, promise_keeper, surviving_ticket
from anchordesk.signals import find_commitments, review_reply
from anchordesk.tickets.models import Message, Ticket


def _clean_action(action: str) -> str:
    action = (action or "").strip()
    if not action:
        raise ValidationError({"action": "Say what was promised."})
    if len(action) > 300:
        raise ValidationError({"action": "At most 300 characters."})
    return action


@transaction.atomic
def do_add_promise(
    ticket: Ticket,
    *,
    actor: User,
    action: str,
    due_at: datetime | None,
    due_text: str = "",
    owner: User | None = None,
    message: Message | None = None,
    state: str = PromiseState.OPEN,
) -> Promise:
    # A promise made on a ticket merged away since (a reply from a tab opened before the merge)
    # is tracked where the conversation now is: no one works the closed source any more.
    ticket = surviving_ticket(ticket)
    if owner is not None and not owner.works_tickets:
        # Only someone who works tickets sees every ticket and can keep a promise on one.
        raise ValidationError({"owner": f"{owner.display_name} cannot keep promises on tickets."})
    promise = Promise.objects.create(
        ticket=ticket,
        message=message,
        owner=owner or actor,
        action=_clean_action(action),
        due_text=due_text[:120],
        due_at=due_at,
        state=state,
    )
    record_event(
        RecoveryEvent.PROMISE_ADDED,
        actor=actor,
        ticket=ticket,
        obj=promise,
        after={
            "action": promise.action,
            "due_at": due_at and due_at.isoformat(),
            "state": state,
            "owner": promise.owner_id,
        },
    )
    return promise


def do_propose_from_reply(message: Message, *, tz: str = "UTC") -> list[Promise]:
    """Find the promises in a sent reply and propose them to its author to confirm, edit or drop.

    Due moments are resolved from the reply's time in the agent's time zone (`tz`), on the
    team's business calendar; numeric dates ("4/12") are read in the order of LANGUAGE_CODE.
    """
    if message.author is None:
        return []
    found = find_commitments(
        message.body_text,
        sent_at=message.created_at,
        tz=tz,
        calendar=promise_calendar(message.ticket),
        locale=settings.LANGUAGE_CODE,
    )
    return [
        do_add_promise(
            message.ticket,
            actor=message.author,
            action=c.action,
            due_at=c.due,
            due_text=c.due_text or "",
            message=message,
            state=PromiseState.PROPOSED,
        )
        for c in found
    ]


@transaction.atomic
def do_update_promise(
    promise: Promise,
    *,
    actor: User,
    action: str | None = None,
    due_at: datetime | None = None,
    confirm: bool = False,
) -> Promise:
    if promise.state not in _LIVE:
        raise ValidationError({"state": "Only an open promise can be changed."})
    before = {
        "action": promise.action,
        "due_at": promise.due_at and promise.due_at.isoformat(),
        "state": promise.state,
    }
    if action is not None:
        promise.action = _clean_action(action)
    if due_at is not None and due_at != promise.due_at:
        promise.due_at = due_at
        promise.reminded_at = None  # a new date earns a new reminder
    if confirm:
        promise.state = PromiseState.OPEN
    promise.save()
    record_event(
        RecoveryEvent.PROMISE_UPDATED,
        actor=actor,
        ticket=promise.ticket,
        obj=promise,
        before=before,
        after={
            "action": promise.action,
            "due_at": promise.due_at and promise.due_at.isoformat(),
            "state": promise.state,
        },
    )
    return promise


@transaction.atomic
def do_drop_promise(promise: Promise, *, actor: User, reason: str = "") -> Promise:
    if promise.state not in _LIVE:
        raise ValidationError({"state": "Only an open promise can be dropped."})
    promise.state = PromiseState.DROPPED
    promise.save(update_fields=["state"])
    record_event(RecoveryEvent.PROMISE_DROPPED, actor=actor, ticket=promise.ticket, obj=promise, note=reason)
    return promise


@transaction.atomic
def do_complete_promise(promise: Promise, *, actor: User) -> str:
    """Mark a promise kept and return a suggested line telling the customer so."""
    if promise.state not in (*_LIVE, PromiseState.MISSED):
        raise ValidationError({"state": "This promise is already closed."})
    late = promise.state == PromiseState.MISSED or (
        promise.due_at is not None and timezone.now() > promise.due_at
    )
    promise.state = PromiseState.DONE
    promise.done_at = timezone.now()
    promise.save(update_fields=["state", "done_at"])
    record_event(
        RecoveryEvent.PROMISE_KEPT, actor=actor, ticket=promise.ticket, obj=promise, after={"late": late}
    )
    for step in RecoveryStep.objects.filter(promise=promise, done_at__isnull=True):
        _finish_step(step, actor=actor, note=f"Promise kept: {promise.action}")
    # The action is kept as the verb phrase of the promise ("refund the second charge"), so it
    # reads naturally after "I said I'd".
    action = promise.action.strip().rstrip(".")
    if len(action) > 1 and action[0].isupper() and not action[1].isupper():
        action = action[0].lower() + action[1:]
    check = "Please reply to this email if anything still looks wrong."
    if late:
        return (
            f"I said I'd {action}, and that's now done, later than I told you. "
            f"I'm sorry for the wait, and I understand it was frustrating. {check}"
        )
    return f"I said I'd {action}, and that's now done. {check}"


# Promises still to keep: a missed one is late, not let off.
_TO_KEEP = (*_LIVE, PromiseState.MISSED)


def do_move_promises(source: Ticket, target: Ticket, *, actor: User) -> int:
    """A merge moves the source ticket's promises with its conversation: whatever their state,
    they are on the surviving ticket, reminded and escalated there. Called inside the merge's
    transaction; each move is audited on both tickets."""
    moved = list(Promise.objects.filter(ticket=source).order_by("pk"))
    for promise in moved:
        _move(promise, target, actor=actor, why="merged")
    return len(moved)


def do_move_promises_with_messages(
    source: Ticket, target: Ticket, message_ids: list[int], *, actor: User
) -> int:
    """A split moves the promises made in the replies that go to the new ticket; promises added
    by hand stay where they were made. Called inside the split's transaction."""
    moved = list(Promise.objects.filter(ticket=source, message_id__in=message_ids).order_by("pk"))
    for promise in moved:
        _move(promise, target, actor=actor, why="split")
    return len(moved)


def _move(promise: Promise, target: Ticket, *, actor: User, why: str) -> None:
    source_id = promise.ticket_id
    promise.ticket = target
    promise.save(update_fields=["ticket"])
    record_event(
        RecoveryEvent.PROMISE_MOVED,
        actor=actor,
        ticket=target,
        obj=promise,
        before={"ticket": source_id},
        after={"ticket": target.pk},
        note=why,
    )


def do_hand_over_promises(leaving: User, *, actor: User) -> list[Promise]:
    """Offboarding: every promise the leaving agent still has to keep (proposed, open or missed)
    goes to someone who can keep it (promise_keeper), audited as `promise.handed_over`.
    Called inside the deactivation's transaction, after their tickets were unassigned."""
    if not actor.works_tickets:
        raise ValidationError({"actor": "Only an active agent, lead or admin can take over promises."})
    handed = []
    for promise in (
        Promise.objects.filter(owner=leaving, state__in=_TO_KEEP)
        .select_related("ticket", "ticket__assignee")
        .order_by("pk")
    ):
        keeper = promise_keeper(promise, leaving=leaving, actor=actor)
        promise.owner = keeper
        promise.save(update_fields=["owner"])
        record_event(
            RecoveryEvent.PROMISE_HANDED_OVER,
            actor=actor,
            ticket=promise.ticket,
            obj=promise,
            before={"owner": leaving.pk},
            after={"owner": keeper.pk},
            note=f"{leaving.display_name} was deactivated",
        )
        handed.append(promise)
    return handed


def do_scan_promises(now: datetime | None = None) -> dict[str, int]:
    """Remind owners before a promise is due and escalate the ones missed. Each happens once.

    Promises found in a reply and not yet confirmed count too: an agent who never looked at
    the confirmation still made the promise to the customer.
    """
    now = now or timezone.now()
    remind_before = timedelta(minutes=settings.PROMISE_REMIND_BEFORE)
    reminded = missed = 0
    due_soon = Promise.objects.filter(
        state__in=_LIVE,
        reminded_at__isnull=True,
        due_at__isnull=False,
        due_at__lte=now + remind_before,
        due_at__gt=now,
    )
    for promise in due_soon.select_related("owner", "ticket"):
        reminded += _remind(promise, now)
    overdue = Promise.objects.filter(state__in=_LIVE, due_at__isnull=False, due_at__lte=now)
    for promise in overdue.select_related("owner", "ticket"):
        missed += _miss(promise, now)
    return {"reminded": reminded, "missed": missed}


def do_fire_promise(promise_id: int, now: datetime | None = None) -> str:
    """The reminder or the missed-promise escalation of one promise whose moment has come:
    "reminded", "missed", or "" when there was nothing (yet) to do (kept, dropped, moved to
    a later date, or already done by a scan: the claim makes each happen once)."""
    now = now or timezone.now()
    promise = (
        Promise.objects.select_related("owner", "ticket")
        .filter(pk=promise_id, state__in=_LIVE, due_at__isnull=False)
        .first()
    )
    if promise is None or promise.due_at is None:
        return ""
    if promise.due_at <= now:
        return "missed" if _miss(promise, now) else ""
    remind_before = timedelta(minutes=settings.PROMISE_REMIND_BEFORE)
    if promise.reminded_at is None and promise.due_at <= now + remind_before:
        return "reminded" if _remind(promise, now) else ""
    return ""


def _remind(promise: Promise, now: datetime) -> bool:
    with transaction.atomic():
        # Claim first: a scan or a second worker running at the same moment updates nothing.
        claimed = Promise.objects.filter(pk=promise.pk, state__in=_LIVE, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            return False
        record_event(RecoveryEvent.PROMISE_REMINDER, ticket=promise.ticket, obj=promise)
        _notify(
            promise.owner.email,
            f"Promise due soon on #{promise.ticket_id}",
            f"You promised: {promise.action}\nDue: {promise.due_at:%Y-%m-%d %H:%M %Z}\n"
            f"{settings.SITE_URL}/tickets/{promise.ticket_id}/",
            kind=OutboundKind.PROMISE_REMINDER,
            ticket_id=promise.ticket_id,
        )
    return True


def _miss(promise: Promise, now: datetime) -> bool:
    with transaction.atomic():
        if not Promise.objects.filter(pk=promise.pk, state__in=_LIVE).update(
            state=PromiseState.MISSED, missed_at=now
        ):
            return False
        record_event(
            RecoveryEvent.PROMISE_MISSED,
            ticket=promise.ticket,
            obj=promise,
            after={
                "owner": promise.owner_id,
                "due_at": promise.due_at and promise.due_at.isoformat(),
            },
        )
        # The lead hears of it as an escalation on the ticket: in their queue, with its own
        # deadline, and by email; the owner is told directly.
        do_open_escalation(
            promise.ticket,
            requested_by=RequestedBy.MISSED_PROMISE,
            reason=f"Missed promise: {promise.action}"[:300],
        )
        _notify_many(
            [promise.owner.email],
            f"Missed promise on #{promise.ticket_id}",
            f"{promise.owner.display_name} promised: {promise.action}\n"
            f"It was due {promise.due_at:%Y-%m-%d %H:%M %Z} and is not done.\n"
            f"{settings.SITE_URL}/tickets/{promise.ticket_id}/",
            kind=OutboundKind.PROMISE_MISSED,
            ticket_id=promise.ticket_id,
        )
    return True


def _notify(address: str, subject: str, body: str, *, kind: str, ticket_id: int) -> None:
    _notify_many([address], subject, body, kind=kind, ticket_id=ticket_id)


def _notify_many(addresses: list[str], subject: str, body: str, *, kind: str, ticket_id: int) -> None:
    do_queue_email(kind=kind, ticket=ticket_id, to=addresses, subject=subject, body=body)


def _required(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"{label} is required."})
    return value


@transaction.atomic
def do_log_mistake(
    ticket: Ticket,
    *,
    actor: User,
    category: str,
    what_happened: str,
    impact: str,
    why_it_made_sense: str,
    severity: str = Severity.MODERATE,
) -> Mistake:
    """Record a mistake and open its recovery plan: admit, apologize, fix, make good, follow up."""
    if category not in MistakeCategory.values:
        raise ValidationError({"category": "Choose a category."})
    if severity not in Severity.values:
        raise ValidationError({"severity": "Choose minor, moderate or major."})
    mistake = Mistake.objects.create(
        ticket=ticket,
        logged_by=actor,
        category=category,
        severity=severity,
        what_happened=_required(what_happened, "what_happened", "What happened"),
        impact=_required(impact, "impact", "The impact on the customer"),
        why_it_made_sense=_required(why_it_made_sense, "why_it_made_sense", "Why it made sense at the time"),
    )
    RecoveryStep.objects.bulk_create(
        [RecoveryStep(mistake=mistake, kind=kind, position=i) for i, kind in enumerate(STEP_ORDER)]
    )
    record_event(
        RecoveryEvent.MISTAKE_LOGGED,
        actor=actor,
        ticket=ticket,
        obj=mistake,
        after={"category": category, "severity": severity},
    )
    return mistake


def _finish_step(
    step: RecoveryStep, *, actor: User | None, note: str = "", message: Message | None = None
) -> None:
    step.done_at = timezone.now()
    step.done_by = actor
    step.note = note or step.note
    if message is not None:
        step.message = message
    step.save()
    mistake = step.mistake
    record_event(
        RecoveryEvent.STEP_DONE, actor=actor, ticket=mistake.ticket, obj=mistake, after={"step": step.kind}
    )
    if not mistake.steps.filter(done_at__isnull=True).exists():
        mistake.recovered_at = timezone.now()
        mistake.save(update_fields=["recovered_at"])
        record_event(RecoveryEvent.MISTAKE_RECOVERED, actor=actor, ticket=mistake.ticket, obj=mistake)


@transaction.atomic
def do_complete_step(
    step: RecoveryStep, *, actor: User, note: str = "", message: Message | None = None
) -> RecoveryStep:
    if step.done_at is not None:
        raise ValidationError({"step": "This step is already done."})
    if message is not None and message.ticket_id != step.mistake.ticket_id:
        raise ValidationError({"message": "That reply belongs to another ticket."})
    _finish_step(step, actor=actor, note=note, message=message)
    return step


@transaction.atomic
def do_link_fix(mistake: Mistake, promise: Promise, *, actor: User) -> RecoveryStep:
    """The fix is a promise: the step is done when the promise is kept."""
    step = mistake.steps.get(kind=StepKind.FIX)
    step.promise = promise
    step.save(update_fields=["promise"])
    if promise.state == PromiseState.DONE and step.done_at is None:
        _finish_step(step, actor=actor, note=f"Promise kept: {promise.action}")
    return step


@transaction.atomic
def do_record_gesture(
    mistake: Mistake,
    *,
    actor: User,
    kind: str,
    amount: str | Decimal | None = None,
    description: str = "",
) -> Gesture:
    if kind not in GestureKind.values:
        raise ValidationError({"kind": "Choose credit, refund, upgrade, replacement or other."})
    value: Decimal | None = None
    if amount not in (None, ""):
        try:
            value = Decimal(str(amount))
        except InvalidOperation:
            raise ValidationError({"amount": "Enter an amount such as 25.00."}) from None
        if not value.is_finite() or value < 0 or value > Decimal("1000000"):
            raise ValidationError({"amount": "Enter an amount between 0 and 1,000,000."})
    gesture = Gesture.objects.create(
        mistake=mistake, kind=kind, amount=value, description=description[:300], created_by=actor
    )
    record_event(
        RecoveryEvent.GESTURE,
        actor=actor,
        ticket=mistake.ticket,
        obj=mistake,
        after={"kind": kind, "amount": str(value) if value is not None else None},
    )
    step = mistake.steps.get(kind=StepKind.MAKE_GOOD)
    if step.done_at is None:
        _finish_step(step, actor=actor, note=f"{gesture.get_kind_display()} {value or ''}".strip())
    return gesture


@transaction.atomic
def do_schedule_follow_up(mistake: Mistake, *, actor: User, due_at: datetime) -> Promise:
    """One follow-up per mistake: scheduling again (a second click, or a new date) moves the
    open follow-up promise instead of making a second one."""
    step = mistake.steps.select_for_update().get(kind=StepKind.FOLLOW_UP)
    current = step.promise
    if current is not None and current.state in _LIVE:
        if current.due_at != due_at:
            do_update_promise(current, actor=actor, due_at=due_at)
            step.due_at = due_at
            step.save(update_fields=["due_at"])
        return current
    promise = do_add_promise(
        mistake.ticket, actor=actor, action="Check in with the customer after the fix", due_at=due_at
    )
    step.promise, step.due_at = promise, due_at
    step.save(update_fields=["promise", "due_at"])
    return promise


@transaction.atomic
def do_review_mistake(mistake: Mistake, *, actor: User, contributing_factors: str, learning: str) -> Mistake:
    if not actor.is_lead:
        raise ValidationError({"reviewer": "Reviews are done by a lead."})
    mistake.contributing_factors = (contributing_factors or "").strip()
    mistake.learning = (learning or "").strip()
    mistake.reviewed_by, mistake.reviewed_at = actor, timezone.now()
    mistake.save()
    record_event(RecoveryEvent.MISTAKE_REVIEWED, actor=actor, ticket=mistake.ticket, obj=mistake)
    return mistake


@transaction.atomic
def do_record_outcome(mistake: Mistake, outcome: str, *, actor: User | None = None) -> Mistake:
    if outcome not in (Outcome.STAYED, Outcome.LEFT):
        raise ValidationError({"outcome": "Choose stayed or left."})
    mistake.outcome = outcome
    mistake.save(update_fields=["outcome"])
    record_event(
        RecoveryEvent.MISTAKE_OUTCOME,
        actor=actor,
        ticket=mistake.ticket,
        obj=mistake,
        after={"outcome": outcome},
    )
    return mistake


def do_suggest_apology_step(message: Message) -> list[RecoveryStep]:
    """A sent reply with a sincere apology, no excuse and ownership is offered as the apology
    step of the ticket's open recovery plans; the agent confirms it (nothing is marked done here).
    The reply is read first (no statement): most replies are not such an apology."""
    review = review_reply(message.body_text)
    if review.apology != "sincere" or review.excuse or not review.ownership:
        return []
    steps = list(
        RecoveryStep.objects.filter(
            mistake__ticket_id=message.ticket_id,
            kind=StepKind.APOLOGIZE,
            done_at__isnull=True,
            message__isnull=True,
        )
    )
    if not steps:
        return []
    RecoveryStep.objects.filter(pk__in=[s.pk for s in steps]).update(message=message)
    for step in steps:
        step.message = message
    return steps


def do_record_outcomes_from(event_kind: str, ticket: Ticket, *, rating: str = "") -> int:
    """Did the customer stay after a mistake? A later ticket from them, or a good CSAT rating
    on the ticket after the mistake, says yes. "Left" is only ever recorded by a person."""
    mistakes = Mistake.objects.filter(outcome=Outcome.UNKNOWN, ticket__customer_id=ticket.customer_id)
    if event_kind == "ticket.created":
        mistakes = mistakes.exclude(ticket=ticket).filter(created_at__lt=ticket.created_at)
    elif event_kind == "csat.rated" and rating == "good":
        mistakes = mistakes.filter(ticket=ticket)
    else:
        return 0
    count = 0
    for mistake in mistakes.select_related("ticket"):
        do_record_outcome(mistake, Outcome.STAYED)
        count += 1
    return count
