from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anchordesk.insights.digest import build_digest, send_weekly_digest


class Command(BaseCommand):
    help = "Email last week's insights digest to every lead now (the worker does it on Mondays)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="print the digest instead of sending it")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            subject, body, _ = build_digest()
            self.stdout.write(f"Subject: {subject}\n\n{body}")
            return
        result = send_weekly_digest()
        self.stdout.write(f"Queued the weekly digest for {result.queued} lead(s); the worker sends it.")
