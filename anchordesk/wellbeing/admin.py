from django.contrib import admin

from anchordesk.wellbeing.models import Break, CustomerStanding, KindWord, RestrictedMessage


@admin.register(CustomerStanding)
class CustomerStandingAdmin(admin.ModelAdmin[CustomerStanding]):
    list_display = ("customer", "state", "changed_by", "changed_at")
    list_filter = ("state",)
    # Changes go through the ticket panel so each step is audited; the admin only reads.
    readonly_fields = ("customer", "state", "reason", "warned_at", "restricted_at", "changed_by")


@admin.register(Break)
class BreakAdmin(admin.ModelAdmin[Break]):
    list_display = ("agent", "state", "suggested_at", "started_at", "ended_at")
    list_filter = ("state",)


admin.site.register(KindWord)
admin.site.register(RestrictedMessage)
