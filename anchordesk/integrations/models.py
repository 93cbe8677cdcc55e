from __future__ import annotations

from django.db import models

from anchordesk.core.crypto import EncryptedTextField

WEBHOOK_EVENTS = [
    ("ticket.created", "Ticket created"),
    ("ticket.updated", "Ticket updated"),
    ("ticket.merged", "Tickets merged"),
    ("message.created", "Message added"),
]


class Webhook(models.Model):
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret = EncryptedTextField()  # encrypted at rest (core.crypto); signs each delivery
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
