"""Real worker processes SIGKILLed in the middle of a periodic job, again and again.

Each scenario seeds a backlog, starts `anchordesk worker`, waits for the job's first committed
row (a breach, a reminder, a delivered outbound mail, a polled message), kills the worker at a
random moment after that, and starts another. Every other restart keeps the dead worker's lease
(`--no-reclaim`), so the job must wait for it to lapse (JOB_LEASE_TTL) as it would for a worker
of another machine. The test asserts the job runs again within a tick of the lease lapsing,
that the backlog is finished, and that nothing is lost or done twice. With Huey's old
`lock_task` the first kill left the lock behind and the job never ran again.

Runs on SQLite with the SQLite queue, and on PostgreSQL with Redis (leases in Redis) when
DATABASE_URL and REDIS_URL are set, as in .ci/run's second pass.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.core.test_worker_process import _env as worker_env
from tests.mail.conftest import dovecot  # noqa: F401 - the fixture, for the mailbox scenario
from tests.mail.mailfactory import raw_email
from tests.services import scratch_database_url

TTL = 8  # JOB_LEASE_TTL: a dead worker's lease lapses this many seconds after its last renewal
# (longer than a worker takes to start, so a restart with --no-reclaim really has to wait for it)
TICK = 2  # WORKER_TICK_SECONDS: how often the worker queues the periodic jobs
KILLS = 4
PATIENCE = 240  # seconds any single wait may take on a loaded machine; each returns as soon as it can
RESUME_LIMIT = TICK + 30  # a new run within a tick of the lease lapsing, with room for a loaded machine


class Db:
    """Reads the worker's database directly: quick enough to poll while the worker runs."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pg = url.startswith(("postgres://", "postgresql://"))
        self._conn: Any = None

    def value(self, sql: str, *params: object) -> Any:
        if self.pg:
            import psycopg

            if self._conn is None:
                self._conn = psycopg.connect(self.url, autocommit=True)
            row = self._conn.execute(sql.replace("?", "%s"), params or None).fetchone()
        else:
            with contextmanager(self._sqlite)() as conn:
                row = conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def _sqlite(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=60)
        try:
            yield conn
        finally:
            conn.close()

    def execute(self, sql: str, *params: object) -> None:
        if self.pg:
            self.value(sql + " RETURNING 1", *params)
        else:
            with contextmanager(self._sqlite)() as conn:
                conn.execute(sql, params)
                conn.commit()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


class Worker:
    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        self._handle = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "anchordesk", "worker", *args],
            env=env,
            stdout=self._handle,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def ready(self) -> bool:
        assert self.proc.poll() is None, f"worker exited:\n{self.text()[-3000:]}"
        return "consumer started" in self.text()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)
        self._handle.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._handle.close()


def wait_for(check: Callable[[], Any], what: str, deadline: float = PATIENCE) -> Any:
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        if value := check():
            return value
        time.sleep(0.1)
    pytest.fail(f"waited {deadline} s for {what}")


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "anchordesk", *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@dataclass
class Scenario:
    job: str  # the lease name
    progress_sql: str  # committed rows of work done so far
    total: int
    first_args: tuple[str, ...] = ()
    notes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Run:
    kills: int = 0
    mid_job: int = 0  # kills that landed while the dead worker held the job's lease
    resumed_after: list[float] = field(default_factory=list)  # seconds from lease lapse to next run
    waited_for_lapse: list[float] = field(default_factory=list)  # --no-reclaim: seconds from kill to next run


def lease_holder(env: dict[str, str], db: Db, job: str) -> str:
    if env.get("REDIS_URL"):
        import redis

        raw = redis.Redis.from_url(env["REDIS_URL"]).get(f"{env['HUEY_NAME']}.lease.{job}")
        return raw.decode().split("|")[1] if raw else ""
    return db.value("SELECT holder FROM core_joblease WHERE name = ? AND token <> ''", job) or ""


def runs(db: Db, job: str) -> int:
    return int(db.value("SELECT runs FROM core_jobhealth WHERE name = ?", job) or 0)


def crash_repeatedly(tmp_path: Path, env: dict[str, str], db: Db, scenario: Scenario, seed: int) -> Run:
    """Kill a worker mid-job KILLS times, each time after it committed progress; then let one finish."""
    rng = random.Random(seed)
    run = Run()
    done = int(db.value(scenario.progress_sql))
    killed_at = runs_at_kill = None
    held_by_dead = False
    for i in range(KILLS):
        reclaim = i % 2 == 0
        args = scenario.first_args if i == 0 else (() if reclaim else ("--no-reclaim",))
        worker = Worker(env, tmp_path / f"worker{i}.log", *args)
        try:
            wait_for(worker.ready, "the worker to start")
            ready_at = time.monotonic()
            if killed_at is not None:
                wait_for(
                    lambda seen=runs_at_kill: runs(db, scenario.job) > seen, f"{scenario.job} to run again"
                )
                resumed_at = time.monotonic()
                lapse = ready_at if reclaim else max(ready_at, killed_at + TTL)
                run.resumed_after.append(round(max(0.0, resumed_at - lapse), 2))
                if not reclaim and held_by_dead:
                    run.waited_for_lapse.append(round(resumed_at - killed_at, 2))
            before = done
            done = wait_for(
                lambda before=before: (n := int(db.value(scenario.progress_sql))) > before and n,
                f"{scenario.job} to commit progress",
            )
            if done >= scenario.total:
                worker.stop()
                break
            # A random point in the job, after observed progress; short, so that a fast backlog is
            # not finished before the kill lands (on a busy machine a 1 s pause let it finish).
            time.sleep(rng.uniform(0, 0.3))
            holder = lease_holder(env, db, scenario.job)
            runs_at_kill = runs(db, scenario.job)
            worker.kill()
            killed_at = time.monotonic()
        except BaseException:
            worker.stop()
            raise
        run.kills += 1
        done = int(db.value(scenario.progress_sql))
        held_by_dead = holder.endswith(f":{worker.pid}")
        run.mid_job += held_by_dead and done < scenario.total
        if done >= scenario.total:
            break  # the backlog was finished just before this kill: no progress is left to wait for
    if "before_final" in scenario.notes:
        scenario.notes["before_final"]()
    final = Worker(env, tmp_path / "final.log")
    try:
        wait_for(final.ready, "the last worker to start")
        if killed_at is not None and done < scenario.total:
            wait_for(lambda: runs(db, scenario.job) > runs_at_kill, f"{scenario.job} to run again")
            run.resumed_after.append(round(max(0.0, time.monotonic() - killed_at), 2))
        wait_for(
            lambda: int(db.value(scenario.progress_sql)) >= scenario.total,
            f"{scenario.job} to finish the backlog",
        )
        # One more clean run after the backlog: a late duplicate would show up in the counts.
        settled = runs(db, scenario.job)
        wait_for(
            lambda: (
                runs(db, scenario.job) > settled
                and db.value("SELECT last_succeeded_at FROM core_jobhealth WHERE name = ?", scenario.job)
            ),
            f"{scenario.job} to run cleanly once more",
        )
    finally:
        final.stop()
    print(f"{scenario.job}: {run}")
    assert run.kills >= 2 and run.mid_job >= 2, (
        f"too few kills landed mid-job; the test proved nothing: {run}"
    )
    assert all(seconds <= RESUME_LIMIT for seconds in run.resumed_after), run
    # The dead worker's lease kept the job from a second worker until it lapsed: the lease was
    # renewed at most a third of the TTL before the kill, so it lasted two thirds of it at least.
    assert run.waited_for_lapse and all(seconds >= TTL * 2 / 3 - 0.5 for seconds in run.waited_for_lapse), run
    return run


@pytest.fixture
def worker_setup(tmp_path: Path) -> Iterator[tuple[dict[str, str], Db]]:
    with scratch_database_url(str(tmp_path)) as database_url:
        env = worker_env(tmp_path, database_url, redis=bool(os.environ.get("REDIS_URL")))
        env.update(
            JOB_LEASE_TTL=str(TTL),
            WORKER_TICK_SECONDS=str(TICK),
            WORKER_THREADS="2",
            LOG_LEVEL="INFO",
            MAIL_LOOP_LIMIT="100000",
            MAIL_BATCH_SIZE="10",
        )
        manage(env, "migrate", "--noinput")
        db = Db(database_url)
        try:
            yield env, db
        finally:
            db.close()
            if env.get("REDIS_URL"):
                import redis

                client = redis.Redis.from_url(env["REDIS_URL"])
                for key in client.scan_iter(match=f"{env['HUEY_NAME']}*"):
                    client.delete(key)


PEOPLE = """
from anchordesk.accounts.actions import do_create_agent, do_get_or_create_customer
lead = do_create_agent(email="lena@example.test", name="Lena Lead", role="lead",
                       password="a-long-password-1", team_names=["Support"], actor=None)
agent = do_create_agent(email="alex@example.test", name="Alex Agent",
                        password="a-long-password-1", team_names=["Support"], actor=None)
customer, _ = do_get_or_create_customer("dana@example.test", name="Dana")
"""

SLA_TICKETS = 1000  # enough breaches that a kill lands mid-scan even when breaching is fast
SLA_SEED = (
    PEOPLE
    + f"""
from datetime import timedelta
import time_machine
from django.utils import timezone
from anchordesk.sla.actions import PolicyData, do_save_policy
from anchordesk.tickets.actions import NewTicket, do_create_ticket
do_save_policy(PolicyData(name="Fast", first_response_minutes=60, business_hours=False, warn_percent=0),
               actor=lead)
with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False):
    for i in range({SLA_TICKETS}):
        do_create_ticket(NewTicket(customer=customer, subject=f"Late {{i}}", body="Hello?",
                                   team=lead.teams.get(), assignee=agent))
"""
)


def test_the_sla_scan_survives_kills_and_breaches_every_timer_once(tmp_path, worker_setup):
    env, db = worker_setup
    manage(env, "shell", "-c", SLA_SEED)
    scenario = Scenario(
        job="sla-scan",
        progress_sql="SELECT COUNT(*) FROM core_auditevent WHERE kind = 'sla.breach'",
        total=SLA_TICKETS,
    )
    crash_repeatedly(tmp_path, env, db, scenario, seed=1)
    assert db.value("SELECT COUNT(*) FROM core_auditevent WHERE kind = 'sla.breach'") == SLA_TICKETS
    assert (
        db.value("SELECT COUNT(DISTINCT object_id) FROM core_auditevent WHERE kind = 'sla.breach'")
        == SLA_TICKETS
    )
    assert db.value("SELECT COUNT(*) FROM sla_slatimer WHERE state = 'running' AND due_at < ?", _now(db)) == 0


def _now(db: Db) -> str:
    from datetime import UTC, datetime

    moment = datetime.now(UTC)
    return moment.isoformat() if db.pg else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


PROMISES = 400  # of each kind: reminders due and promises already missed (enough that kills land mid-scan)
PROMISE_SEED = (
    PEOPLE
    + f"""
from datetime import timedelta
from django.utils import timezone
from anchordesk.recovery.models import Promise
from anchordesk.tickets.actions import NewTicket, do_create_ticket
now = timezone.now()
rows = []
for i in range({2 * PROMISES}):
    ticket = do_create_ticket(NewTicket(customer=customer, subject=f"Promise {{i}}", body="Any news?",
                                        team=lead.teams.get(), assignee=agent))
    due = now + timedelta(minutes=30) if i % 2 else now - timedelta(minutes=10)
    rows.append(Promise(ticket=ticket, owner=agent, action=f"call the carrier {{i}}", due_at=due,
                           state="open"))
Promise.objects.bulk_create(rows)
"""
)


def test_the_promise_scan_survives_kills_and_reminds_and_escalates_each_promise_once(tmp_path, worker_setup):
    env, db = worker_setup
    manage(env, "shell", "-c", PROMISE_SEED)
    events = "SELECT COUNT(*) FROM core_auditevent WHERE kind = ?"
    scenario = Scenario(
        job="promise-scan",
        progress_sql=(
            "SELECT COUNT(*) FROM core_auditevent WHERE kind IN ('promise.reminder', 'promise.missed')"
        ),
        total=2 * PROMISES,
    )
    crash_repeatedly(tmp_path, env, db, scenario, seed=2)
    assert db.value(events, "promise.reminder") == PROMISES
    assert db.value(events, "promise.missed") == PROMISES
    distinct = (
        "SELECT COUNT(DISTINCT object_id) FROM core_auditevent WHERE kind IN "
        "('promise.reminder', 'promise.missed')"
    )
    assert db.value(distinct) == 2 * PROMISES
    assert db.value("SELECT COUNT(*) FROM collab_escalation") == PROMISES  # one per missed promise
    assert db.value("SELECT COUNT(*) FROM recovery_promise WHERE state = 'missed'") == PROMISES
    assert db.value("SELECT COUNT(*) FROM recovery_promise WHERE reminded_at IS NOT NULL") == PROMISES


INBOUND = 300
OUTBOUND = 60
SWEEP_SEED = (
    PEOPLE
    + f"""
import pickle, sys
from datetime import timedelta
from django.utils import timezone
from anchordesk.mail.addresses import new_message_id
from anchordesk.mail.ingest import store_raw
from anchordesk.mail.models import InboundEmail, OutboundEmail, Source
from anchordesk.tickets.actions import NewTicket, do_create_ticket
for raw in pickle.load(open(PICKLE, "rb")):
    store_raw(raw, source=Source.PUSH)
# Left pending by a dead worker an hour ago: the sweep's to route.
InboundEmail.objects.update(received_at=timezone.now() - timedelta(hours=1))
ticket = do_create_ticket(NewTicket(customer=customer, subject="Replies", body="Hi"))
OutboundEmail.objects.bulk_create([
    OutboundEmail(ticket=ticket, from_address="support@anchordesk.localhost", to=["dana@example.test"],
                  subject=f"Reply {{i}}", message_id=new_message_id(), body_text=f"Reply number {{i}}",
                  next_attempt_at=timezone.now() - timedelta(minutes=5))
    for i in range({OUTBOUND})
])
"""
)


def _deliveries(outbox: Path) -> Counter[str]:
    seen: Counter[str] = Counter()
    for path in outbox.glob("*.log") if outbox.exists() else []:
        seen.update(re.findall(r"^Message-ID: (<[^>]+>)", path.read_text(errors="replace"), re.M))
    return seen


def test_the_mail_sweep_survives_kills_and_routes_and_sends_everything_once(tmp_path, worker_setup):
    env, db = worker_setup
    rng = random.Random(3)
    batch = tmp_path / "inbound.pickle"
    import pickle

    batch.write_bytes(
        pickle.dumps(
            [
                raw_email(
                    subject=f"Order {i} is missing",
                    sender=f"customer{i % 40}@example.test",
                    body=f"Hello, order {i} has not arrived. " * rng.randint(1, 20),
                )
                for i in range(INBOUND)
            ]
        )
    )
    manage(env, "shell", "-c", SWEEP_SEED.replace("PICKLE", repr(str(batch))))
    stranded: list[int] = []

    def release_stranded_sends() -> None:
        # A send claimed by a killed worker waits out the outbox's own 5-minute claim before it is
        # retried; move those claims back rather than wait. At most one per kill.
        stranded.append(int(db.value("SELECT COUNT(*) FROM mail_outboundemail WHERE state = 'sending'")))
        db.execute(
            "UPDATE mail_outboundemail SET claimed_at = ? WHERE state = 'sending'",
            "2000-01-01 00:00:00" if not db.pg else "2000-01-01T00:00:00+00:00",
        )

    scenario = Scenario(
        job="mail-sweep",
        progress_sql=(
            "SELECT (SELECT COUNT(*) FROM mail_inboundemail WHERE state = 'processed')"
            " + (SELECT COUNT(*) FROM mail_outboundemail WHERE state = 'sent')"
        ),
        total=INBOUND + OUTBOUND,
        notes={"before_final": release_stranded_sends},
    )
    run = crash_repeatedly(tmp_path, env, db, scenario, seed=3)
    assert stranded[0] <= run.kills
    assert db.value("SELECT COUNT(*) FROM mail_inboundemail WHERE state = 'processed'") == INBOUND
    assert db.value("SELECT COUNT(*) FROM tickets_ticket WHERE subject LIKE 'Order %'") == INBOUND
    assert (
        db.value("SELECT COUNT(DISTINCT subject) FROM tickets_ticket WHERE subject LIKE 'Order %'") == INBOUND
    )
    assert db.value("SELECT COUNT(*) FROM mail_outboundemail WHERE state <> 'sent'") == 0
    delivered = _deliveries(Path(env["EMAIL_FILE_PATH"]))
    replies = int(db.value("SELECT COUNT(*) FROM mail_outboundemail WHERE subject LIKE 'Reply %'"))
    assert replies == OUTBOUND
    sent_ids = {
        mid
        for mid in delivered
        if mid in _all_message_ids(db)  # acknowledgements of the inbound mail count too
    }
    assert len(sent_ids) == int(db.value("SELECT COUNT(*) FROM mail_outboundemail"))  # nothing lost
    # A send can only be doubled when the kill lands between the SMTP "250 OK" and the row's update.
    assert sum(n - 1 for n in delivered.values()) <= stranded[0]


def _all_message_ids(db: Db) -> set[str]:
    if db.pg:
        rows = db._conn.execute("SELECT message_id FROM mail_outboundemail").fetchall()
    else:
        with contextmanager(db._sqlite)() as conn:
            rows = conn.execute("SELECT message_id FROM mail_outboundemail").fetchall()
    return {row[0] for row in rows}


POLLED = 300
MAILBOX_SEED = """
from anchordesk.core import leases
from anchordesk.mail.models import Mailbox
box = Mailbox.objects.create(name="Support", address="{user}", host="{host}", port={port},
                             security="plain", username="{user}", password="{password}")
# What the tester found: a poll's lock left by a worker that died on another machine.
claim = leases.Claim(name=f"poll-mailbox-{{box.pk}}", token="dead", holder="old-machine:4242", acquired=0)
assert leases.store().acquire(claim, 3600)
print("mailbox", box.pk)
"""


def test_the_mailbox_poll_survives_kills_and_stores_every_message_once(tmp_path, worker_setup, dovecot):  # noqa: F811
    from imapclient import IMAPClient

    env, db = worker_setup
    with IMAPClient(dovecot.host, port=dovecot.port, ssl=False) as imap:
        imap.login(dovecot.user, dovecot.password)
        for i in range(POLLED):
            imap.append("INBOX", raw_email(subject=f"Question {i}", sender=f"c{i % 30}@example.test"))
    out = manage(
        env,
        "shell",
        "-c",
        MAILBOX_SEED.format(
            user=dovecot.user, host=dovecot.host, port=dovecot.port, password=dovecot.password
        ),
    )
    mailbox_id = int(out.strip().splitlines()[-1].split()[-1])
    scenario = Scenario(
        job=f"poll-mailbox-{mailbox_id}",
        progress_sql="SELECT COUNT(*) FROM mail_inboundemail WHERE state = 'processed'",
        total=POLLED,
        first_args=("--flush-locks",),  # drops the stale lease of the dead machine, mailbox included
    )
    crash_repeatedly(tmp_path, env, db, scenario, seed=4)
    assert f"poll-mailbox-{mailbox_id}" in (tmp_path / "worker0.log").read_text()
    assert db.value("SELECT COUNT(*) FROM mail_inboundemail") == POLLED
    assert db.value("SELECT COUNT(*) FROM tickets_ticket") == POLLED
    assert db.value("SELECT COUNT(DISTINCT subject) FROM tickets_ticket") == POLLED
    assert db.value("SELECT last_error FROM mail_mailbox WHERE id = ?", mailbox_id) == ""
    with IMAPClient(dovecot.host, port=dovecot.port, ssl=False) as imap:
        imap.login(dovecot.user, dovecot.password)
        imap.select_folder("INBOX")
        assert imap.search(["NOT", "KEYWORD", "$AnchordeskProcessed"]) == []  # all flagged at last
