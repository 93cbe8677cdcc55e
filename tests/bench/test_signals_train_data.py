"""The agent-reply training data: well-formed rows, spans that exist, due dates by the rules."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from bench.signals_data.build_train import (
    ENRON_CSV,
    FIELDS,
    WRITTEN_CSV,
    read_csv,
    resolve_due,
    shingles,
)

LABELS = {
    "apology": {"none", "sincere", "formulaic", "non_apology"},
    "excuse": {"0", "1"},
    "next_step": {"none", "vague", "concrete"},
    "has_date": {"0", "1"},
}
UTC_STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00$")


def _header(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize("path", [ENRON_CSV, WRITTEN_CSV], ids=["enron", "written"])
def test_rows_are_well_formed(path: Path) -> None:
    assert _header(path) == ",".join(FIELDS)
    for row in read_csv(path):
        assert UTC_STAMP.match(row["created_at"]), row["id"]
        for column, allowed in LABELS.items():
            assert row[column] in allowed, (row["id"], column, row[column])
        for c in json.loads(row["commitments"]):
            assert set(c) == {"action", "due_text", "due"}
            assert c["action"] and c["action"] in row["text"], row["id"]
            assert c["due_text"] in row["text"], row["id"]
            assert bool(c["due"]) == bool(c["due_text"]), row["id"]
            if c["due"]:
                assert re.fullmatch(r"\d{4}-\d\d-\d\d", c["due"]), row["id"]
                assert row["has_date"] == "1", row["id"]


def test_written_due_dates_follow_the_rules() -> None:
    """Written rows carry no hand-set dates: each due is what the brief's rules give."""
    checked = 0
    for row in read_csv(WRITTEN_CSV):
        created = datetime.fromisoformat(row["created_at"])
        locale = "UK" if "locale=UK" in row["notes"] else "US"
        for c in json.loads(row["commitments"]):
            if c["due_text"]:
                resolved = resolve_due(c["due_text"], created, locale)
                assert resolved is not None and resolved.isoformat() == c["due"], (row["id"], c)
                checked += 1
    assert checked >= 450


def test_the_counts_the_brief_asks_for() -> None:
    enron = read_csv(ENRON_CSV)
    assert len(enron) >= 600
    assert {r["source"] for r in enron} == {"enron_cmu"}
    halves = Counter(r["notes"].split(";")[0] for r in enron)
    assert halves["random"] == halves["cue"] == len(enron) // 2

    written = read_csv(WRITTEN_CSV)
    assert len(written) >= 1800
    assert [r["id"] for r in written] == [f"w{i:04d}" for i in range(1, len(written) + 1)]
    apology = Counter(r["apology"] for r in written)
    assert apology["non_apology"] >= 350 and apology["sincere"] >= 300 and apology["formulaic"] >= 300
    assert sum(r["excuse"] == "1" for r in written) >= 400
    commitments = [json.loads(r["commitments"]) for r in written]
    assert sum(any(c["due"] for c in cs) for cs in commitments) >= 450
    assert sum(1 for cs in commitments for c in cs if not c["due"]) >= 250
    years = Counter(r["created_at"][:4] for r in written)
    assert set(years) == {str(y) for y in range(2016, 2027)}
    for r in written:
        assert 3 <= len(r["text"].split()) <= 120, r["id"]


def test_no_two_written_rows_are_near_copies() -> None:
    written = read_csv(WRITTEN_CSV)
    sh = [shingles(r["text"]) for r in written]
    for i, row in enumerate(written):
        for j in range(i):
            inter = len(sh[i] & sh[j])
            assert not inter or inter / len(sh[i] | sh[j]) <= 0.5, (written[j]["id"], row["id"])


@pytest.mark.parametrize(
    ("due_text", "locale", "expected"),
    [
        ("tomorrow", "US", "2026-12-05"),
        ("within 3 business days", "US", "2026-12-09"),
        ("by Friday", "US", "2026-12-11"),  # sent on a Friday: a week ahead
        ("in 48 hours", "US", "2026-12-06"),
        ("right away", "US", "2026-12-04"),
        ("in a few minutes", "US", "2026-12-04"),
        ("within the hour", "US", "2026-12-05"),  # sent at 23:30
        ("end of next week", "US", "2026-12-11"),
        ("in March", "US", "2027-03-31"),
        ("by mid-April", "US", "2027-04-15"),
        ("on the 3rd", "US", "2027-01-03"),
        ("03/04", "UK", "2027-04-03"),
        ("03/04", "US", "2027-03-04"),
        ("3-5 working days", "US", "2026-12-11"),
        ("at 16:00", "US", "2026-12-04"),
        ("overnight", "US", "2026-12-05"),
    ],
)
def test_due_rules(due_text: str, locale: str, expected: str) -> None:
    sent = datetime.fromisoformat("2026-12-04 23:30:00+00:00")  # a Friday, late
    resolved = resolve_due(due_text, sent, locale)
    assert resolved is not None and resolved.isoformat() == expected


def test_vague_times_are_not_dates() -> None:
    sent = datetime.fromisoformat("2026-12-04 10:00:00+00:00")
    for vague in ("soon", "as soon as possible", "asap", "in a few days"):
        assert resolve_due(vague, sent) is None
