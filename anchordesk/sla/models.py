from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.db import models
from django.db.models import Q

from anchordesk import business_clock as clock
from anchordesk.accounts.models import Organization, Team
from anchordesk.sla.choices import TimerKind, TimerState


class BusinessCalendar(models.Model):
    """Working hours per weekday in a time zone, minus holidays. Teams may have their own;
    the default one serves every team without."""

    name = models.CharField(max_length=80, unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    # {"mon": [["09:00", "17:00"]], ...}: the JSON form of clock.BusinessCalendar.
    hours = models.JSONField(default=dict, blank=True)
    holidays = models.JSONField(default=list, blank=True)  # ISO dates
    is_default = models.BooleanField(default=False)
    teams = models.ManyToManyField(Team, blank=True, related_name="sla_calendars")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sla_one_default_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def as_dict(self) -> dict[str, Any]:
        return {"tz": self.timezone, "hours": self.hours, "holidays": self.holidays}

    def to_clock(self) -> clock.BusinessCalendar:
        return clock.BusinessCalendar.from_dict(self.as_dict())


class SlaPolicy(models.Model):
    """Targets for the tickets that match its conditions; the first matching policy by position wins.

    An empty condition list means "any". Targets are minutes of business time on the
    policy's calendar (else the team's, else the default one) or of plain calendar time.
    """

    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    priorities = models.JSONField(default=list, blank=True)
    tiers = models.JSONField(default=list, blank=True)
    channels = models.JSONField(default=list, blank=True)
    organizations = models.ManyToManyField(Organization, blank=True, related_name="sla_policies")
    teams = models.ManyToManyField(Team, blank=True, related_name="sla_policies")
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_reply_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    business_hours = models.BooleanField(default=True)
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.PROTECT, related_name="policies"
    )
    warn_percent = models.PositiveSmallIntegerField(default=75)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name

    def target_minutes(self, kind: str) -> int | None:
        return {
            TimerKind.FIRST_RESPONSE: self.first_response_minutes,
            TimerKind.NEXT_REPLY: self.next_reply_minutes,
            TimerKind.RESOLUTION: self.resolution_minutes,
        }.get(TimerKind(kind))


class SlaTimer(models.Model):
    """One target on one ticket: a first response, a next reply (one per customer message
    waiting for an answer) or the resolution.

    The policy's target, warning share and calendar are copied in when the timer starts
    or the policy is re-selected, so the scan and the pause rules need nothing else.
    `version` grows with every change: the scan claims a timer with a conditional update
    on (state, version), so two workers never warn or breach it twice.
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_timers")
    policy = models.ForeignKey(SlaPolicy, on_delete=models.PROTECT, related_name="timers")
    kind = models.CharField(max_length=20, choices=TimerKind.choices)
    target_minutes = models.PositiveIntegerField()
    warn_percent = models.PositiveSmallIntegerField(default=75)
    calendar = models.JSONField(null=True, blank=True)  # None: calendar time
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)  # None while paused
    warn_at = models.DateTimeField(null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_total = models.DurationField(default=timedelta(0))  # business time of finished pauses
    pauses = models.JSONField(default=list, blank=True)  # finished pauses: [[iso start, iso end], ...]
    state = models.CharField(max_length=10, choices=TimerState.choices, default=TimerState.RUNNING)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [
            # The scan's two queries, each an index range. Not partial indexes: SQLite uses a
            # partial index only when the query spells its condition with literals, and Django
            # binds parameters.
            models.Index(fields=["state", "due_at"], name="sla_timer_state_due"),
            models.Index(fields=["state", "warned_at", "warn_at"], name="sla_timer_state_warn"),
            models.Index(fields=["ticket", "state"], name="sla_timer_ticket_state"),
            models.Index(fields=["policy", "kind", "state"], name="sla_timer_attainment"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id} ({self.state})"

    def clock_calendar(self) -> clock.BusinessCalendar | None:
        return None if self.calendar is None else _calendar_from(self.calendar)


_calendar_cache: dict[str, clock.BusinessCalendar] = {}


def _calendar_from(data: dict[str, Any]) -> clock.BusinessCalendar:
    key = json.dumps(data, sort_keys=True)
    found = _calendar_cache.get(key)
    if found is None:
        if len(_calendar_cache) > 256:
            _calendar_cache.clear()
        found = _calendar_cache[key] = clock.BusinessCalendar.from_dict(data)
    return found
