"""Daily rollups of the reporting events: counts per day for the dashboards' long ranges.

A past day is rolled up once (the worker does yesterday each night; the backfill does all
days). If a fact dated on a rolled-up day is written later (a late SLA breach, a backfill),
facts.write forgets that day's rollup and the dashboards read its facts until it is rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from anchordesk.insights.models import DailyRollup, ReportingEvent, RolledDay

_DIMENSIONS = ("kind", "team_id", "agent_id", "channel", "detail")
PER_AGENT, PER_TEAM = 0, 1


@transaction.atomic
def build_day(day: date) -> int:
    DailyRollup.objects.filter(day=day).delete()
    rows = list(
        ReportingEvent.objects.filter(day=day)
        .order_by()
        .values(*_DIMENSIONS)
        .annotate(n=Count("id"), yes=Count("id", filter=Q(flag=True)))
    )
    rollups = [DailyRollup(day=day, level=PER_AGENT, **row) for row in rows]
    per_team: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        key = (row["kind"], row["team_id"], row["channel"], row["detail"])
        sums = per_team.setdefault(key, [0, 0])
        sums[0] += row["n"]
        sums[1] += row["yes"]
    rollups += [
        DailyRollup(
            day=day, level=PER_TEAM, kind=k, team_id=t, agent_id=None, channel=c, detail=d, n=n, yes=yes
        )
        for (k, t, c, d), (n, yes) in per_team.items()
    ]
    DailyRollup.objects.bulk_create(rollups, batch_size=1000)
    RolledDay.objects.update_or_create(day=day, defaults={"stale": False})
    return len(rollups)


def build_missing(*, every_day: bool = False, recent_days: int = 35) -> int:
    """Roll up the stale days and the recent past days not rolled up yet (every past day with
    facts with every_day=True, as the backfill does); returns the days built."""
    today = timezone.now().date()
    if every_day:
        wanted = set(
            ReportingEvent.objects.filter(day__lt=today).order_by().values_list("day", flat=True).distinct()
        )
    else:
        wanted = {today - timedelta(days=i) for i in range(1, recent_days + 1)}
    done = set(RolledDay.objects.filter(stale=False).values_list("day", flat=True))
    stale = set(RolledDay.objects.filter(stale=True).values_list("day", flat=True))
    built = 0
    for day in sorted((wanted - done) | stale):
        if day < today:
            build_day(day)
            built += 1
    return built


def forget(days: Iterable[date]) -> None:
    """Facts of these days changed: their rollups no longer count them all until rebuilt."""
    today = timezone.now().date()
    past = {d for d in days if d < today}
    if past:
        RolledDay.objects.filter(day__in=past, stale=False).update(stale=True)
