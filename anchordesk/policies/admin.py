from django.contrib import admin

from anchordesk.policies.models import AuthorityLimit


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(admin.ModelAdmin):
    """Authority limits are configuration; policies, decisions and exceptions are changed only
    through the app, so every change is versioned and audited."""

    list_display = ["role", "max_amount", "max_count_per_30_days"]
