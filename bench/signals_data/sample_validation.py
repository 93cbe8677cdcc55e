"""Draw the hand-labelled validation sample of customer messages (TWCS rows only).

Reproducible: a fixed seed, the pool file read as it is. Prints ``source,id,stratum`` (never
the text: TWCS is CC BY-NC-SA and its text stays in ../shared/data, outside the repository).

Strata (a row is drawn by the first that takes it):
- ``random``: 1,100 rows uniformly at random, 250 each from ``twcs_tweetsumm`` and
  ``twcs_head5000`` (the floor) and the remaining 600 from ``twcs_spotify_requests``;
- ``escalation``: up to 500 more rows whose text matches a broad net for escalation talk
  (manager, supervisor, corporate, human, complain, lawyer, ...), to give the rare
  manager-request class positives and hard negatives;
- ``heat``: up to 200 more rows with shouting or profanity-like cues (a run of capitals,
  ``!!!``, masked words, common swear stems), to give profanity and abuse positives;
- ``random_topup``: the escalation net matches only 181 TWCS rows (164 beyond the random
  draw), so the three strata above come to 1,464 rows; this tops the set up to 1,600 with
  rows drawn uniformly from the TWCS rows not drawn yet. Kept apart from ``random`` because
  it excludes the rows the nets took: use ``random`` alone for prevalence.

The printed order is the labelling order: the first three strata shuffled together (a
labelled prefix is still a uniform sample of each), then the top-up rows.

    python bench/signals_data/sample_validation.py [--pool PATH] > /tmp/valcust_sample.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

DEFAULT_POOL = Path("/work/shared/data/pool/customer_messages.csv")
SEED = 20261207
SOURCES = ("twcs_spotify_requests", "twcs_head5000", "twcs_tweetsumm")
RANDOM_PER_SOURCE = {"twcs_tweetsumm": 250, "twcs_head5000": 250, "twcs_spotify_requests": 600}
ESCALATION_MAX = 500
HEAT_MAX = 200
TOTAL_MIN = 1600

ESCALATION_NET = re.compile(
    r"manager|supervisor|superior|\bboss|corporate|head office|headquarters|\bceo\b|executive"
    r"|escalat|someone in charge|higher up|human|real person|complain|\bsu(?:e|ed|es|ing)\b"
    r"|lawyer|\bbbb\b|report you|in charge",
    re.IGNORECASE,
)
HEAT_CASELESS = re.compile(
    r"!!!|\*\*\*|[a-z][*@#$!]{2,}[a-z]?\b|fuck|\bf+u+c*k|shit|\bdamn|\bcrap|bitch|bastard|\bass\b"
    r"|asshole|\bwtf\b|\bstfu\b|\bhell\b|bullshit|\bpiss|\bdick|\bcunt|\bmf\b|motherf|\bidiot"
    r"|stupid|\bsuck",
    re.IGNORECASE,
)
CAPS_RUN = re.compile(r"\b[A-Z]{3,}[A-Z'!?]*(?:\s+[A-Z]{2,}[A-Z'!?]*){2,}\b|\b[A-Z]{7,}\b")


def heat(text: str) -> bool:
    return bool(HEAT_CASELESS.search(text) or CAPS_RUN.search(text))


def sample(pool: Path) -> list[tuple[str, str, str]]:
    with pool.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["source"] in SOURCES]
    rows.sort(key=lambda r: (r["source"], r["id"]))
    rng = random.Random(SEED)
    taken: set[tuple[str, str]] = set()
    out: list[tuple[str, str, str]] = []

    for source in SOURCES:
        candidates = [r for r in rows if r["source"] == source]
        for r in rng.sample(candidates, RANDOM_PER_SOURCE[source]):
            taken.add((r["source"], r["id"]))
            out.append((r["source"], r["id"], "random"))

    for stratum, test, limit in (
        ("escalation", lambda t: bool(ESCALATION_NET.search(t)), ESCALATION_MAX),
        ("heat", heat, HEAT_MAX),
    ):
        candidates = [r for r in rows if (r["source"], r["id"]) not in taken and test(r["text"])]
        if len(candidates) > limit:
            candidates = rng.sample(candidates, limit)
        for r in candidates:
            taken.add((r["source"], r["id"]))
            out.append((r["source"], r["id"], stratum))

    rng.shuffle(out)

    # Drawn with its own generator, after the shuffle, so the rows above keep their order.
    rest = [r for r in rows if (r["source"], r["id"]) not in taken]
    topup = random.Random(SEED + 1).sample(rest, min(len(rest), max(0, TOTAL_MIN - len(out))))
    out.extend((r["source"], r["id"], "random_topup") for r in topup)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, default=DEFAULT_POOL)
    args = parser.parse_args()
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["source", "id", "stratum"])
    for row in sample(args.pool):
        writer.writerow(row)


if __name__ == "__main__":
    main()
