"""A worker killed (SIGKILL) at random points while ingesting: every message is stored exactly once.

Each kill comes after the worker has committed at least one batch (observed in the database),
so on a busy machine the test waits longer instead of killing a worker that has not started.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.core.test_job_crash import Db
from tests.mail.mailfactory import raw_email
from tests.services import scratch_database_url

N_MESSAGES = 400
KILLS = 6

STORE = """
import sys, pickle
from anchordesk.mail.ingest import store_raw
from anchordesk.mail.models import Source
for raw in pickle.load(open(sys.argv[1], "rb")):
    store_raw(raw, source=Source.PUSH)
"""

COUNT = """
import json
from anchordesk.mail.models import InboundEmail
from anchordesk.tickets.models import Message, Ticket
print(json.dumps({
    "pending": InboundEmail.objects.filter(state="pending").count(),
    "processed": InboundEmail.objects.filter(state="processed").count(),
    "tickets": Ticket.objects.count(),
    "messages": Message.objects.count(),
    "distinct_subjects": Ticket.objects.values("subject").distinct().count(),
}))
"""


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="anchordesk.settings",
        ANCHORDESK_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=database_url,
        ANCHORDESK_MANIFEST_STATIC="0",
        MAIL_LOOP_LIMIT="100000",
        MAIL_BATCH_SIZE="5",  # many commits per second even on a busy machine, so kills land between them
        LOG_LEVEL="WARNING",
    )
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "anchordesk", *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_killing_the_worker_at_random_points_loses_and_doubles_nothing(tmp_path):
    import json
    import pickle

    rng = random.Random(20261124)
    messages = [
        raw_email(
            subject=f"Order {i} is missing",
            sender=f"customer{i % 40}@example.test",
            body=f"Hello, order {i} has not arrived. " * rng.randint(1, 20),
        )
        for i in range(N_MESSAGES)
    ]
    batch = tmp_path / "batch.pickle"
    batch.write_bytes(pickle.dumps(messages))
    with scratch_database_url(str(tmp_path)) as database_url:
        env = _env(tmp_path, database_url)
        _run(env, "migrate", "--noinput")
        _run(env, "shell", "-c", STORE.replace("sys.argv[1]", repr(str(batch))))
        db = Db(database_url)
        processed = "SELECT COUNT(*) FROM mail_inboundemail WHERE state = 'processed'"
        kills = mid_batch = 0
        try:
            for _ in range(KILLS):
                before = int(db.value(processed))
                if before == N_MESSAGES:
                    break
                worker = subprocess.Popen(
                    [sys.executable, "-m", "anchordesk", "mail_sweep"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                # Progress, not time: wait until this worker has committed a batch, however
                # slow the machine, then kill it at a random moment of the batches after it.
                deadline = time.monotonic() + 300
                while worker.poll() is None and int(db.value(processed)) <= before:
                    assert time.monotonic() < deadline, "the sweep committed nothing in 5 minutes"
                    time.sleep(0.01)
                time.sleep(rng.uniform(0, 0.3))
                if worker.poll() is None:
                    worker.send_signal(signal.SIGKILL)
                    kills += 1
                    worker.wait()
                    mid_batch += int(db.value(processed)) < N_MESSAGES
                worker.wait()
        finally:
            db.close()
        _run(env, "mail_sweep")  # a worker that is left alone finishes the batch
        counts = json.loads(_run(env, "shell", "-c", COUNT).strip().splitlines()[-1])
    assert kills >= 3 and mid_batch >= 3, "the worker was never killed mid-batch; the test proved nothing"
    assert counts["pending"] == 0
    assert counts["processed"] == N_MESSAGES
    assert counts["tickets"] == N_MESSAGES == counts["distinct_subjects"]
    assert counts["messages"] == N_MESSAGES
