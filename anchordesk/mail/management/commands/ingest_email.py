"""Read one raw message from standard input, for an MTA pipe (Postfix: `| anchordesk ingest_email`).

Exit status follows sendmail's conventions (sysexits.h), and never comes with a traceback:
0 when the message is stored (routed now, or by the sweep if routing fails: the MTA must
not deliver it again), 65 (EX_DATAERR) when it cannot be accepted at all (empty, or over
the size limit), 75 (EX_TEMPFAIL) when it could not be stored (the database is away), so
the MTA keeps it and tries again.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.core.management.base import BaseCommand

from anchordesk.mail.ingest import MessageTooLarge, process_inbound, store_raw
from anchordesk.mail.models import Mailbox, Source

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75

log = logging.getLogger(__name__)


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:500]


class Command(BaseCommand):
    help = "Ingest one raw email from standard input."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--mailbox", help="mailbox name or address the message was sent to")

    def handle(self, *args: Any, mailbox: str | None = None, **options: Any) -> None:
        try:
            raw = sys.stdin.buffer.read()
        except OSError as exc:
            self.stderr.write(f"could not read standard input: {_one_line(exc)}")
            sys.exit(EX_TEMPFAIL)
        if not raw.strip():
            self.stderr.write("no message on standard input")
            sys.exit(EX_DATAERR)
        try:
            box = None
            if mailbox:
                box = (
                    Mailbox.objects.filter(name=mailbox).first()
                    or Mailbox.objects.filter(address__iexact=mailbox).first()
                )
            inbound, created = store_raw(raw, source=Source.PIPE, mailbox=box)
        except MessageTooLarge as exc:
            self.stderr.write(str(exc))
            sys.exit(EX_DATAERR)
        except Exception as exc:  # the database is away: let the MTA keep the message
            self.stderr.write(f"could not store the message: {_one_line(exc)}")
            sys.exit(EX_TEMPFAIL)
        try:
            inbound = process_inbound(inbound.pk)
        except Exception as exc:  # stored and committed: the sweep routes it; never deliver it twice
            log.warning(
                "piped message stored but not routed",
                extra={"inbound_id": inbound.pk, "error": _one_line(exc)},
            )
            self.stderr.write(f"stored {inbound.pk}; routing left to the sweep: {_one_line(exc)}")
            sys.exit(EX_OK)
        self.stdout.write(f"{'stored' if created else 'duplicate'} {inbound.pk} {inbound.state}")
