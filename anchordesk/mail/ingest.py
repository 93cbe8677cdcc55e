"""Inbound mail, one pipeline for IMAP, push and pipe: store the raw bytes, then process.

Storing is idempotent on the content hash, so the same delivery twice is one row.
Processing is one transaction per message that re-checks the row's state first, so a
worker killed halfway leaves the row pending for the next attempt, and two workers
never turn one message into two.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from anchordesk.accounts.actions import do_get_or_create_customer
from anchordesk.accounts.models import Customer
from anchordesk.mail.addresses import (
    is_our_address,
    normalize_message_id,
    ticket_from_addresses,
    ticket_from_subject,
)
from anchordesk.mail.models import InboundEmail, InboundState, Mailbox, OutboundEmail, OutboundState
from anchordesk.tickets.actions import (
    NewTicket,
    do_add_customer_message,
    do_add_system_note,
    do_create_ticket,
)
from anchordesk.tickets.choices import Channel
from anchordesk.tickets.models import Follower, Message, Ticket
from anchordesk.tickets.uploads import CheckedUpload, check_uploads

log = logging.getLogger(__name__)

MAX_RAW_BYTES = 40 * 1024 * 1024


class MessageTooLarge(ValueError):
    pass


def store_raw(raw: bytes, *, source: str, mailbox: Mailbox | None = None) -> tuple[InboundEmail, bool]:
    """Keep the bytes before anything else. Returns (row, created); the same bytes again give the old row."""
    if len(raw) > MAX_RAW_BYTES:
        raise MessageTooLarge(f"message of {len(raw)} bytes is over the {MAX_RAW_BYTES} byte limit")
    digest = hashlib.sha256(raw).hexdigest()
    existing = InboundEmail.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                source=source, mailbox=mailbox, raw=raw, size=len(raw), content_hash=digest
            )
    except IntegrityError:  # stored by a concurrent delivery a moment ago
        return InboundEmail.objects.get(content_hash=digest), False
    return inbound, True


def enqueue_processing(inbound_id: int) -> None:
    from anchordesk.mail.tasks import process_inbound_task

    transaction.on_commit(lambda: process_inbound_task(inbound_id))


def process_inbound(inbound_id: int) -> InboundEmail:
    """Parse and route one stored message. Safe to call any number of times."""
    with transaction.atomic():
        inbound = (
            InboundEmail.objects.select_for_update(of=("self",)).select_related("mailbox").get(pk=inbound_id)
        )
        if inbound.state != InboundState.PENDING:
            return inbound
        inbound.attempts += 1
        try:
            _route(inbound)
        except ValidationError as exc:
            _finish(inbound, InboundState.QUARANTINED, "; ".join(exc.messages)[:500])
        return inbound


def _finish(inbound: InboundEmail, state: str, reason: str = "", **fields: Any) -> None:
    inbound.state = state
    inbound.reason = reason[:500]
    inbound.processed_at = timezone.now()
    for key, value in fields.items():
        setattr(inbound, key, value)
    inbound.save()


def _route(inbound: InboundEmail) -> None:
    from anchordesk.mail import parse

    parsed = parse(bytes(inbound.raw))
    message_id = normalize_message_id(parsed.message_id)
    inbound.message_id = message_id
    inbound.from_address = (parsed.from_address or "")[:250]
    inbound.subject = (parsed.subject or "")[:250]
    inbound.is_auto_reply = bool(parsed.is_auto_reply)
    inbound.is_bounce = bool(parsed.is_bounce)
    if not parsed.ok:
        _finish(inbound, InboundState.QUARANTINED, f"could not be parsed: {parsed.error}")
        return
    if message_id and (
        InboundEmail.objects.filter(message_id=message_id, state=InboundState.PROCESSED)
        .exclude(pk=inbound.pk)
        .exists()
        or Message.objects.filter(email_message_id=message_id).exists()
    ):
        _finish(
            inbound, InboundState.DUPLICATE, "a message with this Message-ID was already received or sent"
        )
        return
    if parsed.is_bounce:
        _route_bounce(inbound, parsed)
        return
    sender = (parsed.from_address or "").strip()
    if not sender or "@" not in sender:
        _finish(inbound, InboundState.QUARANTINED, "no sender address")
        return
    if is_our_address(sender):
        _finish(inbound, InboundState.IGNORED, "sent from one of our own addresses (mail loop)")
        return
    if _is_looping(sender, inbound):
        _finish(
            inbound,
            InboundState.IGNORED,
            f"more than {settings.MAIL_LOOP_LIMIT} messages from {sender} in 10 minutes",
        )
        return

    customer, _ = do_get_or_create_customer(sender, name=parsed.from_name or "")
    ticket = _find_ticket(parsed, customer)
    body = (parsed.reply_text or parsed.text or "").strip() if ticket else (parsed.text or "").strip()
    uploads, refused = _uploads(parsed)
    if not body:
        body = "(no text)" if not uploads else "(attachments only)"
    if ticket is None:
        if parsed.is_auto_reply:
            _finish(inbound, InboundState.IGNORED, "automatic reply that belongs to no ticket")
            return
        ticket = do_create_ticket(
            NewTicket(
                customer=customer,
                subject=(parsed.subject or "").strip()[:250] or "(no subject)",
                body=body,
                html=parsed.html or "",
                channel=Channel.EMAIL,
                team=inbound.mailbox.team if inbound.mailbox else None,
                uploads=uploads,
                email_message_id=message_id,
            ),
            actor_customer=customer,
        )
        message = ticket.messages.order_by("id").first()
    elif parsed.is_auto_reply:
        message = do_add_system_note(ticket, f"Automatic reply from {sender}:\n\n{body}")
    else:
        message = do_add_customer_message(
            ticket,
            body,
            customer=customer,
            channel=Channel.EMAIL,
            html="",
            uploads=uploads,
            email_message_id=message_id,
        )
    _add_followers(ticket, parsed, customer)
    if refused:
        do_add_system_note(ticket, "Attachments not kept from the customer's email:\n" + "\n".join(refused))
    _finish(inbound, InboundState.PROCESSED, ticket=ticket, ticket_message=message)


def _is_looping(sender: str, inbound: InboundEmail) -> bool:
    since = timezone.now() - timedelta(minutes=10)
    recent = InboundEmail.objects.filter(from_address__iexact=sender, received_at__gte=since).exclude(
        pk=inbound.pk
    )
    return recent.count() >= settings.MAIL_LOOP_LIMIT


def _find_ticket(parsed: Any, customer: Customer) -> Ticket | None:
    """Threading: our and their Message-IDs first, then the signed reply address, then [#id] in the subject."""
    ids = [normalize_message_id(i) for i in [parsed.in_reply_to, *reversed(parsed.references or [])] if i]
    if ids:
        hit = (
            Message.objects.filter(email_message_id__in=ids).select_related("ticket").order_by("-id").first()
        )
        if hit is not None:
            return _follow_merge(hit.ticket)
    token_ticket = ticket_from_addresses([*(parsed.to or []), *(parsed.cc or [])])
    if token_ticket is not None:
        ticket = Ticket.objects.filter(pk=token_ticket).first()
        if ticket is not None:
            return _follow_merge(ticket)
    subject_ticket = ticket_from_subject(parsed.subject or "")
    if subject_ticket is not None:
        # A number in a subject is easy to forge: it only threads for the ticket's own people.
        ticket = Ticket.objects.filter(pk=subject_ticket).first()
        if ticket is not None and (
            ticket.customer_id == customer.pk
            or ticket.followers.filter(email__iexact=customer.email).exists()
        ):
            return _follow_merge(ticket)
    return None


def _follow_merge(ticket: Ticket) -> Ticket:
    seen = set()
    while ticket.merged_into_id is not None and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def _uploads(parsed: Any) -> tuple[list[CheckedUpload], list[str]]:
    kept: list[CheckedUpload] = []
    refused: list[str] = []
    for attachment in parsed.attachments or []:
        upload = SimpleUploadedFile(
            attachment.name or "attachment", attachment.content, attachment.content_type
        )
        try:
            kept.extend(check_uploads([upload]))
        except ValidationError as exc:
            refused.append("; ".join(exc.messages))
    return kept, refused


def _add_followers(ticket: Ticket, parsed: Any, customer: Customer) -> None:
    for address in [*(parsed.cc or [])]:
        address = (address or "").strip()
        if not address or "@" not in address or is_our_address(address):
            continue
        if address.lower() == ticket.customer.email.lower():
            continue
        Follower.objects.get_or_create(ticket=ticket, email=address.lower()[:254])


def _route_bounce(inbound: InboundEmail, parsed: Any) -> None:
    original = normalize_message_id(parsed.bounced_message_id)
    outbound = OutboundEmail.objects.filter(message_id=original).first() if original else None
    if outbound is None:
        _finish(inbound, InboundState.IGNORED, "bounce for a message we did not send")
        return
    OutboundEmail.objects.filter(pk=outbound.pk).update(state=OutboundState.BOUNCED, last_error="bounced")
    note = do_add_system_note(
        outbound.ticket,
        f"The email to {', '.join(outbound.to)} bounced:\n\n{(parsed.text or '').strip()[:2000] or '(no details)'}",
    )
    _finish(inbound, InboundState.PROCESSED, ticket=outbound.ticket, ticket_message=note)


def do_retry_inbound(inbound: InboundEmail, *, actor: Any) -> InboundEmail:
    """An admin sends a quarantined message through the pipeline again."""
    from anchordesk.core.audit import record_event

    with transaction.atomic():
        InboundEmail.objects.filter(pk=inbound.pk).update(state=InboundState.PENDING, reason="")
        record_event("mail.retried", actor=actor, obj=inbound)
    return process_inbound(inbound.pk)


def do_discard_inbound(inbound: InboundEmail, *, actor: Any) -> None:
    from anchordesk.core.audit import record_event

    with transaction.atomic():
        InboundEmail.objects.filter(pk=inbound.pk).update(state=InboundState.DISCARDED)
        record_event("mail.discarded", actor=actor, obj=inbound)


def pending_ids(limit: int = 500, older_than_seconds: int = 30) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        InboundEmail.objects.filter(state=InboundState.PENDING, received_at__lte=cutoff)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
