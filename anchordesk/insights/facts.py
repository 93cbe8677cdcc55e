"""Reporting events written when the facts happen, from the audit events every action publishes.

`on_ticket_event` is subscribed in InsightsConfig.ready(). It runs inside the action's
transaction (so a fact commits or rolls back with its cause), in a savepoint: a fault in
reporting is logged and never stops an agent's reply. The backfill (insights.backfill)
writes the same facts with the same keys from older data, so both can run in any order.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from anchordesk import business_clock as clock
from anchordesk.automation.choices import AutomationEvent
from anchordesk.collab.choices import CollabEvent
from anchordesk.core.models import AuditEvent
from anchordesk.insights.choices import FactKind, PromiseOutcome
from anchordesk.insights.models import ReportingEvent
from anchordesk.insights.rollups import forget
from anchordesk.recovery.choices import RecoveryEvent
from anchordesk.recovery.models import MessageSignal, Mistake, Promise
from anchordesk.recovery.temperature import HOT, ticket_temperature
from anchordesk.signals import WARM_AT
from anchordesk.sla.choices import SlaEvent
from anchordesk.sla.models import BusinessCalendar, SlaTimer
from anchordesk.tickets.choices import ACTIVE_STATUSES, EventKind, MessageKind, Status
from anchordesk.tickets.models import Ticket

log = logging.getLogger(__name__)

CLOSED_STATUSES = (Status.SOLVED, Status.CLOSED)
# Temperature after a reply is counted for replies to customers at least warm (signals' threshold).
AFTER_REPLY_FROM = WARM_AT


@dataclass
class Fact:
    key: str
    kind: str
    ticket_id: int
    occurred_at: datetime
    team_id: int | None = None
    agent_id: int | None = None
    channel: str = ""
    detail: str = ""
    value: float | None = None
    business_value: float | None = None
    flag: bool | None = None

    def row(self) -> ReportingEvent:
        return ReportingEvent(
            key=self.key[:80],
            kind=self.kind,
            occurred_at=self.occurred_at,
            day=self.occurred_at.astimezone(UTC).date(),
            ticket_id=self.ticket_id,
            team_id=self.team_id,
            agent_id=self.agent_id,
            channel=self.channel,
            detail=self.detail[:40],
            value=self.value,
            business_value=self.business_value,
            flag=self.flag,
        )


_UPDATABLE = [
    "kind",
    "occurred_at",
    "day",
    "team",
    "agent",
    "channel",
    "detail",
    "value",
    "business_value",
    "flag",
]


def write(facts: list[Fact], *, replace: bool = False) -> None:
    """Insert facts; an existing key is kept, or overwritten with replace=True (an outcome that changed)."""
    if not facts:
        return
    rows = [f.row() for f in facts]

    forget({r.day for r in rows})
    if replace:
        ReportingEvent.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["key"], update_fields=_UPDATABLE
        )
    else:
        ReportingEvent.objects.bulk_create(rows, ignore_conflicts=True)


def minutes(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 60)


def business_minutes(start: datetime, end: datetime, calendar: clock.BusinessCalendar | None) -> float | None:
    """Business minutes on the ticket's calendar; None when no calendar with hours is configured."""
    if calendar is None or not calendar.has_hours:
        return None
    return float(clock.business_minutes_between(start, end, calendar))


def calendar_for_team(team_id: int | None) -> clock.BusinessCalendar | None:
    """The team's business calendar, else the default one: the same choice as the SLA clock's."""
    found = None
    if team_id is not None:
        found = BusinessCalendar.objects.filter(teams=team_id).order_by("pk").first()
    if found is None:
        found = BusinessCalendar.objects.filter(is_default=True).first()
    return found.to_clock() if found is not None else None


def _base(ticket: Ticket, key: str, kind: str, at: datetime, **extra: Any) -> Fact:
    extra.setdefault("agent_id", ticket.assignee_id)
    return Fact(
        key=key,
        kind=kind,
        ticket_id=ticket.pk,
        occurred_at=at,
        team_id=ticket.team_id,
        channel=ticket.channel,
        **extra,
    )


# --- from each audit event ------------------------------------------------------------


def _created(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    write([_base(ticket, f"created:{ticket.pk}", FactKind.CREATED, ticket.created_at or at)])


def _replied(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    ticket_id = event.ticket_id or 0  # never 0: on_ticket_event skips events without a ticket
    if not ReportingEvent.objects.filter(key=f"first_response:{ticket_id}").exists():
        first = ticket.first_response_at or at
        write(
            [
                _base(
                    ticket,
                    f"first_response:{ticket.pk}",
                    FactKind.FIRST_RESPONSE,
                    first,
                    agent_id=event.actor_id,
                    value=minutes(ticket.created_at, first),
                    business_value=business_minutes(
                        ticket.created_at, first, calendar_for_team(ticket.team_id)
                    ),
                )
            ]
        )
    _sla_met(ticket, event, at)


def _sla_met(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    """A fact for each timer the event met in time: the ones sla's subscriber handed over on the
    event, or (a replayed event, sla's subscriber not run) read."""
    held = event.held_met_timers
    timers: Any = (
        [t for t in held if t.state == "met" and t.met_at == at]
        if held is not None
        else SlaTimer.objects.filter(ticket_id=event.ticket_id or 0, state="met", met_at=at)
    )
    write(
        [
            _base(ticket, f"sla:{timer.pk}", FactKind.SLA, timer.met_at, detail=timer.kind, flag=True)
            for timer in timers
        ]
    )


def _sla_breached(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    after = event.after if isinstance(event.after, dict) else {}
    breached_at = at
    # A breach found late (met after its due time) is dated at the due time, like the timer.
    if after.get("due_at"):
        with contextlib.suppress(ValueError):
            breached_at = datetime.fromisoformat(after["due_at"])
    write(
        [
            _base(
                ticket,
                f"sla:{event.object_id}",
                FactKind.SLA,
                breached_at,
                detail=str(after.get("kind", "")),
                flag=False,
            )
        ],
        replace=True,
    )


def _status(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    before, after = str(event.before), str(event.after)
    if before in ACTIVE_STATUSES and after in CLOSED_STATUSES:
        write([resolution_fact(ticket, f"resolved:{ticket.pk}:{event.pk}", at)])
        _sla_met(ticket, event, at)
    elif before in CLOSED_STATUSES and after in ACTIVE_STATUSES:
        write([_base(ticket, f"reopened:{ticket.pk}:{event.pk}", FactKind.REOPENED, at)])


def resolution_fact(ticket: Ticket, key: str, at: datetime, *, replies: int | None = None) -> Fact:
    """Resolved, with the time it took and whether one public reply did it (first-contact resolution)."""
    if replies is None:
        replies = ticket.messages.filter(kind=MessageKind.REPLY).count()
    reopened = ReportingEvent.objects.filter(ticket=ticket, kind=FactKind.REOPENED).exists()
    return _base(
        ticket,
        key,
        FactKind.RESOLVED,
        at,
        value=minutes(ticket.created_at, at),
        business_value=business_minutes(ticket.created_at, at, calendar_for_team(ticket.team_id)),
        flag=replies <= 1 and not reopened,
    )


def _csat(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    after = event.after if isinstance(event.after, dict) else {}
    good = after.get("rating") == "good"
    agent = after.get("agent")
    write(
        [
            _base(
                ticket,
                f"csat:{event.object_id}",
                FactKind.CSAT,
                at,
                agent_id=agent if isinstance(agent, int) else ticket.assignee_id,
                detail="comment" if after.get("comment") else "",
                flag=good,
            )
        ],
        replace=True,
    )


def _promise(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    after = event.after if isinstance(event.after, dict) else {}
    made = event.kind in (RecoveryEvent.PROMISE_ADDED, RecoveryEvent.PROMISE_UPDATED)
    if made and after.get("state") != "open":
        return  # a proposed promise (found in a reply) is no fact until its author confirms it
    promise = Promise.objects.filter(pk=event.object_id or 0).first()
    if promise is None:
        return
    owner = promise.owner_id
    if made:
        write([_base(ticket, f"promise_made:{promise.pk}", FactKind.PROMISE_MADE, at, agent_id=owner)])
    elif event.kind == RecoveryEvent.PROMISE_KEPT:
        outcome = PromiseOutcome.LATE if after.get("late") else PromiseOutcome.ON_TIME
        write([promise_made_fact(ticket, promise)])
        write(
            [
                _base(
                    ticket,
                    f"promise:{promise.pk}",
                    FactKind.PROMISE_OUTCOME,
                    at,
                    agent_id=owner,
                    detail=outcome,
                )
            ],
            replace=True,
        )
    elif event.kind == RecoveryEvent.PROMISE_MISSED:
        write([promise_made_fact(ticket, promise)])
        write(
            [
                _base(
                    ticket,
                    f"promise:{promise.pk}",
                    FactKind.PROMISE_OUTCOME,
                    at,
                    agent_id=owner,
                    detail=PromiseOutcome.MISSED,
                )
            ],
            replace=True,
        )


def promise_made_fact(ticket: Ticket, promise: Any) -> Fact:
    """A promise kept or missed was made, even if it was never confirmed by hand."""
    return _base(
        ticket,
        f"promise_made:{promise.pk}",
        FactKind.PROMISE_MADE,
        promise.created_at,
        agent_id=promise.owner_id,
    )


def _mistake(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    mistake = Mistake.objects.filter(pk=event.object_id or 0).first()
    if mistake is None:
        return
    if event.kind == RecoveryEvent.MISTAKE_LOGGED:
        write([_base(ticket, f"mistake:{mistake.pk}", FactKind.MISTAKE, at, detail=mistake.category)])
    elif event.kind == RecoveryEvent.MISTAKE_RECOVERED:
        write(
            [
                _base(
                    ticket,
                    f"recovered:{mistake.pk}",
                    FactKind.MISTAKE_RECOVERED,
                    at,
                    detail=mistake.category,
                    value=minutes(mistake.created_at, at),
                )
            ]
        )
    elif event.kind == RecoveryEvent.MISTAKE_OUTCOME and mistake.outcome in ("stayed", "left"):
        # Recovery decides whether the customer stayed (a later ticket, a good rating, or a lead
        # saying so); a lead may correct it to "left", which replaces the fact.
        stayed = mistake.outcome == "stayed"
        write(
            [
                _base(
                    ticket,
                    f"stayed:{mistake.pk}",
                    FactKind.CUSTOMER_STAYED,
                    at,
                    detail=mistake.outcome,
                    flag=stayed,
                )
            ],
            replace=True,
        )


def _customer_message(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    before = event.before.get("status") if isinstance(event.before, dict) else None
    after = event.after.get("status") if isinstance(event.after, dict) else None
    if before in CLOSED_STATUSES and after in ACTIVE_STATUSES:  # the customer's reply reopened it
        write([_base(ticket, f"reopened:{ticket.pk}:{event.pk}", FactKind.REOPENED, at)])
    fact = after_reply_fact(ticket, event.object_id, at)
    if fact is not None:
        write([fact])


def after_reply_fact(ticket: Ticket, message_id: int | None, at: datetime) -> Fact | None:
    """Did the customer cool down after our reply? Compares the temperature just before this
    message with the one it brought, when the message answers an agent's reply to a warm customer."""
    if message_id is None:
        return None
    signal = MessageSignal.objects.filter(message_id=message_id).first()
    if signal is None:  # scoring deferred (bulk ingest): nothing to compare yet
        return None
    previous = (
        ticket.messages.exclude(kind=MessageKind.NOTE).filter(id__lt=message_id).order_by("-id").first()
    )
    if previous is None or previous.kind != MessageKind.REPLY:
        return None
    earlier = list(
        MessageSignal.objects.filter(ticket=ticket, message_id__lt=message_id).order_by("-created_at")[:10]
    )
    before = ticket_temperature(earlier, now=previous.created_at)
    if before < AFTER_REPLY_FROM:
        return None
    after = ticket_temperature([signal, *earlier], now=at)
    return _base(
        ticket,
        f"after_reply:{message_id}",
        FactKind.AFTER_REPLY,
        at,
        agent_id=previous.author_id,
        value=float(after - before),
        flag=after < before,
    )


def _temperature(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    if isinstance(event.after, int) and event.after >= HOT:
        write([_base(ticket, f"hot:{event.pk}", FactKind.HOT, at, value=float(event.after))])


def _merged(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    before = event.before.get("status") if isinstance(event.before, dict) else None
    if before in ACTIVE_STATUSES:
        write([_base(ticket, f"merged:{ticket.pk}:{event.pk}", FactKind.MERGED, at)])


def _escalation(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    write([_base(ticket, f"escalation:{event.object_id}", FactKind.ESCALATION, at)])


def _abuse(ticket: Ticket, event: AuditEvent, at: datetime) -> None:
    write([_base(ticket, f"abuse:{event.object_id}", FactKind.ABUSE, at)])


_HANDLERS: dict[str, Callable[[Ticket, AuditEvent, datetime], None]] = {
    EventKind.CREATED: _created,
    EventKind.REPLIED: _replied,
    EventKind.STATUS: _status,
    EventKind.CUSTOMER_MESSAGE: _customer_message,
    RecoveryEvent.TICKET_TEMPERATURE: _temperature,
    SlaEvent.BREACH: _sla_breached,
    AutomationEvent.CSAT_RATED: _csat,
    RecoveryEvent.PROMISE_ADDED: _promise,
    RecoveryEvent.PROMISE_UPDATED: _promise,
    RecoveryEvent.PROMISE_KEPT: _promise,
    RecoveryEvent.PROMISE_MISSED: _promise,
    RecoveryEvent.MISTAKE_LOGGED: _mistake,
    RecoveryEvent.MISTAKE_RECOVERED: _mistake,
    RecoveryEvent.MISTAKE_OUTCOME: _mistake,
    EventKind.MERGED_INTO: _merged,
    CollabEvent.ESCALATION_OPENED: _escalation,
    RecoveryEvent.CUSTOMER_ABUSE: _abuse,
}


def on_ticket_event(event: AuditEvent) -> None:
    handler = _HANDLERS.get(event.kind)
    if handler is None or event.ticket_id is None:
        return
    ticket_id = event.ticket_id
    try:
        with transaction.atomic():
            # Fresh (earlier handlers may have changed it), and read only when the handler writes a
            # fact: most events of a reply (a proposed promise, a pending status) write none. A
            # replayed event's ticket was read with it, after its action committed: fresh already.
            ticket = (
                event.ticket
                if event.ticket_as_stored and event.ticket is not None
                else cast(Ticket, SimpleLazyObject(lambda: Ticket.objects.get(pk=ticket_id)))
            )
            handler(ticket, event, event.created_at or timezone.now())
    except Exception:
        log.exception(
            "reporting event not written", extra={"ticket_id": event.ticket_id, "event": event.kind}
        )
