from __future__ import annotations

from django.contrib import admin

from anchordesk.automation.models import AgentAvailability, AssignmentPolicy, Macro, Trigger


@admin.register(Trigger)
class TriggerAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "position")


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "owner", "usage_count")


@admin.register(AssignmentPolicy)
class AssignmentPolicyAdmin(admin.ModelAdmin):
    list_display = ("team", "strategy")


@admin.register(AgentAvailability)
class AgentAvailabilityAdmin(admin.ModelAdmin):
    list_display = ("user", "on_shift", "away", "capacity")
