"""Pick the CFPB narratives to hand-label for the customer-message training set.

Only rows whose source is ``cfpb_kaiburr`` (US public domain) are read; the TWCS rows in
the same pool are non-commercial and never selected. The selection is every narrative
that mentions a word tied to escalation (supervisor, manager, CEO, escalat..., higher,
corporate, executive, in charge), then a random sample of the rest with a fixed seed, so
the same ids come out on every run.

    python bench/signals_data/sample_cfpb.py [--pool PATH] [--total 600] [--out ids.txt]

Prints (or writes) one ``id`` a line: keyword rows first, then the sampled rows.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

DEFAULT_POOL = Path("/work/shared/data/pool/customer_messages.csv")
SOURCE = "cfpb_kaiburr"
SEED = 20261207
KEYWORDS = re.compile(
    r"supervisor|manager|\bceo\b|escalat|higher|corporate|executive|in charge",
    re.IGNORECASE,
)


def select(pool: Path, total: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with pool.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["source"] == SOURCE]
    rows.sort(key=lambda r: int(r["id"].split("-")[1]))
    keyword = [r for r in rows if KEYWORDS.search(r["text"])]
    rest = [r for r in rows if not KEYWORDS.search(r["text"])]
    n = max(0, total - len(keyword))
    sampled = random.Random(SEED).sample(rest, min(n, len(rest)))
    return keyword, sampled


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pool", type=Path, default=DEFAULT_POOL)
    ap.add_argument("--total", type=int, default=600)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    keyword, sampled = select(args.pool, args.total)
    ids = [r["id"] for r in keyword + sampled]
    text = "\n".join(ids) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(f"{len(keyword)} keyword rows, {len(sampled)} sampled rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
