"""Server time of the agent inbox, the ticket page and search, on a generated database.

    python bench/generate.py --tickets 100000 --data-dir /tmp/bench-sqlite     # once
    python bench/bench_core.py --data-dir /tmp/bench-sqlite [--requests 50] [--json out.json]
    python bench/bench_core.py --database-url postgres://postgres@127.0.0.1:5432/anchordesk_bench

Each case is requested --warmup times, then --requests times; the table shows p50/p95 of
the whole request (Django's test Client in this process: URL routing, middleware, session,
view, queries and template rendering, no network) and of the SQL alone. Connections are
handled as the real server handles them (close_old_connections after each request, so
SQLite reopens its connection per request and PostgreSQL keeps it for CONN_MAX_AGE).

Until the agent views exist, or with --layer queries, the same cases are timed against the
query layer (tickets.inbox.page, the ticket page's queries, tickets.search) instead.
The last line is the process's resident memory after all requests (VmRSS, peak VmHWM).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import AGENT_EMAIL, COMMON_WORD, DEFAULT_DATA_DIR, RARE_WORDS, setup_django  # noqa: E402 - needs ROOT on sys.path

TARGETS_MS = {"inbox": 50.0, "ticket": 50.0, "search": 100.0}
RSS_TARGET_MB = 200
SLOW_MS, SLOW_RUNS = 1000.0, 5


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    p.add_argument("--data-dir", default=os.environ.get("ANCHORDESK_DATA_DIR", DEFAULT_DATA_DIR))
    p.add_argument("--requests", type=int, default=50)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--layer", choices=["auto", "views", "queries"], default="auto")
    p.add_argument("--json", help="also write the results to this file")
    p.add_argument("--only", default="", help="comma-separated kinds to run: inbox, ticket, search")
    return p.parse_args(argv)


def memory_mb() -> dict[str, float]:
    """Resident memory of this process in MB: total, anonymous (heap) and file-backed (SQLite's mmap)."""
    wanted = {"VmRSS:": "rss", "VmHWM:": "peak", "RssAnon:": "anon", "RssFile:": "file"}
    values: dict[str, float] = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key = line.split(":", 1)[0] + ":"
            if key in wanted:
                values[wanted[key]] = round(int(line.split()[1]) / 1024, 1)
    return values


class QueryRecorder:
    """Keeps the statements one request ran (connection.execute_wrapper), to time them alone later."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any, bool]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)


def sql_alone(statements: list[tuple[str, Any, bool]], repeats: int) -> list[float]:
    """Milliseconds to run the request's statements and fetch every row, on a warm connection.

    Timed apart from the request because SQLite computes rows while Django iterates them,
    so a timer around cursor.execute alone would miss most of the work."""
    from django.db import connection

    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params, many in statements:
                if many:
                    continue
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def views_available() -> str:
    """'' when the agent views answer, else the reason they cannot be measured yet."""
    try:
        from django.urls import reverse

        from anchordesk.tickets import views  # noqa: F401

        reverse("inbox")
    except Exception as exc:  # ImportError, NoReverseMatch: the views are not written yet
        return f"{type(exc).__name__}: {exc}"
    return ""


def measure(name: str, call: Callable[[], Any], *, warmup: int, requests: int) -> dict[str, Any]:
    from django.db import close_old_connections, connection

    cpu: list[float] = []

    def once(recorder: QueryRecorder | None = None) -> float:
        started, cpu_started = time.perf_counter(), time.process_time()
        if recorder is None:
            call()
        else:
            with connection.execute_wrapper(recorder):
                call()
        # What the real server does after each request: SQLite (CONN_MAX_AGE 0) closes its
        # connection, PostgreSQL keeps it for CONN_MAX_AGE seconds.
        close_old_connections()
        cpu.append((time.process_time() - cpu_started) * 1000)
        return (time.perf_counter() - started) * 1000

    first = once()
    if first > SLOW_MS:  # a case that takes seconds gets a few runs, not fifty
        warmup, requests = 0, min(requests, SLOW_RUNS)
    for _ in range(max(0, warmup - 1)):
        once()
    cpu.clear()
    totals = [once() for _ in range(requests)]
    cpu_p50 = statistics.median(cpu)
    recorder = QueryRecorder()
    once(recorder)
    sqls = sql_alone(recorder.statements, max(3, min(requests, 25)))
    return {
        "case": name,
        "p50_ms": round(statistics.median(totals), 1),
        "p95_ms": round(percentile(totals, 0.95), 1),
        "cpu_p50_ms": round(cpu_p50, 1),
        "sql_p50_ms": round(statistics.median(sqls), 1),
        "sql_p95_ms": round(percentile(sqls, 0.95), 1),
        "queries": len(recorder.statements),
        "runs": requests,
    }


def build_cases(layer: str) -> tuple[list[tuple[str, str, Callable[[], Any]]], dict[str, Any]]:
    """(name, kind, callable) for each measured case, and facts about the data used."""
    from django.db.models import Max
    from django.http import QueryDict
    from django.test import Client

    from anchordesk.accounts.models import Team, User
    from anchordesk.tickets import inbox, search
    from anchordesk.tickets.models import Ticket

    agent = User.objects.filter(email=AGENT_EMAIL).first() or User.objects.filter(role="agent").first()
    if agent is None:
        raise SystemExit("No agent in this database: run bench/generate.py first.")
    team = Team.objects.filter(name="Support").first() or Team.objects.first()
    billing = Team.objects.filter(name="Billing").first() or team
    assert team is not None and billing is not None
    per_ticket = Ticket.objects.aggregate(m=Max("message_count"))["m"] or 1
    ticket = (
        Ticket.objects.filter(message_count=per_ticket, status__in=["open", "pending"])
        .order_by("-id")
        .first()
        or Ticket.objects.order_by("-id").first()
    )
    assert ticket is not None
    rare = next((w for w in RARE_WORDS[:200] if search.matching_ticket_ids(w)), RARE_WORDS[0])
    params = {
        "inbox first page (open)": "view=open",
        "inbox filtered (open, team, priority)": f"view=open&team={team.pk}&priority=3",
        "inbox filtered (closed, team, high)": f"view=all&status=closed&team={billing.pk}&priority=3",
    }
    first = inbox.page(agent, inbox.InboxQuery.from_params(QueryDict("view=open")))
    params["inbox page 2 (cursor)"] = f"view=open&cursor={first.next_cursor}"
    searches = {
        f"search common word ({COMMON_WORD!r})": f"view=all&q={COMMON_WORD}",
        f"search rare word ({rare!r})": f"view=all&q={rare}",
    }
    facts = {
        "tickets": Ticket.objects.count(),
        "ticket_id": ticket.pk,
        "ticket_messages": ticket.message_count,
        "rare_word": rare,
        "open_view_first_page_rows": len(first.tickets),
    }
    cases: list[tuple[str, str, Callable[[], Any]]] = []
    if layer == "views":
        from django.urls import reverse

        client = Client()
        client.force_login(agent)
        url = reverse("inbox")

        def get(path: str) -> Callable[[], Any]:
            def call() -> Any:
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"GET {path} answered {response.status_code}")
                return response

            return call

        for name, query in params.items():
            cases.append((name, "inbox", get(f"{url}?{query}")))
        cases.append(
            (f"ticket page ({ticket.message_count} messages)", "ticket", get(f"/tickets/{ticket.pk}/"))
        )
        for name, query in searches.items():
            cases.append((name, "search", get(f"{url}?{query}")))
    else:
        for name, query in params.items():
            q = QueryDict(query)
            cases.append((name, "inbox", lambda q=q: inbox.page(agent, inbox.InboxQuery.from_params(q))))
        cases.append(
            (
                f"ticket page ({ticket.message_count} messages)",
                "ticket",
                lambda: _ticket_queries(agent, ticket.pk),
            )
        )
        for name, query in searches.items():
            q = QueryDict(query)
            cases.append((name, "search", lambda q=q: inbox.page(agent, inbox.InboxQuery.from_params(q))))
    return cases, facts


def _ticket_queries(agent: Any, ticket_id: int) -> Any:
    """What the ticket page reads: the ticket, its conversation, its events, tags, the customer's other tickets."""
    from anchordesk.tickets.queries import access_ticket

    ticket = access_ticket(agent, ticket_id)
    messages = list(ticket.messages.select_related("author", "customer").prefetch_related("attachments"))
    events = list(ticket.events.select_related("actor", "actor_customer"))
    tags = list(ticket.tags.all())
    others = list(ticket.customer.tickets.exclude(pk=ticket.pk).order_by("-updated_at")[:10])
    return ticket, messages, events, tags, others


def run(args: argparse.Namespace) -> dict[str, Any]:
    setup_django(args.database_url, args.data_dir)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)  # the schema may have grown since generation

    reason = views_available()
    layer = args.layer
    if layer == "auto":
        layer = "queries" if reason else "views"
    if layer == "views" and reason:
        raise SystemExit(f"The agent views cannot be measured yet ({reason}); use --layer queries")
    cases, facts = build_cases(layer)
    if args.only:
        kinds = {k.strip() for k in args.only.split(",")}
        cases = [c for c in cases if c[1] in kinds]
    results = [measure(n, c, warmup=args.warmup, requests=args.requests) | {"kind": k} for n, k, c in cases]
    memory = memory_mb()
    from anchordesk.tickets import search

    # Counted after the memory snapshot: the full lists are bigger than anything a request holds.
    facts["common_word_tickets"] = len(search.matching_ticket_ids(COMMON_WORD, limit=10**9))
    facts["rare_word_tickets"] = len(search.matching_ticket_ids(facts["rare_word"], limit=10**9))
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        db_version = cursor.fetchone()[0]
    report = {
        "database": connection.vendor,
        "database_version": db_version,
        "layer": layer,
        "views_missing_reason": reason,
        "requests": args.requests,
        "facts": facts,
        "results": results,
        "memory_mb": memory,
    }
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return report


def print_report(report: dict[str, Any]) -> None:
    facts = report["facts"]
    print(
        f"\n{report['database']} {report['database_version']}, {facts['tickets']:,} tickets, "
        f"layer: {report['layer']}, {report['requests']} requests per case"
    )
    if report["views_missing_reason"]:
        print(f"  (views not measured: {report['views_missing_reason']})")
    print(
        f"  search: {COMMON_WORD!r} matches {facts['common_word_tickets']:,} tickets, "
        f"{facts['rare_word']!r} matches {facts['rare_word_tickets']:,}"
    )
    print("| case | p50 ms | p95 ms | CPU p50 | SQL alone p50 | SQL alone p95 | queries | runs | target |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in report["results"]:
        target = TARGETS_MS[r["kind"]]
        verdict = "ok" if r["p50_ms"] < target else "MISSED"
        print(
            f"| {r['case']} | {r['p50_ms']} | {r['p95_ms']} | {r['cpu_p50_ms']} | {r['sql_p50_ms']} | {r['sql_p95_ms']} "
            f"| {r['queries']} | {r['runs']} | p50 < {target:.0f} ms {verdict} |"
        )
    mem = report["memory_mb"]
    verdict = "ok" if mem["rss"] < RSS_TARGET_MB else "MISSED"
    print(
        f"| process RSS after the requests | {mem['rss']} MB | heap {mem['anon']} MB, file/mmap {mem['file']} MB, "
        f"peak {mem['peak']} MB | | | | | | < {RSS_TARGET_MB} MB {verdict} |"
    )


def main(argv: Sequence[str] | None = None) -> None:
    run(_parse_args(argv))


if __name__ == "__main__":
    main()
