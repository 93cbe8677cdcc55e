from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from anchordesk.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The audit trail is read-only, here as everywhere."""

    list_display = ("created_at", "kind", "actor", "ticket", "object_type", "object_id")
    list_filter = ("kind", "object_type")
    list_select_related = ("actor", "ticket")
    raw_id_fields = ("ticket", "actor", "actor_customer")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
