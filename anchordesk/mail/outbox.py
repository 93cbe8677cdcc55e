"""The durable outbox. A reply's email is written in the reply's own transaction, so it
cannot be lost; the worker sends it, retrying with backoff through an SMTP outage.

Delivery is at-least-once at the SMTP boundary: if a worker dies after the server
accepted a mail but before the row is marked sent, the mail goes again with the same
Message-ID, which mail clients collapse into one. Anything that succeeded and was
recorded is never sent again, because sending first claims the row.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anchordesk.mail.addresses import new_message_id, reply_address
from anchordesk.mail.models import OutboundEmail, OutboundState
from anchordesk.tickets.models import Message, email_message_key

log = logging.getLogger(__name__)

_BACKOFF = [60, 300, 900, 3600, 3 * 3600, 6 * 3600]
LEASE = timedelta(minutes=5)  # a claimed send older than this is taken to have died with its worker


def backoff_seconds(attempts: int) -> int:
    return _BACKOFF[min(max(attempts, 1), len(_BACKOFF)) - 1]


def _thread_ids(message: Message) -> tuple[str, str]:
    """In-Reply-To (the customer's latest email) and References (the whole thread) for a reply."""
    ids = list(
        Message.objects.filter(ticket_id=message.ticket_id, created_at__lte=message.created_at)
        .exclude(pk=message.pk)
        .exclude(email_message_id="")
        .order_by("created_at", "id")
        .values_list("email_message_id", "kind")
    )
    # A Message-ID too long for one header line (RFC 5322: 998 characters) is not echoed: servers
    # refuse such lines. Replies still find their ticket by our own id and the signed reply address.
    ids = [(mid, kind) for mid, kind in ids if len(mid) <= 900]
    customer_ids = [mid for mid, kind in ids if kind == "customer"]
    in_reply_to = customer_ids[-1] if customer_ids else (ids[-1][0] if ids else "")
    references = " ".join(mid for mid, _ in ids[-20:])
    return in_reply_to, references


def queue_reply(message: Message) -> OutboundEmail:
    """Write the email for a public reply. Must be called inside the reply's transaction."""
    ticket = message.ticket
    message_id = new_message_id()
    Message.objects.filter(pk=message.pk).update(
        email_message_id=message_id, email_message_key=email_message_key(message_id)
    )
    message.email_message_id = message_id
    in_reply_to, references = _thread_ids(message)
    # MAIL_MAX_RECIPIENTS caps one email: the customer and the earliest followers.
    followers = list(
        ticket.followers.exclude(email__iexact=ticket.customer.email)
        .order_by("created_at", "pk")
        .values_list("email", flat=True)[: max(settings.MAIL_MAX_RECIPIENTS - 1, 0)]
    )
    body = message.body_text
    signature = f"\n\n-- \n{message.author_name}\n"
    portal = f"{settings.SITE_URL}/portal/tickets/{ticket.pk}/"
    outbound = OutboundEmail.objects.create(
        ticket=ticket,
        ticket_message=message,
        from_address=settings.DEFAULT_FROM_EMAIL,
        reply_to=reply_address(ticket.pk),
        to=[ticket.customer.email],
        cc=followers,
        subject=_reply_subject(ticket.subject, ticket.pk),
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        body_text=f"{body}{signature}\nView the conversation: {portal}\n",
        body_html=message.body_html,
        next_attempt_at=timezone.now(),
    )
    outbound_id = outbound.pk
    transaction.on_commit(lambda: _enqueue(outbound_id))
    return outbound


def queue_email(
    ticket_id: int, *, to: list[str], subject: str, body: str, reply_to: str = "", message_id: str = ""
) -> OutboundEmail:
    """Write an email that is not a reply to the customer (a handoff to someone outside the company).

    It goes through the same durable outbox, so it survives an SMTP outage like a reply does.
    Must be called inside the transaction of the change that sends it.
    """
    outbound = OutboundEmail.objects.create(
        ticket_id=ticket_id,
        from_address=settings.DEFAULT_FROM_EMAIL,
        reply_to=reply_to,
        to=to,
        subject=subject[:300],
        message_id=message_id or new_message_id(),
        body_text=body,
        next_attempt_at=timezone.now(),
    )
    outbound_id = outbound.pk
    transaction.on_commit(lambda: _enqueue(outbound_id))
    return outbound


def _reply_subject(subject: str, ticket_id: int) -> str:
    token = f"[#{ticket_id}]"
    base = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    return base if token in base else f"{base} {token}"


def _enqueue(outbound_id: int) -> None:
    from anchordesk.mail.tasks import send_outbound_task

    send_outbound_task(outbound_id)


def _claim(outbound_id: int) -> bool:
    now = timezone.now()
    claimable = Q(state=OutboundState.QUEUED, next_attempt_at__lte=now) | Q(
        state=OutboundState.SENDING, claimed_at__lt=now - LEASE
    )
    return bool(
        OutboundEmail.objects.filter(claimable, pk=outbound_id).update(
            state=OutboundState.SENDING, claimed_at=now
        )
    )


def _build(outbound: OutboundEmail) -> EmailMultiAlternatives:
    headers = {"Message-ID": outbound.message_id}
    if outbound.in_reply_to:
        headers["In-Reply-To"] = outbound.in_reply_to
    if outbound.references:
        headers["References"] = outbound.references
    mail = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body_text,
        from_email=outbound.from_address,
        to=list(outbound.to),
        cc=list(outbound.cc),
        reply_to=[outbound.reply_to] if outbound.reply_to else None,
        headers=headers,
    )
    mail.attach_alternative(outbound.body_html or _text_to_html(outbound.body_text), "text/html")
    if outbound.ticket_message is not None:
        for attachment in outbound.ticket_message.attachments.all():
            with attachment.file.open("rb") as fh:
                mail.attach(attachment.filename, fh.read(), attachment.content_type)
    return mail


def _text_to_html(text: str) -> str:
    from django.utils.html import escape, linebreaks

    return linebreaks(escape(text))


def send_outbound(outbound_id: int) -> str:
    """Send one queued email if it is due and nobody else is sending it. Returns the new state."""
    if not _claim(outbound_id):
        return "skipped"
    outbound = OutboundEmail.objects.select_related("ticket_message").get(pk=outbound_id)
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([_build(outbound)])
    except Exception as exc:  # SMTP and socket errors of every kind mean "try again later"
        attempts = outbound.attempts + 1
        failed = attempts >= settings.OUTBOX_MAX_ATTEMPTS
        OutboundEmail.objects.filter(pk=outbound_id).update(
            state=OutboundState.FAILED if failed else OutboundState.QUEUED,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:500],
            next_attempt_at=timezone.now() + timedelta(seconds=backoff_seconds(attempts)),
            claimed_at=None,
        )
        log.warning(
            "outbound send failed",
            extra={"outbound_id": outbound_id, "attempts": attempts, "error": str(exc)},
        )
        return OutboundState.FAILED if failed else OutboundState.QUEUED
    OutboundEmail.objects.filter(pk=outbound_id).update(
        state=OutboundState.SENT, sent_at=timezone.now(), attempts=outbound.attempts + 1, last_error=""
    )
    log.info("outbound sent", extra={"outbound_id": outbound_id, "ticket_id": outbound.ticket_id})
    return OutboundState.SENT


def due_outbound_ids(limit: int = 200) -> list[int]:
    now = timezone.now()
    due = Q(state=OutboundState.QUEUED, next_attempt_at__lte=now) | Q(
        state=OutboundState.SENDING, claimed_at__lt=now - LEASE
    )
    return list(
        OutboundEmail.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
