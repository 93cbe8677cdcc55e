from __future__ import annotations

from django.contrib import admin

from anchordesk.tickets.models import CustomField, SavedView, Tag


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = ("label", "key", "type", "active")
    list_filter = ("type", "active")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "created_at")
