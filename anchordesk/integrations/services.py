"""Outgoing webhooks: queue a delivery per subscribed hook; the worker sends them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from anchordesk.integrations.models import Webhook, WebhookDelivery


def queue_webhook_event(event: str, payload: dict[str, object]) -> list[int]:
    """Record one delivery for each active webhook subscribed to the event, and enqueue it."""
    hooks = [h for h in Webhook.objects.filter(active=True) if event in h.events or "*" in h.events]
    if not hooks:
        return []
    body = {"event": event, "sent_at": timezone.now().isoformat(), "data": payload}
    with transaction.atomic():
        deliveries = [WebhookDelivery.objects.create(webhook=h, event=event, payload=body) for h in hooks]
    ids = [d.pk for d in deliveries]

    def enqueue() -> None:
        from anchordesk.integrations.tasks import deliver_webhook

        for pk in ids:
            deliver_webhook(pk)

    transaction.on_commit(enqueue)
    return ids
