"""Which webhooks a user may see, and the webhook or delivery behind an id (docs/access.md).

Webhooks are an admin's settings: admins see every one, nobody else any. The pages and the API
refuse other roles first with a 403 (`require_admin`); these lookups then answer a missing
webhook, or a delivery of another webhook, the same as one the user may not see.
"""

from __future__ import annotations

from django.db.models import QuerySet

from anchordesk.accounts.models import User
from anchordesk.core.access import NotAllowed
from anchordesk.integrations.models import Webhook, WebhookDelivery


def webhooks_visible_to(user: User) -> QuerySet[Webhook]:
    return Webhook.objects.all() if user.is_admin_role else Webhook.objects.none()


def access_webhook(user: User, webhook_id: int) -> Webhook:
    webhook = webhooks_visible_to(user).filter(pk=webhook_id).first()
    if webhook is None:
        raise NotAllowed("No such webhook", status=404)
    return webhook


def access_delivery(user: User, webhook_id: int, delivery_id: int) -> WebhookDelivery:
    """One delivery of one webhook; the delivery of another webhook is not found here."""
    webhook = access_webhook(user, webhook_id)
    delivery = (
        WebhookDelivery.objects.filter(pk=delivery_id, webhook=webhook).select_related("webhook").first()
    )
    if delivery is None:
        raise NotAllowed("No such delivery", status=404)
    return delivery
