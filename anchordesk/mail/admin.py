from __future__ import annotations

from django.contrib import admin

from anchordesk.mail.models import InboundEmail, Mailbox, OutboundEmail


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ("name", "address", "host", "security", "team", "active", "last_polled_at", "last_error")
    list_filter = ("active", "security")


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ("received_at", "source", "from_address", "subject", "state", "reason")
    list_filter = ("state", "source")
    exclude = ("raw",)
    readonly_fields = [f.name for f in InboundEmail._meta.fields if f.name != "raw"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "subject", "state", "attempts", "next_attempt_at", "last_error")
    list_filter = ("state",)
