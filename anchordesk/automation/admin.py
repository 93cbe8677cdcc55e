from __future__ import annotations

from django.contrib import admin

from anchordesk.automation.models import AgentAvailability, AssignmentPolicy, Macro, Trigger


@admin.register(Trigger)
class TriggerAdmin(admin.ModelAdmin[Trigger]):
    list_display = ("name", "active", "position")


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin[Macro]):
    list_display = ("name", "team", "owner", "usage_count")


@admin.register(AssignmentPolicy)
class AssignmentPolicyAdmin(admin.ModelAdmin[AssignmentPolicy]):
    list_display = ("team", "strategy")


@admin.register(AgentAvailability)
class AgentAvailabilityAdmin(admin.ModelAdmin[AgentAvailability]):
    list_display = ("user", "on_shift", "away", "capacity")
