"""Pinned statement counts per request, so a change that adds queries fails a test.

`tests/query_budgets.json` holds, per database vendor, the number of SQL statements each
measured request may run (savepoints aside, see `_bookkeeping`). `query_budget(name)` counts the statements of its block with
Django's CaptureQueriesContext and:

- fails when the count grew above the pinned number, listing the statements it ran;
- warns (never fails) when the count dropped more than `SHRINK_NOTE` below the pin, so
  whoever made it cheaper lowers the pin and keeps the gain;
- with `UPDATE_QUERY_BUDGETS=1` in the environment, writes the measured count to the file
  instead. That is the deliberate refresh: run it on both databases, read the diff, commit.
  It is refused when `CI` is set, so a pipeline never rewrites its own yardstick.

    UPDATE_QUERY_BUDGETS=1 PYTHONPATH=$PWD .venv/bin/python -m pytest -p no:cacheprovider \
        tests/core/test_query_budgets.py
    UPDATE_QUERY_BUDGETS=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/anchordesk \
        PYTHONPATH=$PWD .venv/bin/python -m pytest -p no:cacheprovider tests/core/test_query_budgets.py
"""

from __future__ import annotations

import fcntl
import json
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

BUDGETS_FILE = Path(__file__).with_name("query_budgets.json")
SHRINK_NOTE = 3  # a count this much below its pin is worth lowering the pin for
UPDATE_ENV = "UPDATE_QUERY_BUDGETS"


class QueryBudgetNote(UserWarning):
    """A request got cheaper than its pin: lower the pin so the gain is kept."""


@dataclass
class Measured:
    """The statements of one measured block (filled in when the block ends)."""

    name: str
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


def _updating() -> bool:
    if os.environ.get(UPDATE_ENV) != "1":
        return False
    if os.environ.get("CI"):
        pytest.fail(f"{UPDATE_ENV}=1 is refused in CI: refresh the pins on a workstation and commit them")
    return True


def _read() -> dict[str, dict[str, int]]:
    if not BUDGETS_FILE.exists():
        return {}
    data: dict[str, dict[str, int]] = json.loads(BUDGETS_FILE.read_text())
    return data


def _write_pin(vendor: str, name: str, count: int) -> None:
    """Read-modify-write under a lock, so several tests (or xdist workers) can refresh at once."""
    with open(BUDGETS_FILE.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = _read()
        data.setdefault(vendor, {})[name] = count
        ordered = {v: dict(sorted(pins.items())) for v, pins in sorted(data.items())}
        BUDGETS_FILE.write_text(json.dumps(ordered, indent=2) + "\n")
    BUDGETS_FILE.with_suffix(".lock").unlink(missing_ok=True)


def pinned(name: str) -> int | None:
    return _read().get(connection.vendor, {}).get(name)


def check_budget(name: str, count: int, statements: list[str] | None = None) -> None:
    """Compare a measured count with its pin (or record it when refreshing)."""
    vendor = connection.vendor
    if _updating():
        _write_pin(vendor, name, count)
        return
    pin = pinned(name)
    how = f"refresh deliberately with {UPDATE_ENV}=1 (see tests/budgets.py) and commit {BUDGETS_FILE.name}"
    if pin is None:
        pytest.fail(f"no pinned statement count for {name!r} on {vendor} (measured {count}): {how}")
    if count > pin:
        listing = "\n".join(f"  {i + 1:3}. {sql[:300]}" for i, sql in enumerate(statements or []))
        pytest.fail(
            f"{name!r} ran {count} SQL statements on {vendor}, over its pinned {pin}. "
            f"Find the new query below; if it is wanted, {how}.\n{listing}"
        )
    if count < pin - SHRINK_NOTE:
        warnings.warn(
            QueryBudgetNote(
                f"{name!r} now runs {count} statements on {vendor}, pinned at {pin}: lower the pin ({how})"
            ),
            stacklevel=2,
        )


def _bookkeeping(sql: str) -> bool:
    """Savepoints are left out: the test's own transaction turns each request's outer
    `atomic` into a savepoint pair that production never runs, so counting them would
    measure the test harness rather than the request."""
    return sql.startswith(("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT "))


@contextmanager
def count_queries(name: str = "") -> Iterator[Measured]:
    """Count the statements of the block without checking them against a pin."""
    measured = Measured(name)
    with CaptureQueriesContext(connection) as captured:
        yield measured
    measured.statements = [q["sql"] for q in captured.captured_queries if not _bookkeeping(q["sql"])]


@contextmanager
def query_budget(name: str) -> Iterator[Measured]:
    """Count the statements of the block and hold them to the pin named `name`."""
    with count_queries(name) as measured:
        yield measured
    check_budget(name, measured.count, measured.statements)
