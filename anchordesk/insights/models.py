"""Reporting events (facts written when they happen) and training items from blameless reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from anchordesk.insights.choices import FactKind


class ReportingEvent(models.Model):
    """One fact for the dashboards: a first response, a resolution, an SLA target met or breached...

    Written by insights.facts when the fact happens (and by the backfill from older data).
    `key` names the fact's source ("first_response:42", "sla:981"), so writing it twice is a
    no-op and the backfill can run any time. Team, agent and channel are copied from the
    ticket at the moment of the fact, so filters need no join and history does not move
    when a ticket is reassigned later.
    """

    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=FactKind.choices)
    occurred_at = models.DateTimeField()
    day = models.DateField()  # occurred_at's UTC date: the dashboards group by it
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=10, blank=True)
    detail = models.CharField(max_length=40, blank=True)
    value = models.FloatField(null=True, blank=True)  # minutes of calendar time, or a change
    business_value = models.FloatField(null=True, blank=True)  # minutes of business time
    flag = models.BooleanField(null=True, blank=True)

    class Meta:
        indexes = [
            # Covers the dashboards' queries: a month of facts is read from the index alone.
            models.Index(
                fields=[
                    "kind",
                    "day",
                    "team",
                    "agent",
                    "channel",
                    "detail",
                    "flag",
                    "value",
                    "business_value",
                    "ticket",
                ],
                name="insights_kind_day_cover",
            ),
            models.Index(fields=["kind", "team", "day"], name="insights_kind_team_day"),
            models.Index(fields=["kind", "agent", "day"], name="insights_kind_agent_day"),
            models.Index(fields=["ticket", "kind"], name="insights_ticket_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.ticket_id} {self.day}"


class TrainingItem(models.Model):
    """What a lead asks agents to learn from a pattern of mistakes. Assigned to agents, who mark it done."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=24, blank=True)  # a MistakeCategory, when it comes of one
    mistakes = models.ManyToManyField("recovery.Mistake", blank=True, related_name="training_items")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class TrainingAssignment(models.Model):
    item = models.ForeignKey(TrainingItem, on_delete=models.CASCADE, related_name="assignments")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training")
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["item", "agent"], name="training_assigned_once")]
        indexes = [models.Index(fields=["agent", "done_at"], name="training_agent_open")]


class DailyRollup(models.Model):
    """Facts counted per day, kind, team, agent, channel and detail, so the dashboards read a
    few thousand rows instead of every fact of a long range. Built for past days only
    (insights.rollups); today, and any past day a late fact has changed, is read from the facts."""

    day = models.DateField()
    # 0: one row per agent; 1: agents summed per team, a third of the rows for unfiltered views.
    level = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20)
    team_id = models.BigIntegerField(null=True, blank=True)
    agent_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=10, blank=True)
    detail = models.CharField(max_length=40, blank=True)
    n = models.PositiveIntegerField()
    yes = models.PositiveIntegerField()  # facts with flag true

    class Meta:
        indexes = [
            models.Index(
                fields=["level", "kind", "day", "team_id", "agent_id", "channel", "detail", "n", "yes"],
                name="insights_rollup_cover",
            ),
            models.Index(fields=["day"], name="insights_rollup_day"),
        ]


class RolledDay(models.Model):
    """A day whose DailyRollup rows are complete, until a fact of that day is written later (stale)."""

    day = models.DateField(unique=True)
    stale = models.BooleanField(default=False)
    built_at = models.DateTimeField(auto_now=True)
