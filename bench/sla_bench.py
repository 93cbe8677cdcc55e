"""The SLA scan and rule evaluation, on a generated database.

    python bench/generate.py --tickets 1000000 --data-dir /tmp/bench-sqlite-1m     # once
    python bench/sla_bench.py --data-dir /tmp/bench-sqlite-1m [--runs 7] [--due 500] [--json out.json]
    python bench/sla_bench.py --database-url postgres://postgres@127.0.0.1:5432/anchordesk_bench_1m

What it measures:

- SLA scan, idle: the every-minute scan when no timer is due (the usual case), p50 over
  --runs scans, and the statements it runs;
- SLA scan, busy: one scan that finds --due overdue timers and breaches them (claim,
  audit event, notification to the assignee and leads through the locmem mail backend),
  p50 over --runs scans, each on a fresh set of overdue timers;
- rule evaluation: events per second through the pure evaluator (conditions.matches
  against 100 rules) and through do_run_triggers with 100 active triggers (facts read from
  the database, triggers from the per-batch snapshot), on real tickets.

The generator writes no SLA timers, so the first run gives --open tickets (50,000: the
active ones, then recent ones reopened) a first-response and a resolution timer on one
calendar-time policy, due over the next week (kept: later runs reuse them). The triggers and the overdue timers of the busy runs are
written inside a transaction that is rolled back, so the database is left as it was.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import DEFAULT_DATA_DIR, setup_django  # noqa: E402 - needs ROOT on sys.path

POLICY = "Bench standard"
RULES = 100


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    p.add_argument("--data-dir", default=os.environ.get("ANCHORDESK_DATA_DIR", DEFAULT_DATA_DIR))
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--open", type=int, default=50_000, help="open tickets with SLA timers")
    p.add_argument("--due", type=int, default=500, help="overdue timers per busy scan")
    p.add_argument("--events", type=int, default=2000, help="events per rule-evaluation run")
    p.add_argument("--json", help="also write the results to this file")
    p.add_argument("--only", default="", help="comma-separated parts to run: scan, rules, time_rules")
    return p.parse_args(argv)


def ensure_timers(log: Any, open_tickets: int) -> int:
    """Give `open_tickets` tickets their two running timers, once. Returns the number of running timers.

    The generator's backlog is smaller than a busy desk's (about 13,000 active tickets in a
    million), so the most recent other tickets are reopened to reach the number asked for.
    """
    from django.db import transaction
    from django.utils import timezone

    from anchordesk.sla.models import SlaPolicy, SlaTimer
    from anchordesk.tickets.choices import ACTIVE_STATUSES
    from anchordesk.tickets.models import Ticket

    policy, _ = SlaPolicy.objects.get_or_create(
        name=POLICY,
        defaults={
            "first_response_minutes": 240,
            "resolution_minutes": 7 * 1440,
            "business_hours": False,
            "warn_percent": 75,
        },
    )
    have = SlaTimer.objects.filter(state="running").values("ticket_id").distinct().count()
    if have >= open_tickets:
        return SlaTimer.objects.filter(state="running").count()
    rng = random.Random(7)
    now = timezone.now()
    started = time.perf_counter()
    with_timers = SlaTimer.objects.values("ticket_id")
    wanted = open_tickets - have
    chosen = list(
        Ticket.objects.filter(status__in=ACTIVE_STATUSES)
        .exclude(pk__in=with_timers)
        .values_list("pk", flat=True)[:wanted]
    )
    if len(chosen) < wanted:
        extra = list(
            Ticket.objects.exclude(status__in=ACTIVE_STATUSES)
            .exclude(pk__in=with_timers)
            .order_by("-pk")
            .values_list("pk", flat=True)[: wanted - len(chosen)]
        )
        with transaction.atomic():
            for i in range(0, len(extra), 5000):
                Ticket.objects.filter(pk__in=extra[i : i + 5000]).update(status="open", solved_at=None)
        log(f"  reopened {len(extra):,} recent tickets to have {open_tickets:,} open")
        chosen += extra
    batch: list[SlaTimer] = []
    with transaction.atomic():
        for ticket_id in chosen:
            for kind, target in (("first_response", 240), ("resolution", 7 * 1440)):
                # Due over the next week, so the idle scan finds nothing due and nothing to warn.
                due = now + timedelta(minutes=rng.uniform(60, target + 60))
                batch.append(
                    SlaTimer(
                        ticket_id=ticket_id,
                        policy=policy,
                        kind=kind,
                        target_minutes=target,
                        warn_percent=75,
                        started_at=due - timedelta(minutes=target),
                        due_at=due,
                        warn_at=due,  # no warning inside the idle window either
                        state="running",
                    )
                )
            if len(batch) >= 10_000:
                SlaTimer.objects.bulk_create(batch)
                batch.clear()
        SlaTimer.objects.bulk_create(batch)
    running = SlaTimer.objects.filter(state="running").count()
    log(f"  {running:,} running timers after adding some in {time.perf_counter() - started:.1f} s")
    return running


class Counter:
    """Counts the statements run (connection.execute_wrapper), without Django's 9,000-query log limit."""

    def __init__(self) -> None:
        self.count = 0
        self.first: list[str] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        if len(self.first) < 12:
            self.first.append(sql[:200])
        return execute(sql, params, many, context)


def _p50(values: list[float]) -> float:
    return round(statistics.median(values), 2)


class Rollback(Exception):
    pass


def bench_scan(runs: int, due: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from anchordesk.sla.models import SlaTimer
    from anchordesk.sla.timers import do_scan

    idle_ms, idle_queries = [], 0
    do_scan()  # warm: connection, caches
    for _ in range(max(runs * 3, 21)):  # cheap, and noisy on a shared machine: more runs
        counter = Counter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            result = do_scan()
            idle_ms.append((time.perf_counter() - started) * 1000)
        assert result.breached == 0, "timers were due: run the bench on a database the worker is not scanning"
        idle_queries = counter.count
    sample_sql = counter.first

    busy_ms, busy_queries, breached, busy_sql = [], 0, 0, []
    ids = list(
        SlaTimer.objects.filter(state="running").order_by("?").values_list("pk", flat=True)[: due * runs]
    )
    for run in range(runs):
        chosen = ids[run * due : (run + 1) * due]
        try:
            with transaction.atomic():
                now = timezone.now()
                SlaTimer.objects.filter(pk__in=chosen).update(due_at=now - timedelta(minutes=5))
                counter = Counter()
                with connection.execute_wrapper(counter):
                    started = time.perf_counter()
                    result = do_scan(now)
                    busy_ms.append((time.perf_counter() - started) * 1000)
                busy_queries = counter.count
                busy_sql = counter.first
                breached = result.breached
                raise Rollback
        except Rollback:
            pass
    return {
        "idle_p50_ms": _p50(idle_ms),
        "idle_min_ms": round(min(idle_ms), 2),
        "idle_queries": idle_queries,
        "idle_sql": sample_sql,
        "busy_due": due,
        "busy_breached": breached,
        "busy_p50_ms": _p50(busy_ms),
        "busy_per_timer_ms": round(_p50(busy_ms) / max(breached, 1), 2),
        "busy_queries": busy_queries,
        "busy_sql_first": busy_sql,
    }


def random_rules(rng: random.Random, team_ids: list[int]) -> list[dict[str, Any]]:
    """100 rules of the shapes admins write: two or three conditions on status, priority, tags, team..."""
    makers = [
        lambda: {"field": "status", "op": "is", "value": rng.choice(["new", "open", "pending"])},
        lambda: {"field": "priority", "op": "gt", "value": rng.randint(1, 3)},
        lambda: {
            "field": "tags",
            "op": "contains",
            "value": rng.choice(["vip", "refund", "outage", "billing"]),
        },
        lambda: {"field": "team", "op": "in", "value": rng.sample(team_ids, min(2, len(team_ids)))},
        lambda: {"field": "subject", "op": "contains", "value": rng.choice(["refund", "broken", "invoice"])},
        lambda: {"field": "channel", "op": "is", "value": rng.choice(["email", "web"])},
        lambda: {"field": "hours_since_created", "op": "lt", "value": rng.randint(1, 48)},
        lambda: {"field": "tier", "op": "is_not", "value": "standard"},
    ]
    return [
        {"all": [rng.choice(makers)() for _ in range(rng.randint(2, 3))], "any": []} for _ in range(RULES)
    ]


def bench_rules(events: int, runs: int) -> dict[str, Any]:
    from django.db import transaction

    from anchordesk.automation.conditions import matches
    from anchordesk.automation.engine import do_run_triggers, ticket_facts
    from anchordesk.automation.models import Trigger
    from anchordesk.core.models import AuditEvent
    from anchordesk.core.snapshot import config_snapshot
    from anchordesk.tickets.choices import ACTIVE_STATUSES
    from anchordesk.tickets.models import Ticket

    rng = random.Random(3)
    team_ids = list(Ticket.objects.exclude(team=None).values_list("team_id", flat=True).distinct()[:10])
    rules = random_rules(rng, team_ids)
    tickets = list(
        Ticket.objects.filter(status__in=ACTIVE_STATUSES)
        .select_related("customer__organization")
        .order_by("-pk")[:events]
    )
    facts = [ticket_facts(t, "ticket.customer_message") for t in tickets]

    pure_rates = []
    for _ in range(runs):
        started = time.perf_counter()
        hits = sum(1 for f in facts for rule in rules if matches(rule, f))
        pure_rates.append(len(facts) / (time.perf_counter() - started))

    trigger_rates, single_rates, fired = [], [], 0
    try:
        with transaction.atomic():
            # Rules that rarely match, with a harmless action: the cost measured is deciding.
            Trigger.objects.bulk_create(
                Trigger(
                    name=f"bench rule {i}",
                    events=["ticket.customer_message"],
                    conditions={
                        "all": [*rule["all"], {"field": "subject", "op": "contains", "value": "zqxj"}]
                    },
                    actions=[{"type": "add_tags", "value": ["bench"]}],
                )
                for i, rule in enumerate(rules)
            )
            for _ in range(runs):
                started = time.perf_counter()
                with config_snapshot():  # a worker batch: the triggers are read once
                    for ticket in tickets:
                        event = AuditEvent(kind="ticket.customer_message", ticket=ticket)
                        fired += len(do_run_triggers(event))
                trigger_rates.append(len(tickets) / (time.perf_counter() - started))
            for _ in range(runs):
                started = time.perf_counter()
                for ticket in tickets:  # one change per web request: the triggers are read each time
                    event = AuditEvent(kind="ticket.customer_message", ticket=ticket)
                    fired += len(do_run_triggers(event))
                single_rates.append(len(tickets) / (time.perf_counter() - started))
            raise Rollback
    except Rollback:
        pass
    return {
        "rules": RULES,
        "events": len(facts),
        "matches_per_run": hits,
        "pure_events_per_s_p50": round(statistics.median(pure_rates)),
        "run_triggers_events_per_s_p50": round(statistics.median(trigger_rates)),
        "run_triggers_unbatched_events_per_s_p50": round(statistics.median(single_rates)),
        "run_triggers_fired": fired,
    }


def bench_time_rules(runs: int) -> dict[str, Any]:
    """One scheduled pass of 10 time rules over every active ticket (none matches: the cost is deciding)."""
    from django.db import connection, transaction

    from anchordesk.automation.models import TimeRule
    from anchordesk.automation.timerules import run_time_rules

    rng = random.Random(5)
    rules = random_rules(rng, [])[:10]
    times, queries = [], 0
    try:
        with transaction.atomic():
            TimeRule.objects.bulk_create(
                TimeRule(
                    name=f"bench time rule {i}",
                    conditions={
                        "all": [*rule["all"][:1], {"field": "tags", "op": "contains", "value": "zqxj"}]
                    },
                    actions=[{"type": "add_tags", "value": ["bench"]}],
                )
                for i, rule in enumerate(rules)
            )
            for _ in range(max(runs // 2, 3)):
                counter = Counter()
                with connection.execute_wrapper(counter):
                    started = time.perf_counter()
                    fired = run_time_rules()
                    times.append(time.perf_counter() - started)
                queries = counter.count
                assert not fired
            raise Rollback
    except Rollback:
        pass
    return {"rules": len(rules), "p50_s": round(statistics.median(times), 2), "queries": queries}


def main(argv: Sequence[str] | None = None) -> None:
    args = _parse_args(argv)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    setup_django(args.database_url, args.data_dir)
    from django.db import connection

    from anchordesk.tickets.models import Ticket

    def log(text: str) -> None:
        print(text, flush=True)

    where = args.database_url or f"SQLite in {args.data_dir}"
    log(f"SLA and rules bench on {where} ({connection.vendor})")
    tickets = Ticket.objects.count()
    running = ensure_timers(log, args.open)
    with connection.cursor() as cursor:
        # Fresh statistics for the timers just written, as autovacuum would give them soon after.
        cursor.execute("ANALYZE sla_slatimer")
    log(f"  {tickets:,} tickets, {running:,} running SLA timers")
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    results: dict[str, Any] = {"database": connection.vendor, "tickets": tickets, "timers": running}
    if not only or "scan" in only:
        scan = results["scan"] = bench_scan(args.runs, args.due)
        log(
            f"  scan, nothing due:     p50 {scan['idle_p50_ms']} ms (min {scan['idle_min_ms']} ms), "
            f"{scan['idle_queries']} queries"
        )
        log(
            f"  scan, {scan['busy_due']} overdue:     p50 {scan['busy_p50_ms']} ms "
            f"({scan['busy_per_timer_ms']} ms per breach), {scan['busy_queries']} queries "
            f"({scan['busy_queries'] / max(scan['busy_breached'], 1):.1f} per breach)"
        )
    if not only or "rules" in only:
        rules = results["rules"] = bench_rules(args.events, args.runs)
        log(
            f"  rules ({rules['rules']} active, {rules['events']} events): pure evaluator "
            f"{rules['pure_events_per_s_p50']:,} events/s; do_run_triggers "
            f"{rules['run_triggers_events_per_s_p50']:,} events/s in a batch, "
            f"{rules['run_triggers_unbatched_events_per_s_p50']:,} events/s one by one"
        )
    if not only or "time_rules" in only:
        time_rules = results["time_rules"] = bench_time_rules(args.runs)
        log(
            f"  time rules ({time_rules['rules']} rules over every active ticket): "
            f"p50 {time_rules['p50_s']} s, {time_rules['queries']} queries"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
