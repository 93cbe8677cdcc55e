"""Draw the rows of the hand-labelled agent-reply validation set (ids only).

Reads the shared pool ``agent_replies.csv`` (TWCS, CC BY-NC-SA 4.0: the text is never
copied into the repository) and prints ``order,source,id,stratum`` for every drawn row.
``order`` is the labelling order: the three strata are interleaved at random, so a set
labelled only in part is still a random part of each stratum.

Strata (fixed seed, reproducible):

- ``random``: 250 rows of ``twcs_tweetsumm`` and 250 of ``twcs_head5000`` (varied brands),
  then 600 drawn uniformly from all remaining rows of every source: 1,100 in all.
- ``apology``: up to 250 further rows matching a broad net for apologies and excuses.
- ``promise``: up to 250 further rows with a ``created_at`` that match a broad net for
  promises with a time.

``--dated`` prints a supplementary draw kept in its own file: 200 further rows with a
``created_at`` and an explicit time (``tomorrow``, ``within``, ``24 hours``, a weekday,
``shortly``...), stratum ``promise_date``, so that due-date resolution can be measured on
more than a handful of rows.

The nets are wide on purpose (they only enrich the sample); labels are given by hand.

    python bench/signals_data/sample_validation_replies.py [--pool PATH] > ids.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

POOL = Path("/work/shared/data/pool/agent_replies.csv")
SEED = 20261207

APOLOGY_NET = re.compile(
    r"sorry|apolog|unfortunately|due to|because|beyond our control|high volume|not our"
    r"|policy|carrier|third party|system",
    re.IGNORECASE,
)
PROMISE_NET = re.compile(
    r"\bwill\b|['\u2019]ll\b|going to|within|\bby\b|tomorrow|today|\bhours?\b|\bdays?\b"
    r"|\bweeks?\b|\basap\b|shortly|\bsoon\b|right away"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d",
    re.IGNORECASE,
)
# Narrower net for the supplementary file: an explicit time word or amount of time.
DATED_NET = re.compile(
    r"tomorrow|today|tonight|\bwithin\b|\bnext week\b|\bthis week\b|end of (the )?(day|week|month)"
    r"|\b\d+\s*(-|to)?\s*\d*\s*(business |working )?(hours?|hrs?|days?|weeks?|mins?|minutes)\b"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|shortly|right away",
    re.IGNORECASE,
)
DATED_SIZE = 200
# @mentions (anonymised as digits) and links would match "a digit" on nearly every row.
NOISE = re.compile(r"@\w+|https?://\S+")


def draw(rows: list[dict[str, str]], seed: int = SEED) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    keys = sorted((r["source"], r["id"]) for r in rows)
    by_key = {(r["source"], r["id"]): r for r in rows}
    chosen: dict[tuple[str, str], str] = {}

    for source in ("twcs_tweetsumm", "twcs_head5000"):
        pool = [k for k in keys if k[0] == source]
        for k in rng.sample(pool, 250):
            chosen[k] = "random"
    rest = [k for k in keys if k not in chosen]
    for k in rng.sample(rest, 1100 - len(chosen)):
        chosen[k] = "random"

    apology = [k for k in keys if k not in chosen and APOLOGY_NET.search(by_key[k]["text"])]
    for k in rng.sample(apology, min(250, len(apology))):
        chosen[k] = "apology"

    promise = [
        k
        for k in keys
        if k not in chosen
        and by_key[k]["created_at"]
        and PROMISE_NET.search(NOISE.sub(" ", by_key[k]["text"]))
    ]
    for k in rng.sample(promise, min(250, len(promise))):
        chosen[k] = "promise"

    order = sorted(chosen)
    rng.shuffle(order)
    return [(source, id_, chosen[(source, id_)]) for source, id_ in order]


def draw_dated(
    rows: list[dict[str, str]], taken: set[tuple[str, str]], seed: int = SEED
) -> list[tuple[str, str, str]]:
    """Rows with a created_at and an explicit time, outside the main set (``promise_date``)."""
    rng = random.Random(seed + 1)
    pool = sorted(
        (r["source"], r["id"])
        for r in rows
        if (r["source"], r["id"]) not in taken
        and r["created_at"]
        and DATED_NET.search(NOISE.sub(" ", r["text"]))
    )
    picked = rng.sample(pool, min(DATED_SIZE, len(pool)))
    return [(source, id_, "promise_date") for source, id_ in picked]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, default=POOL)
    parser.add_argument(
        "--dated",
        action="store_true",
        help="print the supplementary draw of dated promises (replies_twcs_dated.csv) instead",
    )
    args = parser.parse_args()
    with args.pool.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    drawn = draw(rows)
    if args.dated:
        drawn = draw_dated(rows, {(source, id_) for source, id_, _ in drawn})
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["order", "source", "id", "stratum"])
    for n, (source, id_, stratum) in enumerate(drawn, 1):
        out.writerow([n, source, id_, stratum])


if __name__ == "__main__":
    main()
