"""The hand-labelled customer validation set: ids and labels only, reproducible sampling."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "signals_data"
HEADER = ["source", "id", "stratum", "frustration", "profanity", "abusive", "manager_request", "notes"]
SOURCES = {"twcs_spotify_requests", "twcs_head5000", "twcs_tweetsumm"}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_labels_hold_ids_and_valid_labels_but_no_text() -> None:
    path = DATA / "validation" / "customer_twcs.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == HEADER  # no text column: TWCS text stays in shared/data
    rows = _read(path)
    assert len(rows) >= 1500
    assert len({(r["source"], r["id"]) for r in rows}) == len(rows)
    for r in rows:
        assert r["source"] in SOURCES, r
        assert r["stratum"] in {"random", "escalation", "heat", "random_topup"}, r
        assert r["frustration"] in {"0", "1", "2"} and r["manager_request"] in {"0", "1", "2"}, r
        assert r["profanity"] in {"0", "1"} and r["abusive"] in {"0", "1"}, r
        assert len(r["notes"]) < 120, r  # a few words, not a pasted message
    random_rows = [r for r in rows if r["stratum"] == "random"]
    assert len(random_rows) == 1100
    for source in ("twcs_head5000", "twcs_tweetsumm"):
        assert sum(r["source"] == source for r in random_rows) >= 250


def test_second_pass_ids_are_200_rows_of_the_set_without_labels() -> None:
    labelled = {(r["source"], r["id"]) for r in _read(DATA / "validation" / "customer_twcs.csv")}
    second = DATA / "validation" / "customer_twcs_second_ids.csv"
    with second.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["source", "id"]
    ids = [(r["source"], r["id"]) for r in _read(second)]
    assert len(ids) == len(set(ids)) == 200
    assert set(ids) <= labelled


def _pool(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "id", "created_at", "company", "text", "in_reply_to_text"])
        for source, n in (("twcs_spotify_requests", 700), ("twcs_head5000", 300), ("twcs_tweetsumm", 300)):
            for i in range(n):
                text = f"secret text {source} {i}"
                if i % 50 == 0:
                    text += " let me talk to a supervisor"
                if i % 40 == 1:
                    text += " THIS IS NOT OKAY AT ALL"
                w.writerow([source, f"{source[:4]}{i}", "", "", text, ""])
        w.writerow(["cfpb_kaiburr", "cfpbk-1", "", "", "speak to a manager", ""])


def test_sampler_is_reproducible_and_prints_ids_never_text(tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    _pool(pool)
    cmd = [sys.executable, str(DATA / "sample_validation.py"), "--pool", str(pool)]
    first = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert first == subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "secret text" not in first and "supervisor" not in first
    rows = list(csv.DictReader(first.splitlines()))
    assert {r["source"] for r in rows} == SOURCES  # CFPB rows are never drawn
    by_stratum: dict[str, int] = {}
    for r in rows:
        by_stratum[r["stratum"]] = by_stratum.get(r["stratum"], 0) + 1
    assert by_stratum["random"] == 1100
    assert by_stratum["escalation"] + by_stratum["heat"] > 0
    # Fewer pool rows than the 1,600 target: every TWCS row is drawn once, none twice.
    assert len(rows) == len({(r["source"], r["id"]) for r in rows}) == 1300
