from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from anchordesk.mail.models import InboundEmail, Mailbox, OutboundEmail


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    list_display = ("name", "address", "host", "security", "team", "active", "last_polled_at", "last_error")
    list_filter = ("active", "security")
    # Secrets are write-only and encrypted: they are set on the mailbox page in Settings, never shown here.
    exclude = ("password", "oauth2_token", "push_secret")


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin[InboundEmail]):
    list_display = ("received_at", "source", "from_address", "subject", "state", "reason")
    list_filter = ("state", "source")
    exclude = ("raw",)
    readonly_fields = [f.name for f in InboundEmail._meta.fields if f.name != "raw"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    """Every email Anchordesk sends, by kind and delivery state. Rows are only written by do_queue_email."""

    list_display = (
        "created_at",
        "kind",
        "recipients",
        "subject",
        "ticket_id",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("state", "kind")
    search_fields = ("subject", "message_id")
    date_hierarchy = "created_at"
    list_select_related = False

    @admin.display(description="To")
    def recipients(self, obj: OutboundEmail) -> str:
        everyone = [*obj.to, *obj.cc]
        return ", ".join(everyone[:3]) + (f" and {len(everyone) - 3} more" if len(everyone) > 3 else "")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
