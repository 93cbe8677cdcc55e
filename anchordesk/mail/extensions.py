"""What mail plugs into the foundation's extension points (docs/ARCHITECTURE.md); registered by
MailConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from anchordesk.core.registry import (
    register_after_reply,
    register_queue_email,
    register_reply_message_id,
    register_timeline_entries,
)
from anchordesk.mail.addresses import new_message_id
from anchordesk.mail.models import OutboundEmail
from anchordesk.mail.outbox import do_queue_email, do_queue_reply
from anchordesk.tickets.models import Ticket


def register() -> None:
    # The customer's email is written in the reply's own transaction: a committed reply is never unsent.
    register_reply_message_id(new_message_id)  # a reply's row is written with its email's id
    register_after_reply(do_queue_reply)
    register_timeline_entries(emails_about_the_ticket)
    register_queue_email(do_queue_email)  # the foundation's few emails (invitations)


def emails_about_the_ticket(ticket: Ticket) -> Iterator[tuple[str, datetime, OutboundEmail]]:
    """The ticket's emails that are not replies (notices, surveys), in its timeline. A reply's own
    email shows as a badge on the reply instead."""
    for email in (
        OutboundEmail.objects.filter(ticket=ticket, ticket_message__isnull=True)
        .defer("body_text", "body_html")
        .order_by("created_at", "id")
    ):
        yield "email", email.created_at, email
