"""Polling a mailbox over IMAP. Transport only: every message goes through ingest.

A message is flagged (or moved) on the server only after it is stored and its ticket
write has committed, so a crash at any point leaves it to be fetched again, and the
content-hash dedupe makes the second fetch a no-op.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from imapclient import IMAPClient

from anchordesk.core.snapshot import config_snapshot
from anchordesk.mail.ingest import process_batch, store_many
from anchordesk.mail.models import Mailbox, Security, Source

log = logging.getLogger(__name__)

PROCESSED_FLAG = b"$AnchordeskProcessed"
BATCH = 50


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0


def connect(mailbox: Mailbox) -> IMAPClient:
    context = ssl.create_default_context()
    client = IMAPClient(
        mailbox.host, port=mailbox.port, ssl=mailbox.security == Security.SSL, ssl_context=context, timeout=30
    )
    if mailbox.security == Security.STARTTLS:
        client.starttls(context)
    if mailbox.oauth2_token:
        client.oauth2_login(mailbox.username, mailbox.oauth2_token)
    else:
        client.login(mailbox.username, mailbox.password)
    return client


def poll_mailbox(mailbox: Mailbox, *, limit: int = 500) -> PollResult:
    result = PollResult()
    try:
        with connect(mailbox) as client, config_snapshot():
            client.select_folder(mailbox.folder)
            uids = client.search(["NOT", "KEYWORD", PROCESSED_FLAG.decode()])[:limit]
            for start in range(0, len(uids), BATCH):
                batch = uids[start : start + BATCH]
                fetched = client.fetch(batch, ["BODY.PEEK[]"])
                done = [uid for uid in batch if fetched.get(uid, {}).get(b"BODY[]") is not None]
                if not done:
                    continue
                stored = store_many(
                    [bytes(fetched[uid][b"BODY[]"]) for uid in done], source=Source.IMAP, mailbox=mailbox
                )
                result.fetched += len(done)
                result.stored += sum(created for _, created in stored)
                result.duplicates += sum(not created for _, created in stored)
                # Stored and committed: the batch is ours whatever routing does, so it is flagged even
                # when routing fails (a refused message is quarantined; an outage leaves the rows
                # pending for the sweep), and one bad message cannot make every poll fetch it again.
                try:
                    process_batch([inbound.pk for inbound, _ in stored])
                except Exception as exc:
                    log.warning(
                        "routing a polled batch failed; the sweep retries it", extra={"error": str(exc)}
                    )
                _mark_done(client, mailbox, done)
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error="")
    except Exception as exc:  # any transport failure is reported on the mailbox and retried next poll
        log.warning("mailbox poll failed", extra={"mailbox": mailbox.name, "error": str(exc)})
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=f"{type(exc).__name__}: {exc}"[:500])
        raise
    return result


def _mark_done(client: IMAPClient, mailbox: Mailbox, uids: list[int]) -> None:
    assert not transaction.get_connection().in_atomic_block, "mark processed only after commit"
    client.add_flags(uids, [PROCESSED_FLAG, b"\\Seen"])
    if mailbox.processed_folder:
        client.move(uids, mailbox.processed_folder)
