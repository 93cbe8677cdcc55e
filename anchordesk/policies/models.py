"""Policies as versioned data, the decisions made under them, exceptions and their approvals,
and the announcements of policy changes."""

from __future__ import annotations

import difflib
from typing import Any

from django.conf import settings
from django.db import models

from anchordesk.accounts.choices import Role
from anchordesk.policies.choices import LIMIT_PERIOD_DAYS, ApprovalState, DecisionOutcome, ExceptionState


class Policy(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    # The published version that decides new requests; None until the first publish.
    current_version = models.ForeignKey(
        "PolicyVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    """One edit of a policy. Never changed once published: decisions point at it."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()  # what engine.compile_policy reads
    plain_text = models.TextField(blank=True, help_text="The policy in plain words, for agents and customers")
    # The teams whose agents the version concerns: they are told of its change and asked to
    # acknowledge it. None means every agent; leads and admins are always concerned.
    teams = models.ManyToManyField("accounts.Team", blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy.name} v{self.number}"

    @property
    def rules_text(self) -> str:
        return str(self.definition.get("rules", ""))

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class Decision(models.Model):
    """A request on a ticket decided under one policy version. The outcome depends only on the
    inputs and the version, never on who asked."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="policy_decisions")
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="decisions")
    inputs = models.JSONField(default=dict)  # as the agent gave them
    decided_on = models.DateField()  # the engine's today(): the date of the request
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    limit = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    reasons = models.JSONField(default=list)
    result = models.JSONField(default=dict)  # engine Decision.to_dict(): missing, errors, matched rule
    suggested_reply = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The agent had not acknowledged this version's announcement when deciding.
    unacknowledged = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return f"{self.policy_version} on #{self.ticket_id}: {self.outcome}"


class AuthorityLimit(models.Model):
    """How much a role may grant as exceptions before someone above approves: an amount per
    exception and a number of exceptions per period of days. A missing row means the defaults
    in choices.DEFAULT_LIMITS; a null amount or count means no limit. Changed only through
    actions.do_set_authority_limits, so every change is audited."""

    role = models.CharField(max_length=20, choices=Role.choices, unique=True)
    max_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    max_count = models.PositiveIntegerField(null=True, blank=True)
    period_days = models.PositiveSmallIntegerField(default=LIMIT_PERIOD_DAYS)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.role}: {self.max_amount} / {self.max_count} per {self.period_days} days"


class PolicyException(models.Model):
    """A request granted (or asked to be granted) against the policy's answer, with a reason
    from the policy's list."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="exceptions")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="policy_exceptions")
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="exceptions")
    reason_code = models.CharField(max_length=60)
    reason_label = models.CharField(max_length=200)
    outside_customer_control = models.BooleanField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=ExceptionState.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["granted_by", "state", "decided_at"]),
            models.Index(fields=["policy", "reason_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.reason_label} on #{self.ticket_id} ({self.state})"


class ApprovalRequest(models.Model):
    """An exception above the requester's authority, waiting for a lead (or an admin when it
    is above a lead's limit too)."""

    exception = models.OneToOneField(PolicyException, on_delete=models.CASCADE, related_name="approval")
    needs_role = models.CharField(max_length=20, choices=Role.choices, default=Role.LEAD)
    why = models.CharField(max_length=300)  # why the requester could not grant it themselves
    state = models.CharField(max_length=10, choices=ApprovalState.choices, default=ApprovalState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "needs_role"])]

    def __str__(self) -> str:
        return f"Approval for {self.exception}"


class Announcement(models.Model):
    """A published policy change, with what changed, for every agent to acknowledge."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="announcements")
    version = models.OneToOneField(PolicyVersion, on_delete=models.CASCADE, related_name="announcement")
    previous_version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.JSONField(default=list)  # plain sentences from engine.diff_policies
    rules_diff = models.JSONField(default=list)  # unified diff lines of the rules text
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} announced"

    def diff_lines(self) -> list[dict[str, Any]]:
        """The rules diff with a kind per line, for colouring without inline styles."""
        return _kinds(self.rules_diff)

    def text_diff(self) -> list[str]:
        """Unified diff lines of the plain-language text; empty when it did not change. Both
        versions are immutable once published, so it is computed rather than stored."""
        before = self.previous_version.plain_text if self.previous_version is not None else ""
        after = self.version.plain_text
        if before == after:
            return []
        return list(
            difflib.unified_diff(
                before.splitlines(),
                after.splitlines(),
                fromfile=f"version {self.previous_version.number}" if self.previous_version else "before",
                tofile=f"version {self.version.number}",
                lineterm="",
            )
        )

    def text_diff_lines(self) -> list[dict[str, Any]]:
        return _kinds(self.text_diff())


def _kinds(diff: list[str]) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for line in diff:
        if line.startswith(("+++", "---", "@@")):
            kind = "head"
        elif line.startswith("+"):
            kind = "added"
        elif line.startswith("-"):
            kind = "removed"
        else:
            kind = "same"
        lines.append({"kind": kind, "text": line})
    return lines


class Acknowledgement(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="acknowledgement_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.announcement_id}"
