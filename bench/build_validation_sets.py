"""Materialize the hand-labelled TWCS validation rows as evaluation sets.

    python bench/build_validation_sets.py --out DIR [--part tune|holdout|all]

Reads ``bench/signals_data/validation/customer_twcs.csv`` and ``replies_twcs.csv`` (labels
only, no text), joins each row by (source, id) with the pool's texts
(``../shared/data/pool/customer_messages.csv`` and ``agent_replies.csv``) and writes sets in
the format of ``../shared/data/sets`` (``a1_``, ``a2_``, ``a3_``, ``b_``, ``c_`` prefixes, same
columns), so ``bench/signals_eval.py --sets DIR`` measures them.

Rows are split by a stable hash of (source, id): ``tune`` (half) may set the models'
decision thresholds (bench/train_signals.py does that automatically); ``holdout`` (the other
half) is for the reported figures only. TWCS text is non-commercial: these sets are for
measuring, never for training, and are written outside the repository (the output folder is
the caller's; nothing here is committed). Only counts are printed, never rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from the checkout: `python bench/build_validation_sets.py`

from bench.signals_data import spans  # noqa: E402 - needs ROOT on sys.path

VALIDATION = ROOT / "bench" / "signals_data" / "validation"
POOL = ROOT / ".." / "shared" / "data" / "pool"
PARTS = ("tune", "holdout")

A1 = ["source", "id", "text", "label", "label_kind", "notes"]
A2 = ["source", "id", "text", "label", "label_kind", "abusive", "notes"]
A3 = ["source", "id", "text", "label", "label_kind", "notes"]
B = [
    "source",
    "id",
    "company",
    "created_at",
    "text",
    "apologize_gold",
    "provide_date_gold",
    "next_step_gold",
    "label_kind",
    "apology",
    "excuse",
    "next_step",
    "has_date",
    "commitments",
    "notes",
]
C = ["source", "id", "text", "intent_gold", "created_at", "label_kind", "commitments"]
KIND = "hand-labelled per LABELS.md (validation)"


def part_of(source: str, row_id: str) -> str:
    """'tune' or 'holdout', stable across runs and machines (CRC-32 of "source:id")."""
    return PARTS[zlib.crc32(f"{source}:{row_id}".encode()) % 2]


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _texts(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["source"], r["id"]): r for r in _read(path)}


def validation_rows(
    kind: str, part: str, validation: Path = VALIDATION, pool: Path = POOL
) -> Iterator[dict[str, str]]:
    """Labelled rows of ``kind`` ('customer' or 'replies') in ``part``, with ``text`` joined in."""
    labels = _read(validation / ("customer_twcs.csv" if kind == "customer" else "replies_twcs.csv"))
    if not labels:
        return
    texts = _texts(pool / ("customer_messages.csv" if kind == "customer" else "agent_replies.csv"))
    for row in labels:
        key = (row.get("source", ""), row.get("id", ""))
        if part != "all" and part_of(*key) != part:
            continue
        found = texts.get(key)
        if found is None or not found.get("text", "").strip():
            continue
        out = dict(row)
        out["text"] = found["text"]
        if kind == "replies" and out.get("commitments", "").strip():
            # Labels point into the non-commercial text (offsets); the sets quote it as LABELS.md does.
            out["commitments"] = json.dumps(spans.to_text(json.loads(out["commitments"]), found["text"]))
        out["company"] = found.get("company", "")
        if not out.get("created_at"):
            out["created_at"] = found.get("created_at", "")
        yield out


def build(out: Path, part: str, validation: Path = VALIDATION, pool: Path = POOL) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    sets: dict[str, tuple[list[str], list[dict[str, str]]]] = {
        "a1_frustration_validation.csv": (A1, []),
        "a2_profanity_validation.csv": (A2, []),
        "a3_manager_validation.csv": (A3, []),
        "b_reply_validation.csv": (B, []),
        "c_commitment_validation.csv": (C, []),
    }
    for r in validation_rows("customer", part, validation, pool):
        base = {"source": r["source"], "id": r["id"], "text": r["text"], "label_kind": KIND, "notes": ""}
        if r.get("frustration", "").strip() != "":
            sets["a1_frustration_validation.csv"][1].append({**base, "label": r["frustration"].strip()})
        if r.get("profanity", "").strip() != "":
            sets["a2_profanity_validation.csv"][1].append(
                {**base, "label": r["profanity"].strip(), "abusive": r.get("abusive", "").strip()}
            )
        if r.get("manager_request", "").strip() != "":
            sets["a3_manager_validation.csv"][1].append({**base, "label": r["manager_request"].strip()})
    for r in validation_rows("replies", part, validation, pool):
        if not r.get("apology", "").strip():
            continue
        row = {k: r.get(k, "") for k in B}
        row["label_kind"] = KIND
        row["notes"] = ""
        sets["b_reply_validation.csv"][1].append(row)
        if r.get("commitments", "").strip():
            sets["c_commitment_validation.csv"][1].append(
                {
                    "source": r["source"],
                    "id": r["id"],
                    "text": r["text"],
                    "intent_gold": "",
                    "created_at": r.get("created_at", ""),
                    "label_kind": KIND,
                    "commitments": r["commitments"],
                }
            )
    for name, (columns, rows) in sets.items():
        path = out / name
        if not rows:
            path.unlink(missing_ok=True)
            continue
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=columns, quoting=csv.QUOTE_NONNUMERIC, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
        counts[name] = len(rows)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--part", choices=(*PARTS, "all"), default="holdout")
    parser.add_argument("--validation", type=Path, default=VALIDATION)
    parser.add_argument("--pool", type=Path, default=POOL)
    args = parser.parse_args(argv)
    counts = build(args.out, args.part, args.validation, args.pool)
    for name, n in counts.items():
        print(f"{name}: {n} rows ({args.part})")
    if not counts:
        print("no validation rows found")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
