"""The dashboards' numbers, read from reporting events (plus the live backlog from tickets), and
which training assignments an agent reaches.

Each dashboard is one `get_*_dashboard(filters)` returning stats, charts and tables; the
views render them and export any table as CSV. Counts are grouped by day in the database;
medians and p90s are computed here from the facts' minutes (a month of a busy desk is a
few tens of thousands of numbers).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from anchordesk.accounts.models import Team, User
from anchordesk.collab.choices import EscalationState
from anchordesk.collab.models import Escalation
from anchordesk.core.access import NotAllowed
from anchordesk.insights import charts
from anchordesk.insights.choices import FactKind, PromiseOutcome
from anchordesk.insights.models import DailyRollup, ReportingEvent, RolledDay, TrainingAssignment
from anchordesk.insights.rollups import PER_AGENT, PER_TEAM
from anchordesk.recovery.choices import MistakeCategory
from anchordesk.sla.choices import TimerKind
from anchordesk.tickets.choices import ACTIVE_STATUSES
from anchordesk.tickets.models import Ticket
from anchordesk.wellbeing.models import Exposure, KindWord

MAX_DAYS = 366


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    team_id: int | None = None
    agent_id: int | None = None
    channel: str = ""
    tag_id: int | None = None

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def as_text(self) -> str:
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"


def default_filters(today: date | None = None, days: int = 30) -> Filters:
    today = today or timezone.now().date()
    return Filters(start=today - timedelta(days=days - 1), end=today)


@dataclass
class Stat:
    label: str
    value: str
    note: str = ""


@dataclass
class Table:
    name: str  # the slug used for the CSV export
    title: str
    columns: list[str]
    rows: list[list[Any]]
    empty: str = "Nothing in this period."


@dataclass
class Chart:
    title: str
    svg: str
    legend: list[str] = field(default_factory=list)


@dataclass
class Dashboard:
    key: str
    title: str
    stats: list[Stat] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


# --- reading facts -------------------------------------------------------------------


def facts(f: Filters, *kinds: str) -> QuerySet[ReportingEvent]:
    qs = ReportingEvent.objects.filter(kind__in=kinds, day__range=(f.start, f.end))
    if f.team_id is not None:
        qs = qs.filter(team_id=f.team_id)
    if f.agent_id is not None:
        qs = qs.filter(agent_id=f.agent_id)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.tag_id is not None:
        # A probe per fact on the (ticket, tag) unique index: cheaper than building the set of
        # a popular tag's tickets (a fifth of a million) for every query.
        tagged = Ticket.tags.through.objects.filter(ticket_id=OuterRef("ticket_id"), tag_id=f.tag_id)
        qs = qs.filter(Exists(tagged))
    return qs


def per_day(f: Filters, kind: str, extra: Q | None = None) -> dict[date, int]:
    qs = facts(f, kind)
    if extra is not None:
        qs = qs.filter(extra)
    return {row["day"]: row["n"] for row in qs.order_by().values("day").annotate(n=Count("id"))}


class Sorted(list[float]):
    """Minutes already in order, so a median and a p90 of forty thousand sort them once."""


def percentile(values: Sequence[float], share: float) -> float | None:
    """Linear interpolation between the closest ranks; None for no values."""
    if not values:
        return None
    ordered = values if isinstance(values, Sorted) else sorted(values)
    rank = (len(ordered) - 1) * share
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def fmt_minutes(value: float | None) -> str:
    """A duration as people say it: "44 min", "3 h 37 min", "2 d 5 h" (whole minutes, no decimals)."""
    if value is None:
        return "–"
    total = round(value)
    if total < 60:
        return f"{total} min"
    hours, mins = divmod(total, 60)
    if hours < 48:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def fmt_share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _buckets(f: Filters) -> tuple[list[str], list[list[date]]]:
    """Days, or weeks when the range is long, as chart labels with the days each one covers."""
    days = f.days
    if len(days) <= 45:
        return [d.strftime("%d %b") for d in days], [[d] for d in days]
    groups = [days[i : i + 7] for i in range(0, len(days), 7)]
    return [g[0].strftime("%d %b") for g in groups], groups


def _sum(counts: dict[date, int], group: Iterable[date]) -> int:
    return sum(counts.get(d, 0) for d in group)


def _fetch(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """All rows of a values_list query straight from the cursor: for tens of thousands of numbers
    the ORM's per-row work costs several times the query. Numbers and ids only (no conversion)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _minutes_of(qs: QuerySet[ReportingEvent]) -> tuple[list[float], bool]:
    return _pick_minutes(_fetch(qs.values_list("value", "business_value")))


def _pick_minutes(rows: list[tuple[float | None, float | None]]) -> tuple[list[float], bool]:
    """The facts' minutes: business minutes when a calendar gave them, else calendar minutes."""
    business = [b for _, b in rows if b is not None]
    if business and len(business) == len(rows):
        return Sorted(sorted(business)), True
    return Sorted(sorted(v for v, _ in rows if v is not None)), False


# --- the overview -------------------------------------------------------------------


def backlog_now(f: Filters) -> int:
    active = Ticket.objects.filter(status__in=ACTIVE_STATUSES)
    # SQLite reads the active tickets from the status index only when asked for their ids; a
    # filter on a column outside that index (channel, tag) would otherwise scan every ticket.
    qs = Ticket.objects.filter(pk__in=active.values("pk")) if f.channel or f.tag_id is not None else active
    if f.team_id is not None:
        qs = qs.filter(team_id=f.team_id)
    if f.agent_id is not None:
        qs = qs.filter(assignee_id=f.agent_id)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.tag_id is not None:
        qs = qs.filter(Exists(Ticket.tags.through.objects.filter(ticket_id=OuterRef("pk"), tag_id=f.tag_id)))
    return qs.count()


def _backlog_series(
    f: Filters, now: int, created: dict[date, int], left: dict[date, int], reopened: dict[date, int]
) -> dict[date, int]:
    """Open tickets at the end of each day, walked back from today's backlog through each day's flow."""
    today = timezone.now().date()
    backlog = now
    if f.end < today:
        later = _counts(
            Filters(f.end + timedelta(days=1), today, f.team_id, f.agent_id, f.channel, f.tag_id),
            FactKind.CREATED,
            FactKind.RESOLVED,
            FactKind.REOPENED,
            FactKind.MERGED,
        )
        backlog -= (
            later.total(FactKind.CREATED)
            + later.total(FactKind.REOPENED)
            - later.total(FactKind.RESOLVED)
            - later.total(FactKind.MERGED)
        )
    out: dict[date, int] = {}
    for day in reversed(f.days):
        out[day] = max(backlog, 0)
        backlog -= created.get(day, 0) + reopened.get(day, 0) - left.get(day, 0)
    return out


@dataclass
class _Counts:
    """One grouped pass over the counted facts, by kind, day, team and detail (a few thousand rows)."""

    rows: list[dict[str, Any]]

    def per_day(self, kind: str) -> dict[date, int]:
        out: dict[date, int] = defaultdict(int)
        for r in self.rows:
            if r["kind"] == kind:
                out[r["day"]] += r["n"]
        return out

    def total(self, kind: str, *, flagged: bool = False, detail: str | None = None) -> int:
        return sum(
            r["yes"] if flagged else r["n"]
            for r in self.rows
            if r["kind"] == kind and (detail is None or r["detail"] == detail)
        )


def _counts(f: Filters, *kinds: str) -> _Counts:
    """Counts from the daily rollups for the days that have them, from the facts for the rest
    (today, a day changed since, and every day when filtering by tag, which rollups do not keep)."""
    rolled: set[date] = set()
    if f.tag_id is None:
        rolled = set(
            RolledDay.objects.filter(day__range=(f.start, f.end), stale=False).values_list("day", flat=True)
        )
    rows: list[dict[str, Any]] = []
    if rolled:
        level = PER_AGENT if f.agent_id is not None else PER_TEAM
        rollups = DailyRollup.objects.filter(level=level, kind__in=kinds, day__range=(f.start, f.end))
        if f.team_id is not None:
            rollups = rollups.filter(team_id=f.team_id)
        if f.agent_id is not None:
            rollups = rollups.filter(agent_id=f.agent_id)
        if f.channel:
            rollups = rollups.filter(channel=f.channel)
        if len(rolled) < len(f.days):
            rollups = rollups.filter(day__in=rolled)
        rows += [
            dict(r)
            for r in rollups.order_by()
            .values("kind", "day", "team_id", "detail")
            .annotate(n=Sum("n"), yes=Sum("yes"))
        ]
    unrolled = [d for d in f.days if d not in rolled]
    if unrolled:
        raw = facts(f, *kinds)
        if rolled:
            raw = raw.filter(day__in=unrolled)
        rows += [
            dict(r)
            for r in raw.order_by()
            .values("kind", "day", "team_id", "detail")
            .annotate(n=Count("id"), yes=Count("id", filter=Q(flag=True)))
        ]
    return _Counts(rows)


def get_overview_dashboard(f: Filters) -> Dashboard:
    d = Dashboard("overview", "Overview")
    counts = _counts(
        f,
        FactKind.CREATED,
        FactKind.RESOLVED,
        FactKind.REOPENED,
        FactKind.MERGED,
        FactKind.SLA,
        FactKind.CSAT,
    )
    created = counts.per_day(FactKind.CREATED)
    resolved = counts.per_day(FactKind.RESOLVED)
    reopened = counts.per_day(FactKind.REOPENED)
    open_now = backlog_now(f)
    merged = counts.per_day(FactKind.MERGED)
    left = {day: resolved.get(day, 0) + merged.get(day, 0) for day in f.days}
    backlog = _backlog_series(f, open_now, created, left, reopened)
    first_rows = _fetch(facts(f, FactKind.FIRST_RESPONSE).values_list("team_id", "value", "business_value"))
    first, first_business = _pick_minutes([(v, b) for _, v, b in first_rows])
    resolution, res_business = _minutes_of(facts(f, FactKind.RESOLVED))
    n_resolved = counts.total(FactKind.RESOLVED)
    fcr_yes = counts.total(FactKind.RESOLVED, flagged=True)
    csat_good, n_csat = counts.total(FactKind.CSAT, flagged=True), counts.total(FactKind.CSAT)
    sla_details = sorted({r["detail"] for r in counts.rows if r["kind"] == FactKind.SLA})
    sla_rows = [
        {
            "detail": detail,
            "met": counts.total(FactKind.SLA, flagged=True, detail=detail),
            "n": counts.total(FactKind.SLA, detail=detail),
        }
        for detail in sla_details
    ]
    sla_met = sum(r["met"] for r in sla_rows)
    sla_n = sum(r["n"] for r in sla_rows)
    n_created, n_reopened = sum(created.values()), sum(reopened.values())
    hours = "business hours" if first_business or res_business else "calendar time"
    d.stats = [
        Stat("Tickets created", f"{n_created:,}"),
        Stat("Resolved", f"{n_resolved:,}"),
        Stat("Backlog now", f"{open_now:,}", "open, pending and on hold"),
        Stat(
            "First response, median",
            fmt_minutes(percentile(first, 0.5)),
            f"p90 {fmt_minutes(percentile(first, 0.9))} · {hours}",
        ),
        Stat(
            "Resolution, median",
            fmt_minutes(percentile(resolution, 0.5)),
            f"p90 {fmt_minutes(percentile(resolution, 0.9))} · {hours}",
        ),
        Stat("SLA attainment", fmt_share(sla_met, sla_n), f"{sla_n:,} targets"),
        Stat("First-contact resolution", fmt_share(fcr_yes, n_resolved), "solved with one reply"),
        Stat("Reopen rate", fmt_share(n_reopened, n_resolved)),
        Stat("CSAT", fmt_share(csat_good, n_csat), f"{n_csat:,} ratings"),
    ]
    if not (first_business or res_business):
        d.notes.append("Times are in calendar time: no business calendar is configured (SLA settings).")
    labels, groups = _buckets(f)
    d.charts.append(
        Chart(
            "Volume",
            charts.line_chart(
                "Tickets created and resolved",
                labels,
                [
                    ("Created", [_sum(created, g) for g in groups]),
                    ("Resolved", [_sum(resolved, g) for g in groups]),
                ],
            ),
            ["Created", "Resolved"],
        )
    )
    d.charts.append(
        Chart(
            "Backlog",
            charts.line_chart(
                "Open tickets at the end of the day", labels, [("Backlog", [backlog[g[-1]] for g in groups])]
            ),
        )
    )
    d.tables.append(
        Table(
            "by-day",
            "By day",
            ["day", "created", "resolved", "reopened", "backlog"],
            [
                [
                    day.isoformat(),
                    created.get(day, 0),
                    resolved.get(day, 0),
                    reopened.get(day, 0),
                    backlog[day],
                ]
                for day in f.days
            ],
        )
    )
    d.tables.append(
        Table(
            "times",
            f"Response and resolution times ({hours})",
            ["measure", "count", "median", "p90"],
            [
                [
                    "First response",
                    len(first),
                    fmt_minutes(percentile(first, 0.5)),
                    fmt_minutes(percentile(first, 0.9)),
                ],
                [
                    "Resolution",
                    len(resolution),
                    fmt_minutes(percentile(resolution, 0.5)),
                    fmt_minutes(percentile(resolution, 0.9)),
                ],
            ],
        )
    )
    d.tables.append(
        Table(
            "sla",
            "SLA attainment by target",
            ["target", "met", "breached", "attainment %"],
            [
                [target_label(r["detail"]), r["met"], r["n"] - r["met"], share(r["met"], r["n"])]
                for r in sorted(sla_rows, key=lambda r: _TARGET_ORDER.get(r["detail"], len(_TARGET_ORDER)))
            ],
        )
    )
    d.tables.append(_by_team(counts, first_rows))
    return d


_TARGET_ORDER = {kind: i for i, kind in enumerate(TimerKind.values)}


def target_label(kind: str) -> str:
    """An SLA target as the settings page names it ("First response"), never the stored value."""
    return (
        str(TimerKind(kind).label)
        if kind in TimerKind.values
        else (kind.replace("_", " ").capitalize() or "–")
    )


def _team_names() -> dict[int | None, str]:
    names: dict[int | None, str] = dict(Team.objects.values_list("id", "name"))
    names[None] = "(no team)"
    return names


def _by_team(counts: _Counts, first_rows: Sequence[tuple[int | None, float | None, float | None]]) -> Table:
    first: dict[int | None, list[float]] = defaultdict(list)
    for team_id, value, business in first_rows:
        minutes = business if business is not None else value
        if minutes is not None:
            first[team_id].append(minutes)
    for team_id in first:
        first[team_id] = Sorted(sorted(first[team_id]))
    keyed: dict[tuple[int | None, str], int] = defaultdict(int)
    flags: dict[tuple[int | None, str], int] = defaultdict(int)
    for r in counts.rows:
        keyed[(r["team_id"], r["kind"])] += r["n"]
        flags[(r["team_id"], r["kind"])] += r["yes"]
    names = _team_names()
    teams = sorted({t for t, _ in keyed} | set(first), key=lambda t: names.get(t, ""))
    out = []
    for t in teams:
        res = keyed.get((t, FactKind.RESOLVED), 0)
        out.append(
            [
                names.get(t, f"team {t}"),
                keyed.get((t, FactKind.CREATED), 0),
                res,
                fmt_minutes(percentile(first[t], 0.5)),
                fmt_minutes(percentile(first[t], 0.9)),
                share(flags.get((t, FactKind.SLA), 0), keyed.get((t, FactKind.SLA), 0)),
                share(flags.get((t, FactKind.RESOLVED), 0), res),
                share(keyed.get((t, FactKind.REOPENED), 0), res),
                share(flags.get((t, FactKind.CSAT), 0), keyed.get((t, FactKind.CSAT), 0)),
            ]
        )
    return Table(
        "by-team",
        "By team",
        [
            "team",
            "created",
            "resolved",
            "first response, median",
            "first response, p90",
            "SLA %",
            "FCR %",
            "reopen %",
            "CSAT %",
        ],
        out,
    )


# --- temperature ---------------------------------------------------------------------


def get_temperature_dashboard(f: Filters) -> Dashboard:
    d = Dashboard("temperature", "Temperature")
    created = per_day(f, FactKind.CREATED)
    hot = per_day(f, FactKind.HOT)
    escalations = per_day(f, FactKind.ESCALATION)
    after_all = per_day(f, FactKind.AFTER_REPLY)
    after_fell = per_day(f, FactKind.AFTER_REPLY, Q(flag=True))
    hot_tickets = facts(f, FactKind.HOT).order_by().values("ticket_id").distinct().count()
    n_created = sum(created.values())
    n_after, n_fell = sum(after_all.values()), sum(after_fell.values())
    d.stats = [
        Stat("Hot tickets", f"{hot_tickets:,}", f"{fmt_share(hot_tickets, n_created)} of tickets created"),
        Stat(
            "Escalations opened",
            f"{sum(escalations.values()):,}",
            "in this period: a customer asked for a manager, a promise was missed, or an agent escalated",
        ),
        Stat(
            "Escalations open now", f"{escalations_open_now(f):,}", "in the escalation queue, opened any time"
        ),
        Stat(
            "Cooled after a reply",
            fmt_share(n_fell, n_after),
            f"of {n_after:,} replies to warm or hot customers",
        ),
    ]
    labels, groups = _buckets(f)
    d.charts.append(
        Chart(
            "Hot tickets and escalations",
            charts.line_chart(
                "Tickets turning hot and escalations",
                labels,
                [
                    ("Turned hot", [_sum(hot, g) for g in groups]),
                    ("Escalations", [_sum(escalations, g) for g in groups]),
                ],
            ),
            ["Turned hot", "Escalations"],
        )
    )
    d.charts.append(
        Chart(
            "Cooled after a reply",
            charts.line_chart(
                "Share of replies after which the customer was cooler (%)",
                labels,
                [("Cooled %", [share(_sum(after_fell, g), _sum(after_all, g)) for g in groups])],
                top=100,
            ),
        )
    )
    d.tables.append(
        Table(
            "by-day",
            "By day",
            ["day", "created", "turned hot", "escalations", "replies to warm customers", "cooled after"],
            [
                [
                    day.isoformat(),
                    created.get(day, 0),
                    hot.get(day, 0),
                    escalations.get(day, 0),
                    after_all.get(day, 0),
                    after_fell.get(day, 0),
                ]
                for day in f.days
            ],
        )
    )
    d.tables.append(_exposure_and_kind_words(f))
    return d


def _on_tickets(qs: QuerySet[Any], f: Filters, *, by_agent: str) -> QuerySet[Any]:
    """Rows about tickets narrowed by the filters: team, channel and tag are the ticket's; the
    agent is the row's own (`by_agent`), or the ticket's assignee."""
    if f.team_id is not None:
        qs = qs.filter(ticket__team_id=f.team_id)
    if f.agent_id is not None:
        qs = qs.filter(**{by_agent: f.agent_id})
    if f.channel:
        qs = qs.filter(ticket__channel=f.channel)
    if f.tag_id is not None:
        qs = qs.filter(ticket__tags=f.tag_id)
    return qs


def escalations_open_now(f: Filters) -> int:
    """Escalations not yet resolved (open or taken): what the escalation queue lists, whenever
    they were opened, for the filtered tickets."""
    qs = Escalation.objects.exclude(state=EscalationState.RESOLVED)
    return _on_tickets(qs, f, by_agent="ticket__assignee_id").count()


def _agent_names() -> dict[int | None, str]:
    names: dict[int | None, str] = {
        pk: (f"{first} {last}".strip() or username)
        for pk, first, last, username in User.objects.values_list("id", "first_name", "last_name", "username")
    }
    names[None] = "(unassigned)"
    return names


def _exposure_and_kind_words(f: Filters) -> Table:
    """Agent exposure and kind words over the period, counted as the wellbeing pages count them.

    Exposure is every abusive or hostile customer message an agent received (wellbeing's
    Exposure, on the agent's own day); kind words are compliments that reached them, thanks in a
    customer's message or a good rating with a comment (wellbeing's KindWord). Reading the same
    rows keeps this table and the Exposure and Kind words pages in agreement. Listed by name,
    never ranked, so it cannot become a leaderboard of who suffered most.
    """
    exposure = _on_tickets(Exposure.objects.filter(day__range=(f.start, f.end)), f, by_agent="agent_id")
    words = _on_tickets(
        KindWord.objects.filter(created_at__date__range=(f.start, f.end)), f, by_agent="agent_id"
    )
    abuse: dict[int | None, int] = dict(
        exposure.order_by().values("agent_id").annotate(n=Count("id")).values_list("agent_id", "n")
    )
    kind_words: dict[int | None, int] = dict(
        words.order_by().values("agent_id").annotate(n=Count("id")).values_list("agent_id", "n")
    )
    names = _agent_names()
    agents = sorted(set(abuse) | set(kind_words), key=lambda a: names.get(a, ""))
    return Table(
        "exposure",
        "Agent exposure and kind words",
        ["agent", "abusive or hostile messages received", "kind words received"],
        [[names.get(a, f"agent {a}"), abuse.get(a, 0), kind_words.get(a, 0)] for a in agents],
        empty="No agent received an abusive or hostile message or kind words in this period.",
    )


# --- promises ------------------------------------------------------------------------

_OUTCOMES = [PromiseOutcome.ON_TIME, PromiseOutcome.LATE, PromiseOutcome.MISSED]


def get_promises_dashboard(f: Filters) -> Dashboard:
    d = Dashboard("promises", "Promises")
    made = per_day(f, FactKind.PROMISE_MADE)
    outcome = {o: per_day(f, FactKind.PROMISE_OUTCOME, Q(detail=o)) for o in _OUTCOMES}
    totals = {o: sum(outcome[o].values()) for o in _OUTCOMES}
    closed = sum(totals.values())
    d.stats = [
        Stat("Promises made", f"{sum(made.values()):,}"),
        Stat(
            "Kept on time",
            f"{totals[PromiseOutcome.ON_TIME]:,}",
            fmt_share(totals[PromiseOutcome.ON_TIME], closed),
        ),
        Stat("Kept late", f"{totals[PromiseOutcome.LATE]:,}", fmt_share(totals[PromiseOutcome.LATE], closed)),
        Stat(
            "Missed", f"{totals[PromiseOutcome.MISSED]:,}", fmt_share(totals[PromiseOutcome.MISSED], closed)
        ),
    ]
    d.notes.append(
        "Outcomes are counted on the day the promise was kept or missed; a missed promise kept later counts as kept late."
    )
    labels, groups = _buckets(f)
    d.charts.append(
        Chart(
            "Promise outcomes",
            charts.stacked_bars(
                "Promises kept on time, kept late and missed",
                labels,
                [(PromiseOutcome(o).label, [_sum(outcome[o], g) for g in groups]) for o in _OUTCOMES],
            ),
            [PromiseOutcome(o).label for o in _OUTCOMES],
        )
    )
    d.tables.append(
        Table(
            "by-day",
            "By day",
            ["day", "made", "kept on time", "kept late", "missed"],
            [
                [day.isoformat(), made.get(day, 0), *[outcome[o].get(day, 0) for o in _OUTCOMES]]
                for day in f.days
            ],
        )
    )
    rows = (
        facts(f, FactKind.PROMISE_MADE, FactKind.PROMISE_OUTCOME)
        .order_by()
        .values("agent_id", "kind", "detail")
        .annotate(n=Count("id"))
    )
    per_agent: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        per_agent[row["agent_id"]][row["detail"] if row["kind"] == FactKind.PROMISE_OUTCOME else "made"] += (
            row["n"]
        )
    names = _agent_names()
    d.tables.append(
        Table(
            "by-agent",
            "By agent",
            ["agent", "made", "kept on time", "kept late", "missed"],
            [
                [names.get(a, f"agent {a}"), c["made"], *[c[o] for o in _OUTCOMES]]
                for a, c in sorted(per_agent.items(), key=lambda item: names.get(item[0], ""))
            ],
        )
    )
    return d


# --- mistakes ------------------------------------------------------------------------


def _source_id(key: str) -> int:
    """The source object's id at the end of a fact's key ("mistake:42" -> 42)."""
    return int(key.rsplit(":", 1)[1])


def get_mistakes_dashboard(f: Filters) -> Dashboard:
    d = Dashboard("mistakes", "Mistakes and recovery")
    logged = list(facts(f, FactKind.MISTAKE).values_list("key", "detail", "day"))
    mistake_ids = [_source_id(key) for key, _, _ in logged]
    recovered = {
        _source_id(key): value
        for key, value in ReportingEvent.objects.filter(
            kind=FactKind.MISTAKE_RECOVERED, key__in=[f"recovered:{i}" for i in mistake_ids]
        ).values_list("key", "value")
    }
    stayed = set(
        _source_id(key)
        for key in ReportingEvent.objects.filter(
            kind=FactKind.CUSTOMER_STAYED, flag=True, key__in=[f"stayed:{i}" for i in mistake_ids]
        ).values_list("key", flat=True)
    )
    by_category: dict[str, list[int]] = defaultdict(list)
    per_day_count: dict[date, int] = defaultdict(int)
    for (_, category, day), mistake_id in zip(logged, mistake_ids, strict=True):
        by_category[category].append(mistake_id)
        per_day_count[day] += 1
    recovery_minutes = [v for v in recovered.values() if v is not None]
    open_training = TrainingAssignment.objects.filter(done_at__isnull=True).count()
    n = len(mistake_ids)
    d.stats = [
        Stat("Mistakes logged", f"{n:,}"),
        Stat("Recovered", fmt_share(len(recovered), n), "every recovery step done"),
        Stat(
            "Time to recovery, median",
            fmt_minutes(percentile(recovery_minutes, 0.5)),
            f"p90 {fmt_minutes(percentile(recovery_minutes, 0.9))}",
        ),
        Stat("Recovery rate", fmt_share(len(stayed), n), "customers who came back or rated well after"),
        Stat("Training items open", f"{open_training:,}", "assignments not yet done"),
    ]
    labels_cat = {c.value: c.label for c in MistakeCategory}
    cats = sorted(by_category, key=lambda c: (-len(by_category[c]), c))
    d.charts.append(
        Chart(
            "By category",
            charts.bar_chart(
                "Mistakes by category",
                [labels_cat.get(c, c) for c in cats],
                [len(by_category[c]) for c in cats],
            ),
        )
    )
    labels, groups = _buckets(f)
    d.charts.append(
        Chart(
            "Over time",
            charts.stacked_bars(
                "Mistakes logged over time", labels, [("Mistakes", [_sum(per_day_count, g) for g in groups])]
            ),
        )
    )
    table_rows = []
    for c in cats:
        ids = by_category[c]
        mins = [recovered[i] for i in ids if recovered.get(i) is not None]
        table_rows.append(
            [
                labels_cat.get(c, c),
                len(ids),
                sum(1 for i in ids if i in recovered),
                fmt_minutes(percentile([m for m in mins if m is not None], 0.5)),
                share(sum(1 for i in ids if i in stayed), len(ids)),
            ]
        )
    d.tables.append(
        Table(
            "by-category",
            "By category",
            ["category", "logged", "recovered", "time to recovery, median", "recovery rate %"],
            table_rows,
        )
    )
    d.tables.append(
        Table(
            "by-day",
            "By day",
            ["day", "mistakes"],
            [[day.isoformat(), per_day_count.get(day, 0)] for day in f.days],
        )
    )
    return d


DASHBOARDS = {
    "overview": get_overview_dashboard,
    "temperature": get_temperature_dashboard,
    "promises": get_promises_dashboard,
    "mistakes": get_mistakes_dashboard,
}


# --- who reaches which training assignment (docs/access.md) ----------------------------------


def training_visible_to(user: User) -> QuerySet[TrainingAssignment]:
    """An agent's own training assignments; a colleague's are not there for them."""
    return TrainingAssignment.objects.filter(agent=user)


def access_training(user: User, assignment_id: int) -> TrainingAssignment:
    assignment = training_visible_to(user).select_related("item").filter(pk=assignment_id).first()
    if assignment is None:
        raise NotAllowed("No such training", status=404)
    return assignment
