"""Sign-in limits: the database store against atomic cache counters (anchordesk/accounts/ratelimit.py).

    python bench/signin_limit_bench.py [--claims 400] [--processes 8]
        [--database-url postgres://postgres@127.0.0.1:5432/ad_bench_signin] [--redis-url redis://127.0.0.1:6379/13]

For each store it prints the median time of one failed sign-in's bookkeeping (a claim, kept as
the failure) over --claims attempts on distinct names and addresses, and how many of
--processes x 10 simultaneous claims on one name were let through with a limit of 10 (more
than 10 means the limit overshoots across processes). Stores: the database on SQLite and on
PostgreSQL, counters on Redis, and counters on the embedded default cache (files).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import multiprocessing.synchronize
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_one(args: argparse.Namespace) -> None:
    """In a child process: set Django up for one store and measure it."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "anchordesk.settings"
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, connections

    from anchordesk.accounts import ratelimit
    from anchordesk.accounts.models import LoginAttempt

    with connection.schema_editor() as editor:
        editor.create_model(LoginAttempt)
    settings.LOGIN_RATE_LIMIT = 10
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 10_000
    store = ratelimit.store()

    times = []
    for n in range(args.claims):
        start = time.perf_counter()
        ratelimit.do_claim_attempt(f"user{n}@example.test", f"10.{n // 250}.{n % 250}.1")
        times.append(time.perf_counter() - start)

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(args.processes)
    with context.Pool(args.processes, initializer=_init, initargs=(barrier,)) as pool:
        let_through = sum(pool.map(_ten_claims, range(args.processes)))
    print(
        json.dumps(
            {
                "store": store,
                "median_ms": round(statistics.median(times) * 1000, 3),
                "let_through": let_through,
                "tried": args.processes * 10,
            }
        )
    )


_barrier: multiprocessing.synchronize.Barrier | None = None


def _init(barrier: multiprocessing.synchronize.Barrier) -> None:
    global _barrier
    _barrier = barrier


def _ten_claims(_: int) -> int:
    from django.db import connections

    from anchordesk.accounts import ratelimit

    connections.close_all()
    assert _barrier is not None
    _barrier.wait()  # every process starts guessing at once
    return sum(ratelimit.do_claim_attempt("alice@example.test", "192.0.2.7") for _ in range(10))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=400)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ad_bench_signin")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_one(args)
        return

    import psycopg
    import redis

    admin_url, name = args.database_url.rsplit("/", 1)
    configs = [
        ("database on SQLite", {}),
        ("database on PostgreSQL", {"DATABASE_URL": args.database_url}),
        ("counters on Redis", {"REDIS_URL": args.redis_url}),
        ("counters on the file cache", {"LOGIN_RATE_STORE": "cache"}),
    ]
    for label, extra in configs:
        with tempfile.TemporaryDirectory() as data_dir:
            if "DATABASE_URL" in extra:
                with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                    conn.execute(f'CREATE DATABASE "{name}"')
            if "REDIS_URL" in extra:
                redis.Redis.from_url(args.redis_url).flushdb()
            env = {
                k: v
                for k, v in os.environ.items()
                if k not in ("DATABASE_URL", "REDIS_URL", "LOGIN_RATE_STORE")
            }
            env.update(extra, ANCHORDESK_DATA_DIR=data_dir, HUEY_IMMEDIATE="1")
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    f"--claims={args.claims}",
                    f"--processes={args.processes}",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode != 0:
                print(f"{label}: failed\n{out.stderr[-2000:]}")
                continue
            result = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{label:28} store={result['store']:8} {result['median_ms']:7.3f} ms per failed sign-in;"
                f" {result['let_through']} of {result['tried']} simultaneous claims let through (limit 10)"
            )
            if "DATABASE_URL" in extra:
                with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
