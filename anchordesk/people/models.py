"""An agent's absence, and what was handed over for it so it can be handed back."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from anchordesk.people.choices import AbsenceReason, AbsenceState, Bucket


class Absence(models.Model):
    """A holiday or sick leave: work handed over now, handed back at `ends_at` by the absence job."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences")
    reason = models.CharField(max_length=10, choices=AbsenceReason.choices, default=AbsenceReason.HOLIDAY)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(db_index=True)
    # Buckets whose items go back to the agent when they return; the others stay with their new owner.
    hand_back = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=AbsenceState.choices, default=AbsenceState.AWAY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "id"]
        indexes = [models.Index(fields=["state", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.agent} away until {self.ends_at:%Y-%m-%d}"


class HandedItem(models.Model):
    """One object handed over for an absence, with who holds it meanwhile (None: a queue)."""

    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="items")
    bucket = models.CharField(max_length=20, choices=Bucket.choices)
    object_id = models.PositiveBigIntegerField()
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_back_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["absence", "bucket"])]


class PlanKeeper(models.Model):
    """Who drives an open recovery plan once the agent who logged the mistake has handed it over.

    A plan with no keeper row is driven by the agent who logged it (`Mistake.logged_by`, which
    stays as history).
    """

    mistake = models.OneToOneField("recovery.Mistake", on_delete=models.CASCADE, related_name="+")
    keeper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField(auto_now=True)
