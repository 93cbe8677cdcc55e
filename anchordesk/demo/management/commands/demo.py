"""`anchordesk demo [--if-empty] [--tickets N] [--seed S]`: load a realistic demo help desk.

Every ticket, message and change goes through the real actions; see anchordesk/demo/loader.py.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anchordesk.demo.loader import AGENTS, DEMO_CUSTOMER, PASSWORD, demo_email, load_demo
from anchordesk.tickets.models import Ticket


class Command(BaseCommand):
    help = "Load a demo help desk (agents, teams, customers, a few hundred tickets with real conversations)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing if any ticket exists")
        parser.add_argument("--tickets", type=int, default=300)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, if_empty: bool, tickets: int, seed: int, **options: Any) -> None:
        if if_empty and Ticket.objects.exists():
            self.stdout.write("Demo data not loaded: the database already has tickets.")
            return
        if tickets < 1:
            raise CommandError("--tickets must be at least 1")
        started = timezone.now()
        load_demo(tickets=tickets, seed=seed)
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(f"Loaded a demo help desk with {tickets} tickets in {seconds:.0f}s.")
        )
        self.stdout.write(
            f"  Agent:    {demo_email('agent')} / {PASSWORD}\n"
            f"  Lead:     {demo_email('lead')} / {PASSWORD}\n"
            f"  Admin:    {demo_email('admin')} / {PASSWORD}  (also Django admin at /admin/)\n"
            f"  Customer: {DEMO_CUSTOMER}  (portal sign-in by emailed link; with the console email backend the\n"
            f"            link is printed in the server log)\n"
            f"  Every demo agent ({', '.join(demo_email(a[0]) for a in AGENTS[3:])}) uses the same password."
        )
