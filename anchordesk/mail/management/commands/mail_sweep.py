"""Process pending inbound mail and send due outbound mail once, then exit (the worker does
this every minute; the command is for operators and for crash tests)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from anchordesk.mail import ingest, outbox


class Command(BaseCommand):
    help = "Process pending inbound mail and send due outbound mail."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--min-age", type=int, default=0, help="only inbound mail older than this (seconds)"
        )

    def handle(self, *args: Any, min_age: int, **options: Any) -> None:
        processed = sent = 0
        self.stdout.write("sweeping")  # crash tests wait for this line before they kill us
        self.stdout.flush()
        last = 0
        try:
            # Onwards from the last id seen: a message another worker holds is not taken again and again.
            while ids := ingest.pending_ids(older_than_seconds=min_age, after_id=last):
                last = ids[-1]
                processed += len(ingest.process_batch(ids))
            for outbound_id in outbox.due_outbound_ids():
                sent += outbox.do_send_outbound(outbound_id) == "sent"
        except DatabaseError as exc:  # the database is away: say so in one line, try again later
            self.stderr.write(f"database error, try again later: {type(exc).__name__}: {exc}"[:500])
            sys.exit(75)
        self.stdout.write(f"processed {processed} inbound, sent {sent} outbound")
