from __future__ import annotations

from django.contrib import admin

from anchordesk.tickets.models import CustomField, SavedView, Tag


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin[CustomField]):
    list_display = ("label", "key", "type", "active")
    list_filter = ("type", "active")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    search_fields = ("name",)


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin[SavedView]):
    list_display = ("name", "owner", "created_at")
