from __future__ import annotations

from django.conf import settings
from django.db import models

from anchordesk.recovery.choices import (
    GestureKind,
    MistakeCategory,
    Outcome,
    PromiseState,
    Severity,
    StepKind,
)


class Promise(models.Model):
    """A promise made to a customer ("I'll refund you by Friday"), tracked until kept."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="promises")
    message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="promises")
    action = models.CharField(max_length=300)
    due_text = models.CharField(max_length=120, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    state = models.CharField(max_length=10, choices=PromiseState.choices, default=PromiseState.OPEN)
    reminded_at = models.DateTimeField(null=True, blank=True)
    missed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["owner", "state", "due_at"]),
        ]

    def __str__(self) -> str:
        return self.action


class Mistake(models.Model):
    """Something we got wrong for a customer, recorded without blame."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="mistakes")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=24, choices=MistakeCategory.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MODERATE)
    what_happened = models.TextField()
    impact = models.TextField()
    why_it_made_sense = models.TextField(help_text="Why the decision made sense at the time")
    contributing_factors = models.TextField(blank=True)
    learning = models.TextField(blank=True, help_text="The training item or process change that came of it")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.UNKNOWN, blank=True)
    recovered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} on #{self.ticket_id}"


class RecoveryStep(models.Model):
    mistake = models.ForeignKey(Mistake, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=12, choices=StepKind.choices)
    position = models.PositiveSmallIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    # The reply that admitted/apologized, the promise that fixes, the follow-up's due moment.
    message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    promise = models.ForeignKey(Promise, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["mistake", "kind"], name="recovery_step_once")]


class Gesture(models.Model):
    """What we gave to make good: a credit, a refund, an upgrade."""

    mistake = models.ForeignKey(Mistake, on_delete=models.CASCADE, related_name="gestures")
    kind = models.CharField(max_length=12, choices=GestureKind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    description = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class MessageSignal(models.Model):
    """What the language layer found in one customer message, with the evidence that triggered it."""

    message = models.OneToOneField("tickets.Message", on_delete=models.CASCADE, related_name="signal")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="message_signals")
    frustration = models.PositiveSmallIntegerField(default=0)
    frustration_score = models.FloatField(default=0)
    profanity = models.BooleanField(default=False)
    abusive = models.BooleanField(default=False)
    manager_request = models.PositiveSmallIntegerField(default=0)
    thanks = models.BooleanField(default=False)
    evidence = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["ticket", "created_at"])]
