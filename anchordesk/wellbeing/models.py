"""Agent wellbeing: exposure to abusive and hostile messages, breaks, the abusive-customer policy,
and kind words from customers."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from anchordesk.wellbeing.choices import BreakState, ExposureKind, KindSource, Standing


class Exposure(models.Model):
    """One abusive or hostile customer message received by an agent (the ticket's assignee then).

    `day` is the agent's own calendar day, so "today" is their shift, not the server's.
    """

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ExposureKind.choices)
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message"], name="exposure_once_per_message")]
        indexes = [
            models.Index(fields=["agent", "day"]),
            models.Index(fields=["agent", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} message to {self.agent_id} on #{self.ticket_id}"


class Break(models.Model):
    """A break suggested after a hostile run (or started by the agent), and what became of it."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="breaks")
    state = models.CharField(max_length=10, choices=BreakState.choices, default=BreakState.SUGGESTED)
    reason = models.CharField(max_length=300, blank=True)
    tickets = models.JSONField(default=list, blank=True)  # the conversations of the run
    suggested_minutes = models.PositiveIntegerField(default=15)
    suggested_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent"],
                condition=Q(state__in=["suggested", "taken"]),
                name="wellbeing_one_open_break_per_agent",
            )
        ]

    def __str__(self) -> str:
        return f"Break of {self.agent_id}: {self.state}"

    @property
    def minutes(self) -> int:
        """The time logged: from going away to coming back (so far, while on break)."""
        if self.started_at is None:
            return 0
        end = self.ended_at or timezone.now()
        return max(0, round((end - self.started_at) / timedelta(minutes=1)))


class WellbeingProfile(models.Model):
    """What an agent chose: whether they volunteer to take over abusive conversations."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    volunteer = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Wellbeing of {self.user_id}"


class CustomerStanding(models.Model):
    """Where a customer is in the abusive-customer policy. Every change is an audit event."""

    customer = models.OneToOneField("accounts.Customer", on_delete=models.CASCADE, related_name="standing")
    state = models.CharField(max_length=12, choices=Standing.choices, default=Standing.OK)
    reason = models.CharField(max_length=300, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    restricted_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.state}"


class RestrictedMessage(models.Model):
    """A restricted customer wrote: the lead queue, until a lead takes it."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("accounts.Customer", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["message"], name="restricted_once_per_message")]
        indexes = [models.Index(fields=["taken_at", "created_at"])]

    def __str__(self) -> str:
        return f"Restricted message on #{self.ticket_id}"


class KindWord(models.Model):
    """A compliment that reached an agent: thanks in a customer's reply, or a good rating with a comment."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kind_words")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=KindSource.choices)
    text = models.TextField()
    message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    survey = models.ForeignKey(
        "automation.CsatSurvey", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["message"], name="kind_word_once_per_message"),
            models.UniqueConstraint(fields=["survey"], name="kind_word_once_per_survey"),
        ]
        indexes = [models.Index(fields=["agent", "created_at"])]

    def __str__(self) -> str:
        return f"Kind words for {self.agent_id} on #{self.ticket_id}"
