from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One change to anything a support team cares about: who, what, before, after, when.

    Ticket events carry the ticket so the ticket timeline can interleave them with
    messages; configuration changes (tokens, webhooks, agents) carry only the object.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_customer = models.ForeignKey(
        "accounts.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    # The object the event is about, as the action that recorded it holds it (`record_event`'s
    # obj). Not stored: an event read back has only object_type and object_id. A subscriber running
    # in the action's transaction uses it instead of reading the row again.
    held_object: Any = None
    # The SLA timers this event met, as sla's subscriber left them (a list), once it has run
    # without error; None when not known (an event read back, sla's subscriber not run yet or
    # failed): a subscriber that needs them then reads them.
    held_met_timers: list[Any] | None = None
    # True when `ticket` was read with the event after its action committed (core.events.replay,
    # as the replay began; its handlers write reporting facts and outcomes, not tickets): then it
    # is the row as stored, and a subscriber needing it current need not read it again.
    ticket_as_stored: bool = False

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "created_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}#{self.object_id}"

    @property
    def actor_name(self) -> str:
        if self.actor is not None:
            return self.actor.get_full_name() or self.actor.get_username()
        if self.actor_customer is not None:
            return self.actor_customer.display_name
        return "Anchordesk"


class JobLease(models.Model):
    """Who runs a periodic job right now, until when (the database lease backend).

    A row is claimed with one conditional UPDATE (free or expired -> ours), renewed and
    released only by the owner's token, so a worker killed mid-job holds it at most until
    `expires_at`; then any worker may take it. With REDIS_URL set, leases live in Redis
    instead and this table stays empty.
    """

    name = models.CharField(max_length=120, unique=True)
    holder = models.CharField(max_length=200, blank=True)
    token = models.CharField(max_length=64, blank=True)
    acquired_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder or 'nobody'}"


class JobHealth(models.Model):
    """What operators need to see of a periodic job: when it last started, succeeded, failed and why."""

    name = models.CharField(max_length=120, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_succeeded_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    last_duration = models.FloatField(null=True, blank=True, help_text="seconds the last finished run took")
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def failing(self) -> bool:
        """The last finished run failed (a success since then clears it)."""
        return self.last_failed_at is not None and (
            self.last_succeeded_at is None or self.last_failed_at > self.last_succeeded_at
        )
