"""The background worker: Huey's consumer with Anchordesk's settings (SQLite or Redis queue)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (periodic tasks, webhooks, mail)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args: Any, workers: int | None = None, **options: Any) -> None:
        extra = ["--workers", str(workers)] if workers else []
        call_command("run_huey", *extra)
