from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from huey.contrib.djhuey import db_task

from anchordesk.tickets.models import Message

log = logging.getLogger(__name__)


@db_task(retries=5, retry_delay=60)
def send_reply_notification(message_id: int) -> None:
    """Tell the customer an agent replied, with the reply and a link to the portal."""
    message = (
        Message.objects.select_related("ticket", "ticket__customer", "author").filter(pk=message_id).first()
    )
    if message is None or not message.is_public:
        return
    ticket = message.ticket
    body = (
        f"{message.body_text}\n\n-- \n{message.author_name}\n"
        f"View the conversation: {settings.SITE_URL}/portal/tickets/{ticket.pk}/\n"
    )
    EmailMessage(
        subject=f"Re: {ticket.subject} [#{ticket.pk}]",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[ticket.customer.email],
    ).send()
    log.info("reply notification sent", extra={"ticket_id": ticket.pk, "message_id": message.pk})
