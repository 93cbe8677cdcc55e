from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from anchordesk.accounts.actions import do_deactivate_agent
from anchordesk.accounts.models import ApiToken, Customer, Organization, Team, User


@admin.register(User)
class AgentAdmin(UserAdmin[User]):
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "teams")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Help desk", {"fields": ("role", "teams", "skills", "timezone", "signature")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        leaving = change and "is_active" in form.changed_data and not obj.is_active
        if leaving:
            # Unticking "active" is offboarding with the default plan (docs/offboarding.md): the
            # other changes are saved, then the offboarding deactivates and hands everything over.
            obj.is_active = True
        super().save_model(request, obj, form, change)
        if leaving:
            assert isinstance(request.user, User)
            try:
                do_deactivate_agent(obj, actor=request.user, source="admin")
            except ValidationError as exc:
                messages.error(request, f"{obj.display_name} stays active: {' '.join(exc.messages)}")
            else:
                messages.info(request, f"{obj.display_name} is deactivated and their open work handed over.")
            obj.refresh_from_db()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting someone would orphan their work and history: untick "active" (offboarding) instead.
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "kind", "email")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ("name", "domain", "tier")
    list_filter = ("tier",)
    search_fields = ("name", "domain")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ("email", "name", "organization", "sees_organization_tickets")
    search_fields = ("email", "name")
    list_select_related = ("organization",)
    raw_id_fields = ("organization",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    list_select_related = ("user",)
