"""Customer temperature: each customer message is scored as it arrives; the ticket carries
a temperature in which recent messages weigh more. Events "ticket.temperature", "customer.abuse",
"customer.hostile", "customer.thanks" and "customer.manager_requested" are recorded (and so
published for triggers, escalations and wellbeing).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, JSONField, Max, OuterRef, Q, Subquery
from django.utils import timezone

from anchordesk.core.audit import record_event
from anchordesk.core.models import AuditEvent
from anchordesk.recovery.choices import RecoveryEvent
from anchordesk.recovery.models import MessageSignal
from anchordesk.signals import (
    HOT_AT,
    WARM_AT,
    MessageAnalysis,
    Temperature,
    analyze_message,
    level_of,
    temperature,
)
from anchordesk.signals import message_heat as signals_message_heat
from anchordesk.tickets.choices import MessageKind
from anchordesk.tickets.models import Message, Ticket

_RECENT = 10
# The thresholds are signals.temperature's: one formula and one set of levels in the product.
HOT = HOT_AT
WARM = WARM_AT


def level(temperature: int) -> str:
    return level_of(temperature)


def analysis_of(signal: MessageSignal) -> MessageAnalysis:
    """A stored message signal as the language layer's analysis, to be scored by its formula."""
    return MessageAnalysis(
        frustration=signal.frustration,
        frustration_score=signal.frustration_score,
        profanity=signal.profanity,
        abusive=signal.abusive,
        manager_request=signal.manager_request,
        thanks=signal.thanks,
    )


def message_heat(signal: MessageSignal) -> float:
    """0-100 for one stored message (signals.message_heat)."""
    return signals_message_heat(analysis_of(signal))


def temperature_of(
    signals: list[MessageSignal], now: Any = None, *, repeats: int = 0, waiting_hours: float = 0.0
) -> Temperature:
    """signals.temperature over stored messages, each with its age in hours at ``now``, and the
    ticket's history (earlier messages unanswered, hours waited)."""
    now = now or timezone.now()
    aged = [
        (analysis_of(s), max(0.0, (now - s.created_at).total_seconds() / 3600))
        for s in sorted(signals, key=lambda s: (s.created_at, s.pk or 0))
    ]
    return temperature(aged, repeat_contacts=repeats, waiting_hours=waiting_hours)


def ticket_temperature(signals: list[MessageSignal], now: Any = None) -> int:
    """The words alone (no history), 0-100: what insights compares before and after a reply."""
    return temperature_of(signals, now).score


def _evidence(result: Any) -> list[dict[str, Any]]:
    spans = []
    for span in getattr(result, "evidence", []) or []:
        spans.append(asdict(span) if is_dataclass(span) and not isinstance(span, type) else dict(span))
    return spans[:20]


def do_score_message(message: Message) -> MessageSignal:
    """Score a newly arrived customer message (once: the events that call this fire once per message)."""
    result = analyze_message(message.body_text)
    return MessageSignal.objects.create(
        message=message,
        ticket_id=message.ticket_id,
        frustration=int(result.frustration),
        frustration_score=float(result.frustration_score),
        profanity=bool(result.profanity),
        abusive=bool(result.abusive),
        manager_request=int(result.manager_request),
        thanks=bool(getattr(result, "thanks", False)),
        evidence=_evidence(result),
    )


_deferred: ContextVar[bool] = ContextVar("temperature_deferred", default=False)


@contextmanager
def scoring_deferred() -> Iterator[None]:
    """Inside, customer messages are not scored as their events fire.

    Bulk ingest uses it: the language analysis is the slowest step of routing an email, and a
    burst of mail should not hold the database while it runs. The ingest hands the new messages
    to `do_score_messages` after its transaction commits (the worker's queue in production).
    """
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def do_score_messages(message_ids: list[int]) -> int:
    """Score customer messages whose scoring was deferred; returns how many were scored.

    Idempotent: a message that has its signal already is skipped, so a retried task does not
    count a message twice.
    """
    scored = 0
    for message_id in message_ids:
        with transaction.atomic():
            # One statement finds the message, checks it has no signal yet, and reads and locks
            # its ticket (the lock is on the ticket's row alone).
            message = (
                Message.objects.filter(pk=message_id, kind=MessageKind.CUSTOMER)
                .exclude(Exists(MessageSignal.objects.filter(message_id=OuterRef("pk"))))
                .select_related("ticket")
                .select_for_update(of=("ticket",))
                .first()
            )
            if message is None:
                continue
            # The only message of its ticket (a new ticket's first): nothing older to read and weigh.
            do_update_temperature(message.ticket, message, first=message.ticket.message_count == 1)
            scored += 1
    return scored


def on_ticket_event(event: AuditEvent) -> None:
    if event.kind not in ("ticket.created", "ticket.customer_message") or event.ticket is None:
        return
    if _deferred.get():
        return
    if event.kind == "ticket.customer_message" and event.object_id is not None:
        message = Message.objects.filter(pk=event.object_id, kind=MessageKind.CUSTOMER).first()
    else:
        message = event.ticket.messages.filter(kind=MessageKind.CUSTOMER).order_by("id").first()
    if message is None:
        return
    do_update_temperature(event.ticket, message, first=event.kind == "ticket.created")


_HISTORY_ROWS = 50


def unanswered_history(message: Message) -> tuple[int, float]:
    """From the ticket's history, not the words: how many times the customer wrote before this
    message since our last public reply, and how many hours the first of those has waited."""
    rows = list(
        Message.objects.filter(
            ticket_id=message.ticket_id,
            pk__lt=message.pk,
            kind__in=[MessageKind.CUSTOMER, MessageKind.REPLY],
        )
        .order_by("-pk")
        .values_list("kind", "created_at")[:_HISTORY_ROWS]
    )
    waiting_since = None
    repeats = 0
    for kind, created_at in rows:
        if kind == MessageKind.REPLY:
            break
        repeats += 1
        waiting_since = created_at
    hours = (message.created_at - waiting_since).total_seconds() / 3600 if waiting_since else 0.0
    return repeats, max(0.0, hours)


def do_update_temperature(ticket: Ticket, message: Message, *, first: bool = False) -> int:
    signal = do_score_message(message)
    repeats, waiting = 0, 0.0
    if first:
        recent = [signal]  # a new ticket's first message: nothing older to weigh
    else:
        recent = list(MessageSignal.objects.filter(ticket=ticket).order_by("-created_at", "-id")[:_RECENT])
        repeats, waiting = unanswered_history(message)
    result = temperature_of(recent, signal.created_at, repeats=repeats, waiting_hours=waiting)
    why = ", ".join(r for r in result.reasons if r.startswith(("wrote ", "waiting ")))
    before = ticket.temperature
    after = result.score
    Ticket.objects.filter(pk=ticket.pk).update(temperature=after)
    ticket.temperature = after
    evidence = [e.get("text") for e in signal.evidence if e.get("text")][:5]
    if signal.abusive:
        record_event(RecoveryEvent.CUSTOMER_ABUSE, ticket=ticket, obj=message, after={"evidence": evidence})
    elif signal.frustration >= 2:
        # Angry without abuse: on the timeline for triggers; wellbeing counts it only when it swears
        # at the person (anchordesk/wellbeing/exposure.py), not when it is angry with a product.
        record_event(RecoveryEvent.CUSTOMER_HOSTILE, ticket=ticket, obj=message, after={"evidence": evidence})
    if signal.thanks:
        # Thanks, for the timeline and triggers; kind words for the agent come from praise
        # (signals/praise.py), which wellbeing looks for in every customer message.
        record_event(RecoveryEvent.CUSTOMER_THANKS, ticket=ticket, obj=message, after={"evidence": evidence})
    if signal.manager_request == 1:
        record_event(
            RecoveryEvent.CUSTOMER_MANAGER_REQUESTED, ticket=ticket, obj=message, after={"evidence": evidence}
        )
    if level(after) != level(before) and after > before:
        note = f"now {level(after)}" + (f": {why}" if why else "")
        record_event(RecoveryEvent.TICKET_TEMPERATURE, ticket=ticket, before=before, after=after, note=note)
    return after


def deescalation_hint(ticket: Ticket) -> str:
    """A line for the agent on a hot ticket: what the customer needs to hear first."""
    latest = MessageSignal.objects.filter(ticket=ticket).order_by("-created_at").first()
    return _hint(ticket, latest)


def hint_and_title(ticket: Ticket) -> tuple[str, str]:
    """The ticket page's de-escalation hint and badge title, in one statement: the latest signal
    carries the evidence of the latest heated one (what `temperature_badges` shows in a list)."""
    if level(ticket.temperature) == "calm":
        return "", ""
    heated = MessageSignal.objects.filter(_HEATED, ticket_id=ticket.pk).order_by("-id").values("evidence")[:1]
    latest = (
        MessageSignal.objects.filter(ticket=ticket)
        .annotate(heated_evidence=Subquery(heated, output_field=JSONField()))
        .order_by("-created_at")
        .first()
    )
    evidence = (latest.heated_evidence if latest is not None else None) or []
    return _hint(ticket, latest), _badge(ticket.temperature, evidence).title


def _hint(ticket: Ticket, latest: MessageSignal | None) -> str:
    if latest is None or level(ticket.temperature) == "calm":
        return ""
    if latest.abusive:
        return (
            "The customer is abusive. You don't have to take it: answer the problem once, calmly, "
            "and hand the conversation to a lead if it goes on."
        )
    if latest.manager_request:
        return (
            "They asked for a manager. Say plainly who will handle it and when, and what you can do "
            "right now; don't argue about escalating."
        )
    if not latest.frustration and not latest.profanity:
        return (
            "They have been chasing an answer. Apologize for the wait, answer what they asked, and say "
            "when they will hear from you next."
        )
    return (
        "They are upset. Start by naming what went wrong in their words, apologize for it without "
        "'if' or 'but', then say exactly what you will do and by when."
    )


@dataclass(frozen=True)
class TemperatureBadge:
    level: str  # "warm" or "hot"
    label: str
    title: str  # the evidence, for a hover title


_HEATED = Q(frustration__gt=0) | Q(profanity=True) | Q(abusive=True) | Q(manager_request__gt=0)
_QUOTES_SHOWN = 5


def _badge(temperature: int, evidence: list[dict[str, Any]]) -> TemperatureBadge:
    quotes: list[str] = []
    for item in evidence:
        text = " ".join(str(item.get("text") or "").split())
        if not text or item.get("label") == "thanks":
            continue
        text = text if len(text) <= 40 else text[:39] + "…"
        if text.lower() not in (q.lower() for q in quotes):
            quotes.append(text)
        if len(quotes) == _QUOTES_SHOWN:
            break
    name = level(temperature)
    title = f"Customer temperature {temperature}/100"
    if quotes:
        title += ": " + ", ".join(f"“{q}”" for q in quotes)
    return TemperatureBadge(level=name, label=name.capitalize(), title=title)


def temperature_badges(tickets: list[Ticket]) -> dict[int, TemperatureBadge]:
    """Warm and hot tickets' indicators with the words that made them so, in one query for a list.

    The level comes from the denormalized Ticket.temperature; the evidence from each ticket's
    latest heated message (a subquery picks it), so a page of fifty rows costs one query.
    """
    warm = [t.pk for t in tickets if level(t.temperature) != "calm"]
    if not warm:
        return {}
    latest = (
        MessageSignal.objects.filter(_HEATED, ticket_id__in=warm)
        .values("ticket_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    evidence = dict(MessageSignal.objects.filter(id__in=latest).values_list("ticket_id", "evidence"))
    return {
        pk: _badge(t, evidence.get(pk) or [])
        for pk, t in ((t.pk, t.temperature) for t in tickets)
        if pk in warm
    }


def annotate_temperature(tickets: list[Ticket]) -> list[Ticket]:
    """Set `temperature_badge` (a TemperatureBadge or None) on each ticket, for list templates."""
    badges = temperature_badges(tickets)
    for ticket in tickets:
        setattr(ticket, "temperature_badge", badges.get(ticket.pk))  # noqa: B010  (not a model field)
    return tickets
