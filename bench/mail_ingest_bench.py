"""Email ingest throughput: raw bytes → stored, parsed, threaded, routed message, in one process.

    python bench/mail_ingest_bench.py [--database-url URL] [--corpus DIR] [--rounds 3] [--store batch|single]

Reads every file of the real corpus (default ../shared/data/emails), ingests it into a
fresh database (SQLite in a temporary folder unless --database-url names PostgreSQL),
and prints messages/s as the median over rounds, plus where the time goes (store vs
process). Each round uses a fresh database so deduplication does not short-cut the work.

Scoring the customers' language (temperature) runs after the batch commits, in the worker's
queue; its rate is printed separately: the same messages scored once by
`recovery.temperature.do_score_messages`, as the queued task does.
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
    call_command("flush", verbosity=0, interactive=False)  # SQLite: the same file every round


def one_round(raws: list[bytes], batch: int, store: str) -> tuple[float, float, float, int]:
    """Store every message as a receiver does, then route them in batches as the worker does."""
    from django.db import transaction

    from anchordesk.mail.imap import BATCH as IMAP_BATCH
    from anchordesk.mail.ingest import process_batch, store_many, store_raw
    from anchordesk.mail.models import Source

    fresh_database()
    t0, cpu0 = time.perf_counter(), time.process_time()
    ids = []
    if store == "single":  # the pipe and push receivers: one commit per message
        for raw in raws:
            with transaction.atomic():
                inbound, created = store_raw(raw, source=Source.PIPE)
            if created:
                ids.append(inbound.pk)
    else:  # the IMAP poller: one commit per fetched batch
        for start in range(0, len(raws), IMAP_BATCH):
            stored = store_many(raws[start : start + IMAP_BATCH], source=Source.IMAP)
            ids.extend(inbound.pk for inbound, created in stored if created)
    t1 = time.perf_counter()
    for start in range(0, len(ids), batch):
        process_batch(ids[start : start + batch])
    t2, cpu2 = time.perf_counter(), time.process_time()
    return t1 - t0, t2 - t1, cpu2 - cpu0, len(raws)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "emails"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100, help="messages the worker routes per batch")
    parser.add_argument(
        "--store",
        choices=["batch", "single"],
        default="batch",
        help="store as the IMAP poller does (one commit per fetched batch) or as pipe/push (one per message)",
    )
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="anchordesk-bench-mail-")
    database_url = args.database_url
    if not database_url:
        database_url = f"sqlite:///{data_dir}/bench-{uuid.uuid4().hex[:6]}.sqlite3"
    os.environ["MAIL_BATCH_SIZE"] = str(args.batch)
    setup_django(database_url, data_dir)
    from django.db import connection

    raws = corpus_files(Path(args.corpus))
    megabytes = sum(len(r) for r in raws) / 1e6
    rates, cpu_rates, stores, processes = [], [], [], []
    for _ in range(args.rounds):
        store_time, process_time, cpu_time, n = one_round(raws, args.batch, args.store)
        rates.append(n / (store_time + process_time))
        cpu_rates.append(n / cpu_time)
        stores.append(store_time)
        processes.append(process_time)
    from anchordesk.mail.models import InboundEmail

    states = {
        s: InboundEmail.objects.filter(state=s).count()
        for s in ("processed", "duplicate", "quarantined", "ignored")
    }
    print(
        f"store: {args.store}; database: {connection.vendor}; corpus: {len(raws)} messages, {megabytes:.1f} MB"
    )
    print(
        f"ingest: {statistics.median(rates):.0f} messages/s wall clock, "
        f"{statistics.median(cpu_rates):.0f} messages/s of this process's CPU time (median of {args.rounds} rounds)"
    )
    print(
        f"time split: store {statistics.median(stores):.2f} s, parse+route {statistics.median(processes):.2f} s"
    )
    print(f"outcome of the last round: {states}")
    scored, seconds = score_round()
    print(
        f"language scoring (worker, after commit): {scored / seconds:.0f} messages/s ({scored} in {seconds:.2f} s)"
    )


def score_round() -> tuple[int, float]:
    """Score every customer message the last round created, as the queued task does."""
    from anchordesk.mail.models import InboundEmail
    from anchordesk.recovery.temperature import do_score_messages

    ids = list(
        InboundEmail.objects.filter(state="processed", ticket_message__isnull=False).values_list(
            "ticket_message_id", flat=True
        )
    )
    t0 = time.perf_counter()
    for start in range(0, len(ids), 100):
        do_score_messages(ids[start : start + 100])
    return len(ids), time.perf_counter() - t0


if __name__ == "__main__":
    main()
