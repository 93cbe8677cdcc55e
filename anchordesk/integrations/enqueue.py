"""Outgoing webhooks: queue a delivery per subscribed hook; the worker sends them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from anchordesk.core.request_cache import forget_on_change, request_cached
from anchordesk.integrations.models import DeliveryState, Webhook, WebhookDelivery
from anchordesk.integrations.tasks import deliver_webhook

forget_on_change(Webhook, "integrations.webhooks")


def do_queue_webhook_event(event: str, payload: dict[str, object]) -> list[int]:
    """Record one delivery for each active webhook subscribed to the event, and enqueue it."""
    # Once per request (or batch): a reply queues calls for several events.
    active = request_cached("integrations.webhooks", lambda: list(Webhook.objects.filter(active=True)))
    hooks = [h for h in active if event in h.events or "*" in h.events]
    if not hooks:
        return []
    body = {"event": event, "sent_at": timezone.now().isoformat(), "data": payload}
    with transaction.atomic():
        deliveries = [WebhookDelivery.objects.create(webhook=h, event=event, payload=body) for h in hooks]
    ids = [d.pk for d in deliveries]

    def enqueue() -> None:
        for pk in ids:
            deliver_webhook(pk)

    transaction.on_commit(enqueue)
    return ids


def _enqueue_after_commit(delivery_id: int) -> None:
    def enqueue() -> None:
        deliver_webhook(delivery_id)

    transaction.on_commit(enqueue)


@transaction.atomic
def do_queue_delivery(webhook: Webhook, event: str, payload: dict[str, object]) -> WebhookDelivery:
    """One delivery to one webhook, whatever it subscribes to: an automation rule calling it."""
    body = {"event": event, "sent_at": timezone.now().isoformat(), "data": payload}
    delivery = WebhookDelivery.objects.create(webhook=webhook, event=event, payload=body)
    _enqueue_after_commit(delivery.pk)
    return delivery


@transaction.atomic
def do_queue_test_delivery(webhook: Webhook) -> WebhookDelivery:
    """A "ping" delivery to one webhook, whatever its events, so an admin can check the receiver."""
    body = {
        "event": "ping",
        "sent_at": timezone.now().isoformat(),
        "data": {"webhook_id": webhook.pk, "message": "A test event from Anchordesk."},
    }
    delivery = WebhookDelivery.objects.create(webhook=webhook, event="ping", payload=body)
    _enqueue_after_commit(delivery.pk)
    return delivery


@transaction.atomic
def do_retry_delivery(delivery: WebhookDelivery) -> bool:
    """Send a failed delivery once more, now. Pending ones retry on their own (and may be
    mid-send right now); a delivered one is never sent twice."""
    updated = WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.FAILED).update(
        state=DeliveryState.PENDING, next_attempt_at=None
    )
    if updated:
        _enqueue_after_commit(delivery.pk)
    return bool(updated)
