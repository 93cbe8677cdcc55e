"""Offboarding an agent who holds 500 items of open work, on a database of its own.

    python bench/offboarding_bench.py [--runs 5] [--items 500] [--data-dir /tmp/bench-offboard]
    python bench/offboarding_bench.py --database-url postgres://postgres@127.0.0.1:5432/ad_offboard_bench

It generates its data (an empty database migrated in --data-dir, or the given PostgreSQL
database, which it fills once): one support team of 6 agents and a lead, and a leaving agent
holding --items objects, split as tickets 50%, promises 30%, handoffs 8%, escalations 4%,
recovery plans 4%, personal macros 2%, saved views 2%. Each run offboards her in a
transaction that is rolled back, so every run hands over the same work:

- default plan: tickets back to the team queue, promises to the team lead, and so on;
- person plan + customers told: everything to one colleague, with the new-contact email
  queued through the outbox for every ticket.

Prints the median and the spread of --runs runs of each. The goal is under 2 s for 500 items.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import setup_django  # noqa: E402 - needs ROOT on sys.path

LEAVER = "leaving@bench.test"


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    p.add_argument("--data-dir", default="/tmp/bench-offboard")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--items", type=int, default=500)
    return p.parse_args(argv)


def _generate(items: int) -> None:
    from django.utils import timezone

    from anchordesk.accounts.models import Customer, Team, User
    from anchordesk.automation.models import Macro
    from anchordesk.collab.models import Escalation, Handoff
    from anchordesk.recovery.choices import StepKind
    from anchordesk.recovery.models import Mistake, Promise, RecoveryStep
    from anchordesk.tickets.models import SavedView, Ticket

    if User.objects.filter(email=LEAVER).exists():
        return
    team = Team.objects.create(name="Bench support")
    engineering = Team.objects.create(name="Bench engineering", kind="engineering")
    staff = [
        User.objects.create_user(username=f"bench{n}", email=f"bench{n}@bench.test", first_name=f"Agent{n}")
        for n in range(6)
    ]
    lead = User.objects.create_user(
        username="benchlead", email="lead@bench.test", role="lead", first_name="Lead"
    )
    leaver = User.objects.create_user(username="leaving", email=LEAVER, role="lead", first_name="Leaving")
    for person in [*staff, lead, leaver]:
        person.teams.add(team, engineering)
    customers = [
        Customer.objects.create(email=f"c{n}@customers.test", name=f"Customer {n}") for n in range(50)
    ]
    now = timezone.now()
    n_tickets = items * 50 // 100
    tickets = Ticket.objects.bulk_create(
        Ticket(subject=f"Order {n}", status="open", customer=customers[n % 50], assignee=leaver, team=team)
        for n in range(n_tickets)
    )
    Promise.objects.bulk_create(
        Promise(
            ticket=tickets[n % n_tickets],
            owner=leaver,
            action=f"Refund order {n}",
            due_at=now + timedelta(days=2),
        )
        for n in range(items * 30 // 100)
    )
    Handoff.objects.bulk_create(
        Handoff(ticket=tickets[n], team=engineering, subject="Check", needed="Please check", assignee=leaver)
        for n in range(items * 8 // 100)
    )
    Escalation.objects.bulk_create(
        Escalation(
            ticket=tickets[n], state="taken", requested_by="agent", lead=leaver, sla_minutes=30, due_at=now
        )
        for n in range(items * 4 // 100)
    )
    for n in range(items * 4 // 100):
        mistake = Mistake.objects.create(
            ticket=tickets[n],
            logged_by=leaver,
            category="other",
            what_happened="w",
            impact="i",
            why_it_made_sense="y",
        )
        RecoveryStep.objects.bulk_create(
            RecoveryStep(mistake=mistake, kind=kind, position=i) for i, kind in enumerate(StepKind.values)
        )
    Macro.objects.bulk_create(
        Macro(name=f"Mine {n}", body="Hello", owner=leaver) for n in range(items * 2 // 100)
    )
    SavedView.objects.bulk_create(
        SavedView(name=f"View {n}", filters={"status": "open"}, owner=leaver) for n in range(items * 2 // 100)
    )


def _time(plan_for: str, runs: int) -> list[float]:
    from django.db import transaction

    from anchordesk.accounts.models import User
    from anchordesk.people.actions import do_offboard_agent
    from anchordesk.people.work import PERSON_BUCKETS

    leaver = User.objects.get(email=LEAVER)
    lead = User.objects.get(email="lead@bench.test")
    heir = User.objects.get(email="bench0@bench.test")
    times = []
    for _ in range(runs):
        plan = None
        if plan_for == "person":
            plan = {b: f"user:{heir.pk}" for b in PERSON_BUCKETS}
            plan["escalations"] = f"user:{lead.pk}"
            plan.update(api_tokens="revoke", sessions="end")
        with transaction.atomic():
            start = time.perf_counter()
            result = do_offboard_agent(leaver, actor=lead, plan=plan, notify_customers=plan_for == "person")
            times.append(time.perf_counter() - start)
            moved = sum(result.moved.values())
            transaction.set_rollback(True)
    print(f"  ({moved} items moved per run)")
    return times


def main(argv: Sequence[str] | None = None) -> None:
    args = _parse_args(argv)
    setup_django(args.database_url, args.data_dir)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    _generate(args.items)
    print(f"offboarding {args.items} items on {connection.vendor}, {args.runs} runs each")
    for name in ("default", "person"):
        times = _time(name, args.runs)
        print(
            f"{name:>8} plan: median {statistics.median(times) * 1000:.0f} ms"
            f" (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
        )


if __name__ == "__main__":
    main()
