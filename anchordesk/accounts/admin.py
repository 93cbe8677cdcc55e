from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from anchordesk.accounts.models import ApiToken, Customer, Organization, Team, User


@admin.register(User)
class AgentAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "teams")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Help desk", {"fields": ("role", "teams", "skills", "timezone", "signature")}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "email")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "domain", "tier")
    list_filter = ("tier",)
    search_fields = ("name", "domain")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("email", "name", "organization", "sees_organization_tickets")
    search_fields = ("email", "name")
    list_select_related = ("organization",)
    raw_id_fields = ("organization",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    list_select_related = ("user",)
