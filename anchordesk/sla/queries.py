"""Reading SLA state: time left for the inbox and the ticket page, sorting by it, attainment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar, cast

from django.db.models import Case, Count, DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from anchordesk.sla.choices import LIVE_STATES, TimerKind, TimerState
from anchordesk.sla.models import SlaPolicy, SlaTimer
from anchordesk.sla.timers import business_minutes_left
from anchordesk.tickets.choices import ACTIVE_STATUSES
from anchordesk.tickets.models import Ticket

# Sorts after every real due time, so "time left" ordering needs no NULL handling and
# keyset pagination can use the value as it is.
NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)

_OPEN = Q(state__in=[TimerState.RUNNING, TimerState.BREACHED], met_at__isnull=True)
_SHOWN = Q(state__in=[*LIVE_STATES, TimerState.BREACHED], met_at__isnull=True)

_T = TypeVar("_T", bound=Ticket)


@dataclass(frozen=True)
class TimerSummary:
    """One target on one ticket, ready to show: due, time left or overdue, or paused."""

    timer_id: int
    kind: str
    label: str
    policy: str
    state: str
    due_at: datetime | None
    # Wall-clock seconds to the due time (negative: overdue); None while paused.
    seconds_left: float | None
    # While paused: business minutes still left on the target.
    paused_minutes_left: float | None
    warned: bool

    @property
    def paused(self) -> bool:
        return self.state == TimerState.PAUSED

    @property
    def overdue(self) -> bool:
        return self.state == TimerState.BREACHED or (self.seconds_left is not None and self.seconds_left < 0)

    @property
    def level(self) -> str:
        """CSS-ready urgency: breached, warning, paused or ok."""
        if self.overdue:
            return "breached"
        if self.paused:
            return "paused"
        return "warning" if self.warned else "ok"

    @property
    def sort_key(self) -> tuple[int, float]:
        if self.seconds_left is not None:
            return (0, self.seconds_left)
        return (1, self.paused_minutes_left or 0.0)


def summarize(timer: SlaTimer, now: datetime) -> TimerSummary:
    seconds_left = None if timer.due_at is None else (timer.due_at - now).total_seconds()
    paused_left = business_minutes_left(timer, now) if timer.state == TimerState.PAUSED else None
    return TimerSummary(
        timer_id=timer.pk,
        kind=timer.kind,
        label=TimerKind(timer.kind).label,
        policy=timer.policy.name,
        state=timer.state,
        due_at=timer.due_at,
        seconds_left=seconds_left,
        paused_minutes_left=paused_left,
        warned=timer.warned_at is not None or (timer.warn_at is not None and timer.warn_at <= now),
    )


def timers_for_ticket(ticket: Ticket, now: datetime | None = None) -> list[TimerSummary]:
    """Every target still waiting on the ticket, most urgent first (the ticket sidebar)."""
    now = now or timezone.now()
    timers = SlaTimer.objects.filter(_SHOWN, ticket=ticket).select_related("policy")
    return sorted((summarize(t, now) for t in timers), key=lambda s: s.sort_key)


def sla_for_tickets(tickets: Iterable[Ticket], now: datetime | None = None) -> dict[int, TimerSummary]:
    """The most urgent target of each active ticket, in one query for a whole inbox page."""
    now = now or timezone.now()
    active = {t.pk for t in tickets if t.status in ACTIVE_STATUSES}
    if not active:
        return {}
    best: dict[int, TimerSummary] = {}
    for timer in SlaTimer.objects.filter(_SHOWN, ticket_id__in=active).select_related("policy"):
        summary = summarize(timer, now)
        current = best.get(timer.ticket_id)
        if current is None or summary.sort_key < current.sort_key:
            best[timer.ticket_id] = summary
    return best


def annotate_sla_due(queryset: QuerySet[_T]) -> QuerySet[_T]:
    """Adds `sla_due_at`: the earliest due time of an active ticket's open targets, NO_DUE otherwise.

    Breached targets still waiting for an answer keep their past due time, so they sort first.
    """
    earliest = (
        SlaTimer.objects.filter(_OPEN, ticket=OuterRef("pk"), due_at__isnull=False)
        .order_by("due_at")
        .values("due_at")[:1]
    )
    annotated = queryset.annotate(
        sla_due_at=Case(
            When(status__in=ACTIVE_STATUSES, then=Coalesce(Subquery(earliest), Value(NO_DUE))),
            default=Value(NO_DUE),
            output_field=DateTimeField(),
        )
    )
    return cast("QuerySet[_T]", annotated)


def order_by_sla(queryset: QuerySet[_T]) -> QuerySet[_T]:
    """Least time left first (overdue at the top); tickets without a running target last."""
    return annotate_sla_due(queryset).order_by("sla_due_at", "pk")


def breaching_sla(queryset: QuerySet[_T], within: timedelta = timedelta(hours=1)) -> QuerySet[_T]:
    """Active tickets with a target overdue or due within `within` (the "breaching SLA" view)."""
    soon = timezone.now() + within
    at_risk = SlaTimer.objects.filter(_OPEN, ticket=OuterRef("pk"), due_at__lte=soon)
    return queryset.filter(Exists(at_risk), status__in=ACTIVE_STATUSES)


@dataclass(frozen=True)
class AttainmentRow:
    policy_id: int
    policy: str
    kind: str
    met: int
    breached: int

    @property
    def total(self) -> int:
        return self.met + self.breached

    @property
    def share(self) -> float | None:
        """Share of targets met, 0..1; None when nothing was decided yet."""
        return self.met / self.total if self.total else None


def attainment(
    policy: SlaPolicy | None = None, since: datetime | None = None, until: datetime | None = None
) -> list[AttainmentRow]:
    """Targets met and breached per policy and kind, decided in [since, until).

    A target is decided when it is met or breached; running, paused and cancelled ones
    do not count.
    """
    qs = SlaTimer.objects.filter(state__in=[TimerState.MET, TimerState.BREACHED])
    if policy is not None:
        qs = qs.filter(policy=policy)
    qs = qs.annotate(decided_at=Coalesce("breached_at", "met_at"))
    if since is not None:
        qs = qs.filter(decided_at__gte=since)
    if until is not None:
        qs = qs.filter(decided_at__lt=until)
    rows = (
        qs.values("policy_id", "policy__name", "kind")
        .annotate(
            met=Count("pk", filter=Q(state=TimerState.MET)),
            breached=Count("pk", filter=Q(state=TimerState.BREACHED)),
        )
        .order_by("policy__position", "policy_id", "kind")
    )
    kind_order = list(TimerKind.values)
    result = [
        AttainmentRow(
            policy_id=r["policy_id"],
            policy=r["policy__name"],
            kind=r["kind"],
            met=r["met"],
            breached=r["breached"],
        )
        for r in rows
    ]
    return sorted(result, key=lambda r: (_position(result, r), kind_order.index(r.kind)))


def _position(rows: Sequence[AttainmentRow], row: AttainmentRow) -> int:
    return next(i for i, r in enumerate(rows) if r.policy_id == row.policy_id)
