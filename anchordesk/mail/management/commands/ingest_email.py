"""Read one raw message from standard input, for an MTA pipe (Postfix: `| anchordesk ingest_email`).

Exit status follows sendmail's conventions: 0 when stored, 75 (EX_TEMPFAIL) when the
message could not be stored, so the MTA keeps it and tries again.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from anchordesk.mail.ingest import MessageTooLarge, process_inbound, store_raw
from anchordesk.mail.models import Mailbox, Source

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Ingest one raw email from standard input."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--mailbox", help="mailbox name or address the message was sent to")

    def handle(self, *args: Any, mailbox: str | None = None, **options: Any) -> None:
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            self.stderr.write("no message on standard input")
            sys.exit(EX_DATAERR)
        box = None
        if mailbox:
            box = (
                Mailbox.objects.filter(name=mailbox).first()
                or Mailbox.objects.filter(address__iexact=mailbox).first()
            )
        try:
            inbound, created = store_raw(raw, source=Source.PIPE, mailbox=box)
        except MessageTooLarge as exc:
            self.stderr.write(str(exc))
            sys.exit(EX_DATAERR)
        except Exception as exc:  # the database is away: let the MTA keep the message
            self.stderr.write(f"could not store the message: {exc}")
            sys.exit(EX_TEMPFAIL)
        inbound = process_inbound(inbound.pk)
        self.stdout.write(f"{'stored' if created else 'duplicate'} {inbound.pk} {inbound.state}")
