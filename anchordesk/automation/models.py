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
    # A disabled macro is kept (and can be enabled again) but no longer offered in the reply box.
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def personal(self) -> bool:
        return self.owner_id is not None


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


class TimeRule(models.Model):
    """Checked on a schedule: "pending for 3 days → remind the customer; 7 days → solve"."""

    name = models.CharField(max_length=120, unique=True)
    active = models.BooleanField(default=True)
    conditions = models.JSONField(default=dict)
    actions = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TimeRuleFiring(models.Model):
    """A time rule acted on a ticket and may not again while its conditions hold (timerules.py).

    The row is deleted when a later pass finds the conditions false, which arms the rule again.
    """

    rule = models.ForeignKey(TimeRule, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    ticket_version = models.PositiveIntegerField()
    fired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "ticket"], name="time_rule_once_while_matching")
        ]


class Rating(models.TextChoices):
    GOOD = "good", "Good"
    BAD = "bad", "Bad"


class CsatSurvey(models.Model):
    """Sent when a ticket is solved; one click rates it. Only the token's hash is stored."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="csat_surveys")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    rating = models.CharField(max_length=4, choices=Rating.choices, blank=True)
    comment = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # With a delay in the CSAT settings: when the email is due; null once it is queued.
    send_after = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-sent_at"]


DEFAULT_CSAT_QUESTION = "How did we do?"
CSAT_MAX_DELAY_MINUTES = 7 * 24 * 60


class CsatSettings(models.Model):
    """One row (pk=1): whether a survey goes out when a ticket is solved, how long after, and its question."""

    enabled = models.BooleanField(default=True)
    delay_minutes = models.PositiveIntegerField(default=0)
    question = models.CharField(max_length=200, default=DEFAULT_CSAT_QUESTION)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "CSAT settings"

    @classmethod
    def current(cls) -> CsatSettings:
        """The saved settings, or the defaults (unsaved) when nobody has changed them."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
