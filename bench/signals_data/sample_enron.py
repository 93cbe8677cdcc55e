"""Draw the Enron messages hand-labelled for the agent-reply training set.

Half are drawn at random from the whole pool, half from messages that contain a
promise or apology cue ("I will", "I'll", "we will", "sorry", "apolog",
"unfortunately", "due to"). Both draws use a fixed seed, so the sample (and the
order the annotator read it in) can be rebuilt:

    python bench/signals_data/sample_enron.py --per-half 300 > /tmp/enron_sample.txt

Rows whose Date header is one of the corpus's known bad dates (before 1999 or after
2002) are left out, because created_at would be wrong.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

POOL = Path("/work/shared/data/pool/enron_messages.csv")
SEED = 20261207
CUES = re.compile(r"\bI will\b|\bI'll\b|\bwe will\b|sorry|apolog|unfortunately|due to", re.I)


def load_pool(path: Path = POOL) -> list[dict[str, str]]:
    csv.field_size_limit(10_000_000)
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def created_at_utc(date_iso: str) -> str:
    """The Date header (ISO 8601 with offset) as `YYYY-MM-DD HH:MM:SS+00:00`."""
    return datetime.fromisoformat(date_iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")


def good_date(row: dict[str, str]) -> bool:
    return 1999 <= datetime.fromisoformat(row["date"]).year <= 2002


def sample(per_half: int = 300, path: Path = POOL) -> list[tuple[str, dict[str, str]]]:
    """[(half, row)]: `per_half` random rows, then `per_half` cue rows not already drawn."""
    rows = [r for r in load_pool(path) if good_date(r)]
    rng = random.Random(SEED)
    random_half = rng.sample(rows, per_half)
    taken = {r["id"] for r in random_half}
    cue_rows = [r for r in rows if r["id"] not in taken and CUES.search(r["text"])]
    cue_half = random.Random(SEED + 1).sample(cue_rows, per_half)
    return [("random", r) for r in random_half] + [("cue", r) for r in cue_half]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-half", type=int, default=300)
    parser.add_argument("--start", type=int, default=0, help="first index to print")
    parser.add_argument("--count", type=int, default=0, help="how many to print (0: all)")
    args = parser.parse_args()
    drawn = sample(args.per_half)
    end = args.start + args.count if args.count else len(drawn)
    for i in range(args.start, min(end, len(drawn))):
        half, row = drawn[i]
        sys.stdout.write(f"=== {i} [{half}] {created_at_utc(row['date'])}\n{row['text']}\n")


if __name__ == "__main__":
    main()
