"""The written training rows for the reply signals' hard kinds (replies_written_causes.csv)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from bench.signals_data.build_train import FIELDS, WRITTEN_CSV, read_csv, resolve_due

CAUSES_CSV = Path(WRITTEN_CSV).with_name("replies_written_causes.csv")
LABELS = {
    "apology": {"none", "sincere", "formulaic", "non_apology"},
    "excuse": {"0", "1"},
    "next_step": {"none", "vague", "concrete"},
    "has_date": {"0", "1"},
}


def test_rows_are_written_well_formed_and_dated_by_the_rules() -> None:
    assert CAUSES_CSV.read_text(encoding="utf-8").splitlines()[0] == ",".join(FIELDS)
    rows = read_csv(CAUSES_CSV)
    assert len(rows) >= 50
    taken = {r["id"] for r in read_csv(WRITTEN_CSV)}
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["source"] == "written" and row["id"] not in taken, row["id"]
        assert row["notes"], row["id"]  # every written row names its phenomenon
        for column, allowed in LABELS.items():
            assert row[column] in allowed, (row["id"], column)
        created = datetime.fromisoformat(row["created_at"])
        for c in json.loads(row["commitments"]):
            assert c["action"] in row["text"] and c["due_text"] in row["text"], row["id"]
            expected = resolve_due(c["due_text"], created) if c["due_text"] else None
            assert c["due"] == (expected.isoformat() if expected else ""), row["id"]


def test_the_kinds_have_positives_and_hard_negatives() -> None:
    notes = [r["notes"] for r in read_csv(CAUSES_CSV)]
    assert sum(n.startswith("excuse:") for n in notes) >= 15
    assert sum(n.startswith("excuse hard negative") for n in notes) >= 8
    assert sum(n.startswith("non_apology") for n in notes) >= 5
