"""Due-date finding: time per 100 KB of text (it must stay linear) and what it finds in real replies.

    python bench/dates_bench.py [--pool ../shared/data/pool/agent_replies.csv] [--runs 5]

What it measures (CPU time of this single-threaded process, best of --runs):

- find_due_expressions with a sent time over 100 KB and 1 MB of real agent replies joined
  into one text, and over 100 KB of near-misses (digits, slashes, half-dates, weekday words);
  the 1 MB / 100 KB ratio shows the work is linear (about 10);
- resolve_due on the single phrases of the docs table, per second;
- how many replies of the pool have a due phrase, by kind (a sanity check, not accuracy).

Nothing is copied from the data folder; it is only read. Timings are measured, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anchordesk.signals.dates import find_due_expressions, resolve_due

DEFAULT_POOL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "pool" / "agent_replies.csv"
SENT = datetime(2017, 10, 31, 12, tzinfo=UTC)
NEAR_MISSES = (
    "by 12/ 3-5 1/2/ at 99:99 in 3 on the 45th mid- Fri. tomorrow at 2 next next 2026-13-45 $3/4 v2.1 "
)
PHRASES = (
    "right away", "within the hour", "in 3 business days", "3-5 working days", "within a week", "by 4/12",
    "3rd March", "on the 3rd", "end of March", "mid-April", "by Friday", "next Tuesday", "tomorrow at 2:30pm",
    "by end of day", "end of next week", "by 5 pm tomorrow", "today at 16:00",
)  # fmt: skip


def best_cpu_seconds(fn: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, default=DEFAULT_POOL)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with args.pool.resolve().open(encoding="utf-8", newline="") as fh:
        replies = [row["text"] for row in csv.DictReader(fh)]
    joined = "\n".join(replies)
    texts = {
        "real replies, 100 KB": joined[:100_000],
        "real replies, 1 MB": joined[:1_000_000],
        "near-misses, 100 KB": (NEAR_MISSES * (100_000 // len(NEAR_MISSES) + 1))[:100_000],
    }
    print(f"| text | found | CPU ms (best of {args.runs}) |")
    print("|---|---|---|")
    timings = {}
    for name, text in texts.items():
        found = find_due_expressions(text, now=SENT)
        timings[name] = best_cpu_seconds(lambda text=text: find_due_expressions(text, now=SENT), args.runs)
        print(f"| {name} | {len(found)} | {timings[name] * 1000:.1f} |")
    ratio = timings["real replies, 1 MB"] / timings["real replies, 100 KB"]
    print(f"\n1 MB / 100 KB time ratio: {ratio:.1f} (linear = 10)")
    rounds = 200
    seconds = best_cpu_seconds(
        lambda: [resolve_due(p, sent_at=SENT, tz="Europe/Berlin") for _ in range(rounds) for p in PHRASES],
        args.runs,
    )
    print(f"resolve_due: {rounds * len(PHRASES) / seconds:,.0f} phrases per CPU-second")
    kinds: Counter[str] = Counter()
    with_due = 0
    for reply in replies:
        found = find_due_expressions(reply, now=SENT)
        with_due += bool(found)
        kinds.update(d.kind for d in found)
    print(f"\n{with_due:,} of {len(replies):,} pool replies have a due phrase; phrases by kind:")
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
