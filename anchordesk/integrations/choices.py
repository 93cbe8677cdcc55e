from django.db import models


class IntegrationsEvent(models.TextChoices):
    """Audit event kinds for webhooks."""

    WEBHOOK_CREATED = "webhook.created", "added a webhook"
    WEBHOOK_UPDATED = "webhook.updated", "changed a webhook"
    WEBHOOK_DELETED = "webhook.deleted", "deleted a webhook"
