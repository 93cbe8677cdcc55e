"""Run the issue-2 benchmarks (and the other benches in bench/ that exist) with sensible defaults.

    python bench/run_all.py                      # 100,000 tickets on SQLite and, if reachable, PostgreSQL
    python bench/run_all.py --tickets 1000000    # the target size (generation takes minutes)
    python bench/run_all.py --regenerate --skip-postgres --skip-others

A database is generated only when it does not already hold --tickets tickets (or with
--regenerate). SQLite lives in /tmp/bench-sqlite-<size>, PostgreSQL in the database
anchordesk_bench_<size> on --postgres-host. Results go to --results-dir as JSON and the
tables are printed, ready for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Benches written alongside this one; each runs with its own defaults when present.
OTHER_BENCHES = ["signals_eval.py", "mail_parse_bench.py", "mail_ingest_bench.py"]


def _size_label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def _sqlite_count(data_dir: Path) -> int:
    path = data_dir / "anchordesk.sqlite3"
    if not path.exists():
        return -1
    try:
        with sqlite3.connect(path) as db:
            return int(db.execute("SELECT COUNT(*) FROM tickets_ticket").fetchone()[0])
    except sqlite3.Error:
        return -1


def _postgres_count(url: str) -> int | None:
    """Tickets in the database; -1 if it is missing or empty; None if PostgreSQL is unreachable."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute("SELECT COUNT(*) FROM tickets_ticket").fetchone()
            return int(row[0]) if row else -1
    except psycopg.OperationalError as exc:
        if "does not exist" in str(exc):
            return -1
        return None
    except psycopg.Error:
        return -1


def _run(args: Sequence[str], env: dict[str, str] | None = None) -> int:
    print(f"\n$ {' '.join(args)}", flush=True)
    return subprocess.call([sys.executable, *args], cwd=ROOT, env=env)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tickets", type=int, default=100_000)
    p.add_argument("--messages-per-ticket", type=int, default=3)
    p.add_argument("--requests", type=int, default=50)
    p.add_argument("--postgres-host", default="postgres@127.0.0.1:5432")
    p.add_argument("--regenerate", action="store_true")
    p.add_argument("--skip-sqlite", action="store_true")
    p.add_argument("--skip-postgres", action="store_true")
    p.add_argument("--results-dir", default="/tmp/anchordesk-bench-results")
    p.add_argument("--skip-others", action="store_true", help="only the inbox/ticket/search bench")
    args = p.parse_args(argv)

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ANCHORDESK_DATA_DIR"}}
    env["DJANGO_SETTINGS_MODULE"] = "anchordesk.settings"
    label = _size_label(args.tickets)
    results = Path(args.results_dir)
    results.mkdir(parents=True, exist_ok=True)
    failures = 0
    size = ["--tickets", str(args.tickets), "--messages-per-ticket", str(args.messages_per_ticket)]

    targets: list[tuple[str, list[str], int | None]] = []
    if not args.skip_sqlite:
        data_dir = Path(f"/tmp/bench-sqlite-{label}")
        targets.append(("sqlite", ["--data-dir", str(data_dir)], _sqlite_count(data_dir)))
    if not args.skip_postgres:
        url = f"postgres://{args.postgres_host}/anchordesk_bench_{label}"
        count = _postgres_count(url)
        if count is None:
            print(f"PostgreSQL at {args.postgres_host} is not reachable: skipping it.")
        else:
            targets.append(("postgresql", ["--database-url", url], count))

    for name, where, count in targets:
        if args.regenerate or count != args.tickets:
            started = time.monotonic()
            failures += _run(["bench/generate.py", *size, *where, "--recreate"], env) != 0
            print(f"generation on {name}: {time.monotonic() - started:.0f}s")
        out = results / f"core-{name}-{label}.json"
        failures += (
            _run(["bench/bench_core.py", *where, "--requests", str(args.requests), "--json", str(out)], env)
            != 0
        )

    if not args.skip_others:
        for script in OTHER_BENCHES:
            if (HERE / script).exists():
                failures += _run([f"bench/{script}"], env) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
