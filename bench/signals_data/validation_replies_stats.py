"""Counts for the hand-labelled agent-reply validation set, and the second-labeller draw.

    python bench/signals_data/validation_replies_stats.py            # print the counts
    python bench/signals_data/validation_replies_stats.py --dated    # the same for the dated file
    python bench/signals_data/validation_replies_stats.py --second   # (re)write the 200 ids

The set (``validation/replies_twcs.csv``) holds labels and ids only; the reply texts stay in
the shared pool (TWCS, CC BY-NC-SA 4.0) and are never read here.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent / "validation"
SET = HERE / "replies_twcs.csv"
DATED = HERE / "replies_twcs_dated.csv"
SECOND = HERE / "replies_twcs_second_ids.csv"
SECOND_SEED = 7
SECOND_SIZE = 200
COLUMNS = ["apology", "excuse", "next_step", "has_date"]


def load(path: Path = SET) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def table(rows: list[dict[str, str]], column: str, by: str) -> str:
    groups = sorted({r[by] for r in rows})
    values = sorted({r[column] for r in rows})
    lines = [f"| {column} | " + " | ".join(groups) + " | all |", "|---" * (len(groups) + 2) + "|"]
    for v in values:
        cells = [sum(1 for r in rows if r[by] == g and r[column] == v) for g in groups]
        lines.append(f"| {v} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} |")
    return "\n".join(lines)


def commitment_rows(rows: list[dict[str, str]]) -> list[tuple[str, str, dict[str, str]]]:
    return [(r["source"], r["stratum"], c) for r in rows for c in json.loads(r["commitments"])]


def report(rows: list[dict[str, str]]) -> None:
    print(f"rows: {len(rows)}")
    print("by source:", dict(Counter(r["source"] for r in rows)))
    print("by stratum:", dict(Counter(r["stratum"] for r in rows)))
    for by in ("source", "stratum"):
        for column in COLUMNS:
            print()
            print(table(rows, column, by))
    commits = commitment_rows(rows)
    with_c = Counter(r["source"] for r in rows if json.loads(r["commitments"]))
    print()
    print("rows with >=1 commitment by source:", dict(with_c), "all:", sum(with_c.values()))
    print("commitments by source:", dict(Counter(s for s, _, _ in commits)), "all:", len(commits))
    print("  with due_text:", sum(1 for *_, c in commits if c.get("due_text") or c.get("due_text_at")))
    print("  with a resolved due date:", sum(1 for *_, c in commits if c["due"]))
    print(
        "  with a due date by source:",
        dict(Counter(s for s, _, c in commits if c["due"])),
    )


def write_second(rows: list[dict[str, str]]) -> None:
    keys = sorted((r["source"], r["id"]) for r in rows)
    picked = random.Random(SECOND_SEED).sample(keys, SECOND_SIZE)
    with SECOND.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["source", "id"])
        out.writerows(picked)
    print(f"wrote {len(picked)} ids to {SECOND}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--second", action="store_true", help="write the second-labeller ids")
    parser.add_argument("--dated", action="store_true", help="count the supplementary dated file")
    args = parser.parse_args()
    rows = load(DATED if args.dated else SET)
    if args.second:
        write_second(rows)
    else:
        report(rows)


if __name__ == "__main__":
    main()
