"""Reaching the real services the suite runs against (PostgreSQL, Redis) on this machine."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def redis_available() -> bool:
    return port_open("127.0.0.1", 6379)


def using_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@contextmanager
def scratch_database_url(tmp_dir: str) -> Iterator[str]:
    """A database for subprocesses: a throwaway PostgreSQL database when the suite runs on
    PostgreSQL, else an SQLite file in tmp_dir."""
    if not using_postgres():
        yield f"sqlite:///{tmp_dir}/worker.sqlite3"
        return
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"anchordesk_scratch_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
