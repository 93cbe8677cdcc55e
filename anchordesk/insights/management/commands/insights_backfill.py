from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anchordesk.insights.backfill import backfill


class Command(BaseCommand):
    help = "Write reporting events for existing tickets, SLA timers and audit events (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="delete all reporting events first")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = backfill(rebuild=options["rebuild"], progress=lambda m: self.stdout.write(m))
        self.stdout.write(
            f"Backfilled {result.tickets:,} tickets and replayed {result.events_replayed:,} audit events "
            f"({result.facts:,} facts written or already there), rolled up {result.days_rolled_up:,} days, in {time.monotonic() - started:.1f}s"
        )
