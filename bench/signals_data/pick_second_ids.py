"""Pick the rows of the customer validation set that a second annotator labels again.

200 rows drawn with ``random.Random(7)`` from ``validation/customer_twcs.csv`` in file order;
writes ``validation/customer_twcs_second_ids.csv`` (``source,id`` only, no labels, so the
second pass is blind).

    python bench/signals_data/pick_second_ids.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent / "validation"
LABELS = HERE / "customer_twcs.csv"
OUT = HERE / "customer_twcs_second_ids.csv"
SEED = 7
N = 200


def main() -> None:
    with LABELS.open(encoding="utf-8", newline="") as fh:
        rows = [(r["source"], r["id"]) for r in csv.DictReader(fh)]
    picked = random.Random(SEED).sample(rows, N)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["source", "id"])
        writer.writerows(picked)
    print(f"{len(picked)} ids -> {OUT}")


if __name__ == "__main__":
    main()
