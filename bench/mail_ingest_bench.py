"""Email ingest throughput: raw bytes → stored, parsed, threaded, routed message, in one process.

    python bench/mail_ingest_bench.py [--database-url URL] [--corpus DIR] [--rounds 3]

Reads every file of the real corpus (default ../shared/data/emails), ingests it into a
fresh database (SQLite in a temporary folder unless --database-url names PostgreSQL),
and prints messages/s as the median over rounds, plus where the time goes (store vs
process). Each round uses a fresh database so deduplication does not short-cut the work.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def corpus_files(corpus: Path) -> list[bytes]:
    skip = {"LICENSE", "SOURCE.txt", "manifest.csv", "README", "README.md"}
    return [p.read_bytes() for p in sorted(corpus.rglob("*")) if p.is_file() and p.name not in skip]


def setup_django(database_url: str | None, data_dir: str) -> None:
    os.environ["ANCHORDESK_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "anchordesk.settings"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["MAIL_LOOP_LIMIT"] = "1000000"
    os.environ["HUEY_IMMEDIATE"] = "0"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def fresh_database() -> None:
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0, interactive=False)


def one_round(raws: list[bytes], batch: int) -> tuple[float, float, int]:
    """Store every message as a receiver does, then route them in batches as the worker does."""
    from django.db import transaction

    from anchordesk.mail.ingest import process_batch, store_raw
    from anchordesk.mail.models import Source

    fresh_database()
    t0 = time.perf_counter()
    ids = []
    for raw in raws:
        with transaction.atomic():
            inbound, created = store_raw(raw, source=Source.PIPE)
        if created:
            ids.append(inbound.pk)
    t1 = time.perf_counter()
    for start in range(0, len(ids), batch):
        process_batch(ids[start : start + batch])
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(raws)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "emails"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100, help="messages the worker routes per batch")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="anchordesk-bench-mail-")
    database_url = args.database_url
    if not database_url:
        database_url = f"sqlite:///{data_dir}/bench-{uuid.uuid4().hex[:6]}.sqlite3"
    setup_django(database_url, data_dir)
    from django.db import connection

    raws = corpus_files(Path(args.corpus))
    megabytes = sum(len(r) for r in raws) / 1e6
    rates, stores, processes = [], [], []
    for _ in range(args.rounds):
        store_time, process_time, n = one_round(raws, args.batch)
        rates.append(n / (store_time + process_time))
        stores.append(store_time)
        processes.append(process_time)
    from anchordesk.mail.models import InboundEmail

    states = {
        s: InboundEmail.objects.filter(state=s).count()
        for s in ("processed", "duplicate", "quarantined", "ignored")
    }
    print(f"database: {connection.vendor}; corpus: {len(raws)} messages, {megabytes:.1f} MB")
    print(f"ingest: {statistics.median(rates):.0f} messages/s (median of {args.rounds} rounds)")
    print(
        f"time split: store {statistics.median(stores):.2f} s, parse+route {statistics.median(processes):.2f} s"
    )
    print(f"outcome of the last round: {states}")


if __name__ == "__main__":
    main()
