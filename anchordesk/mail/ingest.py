"""Inbound mail, one pipeline for IMAP, push and pipe: store the raw bytes, then process.

Storing is idempotent on the content hash, so the same delivery twice is one row.
Processing takes the pending rows in chunks, one transaction per chunk that re-checks the
rows' state first, so a worker killed halfway leaves them pending for the next attempt, and
two workers never turn one message into two.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, DataError, IntegrityError, connection, transaction
from django.db.models import Count, QuerySet, Value
from django.utils import timezone

from anchordesk.accounts.actions import do_get_or_create_customer
from anchordesk.accounts.models import Customer
from anchordesk.core.audit import record_event
from anchordesk.core.events import waiting_handlers
from anchordesk.core.registry import analyse_later, analysis_deferred, route_inbound
from anchordesk.core.snapshot import config_snapshot
from anchordesk.core.tasks import replay_events_task
from anchordesk.mail import parse
from anchordesk.mail import tasks as mail_tasks  # tasks imports this module: used at call time
from anchordesk.mail.addresses import (
    is_our_address,
    normalize_message_id,
    our_addresses,
    ticket_from_addresses,
    ticket_from_subject,
)
from anchordesk.mail.charsets import storable
from anchordesk.mail.choices import MailEvent
from anchordesk.mail.models import InboundEmail, InboundState, Mailbox, OutboundEmail, OutboundState
from anchordesk.tickets.actions import (
    MAX_BODY,
    NewTicket,
    do_add_customer_message,
    do_add_system_note,
    do_open_ticket,
)
from anchordesk.tickets.choices import Channel
from anchordesk.tickets.models import Follower, Message, Ticket, email_message_key
from anchordesk.tickets.queries import lock_for_customer_message
from anchordesk.tickets.uploads import CheckedUpload, check_uploads

log = logging.getLogger(__name__)

MAX_RAW_BYTES = 40 * 1024 * 1024


class MessageTooLarge(ValueError):
    pass


OVERSIZED_HEAD = 64 * 1024  # what is kept of a polled message over MAX_RAW_BYTES


def _too_large(size: int) -> str:
    return f"message of {size} bytes is over the {MAX_RAW_BYTES} byte limit"


def _new_row(raw: bytes, digest: str, *, source: str, mailbox: Mailbox | None) -> InboundEmail:
    """The row that keeps a message. One over MAX_RAW_BYTES (only a poller takes those, as the
    server keeps the original) is a quarantine entry with its head and the reason."""
    if len(raw) <= MAX_RAW_BYTES:
        return InboundEmail(source=source, mailbox=mailbox, raw=raw, size=len(raw), content_hash=digest)
    return InboundEmail(
        source=source,
        mailbox=mailbox,
        raw=raw[:OVERSIZED_HEAD],
        size=len(raw),
        content_hash=digest,
        state=InboundState.QUARANTINED,
        processed_at=timezone.now(),
        reason=_oversized_reason(len(raw)),
    )


def _oversized_reason(size: int) -> str:
    return (
        f"{_too_large(size)}: only its first {OVERSIZED_HEAD // 1024} KB are kept here, "
        "the whole message stays on the mail server"
    )


def store_raw(
    raw: bytes, *, source: str, mailbox: Mailbox | None = None, keep_oversized: bool = False
) -> tuple[InboundEmail, bool]:
    """Keep the bytes before anything else. Returns (row, created); the same bytes again give the old row.

    A message over MAX_RAW_BYTES raises MessageTooLarge (the sender is told), unless
    `keep_oversized`, when it becomes a quarantine entry (see _new_row).
    """
    if len(raw) > MAX_RAW_BYTES and not keep_oversized:
        raise MessageTooLarge(_too_large(len(raw)))
    digest = hashlib.sha256(raw).hexdigest()
    # The unique index on the hash decides: a new message (the usual case) is one INSERT, and
    # bytes stored before (a redelivery, or a concurrent one a moment ago) are read back.
    try:
        with transaction.atomic():
            inbound = _new_row(raw, digest, source=source, mailbox=mailbox)
            inbound.save(force_insert=True)
    except IntegrityError:
        return InboundEmail.objects.defer("raw").get(content_hash=digest), False
    return inbound, True


def store_many(
    raws: list[bytes], *, source: str, mailbox: Mailbox | None = None
) -> list[tuple[InboundEmail, bool]]:
    """Store a fetched batch in one transaction: one commit (one disk flush) for the batch
    instead of one per message. Same answer as store_raw for each message, in order; a
    message over MAX_RAW_BYTES does not hold the batch back: it is stored as a quarantine
    entry with the reason (the server keeps the original).
    """
    digests = [hashlib.sha256(raw).hexdigest() for raw in raws]
    try:
        with transaction.atomic():
            existing = {
                row.content_hash: row
                for row in InboundEmail.objects.filter(content_hash__in=digests).defer("raw")
            }
            new: dict[str, InboundEmail] = {}
            for raw, digest in zip(raws, digests, strict=True):
                if digest not in existing and digest not in new:
                    new[digest] = _new_row(raw, digest, source=source, mailbox=mailbox)
            created = InboundEmail.objects.bulk_create(new.values())
    except IntegrityError:  # a concurrent delivery stored some of them: fall back to one by one
        return [store_raw(raw, source=source, mailbox=mailbox, keep_oversized=True) for raw in raws]
    by_hash = {row.content_hash: row for row in created}
    out: list[tuple[InboundEmail, bool]] = []
    for digest in digests:
        if digest in by_hash:
            out.append((by_hash.pop(digest), True))
        else:
            out.append((existing.get(digest) or new[digest], False))
    return out


def enqueue_processing(inbound_id: int) -> None:
    transaction.on_commit(lambda: mail_tasks.process_inbound_task(inbound_id))


def process_inbound(inbound_id: int, *, force: bool = False) -> InboundEmail:
    """Parse and route one stored message. Safe to call any number of times.

    `force` is an admin's "open as ticket" for a suspended message: automatic and looping mail
    is then routed like any other instead of being set aside.
    """
    done = process_batch([inbound_id], force=force)
    return done[0] if done else InboundEmail.objects.defer("raw").get(pk=inbound_id)


def process_batch(inbound_ids: Iterable[int], *, force: bool = False) -> list[InboundEmail]:
    """Route stored messages, MAIL_BATCH_SIZE (100) per transaction; returns the rows this call routed.

    Each chunk is one transaction in which every message has its own savepoint: a message that
    cannot be routed is quarantined without undoing its neighbours, and a worker killed part-way
    rolls the whole chunk back to pending, so nothing is stored twice or lost. What every message
    would look up (our addresses, rules, known Message-IDs, threads, senders' recent mail and
    customers) is read once per chunk. Language scoring and the reporting handlers are queued for
    the worker once a chunk has committed, so call this outside any transaction of your own.
    """
    ids = list(inbound_ids)
    routed: list[InboundEmail] = []
    with config_snapshot():
        size = max(1, settings.MAIL_BATCH_SIZE)
        for start in range(0, len(ids), size):
            routed.extend(_process_chunk(ids[start : start + size], force=force))
    return routed


@dataclass
class _Lookups:
    """What one chunk reads once instead of once per message, kept current as the chunk routes."""

    ours: set[str]
    known_ids: set[str]  # keys (email_message_key) of the Message-IDs already received or sent
    threads: dict[str, tuple[int, int]]  # Message-ID key -> (message pk, ticket pk)
    recent: Counter[str]  # messages per sender inside the loop window
    force: bool
    customers: dict[str, Customer]  # senders' customer records, by lowercased address


def _process_chunk(ids: list[int], *, force: bool) -> list[InboundEmail]:
    """Route one chunk; if the database refuses the chunk's writes as a whole (bad data, not an
    outage), route its messages one by one, so the one it refuses is quarantined alone."""
    try:
        return _route_chunk(ids, force=force)
    except (DataError, IntegrityError) as exc:
        if len(ids) > 1:
            log.warning("inbound chunk refused, routing its messages one by one", extra={"error": str(exc)})
            return [row for inbound_id in ids for row in _process_chunk([inbound_id], force=force)]
        _quarantine_refused(ids[0], exc)
        return []


def _quarantine_refused(inbound_id: int, exc: Exception) -> None:
    """A message whose routing the database refused: quarantined with the reason, retryable."""
    log.warning(
        "inbound message refused by the database", extra={"inbound_id": inbound_id, "error": str(exc)}
    )
    with transaction.atomic():
        InboundEmail.objects.filter(pk=inbound_id, state=InboundState.PENDING).update(
            state=InboundState.QUARANTINED,
            reason=storable(f"the database refused it: {type(exc).__name__}: {exc}")[:500],
            processed_at=timezone.now(),
        )


def _route_chunk(ids: list[int], *, force: bool) -> list[InboundEmail]:
    rows = list(
        InboundEmail.objects.filter(pk__in=ids, state=InboundState.PENDING)
        .select_related("mailbox")
        .order_by("id")
    )
    if not rows:
        return []
    # Parsing is pure and the slow part: done before the transaction, so SQLite's write lock is
    # held only for the writes.
    parsed = {row.pk: parse(bytes(row.raw), reply_text=False) for row in rows}
    with transaction.atomic(), analysis_deferred(), waiting_handlers() as waiting:
        # Two workers handed the same ids: the rows the other one holds are its to route.
        claimed = set(
            InboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=[row.pk for row in rows], state=InboundState.PENDING)
            .values_list("pk", flat=True)
        )
        rows = [row for row in rows if row.pk in claimed]
        lookups = _lookups(rows, parsed, force=force)
        for row in rows:
            row.attempts += 1
            customers = dict(lookups.customers)  # a message undone takes back the customer it made
            try:
                with transaction.atomic():
                    _route(row, parsed[row.pk], lookups)
            except ValidationError as exc:
                lookups.customers = customers
                _reset(row)
                _finish(row, InboundState.QUARANTINED, "; ".join(exc.messages))
            except (DataError, IntegrityError) as exc:  # this message's data, not the database
                lookups.customers = customers
                log.warning(
                    "inbound message refused by the database", extra={"inbound_id": row.pk, "error": str(exc)}
                )
                _reset(row)
                _finish(
                    row, InboundState.QUARANTINED, f"the database refused it: {type(exc).__name__}: {exc}"
                )
            except DatabaseError:
                raise  # the database itself failed: the chunk stays pending for the next attempt
            except Exception as exc:  # a bug must not hold the rest of the mail back
                lookups.customers = customers
                log.exception("inbound message could not be routed", extra={"inbound_id": row.pk})
                _reset(row)
                _finish(row, InboundState.QUARANTINED, f"internal error while routing: {type(exc).__name__}")
        _save_outcomes(rows)
    # Committed: now the language analysis of the customers' words, in the worker.
    to_score = [
        row.ticket_message_id
        for row in rows
        if row.state == InboundState.PROCESSED and row.ticket_message_id and not row.is_bounce
    ]
    if waiting:
        replay_events_task(waiting)
    if to_score:
        analyse_later(to_score)
    return rows


def _save_outcomes(rows: list[InboundEmail]) -> None:
    """Write every row's outcome in one executemany.

    Django's bulk_update builds a CASE expression per field and row, which took longer than
    routing the messages themselves; one parameterised UPDATE repeated per row is what the
    database does fastest.
    """
    wanted = {*_ROUTED_FIELDS, "ticket", "ticket_message"}
    fields = [f for f in InboundEmail._meta.concrete_fields if f.name in wanted]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    sql = f"UPDATE {quote(InboundEmail._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk] for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _lookups(rows: list[InboundEmail], parsed: dict[int, Any], *, force: bool) -> _Lookups:
    own_keys = {_key(parsed[row.pk].message_id) for row in rows} - {""}
    referred = {
        _key(i) for row in rows for i in [parsed[row.pk].in_reply_to, *(parsed[row.pk].references or [])] if i
    }
    # One statement for both: the chunk's own Message-IDs received before or sent by us (a copy
    # of our own reply), and the messages of ours or theirs that the chunk answers (threads).
    rows_by_key = (
        Message.objects.filter(email_message_key__in=own_keys | referred)
        .values_list("email_message_key", "pk", "ticket_id")
        .order_by()
        .union(
            InboundEmail.objects.filter(message_key__in=own_keys, state=InboundState.PROCESSED)
            .values_list("message_key", Value(0), Value(0))
            .order_by()
        )
    )
    known: set[str] = set()
    threads: dict[str, tuple[int, int]] = {}
    for key, pk, ticket_id in rows_by_key:
        if key in own_keys:
            known.add(key)
        if pk and key in referred:  # a message (an inbound row has no pk here)
            threads[key] = (pk, ticket_id)
    senders = {_sender(parsed[row.pk]) for row in rows} - {""}
    since = timezone.now() - timedelta(minutes=LOOP_WINDOW_MINUTES)
    recent: Counter[str] = Counter(
        dict(
            InboundEmail.objects.filter(from_address__in=senders, received_at__gte=since)
            .exclude(pk__in=[row.pk for row in rows])
            .values("from_address")
            .annotate(n=Count("id"))
            .values_list("from_address", "n")
        )
    )
    customers = {c.email.lower(): c for c in Customer.objects.with_emails(senders)}
    return _Lookups(
        ours=our_addresses(),
        known_ids=known,
        threads=threads,
        recent=recent,
        force=force,
        customers=customers,
    )


LOOP_WINDOW_MINUTES = 10

# What routing fills in; the raw bytes are never written again after store_raw.
_ROUTED_FIELDS = [
    "message_id",
    "message_key",
    "from_address",
    "subject",
    "is_auto_reply",
    "is_bounce",
    "attempts",
    "state",
    "reason",
    "processed_at",
]


def _finish(inbound: InboundEmail, state: str, reason: str = "", **fields: Any) -> None:
    """Set the outcome on the row; the chunk writes all its rows at once when it commits."""
    inbound.state = state
    inbound.reason = storable(reason)[:500]
    inbound.processed_at = timezone.now()
    for key, value in fields.items():
        setattr(inbound, key, value)


def _reset(inbound: InboundEmail) -> None:
    """Forget what a rolled-back savepoint made, so the row does not point at it."""
    inbound.ticket = None
    inbound.ticket_message = None


def _key(message_id: str | None) -> str:
    """Message-IDs are compared whole, whatever their length, through their key."""
    return email_message_key(normalize_message_id(message_id))


def _sender(parsed: Any) -> str:
    # Lower case, so loop counting is an indexed equality rather than a case-folding scan.
    return (parsed.from_address or "").strip().lower()[:250]


def _route(inbound: InboundEmail, parsed: Any, lookups: _Lookups) -> None:
    force = lookups.force
    message_id = normalize_message_id(parsed.message_id)
    key = email_message_key(message_id)
    inbound.message_id = message_id
    inbound.message_key = key
    inbound.from_address = _sender(parsed)
    inbound.subject = (parsed.subject or "")[:250]
    inbound.is_auto_reply = bool(parsed.is_auto_reply)
    inbound.is_bounce = bool(parsed.is_bounce)
    if inbound.size > MAX_RAW_BYTES:  # only its head is here (see _new_row): never routed from that
        _finish(inbound, InboundState.QUARANTINED, _oversized_reason(inbound.size))
        return
    if not parsed.ok:
        _finish(inbound, InboundState.QUARANTINED, f"could not be parsed: {parsed.error}")
        return
    if key and key in lookups.known_ids:
        _finish(
            inbound, InboundState.DUPLICATE, "a message with this Message-ID was already received or sent"
        )
        return
    if parsed.is_bounce:
        _route_bounce(inbound, parsed)
        return
    sender = inbound.from_address
    if not sender or "@" not in sender:
        _finish(inbound, InboundState.QUARANTINED, "no sender address")
        return
    lookups.recent[sender] += 1
    if is_our_address(sender, lookups.ours):
        _finish(inbound, InboundState.IGNORED, "sent from one of our own addresses (mail loop)")
        return
    if not force and lookups.recent[sender] > settings.MAIL_LOOP_LIMIT:
        _finish(
            inbound,
            InboundState.IGNORED,
            f"more than {settings.MAIL_LOOP_LIMIT} messages from {sender} in {LOOP_WINDOW_MINUTES} minutes",
        )
        return

    # An app's own mail (an emailed answer to a handoff) is never a ticket: core/registry.py.
    routed = route_inbound(parsed, sender, force=force)
    if routed is not None:
        state = InboundState.IGNORED if routed.ignored else InboundState.PROCESSED
        _finish(inbound, state, routed.reason, ticket=routed.ticket)
        return
    ticket = _find_ticket(parsed, sender, lookups.threads)
    if ticket is None and parsed.is_auto_reply and not force:
        # Set aside before a customer record is made for a robot; an admin can still open it as a ticket.
        reason = parsed.auto_reply_reason or "automatic message"
        _finish(inbound, InboundState.IGNORED, f"{reason}: automatic mail that belongs to no ticket")
        return
    customer = lookups.customers.get(sender)
    if customer is None:
        # Not among the chunk's senders read in _lookups: not read again.
        customer, _ = do_get_or_create_customer(sender, name=parsed.from_name or "", known_absent=True)
        lookups.customers[sender] = customer
    body = (parsed.reply_part() or parsed.text or "").strip() if ticket else (parsed.text or "").strip()
    uploads, refused, over = _uploads(parsed)
    if not body:
        body = "(no text)" if not uploads else "(attachments only)"
    notices = list(parsed.notices)
    if over:
        notices.append(f"{over} attachments not kept: over the limit of {settings.ATTACHMENT_MAX_COUNT}")
    followers, left_out = _cc_followers(parsed, lookups.ours, sender)
    if left_out:
        notices.append(
            f"{len(left_out):,} Cc addresses not made followers: over the limit of "
            f"{settings.MAIL_MAX_CC_FOLLOWERS}: {', '.join(left_out)}"
        )
    message: Message | None
    if ticket is None:
        ticket, message = do_open_ticket(
            NewTicket(
                customer=customer,
                subject=(parsed.subject or "").strip()[:250] or "(no subject)",
                body=compose_body(body, notices),
                html=parsed.html or "",
                channel=Channel.EMAIL,
                team=inbound.mailbox.team if inbound.mailbox else None,
                uploads=uploads,
                email_message_id=message_id,
            ),
            actor_customer=customer,
        )
    elif parsed.is_auto_reply and not force:
        message = do_add_system_note(
            ticket, compose_body(f"Automatic reply from {sender}:\n\n{body}", notices)
        )
    else:
        message = do_add_customer_message(
            ticket,
            compose_body(body, notices),
            customer=customer,
            channel=Channel.EMAIL,
            html="",
            uploads=uploads,
            email_message_id=message_id,
            locked=True,  # _find_ticket read it locked in this transaction
        )
    _add_followers(ticket, followers, customer.email)
    if refused:
        do_add_system_note(ticket, "Attachments not kept from the customer's email:\n" + "\n".join(refused))
    if key:
        lookups.known_ids.add(key)
        if message is not None:
            lookups.threads[key] = (message.pk, ticket.pk)
    # What was left out is on the message; the admin's list of inbound mail shows it too.
    _finish(inbound, InboundState.PROCESSED, "; ".join(notices), ticket=ticket, ticket_message=message)


def _find_ticket(parsed: Any, sender: str, threads: dict[str, tuple[int, int]]) -> Ticket | None:
    """Threading: our and their Message-IDs first, then the signed reply address, then [#id] in the subject."""
    keys = [_key(i) for i in [parsed.in_reply_to, *(parsed.references or [])] if i]
    hits = [threads[k] for k in keys if k in threads]
    if hits:
        _, ticket_id = max(hits)  # the newest message of ours or theirs that this one answers
        ticket = _tickets().filter(pk=ticket_id).first()
        if ticket is not None:
            return _follow_merge(ticket)
    token_ticket = ticket_from_addresses([*(parsed.to or []), *(parsed.cc or [])])
    if token_ticket is not None:
        ticket = _tickets().filter(pk=token_ticket).first()
        if ticket is not None:
            return _follow_merge(ticket)
    subject_ticket = ticket_from_subject(parsed.subject or "")
    if subject_ticket is not None:
        # A number in a subject is easy to forge: it only threads for the ticket's own people.
        ticket = _tickets().filter(pk=subject_ticket).first()
        if ticket is not None and (
            ticket.customer.email.lower() == sender or ticket.followers.filter(email=sender).exists()
        ):
            return _follow_merge(ticket)
    return None


def _tickets() -> QuerySet[Ticket]:
    """Tickets read as do_add_customer_message reads them (locked, with the customer), so the
    ticket found is the one the message is added to without a second read (`locked=True`)."""
    return lock_for_customer_message(Ticket.objects.all())


def _follow_merge(ticket: Ticket) -> Ticket:
    seen = set()
    while ticket.merged_into_id is not None and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = _tickets().get(pk=ticket.merged_into_id)
    return ticket


def _uploads(parsed: Any) -> tuple[list[CheckedUpload], list[str], int]:
    """(kept, refused with the reason, how many were over ATTACHMENT_MAX_COUNT and not looked at)."""
    attachments = list(parsed.attachments or [])
    limit = max(settings.ATTACHMENT_MAX_COUNT, 0)
    kept: list[CheckedUpload] = []
    refused: list[str] = []
    for attachment in attachments[:limit]:
        upload = SimpleUploadedFile(
            attachment.name or "attachment", attachment.content, attachment.content_type
        )
        try:
            kept.extend(check_uploads([upload]))
        except ValidationError as exc:
            refused.append("; ".join(exc.messages))
    return kept, refused, max(len(attachments) - limit, 0)


def _cc_followers(parsed: Any, ours: set[str], sender: str) -> tuple[list[str], list[str]]:
    """(the Cc addresses to make followers, those over MAIL_MAX_CC_FOLLOWERS), in header order."""
    wanted: list[str] = []
    seen = {sender.lower()}
    for address in parsed.cc or []:
        address = (address or "").strip().lower()[:254]
        if not address or "@" not in address or address in seen or is_our_address(address, ours):
            continue
        seen.add(address)
        wanted.append(address)
    limit = max(settings.MAIL_MAX_CC_FOLLOWERS, 0)
    return wanted[:limit], wanted[limit:]


def _add_followers(ticket: Ticket, addresses: list[str], sender: str) -> None:
    if not addresses:  # most mail has no Cc: do not load the ticket's customer for nothing
        return
    customer = ticket.customer.email.lower()
    for address in addresses:
        if address not in (sender.lower(), customer):
            Follower.objects.get_or_create(ticket=ticket, email=address)


_NOTICE_SHARE = MAX_BODY // 4  # notices never take more of the message than this


def compose_body(text: str, notices: list[str]) -> str:
    """The message as stored: the text, cut to fit MAX_BODY (the cut noted), then what was left
    out of the email, one bracketed line each. Never longer than MAX_BODY, so never refused."""
    footer = "".join(f"\n\n[{notice}]" for notice in notices)
    if len(footer) > _NOTICE_SHARE:
        footer = footer[: _NOTICE_SHARE - 2] + "…]"
    if len(text) + len(footer) <= MAX_BODY:
        return text + footer
    template = "\n\n[Text cut at {kept:,} of {total:,} characters (the limit is {limit:,}); the whole email is kept.]"
    room = MAX_BODY - len(footer) - len(template.format(kept=MAX_BODY, total=len(text), limit=MAX_BODY))
    kept = text[:room]
    return kept + template.format(kept=len(kept), total=len(text), limit=MAX_BODY) + footer


def _route_bounce(inbound: InboundEmail, parsed: Any) -> None:
    original = normalize_message_id(parsed.bounced_message_id)
    outbound = OutboundEmail.objects.filter(message_id=original).first() if original else None
    if outbound is None:
        _finish(inbound, InboundState.IGNORED, "bounce for a message we did not send")
        return
    OutboundEmail.objects.filter(pk=outbound.pk).update(state=OutboundState.BOUNCED, last_error="bounced")
    if outbound.ticket is None:  # a notice, digest or sign-in link: the outbox page shows the bounce
        _finish(inbound, InboundState.PROCESSED)
        return
    note = do_add_system_note(
        outbound.ticket,
        f"The email to {', '.join(outbound.to)} bounced:\n\n{(parsed.text or '').strip()[:2000] or '(no details)'}",
    )
    _finish(inbound, InboundState.PROCESSED, ticket=outbound.ticket, ticket_message=note)


def do_retry_inbound(inbound: InboundEmail, *, actor: Any) -> InboundEmail:
    """An admin sends a quarantined or suspended message through the pipeline again.

    A suspended (automatic or looping) message is then opened as a ticket: the admin has looked
    at it and decided a person should see it, so the robot filters do not set it aside twice.
    """
    force = inbound.state == InboundState.IGNORED
    with transaction.atomic():
        InboundEmail.objects.filter(pk=inbound.pk).update(state=InboundState.PENDING, reason="")
        record_event(MailEvent.RETRIED, actor=actor, obj=inbound, after={"open_as_ticket": force})
    return process_inbound(inbound.pk, force=force)


def do_discard_inbound(inbound: InboundEmail, *, actor: Any) -> None:
    with transaction.atomic():
        InboundEmail.objects.filter(pk=inbound.pk).update(state=InboundState.DISCARDED)
        record_event(MailEvent.DISCARDED, actor=actor, obj=inbound)


def pending_ids(limit: int = 500, older_than_seconds: int = 30, after_id: int = 0) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        InboundEmail.objects.filter(state=InboundState.PENDING, received_at__lte=cutoff, pk__gt=after_id)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
