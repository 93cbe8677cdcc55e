from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from anchordesk.integrations.models import Webhook, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin[Webhook]):
    """Read-only here: webhooks are changed in Settings → Webhooks, where changes are audited."""

    list_display = ["url", "active", "created_at"]
    list_filter = ["active"]
    exclude = ["secret"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Webhook | None = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    list_display = ["id", "webhook", "event", "state", "attempts", "response_status", "created_at"]
    list_filter = ["state", "event"]
    list_select_related = ["webhook"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WebhookDelivery | None = None) -> bool:
        return False
