from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from anchordesk.portal.models import SignInLink


@admin.register(SignInLink)
class SignInLinkAdmin(admin.ModelAdmin[SignInLink]):
    """Sign-in links are evidence for support questions ("I never got in"), never edited by hand."""

    list_display = ("customer", "created_at", "used_at", "requested_ip", "used_ip")
    list_select_related = ("customer",)
    search_fields = ("customer__email",)
    exclude = ("token_hash",)
    raw_id_fields = ("customer",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
