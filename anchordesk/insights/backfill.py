"""Write the reporting events for data that existed before insights (or was loaded in bulk).

Ticket-level facts (created, first response, resolution) come from the ticket rows in
chunks, set-based, because there may be a million of them. Everything else replays the
audit events through the same handlers the live path uses, so both write the same facts
under the same keys; running the backfill twice, or after the live path, adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Min

from anchordesk import business_clock as clock
from anchordesk.core.models import AuditEvent
from anchordesk.insights import facts
from anchordesk.insights.choices import FactKind
from anchordesk.insights.models import ReportingEvent
from anchordesk.insights.rollups import build_missing
from anchordesk.sla.models import SlaTimer
from anchordesk.tickets.choices import EventKind, MessageKind
from anchordesk.tickets.models import Message, Ticket

# Audit events replayed through facts.on_ticket_event. Ticket creation and first responses
# are read from the ticket rows instead (they are on every ticket).
REPLAYED = sorted(set(facts._HANDLERS) - {EventKind.CREATED, EventKind.REPLIED})


@dataclass
class BackfillResult:
    tickets: int = 0
    events_replayed: int = 0
    facts: int = 0
    days_rolled_up: int = 0


class _Calendars:
    """Business calendars by team, read once: the backfill asks for each ticket."""

    def __init__(self) -> None:
        self._by_team: dict[int | None, clock.BusinessCalendar | None] = {}

    def get(self, team_id: int | None) -> clock.BusinessCalendar | None:
        if team_id not in self._by_team:
            self._by_team[team_id] = facts.calendar_for_team(team_id)
        return self._by_team[team_id]


def _ticket_facts(
    chunk: list[Ticket],
    replies: dict[int, int],
    first_authors: dict[int, int | None],
    audited: set[int],
    cal: _Calendars,
) -> list[facts.Fact]:
    out: list[facts.Fact] = []
    for t in chunk:
        out.append(facts._base(t, f"created:{t.pk}", FactKind.CREATED, t.created_at))
        calendar = cal.get(t.team_id)
        if t.first_response_at is not None:
            out.append(
                facts._base(
                    t,
                    f"first_response:{t.pk}",
                    FactKind.FIRST_RESPONSE,
                    t.first_response_at,
                    # The agent who wrote the first reply, as the live path records it.
                    agent_id=first_authors.get(t.pk, t.assignee_id),
                    value=facts.minutes(t.created_at, t.first_response_at),
                    business_value=facts.business_minutes(t.created_at, t.first_response_at, calendar),
                )
            )
        # Tickets whose status changes are audited get their resolutions from the replay.
        if t.solved_at is not None and t.pk not in audited:
            out.append(
                facts._base(
                    t,
                    f"resolved:{t.pk}:0",
                    FactKind.RESOLVED,
                    t.solved_at,
                    value=facts.minutes(t.created_at, t.solved_at),
                    business_value=facts.business_minutes(t.created_at, t.solved_at, calendar),
                    flag=replies.get(t.pk, 0) <= 1,
                )
            )
    return out


def backfill_tickets(
    *, chunk_size: int = 5000, progress: Callable[[str], None] | None = None
) -> BackfillResult:
    result = BackfillResult()
    bounds = Ticket.objects.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return result
    cal = _Calendars()
    start = bounds["lo"]
    fields = ("id", "created_at", "first_response_at", "solved_at", "team_id", "assignee_id", "channel")
    while start <= bounds["hi"]:
        end = start + chunk_size - 1
        chunk = list(Ticket.objects.filter(id__range=(start, end)).only(*fields).order_by("id"))
        if chunk:
            reply_rows = list(
                Message.objects.filter(ticket_id__gte=start, ticket_id__lte=end, kind=MessageKind.REPLY)
                .values_list("ticket_id")
                .annotate(n=Count("id"), first=Min("id"))
                .values_list("ticket_id", "n", "first")
            )
            replies = {ticket_id: n for ticket_id, n, _ in reply_rows}
            first_authors: dict[int, int | None] = dict(
                Message.objects.filter(id__in=[first for _, _, first in reply_rows]).values_list(
                    "ticket_id", "author_id"
                )
            )
            audited = set(
                AuditEvent.objects.filter(ticket_id__gte=start, ticket_id__lte=end, kind=EventKind.STATUS)
                .values_list("ticket_id", flat=True)
                .distinct()
            )
            rows = _ticket_facts(chunk, replies, first_authors, audited, cal)
            with transaction.atomic():
                facts.write(rows)
            result.tickets += len(chunk)
            result.facts += len(rows)
            if progress and result.tickets % (chunk_size * 20) == 0:
                progress(f"{result.tickets:,} tickets")
        start = end + 1
    return result


def backfill_sla() -> int:
    """SLA targets met or breached, from the timers (a met target writes no audit event)."""
    count = 0
    timers = SlaTimer.objects.filter(state__in=["met", "breached"]).select_related("ticket").order_by("id")
    batch: list[facts.Fact] = []
    for timer in timers.iterator(chunk_size=2000):
        met = timer.state == "met"
        at = timer.met_at if met else (timer.breached_at or timer.met_at)
        if at is None:
            continue
        batch.append(
            facts._base(timer.ticket, f"sla:{timer.pk}", FactKind.SLA, at, detail=timer.kind, flag=met)
        )
        if len(batch) >= 2000:
            facts.write(batch)
            count += len(batch)
            batch = []
    facts.write(batch)
    return count + len(batch)


def replay_events(*, chunk_size: int = 2000) -> int:
    replayed = 0
    last = 0
    while True:
        events = list(
            AuditEvent.objects.filter(id__gt=last, kind__in=REPLAYED, ticket__isnull=False)
            .select_related("ticket")
            .order_by("id")[:chunk_size]
        )
        if not events:
            return replayed
        for event in events:
            facts.on_ticket_event(event)
        replayed += len(events)
        last = events[-1].pk


def backfill(*, rebuild: bool = False, progress: Callable[[str], None] | None = None) -> BackfillResult:
    if rebuild:
        ReportingEvent.objects.all().delete()
    result = backfill_tickets(progress=progress)
    result.facts += backfill_sla()
    result.events_replayed = replay_events()
    result.days_rolled_up = build_missing(every_day=True)
    return result
