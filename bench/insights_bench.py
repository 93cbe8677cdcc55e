"""Server time of each insights dashboard on a generated database.

    python bench/generate.py --tickets 1000000 --data-dir /tmp/bench-sqlite-1m --recreate   # once
    anchordesk insights_backfill          # with ANCHORDESK_DATA_DIR=/tmp/bench-sqlite-1m, once
    python bench/insights_bench.py --data-dir /tmp/bench-sqlite-1m [--requests 20] [--json out.json]

The generator writes tickets and messages only, so the backfill gives every ticket its
created, first-response and resolution facts, but there are no SLA timers, ratings,
promises or mistakes. With --add-facts (on by default) this script first adds, once,
synthetic facts in the proportions of a busy desk (an SLA target per ticket, a rating for
one resolved ticket in five, a promise on one ticket in ten, a mistake on one in a hundred,
hot tickets, escalations, replies to warm customers), so the temperature, promises and
mistakes dashboards read realistic volumes too. Their keys start with "bench:".

Each case is the whole request through Django's test Client (routing, middleware, session,
view, queries, template), as bench_core.py measures the inbox: p50/p95 over --requests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_core import measure, memory_mb  # noqa: E402 - needs ROOT on sys.path
from bench.generate import DEFAULT_DATA_DIR, setup_django  # noqa: E402 - needs ROOT on sys.path

TARGET_MS = 300.0
BENCH_ID = 10**12


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    p.add_argument("--data-dir", default=os.environ.get("ANCHORDESK_DATA_DIR", DEFAULT_DATA_DIR))
    p.add_argument("--requests", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--no-add-facts", dest="add_facts", action="store_false")
    p.add_argument("--json", help="also write the results to this file")
    return p.parse_args(argv)


def add_synthetic_facts(seed: int = 7) -> int:
    """Insert the facts the generator cannot produce, once (skipped when bench facts exist)."""
    from django.db import connection, transaction

    from anchordesk.insights.models import ReportingEvent

    if ReportingEvent.objects.filter(key__startswith="bench:").exists():
        return 0
    rng = random.Random(seed)
    categories = ["wrong_information", "missed_follow_up", "billing_error", "shipping_error", "slow_response"]
    cols = "key, kind, occurred_at, day, ticket_id, team_id, agent_id, channel, detail, value, business_value, flag"
    sql = f"INSERT INTO insights_reportingevent ({cols}) VALUES ({', '.join(['%s'] * 12)})"
    written = 0
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT id, created_at, solved_at, team_id, assignee_id, channel FROM tickets_ticket "
                "WHERE id > %s ORDER BY id LIMIT 20000",
                [last],
            )
            tickets = cursor.fetchall()
            if not tickets:
                break
            rows: list[tuple[Any, ...]] = []
            for tid, created, solved, team, agent, channel in tickets:
                created = _dt(created)

                ticket = (tid, team, agent, channel)

                def fact(*a: Any, ticket: tuple[Any, ...] = ticket, out: list[Any] = rows, **kw: Any) -> None:
                    out.append(_row(ticket, *a, **kw))

                fact("sla", created + timedelta(hours=2), "first_response", None, rng.random() < 0.9)
                if solved is not None and rng.random() < 0.2:
                    fact(
                        "csat",
                        _dt(solved) + timedelta(hours=3),
                        "comment" if rng.random() < 0.3 else "",
                        None,
                        rng.random() < 0.85,
                    )
                if rng.random() < 0.1:
                    fact("promise_made", created + timedelta(hours=1))
                    outcome = rng.choices(["on_time", "late", "missed"], (80, 12, 8))[0]
                    fact("promise_outcome", created + timedelta(days=1), outcome)
                if rng.random() < 0.01:
                    fact("mistake", created + timedelta(hours=5), rng.choice(categories))
                    if rng.random() < 0.8:
                        fact("mistake_recovered", created + timedelta(days=2), "", rng.uniform(60, 5000))
                if rng.random() < 0.05:
                    fact("hot", created, "", 70.0)
                    if rng.random() < 0.2:
                        fact("escalation", created + timedelta(minutes=10))
                    fact("after_reply", created + timedelta(hours=4), "", -20.0, rng.random() < 0.7)
                if rng.random() < 0.02:
                    fact("abuse", created)
            with transaction.atomic():
                cursor.executemany(sql, rows)
            written += len(rows)
            last = tickets[-1][0]
    # Written around the facts API, so the rolled-up days do not know of them yet: rebuild them.
    from anchordesk.insights.models import RolledDay
    from anchordesk.insights.rollups import build_missing

    RolledDay.objects.update(stale=True)
    build_missing()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE insights_reportingevent")
        cursor.execute("ANALYZE insights_dailyrollup")
    return written


def _row(
    ticket: tuple[Any, ...], kind: str, at: datetime, detail: str = "", value: Any = None, flag: Any = None
) -> tuple[Any, ...]:
    tid, team, agent, channel = ticket
    # Keys as the live facts name them, with ids far above any real mistake's.
    source = BENCH_ID + tid
    key = {"mistake": f"mistake:{source}", "mistake_recovered": f"recovered:{source}"}.get(
        kind, f"bench:{kind}:{tid}"
    )
    return (key, kind, at, at.date(), tid, team, agent, channel, detail, value, None, flag)


def _dt(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def build_cases() -> list[tuple[str, Callable[[], Any]]]:
    from django.test import Client

    from anchordesk.accounts.models import Team, User
    from anchordesk.tickets.models import Tag

    lead = User.objects.filter(role="lead", is_active=True).order_by("id").first()
    if lead is None:
        raise SystemExit("No lead in this database: generate it with bench/generate.py first.")
    team = Team.objects.order_by("id").first()
    agent = User.objects.filter(role="agent").order_by("id").first()
    tag = Tag.objects.order_by("id").first()
    client = Client()
    client.force_login(lead)

    def get(path: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}")
            return response

        return call

    cases = [
        ("overview, last 30 days", get("/insights/overview/?range=30")),
        ("overview, last 90 days", get("/insights/overview/?range=90")),
        ("overview, 30 days, one team", get(f"/insights/overview/?range=30&team={team.pk if team else ''}")),
        (
            "overview, 30 days, one agent",
            get(f"/insights/overview/?range=30&agent={agent.pk if agent else ''}"),
        ),
        ("overview, 30 days, email", get("/insights/overview/?range=30&channel=email")),
        ("overview, 30 days, one tag", get(f"/insights/overview/?range=30&tag={tag.pk if tag else ''}")),
        ("temperature, last 30 days", get("/insights/temperature/?range=30")),
        ("promises, last 30 days", get("/insights/promises/?range=30")),
        ("mistakes, last 30 days", get("/insights/mistakes/?range=30")),
        ("overview CSV by team, 30 days", get("/insights/overview/?range=30&export=by-team")),
        ("overview, last 12 months", get("/insights/overview/?range=365")),
    ]
    return cases


def run(args: argparse.Namespace) -> dict[str, Any]:
    setup_django(args.database_url, args.data_dir)
    from django.core.management import call_command
    from django.db import connection

    from anchordesk.insights.models import ReportingEvent
    from anchordesk.tickets.models import Ticket

    call_command("migrate", verbosity=0, interactive=False)
    added = 0
    if args.add_facts:
        started = time.monotonic()
        added = add_synthetic_facts()
        if added:
            print(f"added {added:,} synthetic facts in {time.monotonic() - started:.1f}s", flush=True)
    facts = {
        "vendor": connection.vendor,
        "tickets": Ticket.objects.count(),
        "reporting_events": ReportingEvent.objects.count(),
    }
    results = [
        measure(name, call, warmup=args.warmup, requests=args.requests) for name, call in build_cases()
    ]
    return {"facts": facts, "results": results, "memory_mb": memory_mb()}


def print_report(report: dict[str, Any]) -> None:
    f = report["facts"]
    print(f"{f['vendor']}: {f['tickets']:,} tickets, {f['reporting_events']:,} reporting events")
    print(
        f"{'case':<34} {'p50 ms':>8} {'p95 ms':>8} {'sql p50':>8} {'queries':>8}  target {TARGET_MS:.0f} ms"
    )
    for r in report["results"]:
        mark = "ok" if r["p50_ms"] < TARGET_MS else "SLOW"
        print(
            f"{r['case']:<34} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['sql_p50_ms']:>8} {r['queries']:>8}  {mark}"
        )
    print(f"memory: {report['memory_mb']}")


def main(argv: Sequence[str] | None = None) -> None:
    args = _parse_args(argv)
    report = run(args)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
