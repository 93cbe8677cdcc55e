"""Hostile email ingest: the time to store, parse and route a nested-HTML bomb and a 1 MB plain body.

    python bench/mail_hostile_bench.py [--database-url URL] [--depth 100000] [--rounds 3]

Builds two messages in memory: an HTML-only email of `--depth` nested <div> (1.1 MB at
100,000), and a plain-text email with a 1 MB body. Each is stored and routed into a fresh
database (SQLite in a temporary folder unless --database-url names PostgreSQL), as the
MTA pipe does, and the median wall time over rounds is printed with what was stored (the
body length and the nesting depth of the stored HTML), so a fast run that stored nothing
would show.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def nested_html_email(depth: int) -> bytes:
    html = "<html><body>" + "<div>" * depth + "Help, my order is lost." + "</div>" * depth + "</body></html>"
    return (
        "From: Bomb <bomb@example.test>\r\nTo: support@anchordesk.localhost\r\n"
        f"Subject: nested {depth}\r\nMessage-ID: <nested-{depth}@example.test>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    ).encode()


def big_plain_email(size: int) -> bytes:
    line = "My order 12345 has still not arrived and nobody answers my mails.\r\n"
    body = line * (size // len(line) + 1)
    return (
        "From: Long <long@example.test>\r\nTo: support@anchordesk.localhost\r\n"
        "Subject: a very long complaint\r\nMessage-ID: <long-body@example.test>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body
    ).encode()


def setup_django(database_url: str | None, data_dir: str) -> None:
    os.environ["ANCHORDESK_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "anchordesk.settings"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["HUEY_IMMEDIATE"] = "0"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def fresh_database() -> None:
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)


def max_depth(html: str) -> int:
    depth = deepest = 0
    for closing in re.findall(r"<(/?)div\b", html):
        depth += -1 if closing else 1
        deepest = max(deepest, depth)
    return deepest


def ingest_once(raw: bytes) -> tuple[float, str]:
    from anchordesk.mail.ingest import process_inbound, store_raw
    from anchordesk.mail.models import Source

    fresh_database()
    start = time.perf_counter()
    inbound, _ = store_raw(raw, source=Source.PIPE)
    inbound = process_inbound(inbound.pk)
    elapsed = time.perf_counter() - start
    message = inbound.ticket_message
    if message is None:
        return elapsed, f"{inbound.state}: {inbound.reason[:80]}"
    return elapsed, (
        f"{inbound.state}, body {len(message.body_text):,} chars, "
        f"html {len(message.body_html):,} chars, div depth {max_depth(message.body_html)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--depth", type=int, default=100_000)
    parser.add_argument("--plain-bytes", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as data_dir:
        setup_django(args.database_url, data_dir)
        from django.db import connection

        cases = [
            (f"nested HTML, {args.depth:,} <div>", nested_html_email(args.depth)),
            (f"plain body, {args.plain_bytes:,} bytes", big_plain_email(args.plain_bytes)),
        ]
        print(f"database: {connection.vendor}")
        for name, raw in cases:
            timings, outcome = [], ""
            for _ in range(args.rounds):
                elapsed, outcome = ingest_once(raw)
                timings.append(elapsed)
            print(
                f"{name} ({len(raw) / 1e6:.2f} MB): median {statistics.median(timings):.2f} s "
                f"over {args.rounds} rounds -> {outcome}"
            )


if __name__ == "__main__":
    main()
