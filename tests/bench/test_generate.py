"""The benchmark data generator: the counts asked for, a working search index, a usable inbox."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
TICKETS, PER_TICKET = 300, 3


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ANCHORDESK_DATA_DIR"}
    }
    env.update(DJANGO_SETTINGS_MODULE="anchordesk.settings", ANCHORDESK_MANIFEST_STATIC="0", **extra)
    return env


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _generate_and_bench(tmp_path: Path, database_args: list[str]) -> dict:
    _run(
        "bench/generate.py",
        "--tickets",
        str(TICKETS),
        "--messages-per-ticket",
        str(PER_TICKET),
        "--days",
        "30",
        "--recreate",
        "--quiet",
        *database_args,
        env=_env(),
    )
    out = tmp_path / "bench.json"
    _run(
        "bench/bench_core.py",
        "--requests",
        "2",
        "--warmup",
        "1",
        "--layer",
        "queries",
        "--json",
        str(out),
        *database_args,
        env=_env(),
    )
    return json.loads(out.read_text())


def test_generator_fills_sqlite_with_the_requested_counts_and_the_inbox_works(tmp_path: Path):
    report = _generate_and_bench(tmp_path, ["--data-dir", str(tmp_path)])
    db = sqlite3.connect(tmp_path / "anchordesk.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM tickets_ticket").fetchone()[0] == TICKETS
    assert db.execute("SELECT COUNT(*) FROM tickets_message").fetchone()[0] == TICKETS * PER_TICKET
    statuses = {s for (s,) in db.execute("SELECT DISTINCT status FROM tickets_ticket")}
    assert {"closed", "open"} <= statuses
    # The search triggers are back after the bulk load: a new message is indexed as usual.
    triggers = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"tickets_message_ai", "tickets_ticket_ai"} <= triggers
    indexes = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"ticket_status_upd", "ticket_team_upd"} <= indexes
    assert report["facts"]["tickets"] == TICKETS
    assert report["facts"]["open_view_first_page_rows"] > 0
    assert report["facts"]["common_word_tickets"] > 0
    assert {r["kind"] for r in report["results"]} == {"inbox", "ticket", "search"}


@pytest.mark.postgres
def test_generator_fills_postgresql_with_the_requested_counts(tmp_path: Path):
    url = os.environ["DATABASE_URL"]
    parsed = urlparse(url)
    name = f"anchordesk_gen_{uuid.uuid4().hex[:8]}"
    bench_url = parsed._replace(path=f"/{name}").geturl()
    import psycopg

    try:
        report = _generate_and_bench(tmp_path, ["--database-url", bench_url])
        with psycopg.connect(bench_url) as conn:
            assert conn.execute("SELECT COUNT(*) FROM tickets_message").fetchone()[0] == TICKETS * PER_TICKET
        assert report["facts"]["tickets"] == TICKETS
        assert report["facts"]["open_view_first_page_rows"] > 0
    finally:
        admin = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
