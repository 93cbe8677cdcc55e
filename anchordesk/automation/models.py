from __future__ import annotations

from django.conf import settings
from django.db import models

from anchordesk.accounts.models import Team
from anchordesk.automation.choices import Strategy


class Trigger(models.Model):
    """When a ticket event happens and the conditions hold, do the actions. Admin-defined data."""

    name = models.CharField(max_length=120, unique=True)
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    events = models.JSONField(default=list)
    conditions = models.JSONField(default=dict)
    actions = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Macro(models.Model):
    """A canned reply with placeholders, plus actions applied when it is used."""

    name = models.CharField(max_length=120)
    body = models.TextField()
    actions = models.JSONField(default=list, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="macros")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="macros"
    )
    usage_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssignmentPolicy(models.Model):
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="assignment")
    strategy = models.CharField(max_length=20, choices=Strategy.choices, default=Strategy.MANUAL)
    # Position of the last agent chosen by round-robin, by user id.
    last_assigned_user_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.team}: {self.get_strategy_display()}"


class AgentAvailability(models.Model):
    """Whether an agent takes new work now, and how much they can hold at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    on_shift = models.BooleanField(default=True)
    away = models.BooleanField(default=False)
    capacity = models.PositiveIntegerField(default=25)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {'away' if self.away else 'on shift' if self.on_shift else 'off shift'}"
