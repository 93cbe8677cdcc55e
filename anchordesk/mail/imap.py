"""Polling a mailbox over IMAP. Transport only: every message goes through ingest.

A message is flagged (or moved) on the server only after it is stored and its ticket
write has committed, so a crash at any point leaves it to be fetched again, and the
content-hash dedupe makes the second fetch a no-op.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from imapclient import IMAPClient

from anchordesk.core.snapshot import config_snapshot
from anchordesk.mail.diagnose import open_client, plain_error, select
from anchordesk.mail.ingest import process_batch, store_many
from anchordesk.mail.models import Mailbox, Source

log = logging.getLogger(__name__)

PROCESSED_FLAG = b"$AnchordeskProcessed"
BATCH = 50


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0


def connect(mailbox: Mailbox) -> IMAPClient:
    """Connected and signed in; the secrets are decrypted on reading the row (core.crypto)."""
    return open_client(mailbox, timeout=30)


def poll_mailbox(mailbox: Mailbox, *, limit: int = 500) -> PollResult:
    result = PollResult()
    try:
        with connect(mailbox) as client, config_snapshot():
            select(client, mailbox.folder)  # FolderMissing names the folders there are
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
        # In plain words ("The server refused the user name ... or the password"), as the Test
        # connection button says it; the exception's own text goes to the log above.
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=plain_error(exc, mailbox)[:500])
        raise
    return result


def _mark_done(client: IMAPClient, mailbox: Mailbox, uids: list[int]) -> None:
    assert not transaction.get_connection().in_atomic_block, "mark processed only after commit"
    client.add_flags(uids, [PROCESSED_FLAG, b"\\Seen"])
    if mailbox.processed_folder:
        client.move(uids, mailbox.processed_folder)
