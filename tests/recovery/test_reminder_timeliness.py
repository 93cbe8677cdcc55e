"""With a running worker, promise reminders and missed-promise escalations fire on time, once each.

A thousand promises fall due within twenty seconds. The worker runs with production settings
(a tick a minute, promise scans every COMMITMENT_SCAN_SECONDS between); only the reminder
comes one minute before the due time instead of two hours, to keep the test short. Lateness is
measured from the audit events the scan commits against each promise's time.
"""

from __future__ import annotations

import os
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.core.test_job_crash import Db, Worker, manage, wait_for
from tests.core.test_worker_process import _env as worker_env
from tests.services import scratch_database_url

PROMISES = 1000
TICKETS = 100  # ten promises per ticket: a missed promise escalates its ticket once
WINDOW = 20  # seconds over which the promises fall due
LEAD = 70  # seconds from the end of seeding to the first due time (reminders start LEAD - 60 s in)
ON_TIME = 60  # seconds

SEED = f"""
import random
from datetime import timedelta
from django.utils import timezone
from anchordesk.accounts.actions import do_create_agent, do_get_or_create_customer
from anchordesk.recovery.models import Commitment
from anchordesk.tickets.actions import NewTicket, do_create_ticket
lead = do_create_agent(email="lena@example.test", name="Lena Lead", role="lead",
                       password="a-long-password-1", team_names=["Support"], actor=None)
agent = do_create_agent(email="alex@example.test", name="Alex Agent",
                        password="a-long-password-1", team_names=["Support"], actor=None)
customer, _ = do_get_or_create_customer("dana@example.test", name="Dana")
tickets = [do_create_ticket(NewTicket(customer=customer, subject=f"Order {{i}}", body="Where is it?",
                                      team=lead.teams.get(), assignee=agent)) for i in range({TICKETS})]
rng = random.Random(7)
start = timezone.now() + timedelta(seconds={LEAD})
Commitment.objects.bulk_create([
    Commitment(ticket=tickets[i % {TICKETS}], owner=agent, action=f"refund order {{i}}", state="open",
               due_at=start + timedelta(seconds=rng.uniform(0, {WINDOW})))
    for i in range({PROMISES})
])
print("seeded")
"""

EVENTS = """
SELECT e.object_id, e.created_at, c.due_at FROM core_auditevent e
JOIN recovery_commitment c ON c.id = e.object_id
WHERE e.kind = ? AND e.object_type = 'commitment'
"""


def _moment(value: object) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return datetime.fromisoformat(str(value)).replace(tzinfo=None)


def _rows(db: Db, kind: str) -> list[tuple[int, datetime, datetime]]:
    if db.pg:
        db.value("SELECT 1")  # opens the connection
        raw = db._conn.execute(EVENTS.replace("?", "%s"), (kind,)).fetchall()
    else:
        import sqlite3

        conn = sqlite3.connect(db.url.removeprefix("sqlite:///"), timeout=60)
        try:
            raw = conn.execute(EVENTS, (kind,)).fetchall()
        finally:
            conn.close()
    return [(int(pk), _moment(created), _moment(due)) for pk, created, due in raw]


def test_reminders_and_missed_promise_escalations_fire_within_a_minute_and_once(tmp_path: Path):
    with scratch_database_url(str(tmp_path)) as database_url:
        env = worker_env(tmp_path, database_url, redis=bool(os.environ.get("REDIS_URL")))
        env.update(COMMITMENT_REMIND_BEFORE="1", LOG_LEVEL="INFO")
        manage(env, "migrate", "--noinput")
        db = Db(database_url)
        worker = Worker(env, tmp_path / "worker.log")
        try:
            wait_for(worker.ready, "the worker to start")
            manage(env, "shell", "-c", SEED)
            count = "SELECT COUNT(*) FROM core_auditevent WHERE kind = ?"
            wait_for(
                lambda: (
                    db.value(count, "commitment.reminder") >= PROMISES
                    and db.value(count, "commitment.missed") >= PROMISES
                ),
                "every reminder and escalation",
                deadline=LEAD + WINDOW + 240,
            )
            # One more promise scan after the last escalation: a double would show now.
            last = int(db.value("SELECT runs FROM core_jobhealth WHERE name = 'commitment-scan'"))
            wait_for(
                lambda: (
                    int(db.value("SELECT runs FROM core_jobhealth WHERE name = 'commitment-scan'")) > last
                ),
                "another promise scan",
            )
        finally:
            worker.stop()
        reminders = _rows(db, "commitment.reminder")
        missed = _rows(db, "commitment.missed")
        escalations = db.value("SELECT COUNT(*) FROM collab_escalation")
        db.close()

    assert len(reminders) == len({pk for pk, _, _ in reminders}) == PROMISES  # each exactly once
    assert len(missed) == len({pk for pk, _, _ in missed}) == PROMISES
    assert escalations == TICKETS  # each ticket with missed promises escalated once
    late = sorted(
        [(created - (due - timedelta(minutes=1))).total_seconds() for _, created, due in reminders]
        + [(created - due).total_seconds() for _, created, due in missed]
    )
    assert late[0] > -1, "fired before its time"
    on_time = sum(seconds <= ON_TIME for seconds in late) / len(late)
    summary = (
        f"{len(late)} events: p50 {statistics.median(late):.1f} s, "
        f"p99 {late[int(len(late) * 0.99) - 1]:.1f} s, max {late[-1]:.1f} s, on time {on_time:.2%}"
    )
    print(summary)
    assert on_time >= 0.999, summary
