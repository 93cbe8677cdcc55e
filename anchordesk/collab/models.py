"""Escalations (a customer asked for a manager) and handoffs (a ticket asks another team for help)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from anchordesk.collab.choices import (
    OPEN_HANDOFF_STATUSES,
    EscalationState,
    HandoffStatus,
    LeadMode,
    RequestedBy,
)

_ESCALATION_BADGES: dict[str, str] = {
    EscalationState.OPEN: "badge-open",
    EscalationState.TAKEN: "badge-pending",
    EscalationState.RESOLVED: "badge-solved",
}
_HANDOFF_BADGES: dict[str, str] = {
    HandoffStatus.NEW: "badge-new",
    HandoffStatus.IN_PROGRESS: "badge-open",
    HandoffStatus.WAITING: "badge-pending",
    HandoffStatus.DONE: "badge-solved",
    HandoffStatus.DECLINED: "badge-closed",
}


class Escalation(models.Model):
    """A customer's demand for a manager on one ticket, until a lead resolves it.

    `due_at` is the escalation's own SLA, copied in when it opens so a later change of the
    setting does not move the deadline of escalations already waiting.
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="escalations")
    state = models.CharField(max_length=10, choices=EscalationState.choices, default=EscalationState.OPEN)
    reason = models.CharField(max_length=300, blank=True)
    requested_by = models.CharField(max_length=10, choices=RequestedBy.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalations_taken",
    )
    mode = models.CharField(max_length=10, choices=LeadMode.choices, blank=True)
    sla_minutes = models.PositiveIntegerField()
    due_at = models.DateTimeField(db_index=True)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Set once when the leads are told the escalation is past due; the scan claims it conditionally.
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=~Q(state="resolved"),
                name="collab_one_open_escalation_per_ticket",
            )
        ]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"Escalation #{self.pk} on ticket #{self.ticket_id}"

    @property
    def is_open(self) -> bool:
        return self.state != EscalationState.RESOLVED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.now() > self.due_at

    @property
    def badge(self) -> str:
        """The app.css badge for the state, so escalations read like ticket statuses."""
        return _ESCALATION_BADGES.get(self.state, "")


class Handoff(models.Model):
    """A ticket's request to another team, worked in that team's own queue."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="handoffs")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="handoffs")
    subject = models.CharField(max_length=200)
    needed = models.TextField(help_text="What the other team is asked to do")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=HandoffStatus.choices, default=HandoffStatus.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="handoffs"
    )
    messages = models.ManyToManyField("tickets.Message", blank=True, related_name="handoffs")
    # Someone without an account (a contractor, a carrier): the handoff is emailed to them and their
    # replies, sent to a signed reply address, come back as comments.
    external_email = models.EmailField(blank=True)
    external_name = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="handoffs_opened"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set once when the handoff passes its "needed by" date and its team is reminded.
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["team", "status"]), models.Index(fields=["ticket", "status"])]

    def __str__(self) -> str:
        return f"Handoff #{self.pk}: {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_HANDOFF_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on is not None and timezone.localdate() > self.due_on

    @property
    def badge(self) -> str:
        return _HANDOFF_BADGES.get(self.status, "")


class HandoffComment(models.Model):
    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the comment is an emailed reply from the handoff's outside contact.
    author_email = models.EmailField(blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on handoff #{self.handoff_id}"

    @property
    def author_name(self) -> str:
        if self.author is not None:
            return self.author.display_name
        return self.author_email or "—"
