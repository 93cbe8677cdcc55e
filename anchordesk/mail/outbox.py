"""The durable outbox, the only way Anchordesk sends email: replies, notices, surveys,
digests and sign-in links. Each email is written in the transaction of the change that sends
it, so it cannot be lost (and a change rolled back sends nothing); the worker sends it,
retrying with backoff through an SMTP outage. tests/mail/test_outbox_coverage.py fails if
any other module sends mail itself.

Delivery is at-least-once at the SMTP boundary: if a worker dies after the server
accepted a mail but before the row is marked sent, the mail goes again with the same
Message-ID, which mail clients collapse into one. Anything that succeeded and was
recorded is never sent again, because sending first claims the row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anchordesk.core.audit import record_event
from anchordesk.core.claims import update_returning
from anchordesk.mail import tasks as mail_tasks  # tasks imports this module: used at call time
from anchordesk.mail.addresses import new_message_id, reply_address
from anchordesk.mail.choices import MailEvent
from anchordesk.mail.models import OutboundEmail, OutboundKind, OutboundState
from anchordesk.tickets.models import Attachment, Message, Ticket, email_message_key

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


def do_queue_reply(message: Message) -> list[OutboundEmail]:
    """Write the email for a public reply. Must be called inside the reply's transaction."""
    ticket = message.ticket
    # Usually written with the reply (core.registry.reply_message_id); set here otherwise.
    message_id = message.email_message_id
    if not message_id:
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
    return do_queue_email(
        kind=OutboundKind.REPLY,
        ticket=ticket,
        ticket_message=message,
        reply_to=reply_address(ticket.pk),
        to=[ticket.customer.email],
        cc=followers,
        subject=_reply_subject(ticket.subject, ticket.pk),
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        body=f"{body}{signature}\nView the conversation: {portal}\n",
        html=message.body_html or None,
    )


def max_recipients() -> int:
    """OUTBOUND_MAX_RECIPIENTS: the settings refuse a value below 1 at start-up."""
    return max(1, int(getattr(settings, "OUTBOUND_MAX_RECIPIENTS", 50)))


def _addresses(raw: Iterable[str]) -> list[str]:
    """Blank addresses dropped, the rest once each (case-insensitively), in the order given."""
    seen: set[str] = set()
    out: list[str] = []
    for address in raw:
        address = " ".join((address or "").split())
        if address and address.lower() not in seen:
            seen.add(address.lower())
            out.append(address)
    return out


def _split(to: list[str], cc: list[str], cap: int) -> list[tuple[list[str], list[str]]]:
    """To and Cc of each email, at most `cap` recipients in each; the first addresses given go first.

    A part with nobody left in To (only followers) has them in To: an email needs a To.
    """
    everyone = [(a, "to") for a in to] + [(a, "cc") for a in cc]
    parts = []
    for start in range(0, len(everyone), cap):
        chunk = everyone[start : start + cap]
        part_to = [a for a, role in chunk if role == "to"]
        part_cc = [a for a, role in chunk if role == "cc"]
        parts.append((part_to, part_cc) if part_to else (part_cc, []))
    return parts


def do_queue_email(
    *,
    to: Iterable[str],
    subject: str,
    body: str,
    kind: str,
    html: str | None = None,
    ticket: Ticket | int | None = None,
    reply_to: str | None = None,
    headers: Mapping[str, str] | None = None,
    cc: Iterable[str] = (),
    ticket_message: Message | None = None,
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    expires_at: datetime | None = None,
    sensitive: bool = False,
) -> list[OutboundEmail]:
    """Queue any email Anchordesk sends: the one way mail leaves the application.

    The row is written in the caller's transaction, so an action that rolls back sends nothing
    and one that commits cannot lose its email; the worker sends it after the commit and the
    sweep retries it with backoff through an SMTP outage. `kind` says what it is (an
    OutboundKind). An email to more than OUTBOUND_MAX_RECIPIENTS people is split into several,
    each to at most that many, the first addresses given in the first; they share everything
    but the Message-ID. Returns the rows written (none when nobody is left to write to).
    """
    if kind not in OutboundKind.values:
        raise ValueError(f"Unknown kind of email {kind!r}; add it to OutboundKind.")
    to_list = _addresses(to)
    taken = {a.lower() for a in to_list}
    cc_list = [a for a in _addresses(cc) if a.lower() not in taken]
    if not to_list and not cc_list:
        return []
    ticket_id = ticket.pk if isinstance(ticket, Ticket) else ticket
    if ticket_id is None and ticket_message is not None:
        ticket_id = ticket_message.ticket_id
    subject = " ".join(subject.split())[:300]  # a line break in a header would fail every send
    extra = {str(k): " ".join(str(v).split()) for k, v in (headers or {}).items()}
    now = timezone.now()
    rows = []
    for n, (part_to, part_cc) in enumerate(_split(to_list, cc_list, max_recipients())):
        rows.append(
            OutboundEmail.objects.create(
                kind=kind,
                ticket_id=ticket_id,
                ticket_message=ticket_message,
                from_address=settings.DEFAULT_FROM_EMAIL,
                reply_to=reply_to or "",
                to=part_to,
                cc=part_cc,
                subject=subject,
                message_id=(message_id if n == 0 and message_id else new_message_id()),
                in_reply_to=in_reply_to,
                references=references,
                body_text=body,
                body_html=html or "",
                headers=extra,
                expires_at=expires_at,
                sensitive=sensitive,
                next_attempt_at=now,
            )
        )
    if len(rows) > 1:
        log.info(
            "outbound email split",
            extra={"kind": kind, "recipients": len(to_list) + len(cc_list), "emails": len(rows)},
        )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _enqueue(ids))
    return rows


def _reply_subject(subject: str, ticket_id: int) -> str:
    token = f"[#{ticket_id}]"
    base = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    return base if token in base else f"{base} {token}"


def _enqueue(outbound_ids: list[int]) -> None:
    """Ask the worker to send now. If the queue is away, the sweep sends them within a minute."""
    for outbound_id in outbound_ids:
        try:
            mail_tasks.send_outbound_task(outbound_id)
        except Exception:  # the rows are committed: a queue outage delays them, loses nothing
            log.warning(
                "outbound send could not be queued", extra={"outbound_id": outbound_id}, exc_info=True
            )


def _claim(outbound_id: int) -> OutboundEmail | None:
    """The email, if this worker won it: claimed and read in one statement (UPDATE ... RETURNING)."""
    now = timezone.now()
    claimable = Q(state=OutboundState.QUEUED, next_attempt_at__lte=now) | Q(
        state=OutboundState.SENDING, claimed_at__lt=now - LEASE
    )
    claimed = update_returning(
        OutboundEmail.objects.filter(claimable, pk=outbound_id), state=OutboundState.SENDING, claimed_at=now
    )
    return claimed[0] if claimed else None


def _build(outbound: OutboundEmail) -> EmailMultiAlternatives:
    headers = {**outbound.headers, "Message-ID": outbound.message_id}
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
    if outbound.ticket_message_id is not None:
        for attachment in Attachment.objects.filter(message_id=outbound.ticket_message_id):
            with attachment.file.open("rb") as fh:
                mail.attach(attachment.filename, fh.read(), attachment.content_type)
    return mail


def _text_to_html(text: str) -> str:
    from django.utils.html import escape, linebreaks

    return linebreaks(escape(text))


REDACTED = "(This email held a one-time link. It was removed once the email was done.)"


def _finish(outbound: OutboundEmail, **fields: object) -> None:
    """Write a send's outcome; a sensitive body goes once nothing will send it again."""
    if outbound.sensitive and fields.get("state") in (OutboundState.SENT, OutboundState.FAILED):
        fields.update(body_text=REDACTED, body_html="")
    OutboundEmail.objects.filter(pk=outbound.pk).update(claimed_at=None, **fields)


def do_send_outbound(outbound_id: int) -> str:
    """Send one queued email if it is due and nobody else is sending it. Returns the new state."""
    outbound = _claim(outbound_id)
    if outbound is None:
        return "skipped"
    if outbound.expires_at is not None and outbound.expires_at <= timezone.now():
        # A sign-in link that arrives after it expired only confuses: the customer asks again.
        _finish(outbound, state=OutboundState.FAILED, last_error="Expired before it could be sent")
        log.warning(
            "outbound email expired unsent", extra={"outbound_id": outbound_id, "kind": outbound.kind}
        )
        return OutboundState.FAILED
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([_build(outbound)])
    except Exception as exc:  # SMTP and socket errors of every kind mean "try again later"
        attempts = outbound.attempts + 1
        failed = attempts >= settings.OUTBOX_MAX_ATTEMPTS
        _finish(
            outbound,
            state=OutboundState.FAILED if failed else OutboundState.QUEUED,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:500],
            next_attempt_at=timezone.now() + timedelta(seconds=backoff_seconds(attempts)),
        )
        log.warning(
            "outbound send failed",
            extra={
                "outbound_id": outbound_id,
                "kind": outbound.kind,
                "attempts": attempts,
                "error": str(exc),
            },
        )
        return OutboundState.FAILED if failed else OutboundState.QUEUED
    _finish(
        outbound,
        state=OutboundState.SENT,
        sent_at=timezone.now(),
        attempts=outbound.attempts + 1,
        last_error="",
    )
    log.info(
        "outbound sent",
        extra={"outbound_id": outbound_id, "kind": outbound.kind, "ticket_id": outbound.ticket_id},
    )
    return OutboundState.SENT


def do_retry_outbound(outbound: OutboundEmail, *, actor: Any) -> OutboundEmail:
    """An admin sends a failed email again, from a fresh count of attempts."""
    if outbound.state != OutboundState.FAILED:
        raise ValidationError({"state": "Only an email that failed can be sent again."})
    if outbound.sensitive:
        raise ValidationError(
            {"outbound": "This email held a one-time link, removed when it failed; the customer asks again."}
        )
    with transaction.atomic():
        retried = OutboundEmail.objects.filter(pk=outbound.pk, state=OutboundState.FAILED).update(
            state=OutboundState.QUEUED, attempts=0, next_attempt_at=timezone.now(), claimed_at=None
        )
        if not retried:
            raise ValidationError({"state": "Someone else already sent this email again."})
        record_event(
            MailEvent.OUTBOUND_RETRIED,
            actor=actor,
            obj=outbound,
            before={"state": OutboundState.FAILED, "attempts": outbound.attempts},
            after={"state": OutboundState.QUEUED},
            note=outbound.last_error,
        )
        outbound_id = outbound.pk
        transaction.on_commit(lambda: _enqueue([outbound_id]))
    outbound.refresh_from_db()
    return outbound


def due_outbound_ids(limit: int = 200) -> list[int]:
    now = timezone.now()
    due = Q(state=OutboundState.QUEUED, next_attempt_at__lte=now) | Q(
        state=OutboundState.SENDING, claimed_at__lt=now - LEASE
    )
    return list(
        OutboundEmail.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
