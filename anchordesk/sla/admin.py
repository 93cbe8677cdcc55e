from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from anchordesk.sla.models import BusinessCalendar, SlaPolicy, SlaTimer


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin[BusinessCalendar]):
    list_display = ["name", "timezone", "is_default"]
    filter_horizontal = ["teams"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    list_display = [
        "name",
        "position",
        "active",
        "first_response_minutes",
        "next_reply_minutes",
        "resolution_minutes",
        "business_hours",
    ]
    list_editable = ["position", "active"]
    filter_horizontal = ["teams", "organizations"]


@admin.register(SlaTimer)
class SlaTimerAdmin(admin.ModelAdmin[SlaTimer]):
    """Read-only: timers move with their tickets and the scan, never by hand."""

    list_display = [
        "ticket",
        "kind",
        "policy",
        "state",
        "started_at",
        "due_at",
        "warned_at",
        "breached_at",
        "met_at",
    ]
    list_filter = ["state", "kind", "policy"]
    raw_id_fields = ["ticket"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SlaTimer | None = None) -> bool:
        return False
