"""Email parser throughput and quality on the real corpus (pure parsing, no database).

    python bench/mail_parse_bench.py [--corpus DIR] [--rounds 5] [--repeat 1]

Parses every file under the corpus (default ../shared/data/emails) `--repeat` times per
round and prints messages/s and MB/s as the median over rounds, then quality figures:
the share of reply fixtures whose extracted reply matches the expectation in
tests/mail/test_parse_replies.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from anchordesk.mail import extract_reply, parse  # noqa: E402 - needs ROOT on sys.path


def throughput(files: list[bytes], rounds: int, repeat: int) -> tuple[float, float, int]:
    total_bytes = sum(len(f) for f in files) * repeat
    count = len(files) * repeat
    ok = 0
    timings: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            for raw in files:
                ok += parse(raw).ok
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    return count / median, total_bytes / median / 1e6, ok // rounds


def reply_share(corpus: Path) -> tuple[int, int, list[str]]:
    from tests.mail import test_parse_replies as fixtures

    passed, failed = 0, []
    for relative, exact, must, must_not in fixtures.EXPECTED:
        path = corpus / relative
        if not path.is_file():
            continue
        reply = extract_reply(path.read_bytes().decode("utf-8", "replace"))
        good = (exact is None or reply == exact) and all(s in reply for s in must)
        good = good and not any(s in reply for s in must_not)
        passed += good
        if not good:
            failed.append(relative)
    for client, text in fixtures.CLIENTS.items():
        good = extract_reply(text) == fixtures.FIRST_LINE.get(client, "Still broken for me.")
        passed += good
        if not good:
            failed.append(f"client:{client}")
    total = passed + len(failed)
    return passed, total, failed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "data" / "emails")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    files = [p.read_bytes() for p in sorted(args.corpus.rglob("*")) if p.is_file()]
    print(f"corpus: {len(files)} files, {sum(map(len, files)) / 1e6:.1f} MB from {args.corpus}")
    rate, mbps, ok = throughput(files, args.rounds, args.repeat)
    print(f"parse: {rate:,.0f} messages/s, {mbps:.2f} MB/s (median of {args.rounds} rounds, one core)")
    print(
        f"ok: {ok}/{len(files) * args.repeat} files parsed as email (the rest are fixtures without headers)"
    )
    passed, total, failed = reply_share(args.corpus)
    print(f"reply extraction: {passed}/{total} fixtures as expected ({passed / total:.1%})")
    for name in failed:
        print(f"  differs: {name}")


if __name__ == "__main__":
    main()
