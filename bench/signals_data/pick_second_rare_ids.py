"""Pick a positive-enriched sample of validation rows for a second labeller's rare-class pass.

The first agreement round (``pick_second_ids.py``, 200 random rows per set) left the rare
classes (manager request, abuse, excuse, non-apology, dated promises) with a handful of
positives each. This draws from the strata that were sampled with a keyword net for them:

- customers: 150 rows of the ``escalation`` and ``heat`` strata of ``customer_twcs.csv``;
- replies: 150 rows of the ``apology`` and ``promise`` strata of ``replies_twcs.csv`` and the
  ``promise_date`` stratum of ``replies_twcs_dated.csv``;

in each case leaving out the ids already in ``*_second_ids.csv``, with ``random.Random(11)``
over the candidate rows in file order (first file, then the next). Only the ``source``, ``id``
and ``stratum`` columns of the first labeller's files are read, so the second pass stays blind.
Writes ``validation/customer_twcs_second_rare_ids.csv`` and
``validation/replies_twcs_second_rare_ids.csv`` (``source,id``, in labelling order).

    python bench/signals_data/pick_second_rare_ids.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent / "validation"
SEED = 11
N = 150

Key = tuple[str, str]

# (output, ids already labelled twice, [(first labeller's file, strata to draw from)])
PLANS: list[tuple[str, str, list[tuple[str, frozenset[str]]]]] = [
    (
        "customer_twcs_second_rare_ids.csv",
        "customer_twcs_second_ids.csv",
        [("customer_twcs.csv", frozenset({"escalation", "heat"}))],
    ),
    (
        "replies_twcs_second_rare_ids.csv",
        "replies_twcs_second_ids.csv",
        [
            ("replies_twcs.csv", frozenset({"apology", "promise"})),
            ("replies_twcs_dated.csv", frozenset({"promise_date"})),
        ],
    ),
]


def read_keys(path: Path) -> list[Key]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["source"], r["id"]) for r in csv.DictReader(fh)]


def candidates(path: Path, strata: frozenset[str], exclude: set[Key]) -> list[Key]:
    """(source, id) of the rows of ``path`` in ``strata``, in file order; labels are not read."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            (r["source"], r["id"])
            for r in csv.DictReader(fh)
            if r["stratum"] in strata and (r["source"], r["id"]) not in exclude
        ]


def pick(rng: random.Random, pool: list[Key], n: int) -> list[Key]:
    if len(pool) < n:
        raise SystemExit(f"only {len(pool)} candidate rows, {n} needed")
    return rng.sample(pool, n)


def main() -> None:
    rng = random.Random(SEED)
    for out, seen_file, sources in PLANS:
        seen = set(read_keys(HERE / seen_file))
        pool: list[Key] = []
        for name, strata in sources:
            pool.extend(candidates(HERE / name, strata, seen))
        picked = pick(rng, pool, N)
        with (HERE / out).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["source", "id"])
            writer.writerows(picked)
        print(f"{len(picked)} of {len(pool)} candidate ids -> {HERE / out}")


if __name__ == "__main__":
    main()
