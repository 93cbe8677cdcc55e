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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, default=POOL)
    args = parser.parse_args()
    with args.pool.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["order", "source", "id", "stratum"])
    for n, (source, id_, stratum) in enumerate(draw(rows), 1):
        out.writerow([n, source, id_, stratum])


if __name__ == "__main__":
    main()
