"""With a running worker, promise reminders and missed-promise escalations fire on time, once each.

A thousand promises: for half of them the reminder falls due within twenty seconds, the other half
are missed within twenty seconds. The worker runs with production settings (a tick a minute,
promise scans every PROMISE_SCAN_SECONDS between); only the reminder comes one minute before
the due time instead of two hours, to keep the test near a minute. Lateness is measured from the
audit events the scan commits against each promise's time.
"""

from __future__ import annotations

import os
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.core.test_job_crash import Db, Worker, manage, wait_for
from tests.core.test_worker_process import _env as worker_env
from tests.services import scratch_database_url

HALF = 500  # promises whose reminder is measured, and as many whose escalation is
TICKETS = 50  # ten missed promises per ticket: a missed promise escalates its ticket once
WINDOW = 20  # seconds over which the reminders, and the escalations, fall due
REMIND_LEAD = 62  # seconds from seeding to the first due time of the reminded half: reminders from 2 s
MISS_LEAD = 25  # seconds from seeding to the first due time of the missed half
ON_TIME = 60  # seconds

SEED = f"""
import random
from datetime import timedelta
from django.utils import timezone
from anchordesk.accounts.actions import do_create_agent, do_get_or_create_customer
from anchordesk.recovery.models import Promise
from anchordesk.tickets.actions import NewTicket, do_create_ticket
lead = do_create_agent(email="lena@example.test", name="Lena Lead", role="lead",
                       password="a-long-password-1", team_names=["Support"], actor=None)
agent = do_create_agent(email="alex@example.test", name="Alex Agent",
                        password="a-long-password-1", team_names=["Support"], actor=None)
customer, _ = do_get_or_create_customer("dana@example.test", name="Dana")
tickets = [do_create_ticket(NewTicket(customer=customer, subject=f"Order {{i}}", body="Where is it?",
                                      team=lead.teams.get(), assignee=agent)) for i in range({2 * TICKETS})]
rng = random.Random(7)
now = timezone.now()
remind_from, miss_from = now + timedelta(seconds={REMIND_LEAD}), now + timedelta(seconds={MISS_LEAD})
Promise.objects.bulk_create([
    Promise(ticket=tickets[i % {TICKETS}], owner=agent, action=f"refund order {{i}}", state="open",
               due_at=miss_from + timedelta(seconds=rng.uniform(0, {WINDOW})))
    for i in range({HALF})
] + [
    Promise(ticket=tickets[{TICKETS} + i % {TICKETS}], owner=agent, action=f"call back {{i}}",
               state="open", due_at=remind_from + timedelta(seconds=rng.uniform(0, {WINDOW})))
    for i in range({HALF})
])
print("seeded")
"""

EVENTS = """
SELECT e.object_id, e.created_at, c.due_at FROM core_auditevent e
JOIN recovery_promise c ON c.id = e.object_id
WHERE e.kind = ? AND e.object_type = 'promise' AND c.action LIKE ?
"""


def _moment(value: object) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return datetime.fromisoformat(str(value)).replace(tzinfo=None)


def _rows(db: Db, kind: str, action: str) -> list[tuple[int, datetime, datetime]]:
    if db.pg:
        db.value("SELECT 1")  # opens the connection
        raw = db._conn.execute(EVENTS.replace("?", "%s"), (kind, action)).fetchall()
    else:
        import sqlite3

        conn = sqlite3.connect(db.url.removeprefix("sqlite:///"), timeout=60)
        try:
            raw = conn.execute(EVENTS, (kind, action)).fetchall()
        finally:
            conn.close()
    return [(int(pk), _moment(created), _moment(due)) for pk, created, due in raw]


def test_reminders_and_missed_promise_escalations_fire_within_a_minute_and_once(tmp_path: Path):
    with scratch_database_url(str(tmp_path)) as database_url:
        env = worker_env(tmp_path, database_url, redis=bool(os.environ.get("REDIS_URL")))
        env.update(PROMISE_REMIND_BEFORE="1", LOG_LEVEL="INFO")
        manage(env, "migrate", "--noinput")
        db = Db(database_url)
        worker = Worker(env, tmp_path / "worker.log")
        try:
            wait_for(worker.ready, "the worker to start")
            manage(env, "shell", "-c", SEED)
            count = (
                "SELECT COUNT(*) FROM core_auditevent e JOIN recovery_promise c ON c.id = e.object_id"
                " WHERE e.kind = ? AND e.object_type = 'promise' AND c.action LIKE ?"
            )
            wait_for(
                lambda: (
                    db.value(count, "promise.reminder", "call back %") >= HALF
                    and db.value(count, "promise.missed", "refund order %") >= HALF
                ),
                "every measured reminder and escalation",
                deadline=REMIND_LEAD + WINDOW + 240,
            )
            # One more promise scan after the last escalation: a double would show now.
            last = int(db.value("SELECT runs FROM core_jobhealth WHERE name = 'promise-scan'"))
            wait_for(
                lambda: int(db.value("SELECT runs FROM core_jobhealth WHERE name = 'promise-scan'")) > last,
                "another promise scan",
            )
        finally:
            worker.stop()
        reminders = _rows(db, "promise.reminder", "call back %")
        missed = _rows(db, "promise.missed", "refund order %")
        early_reminders = _rows(db, "promise.reminder", "refund order %")  # due within the minute already
        not_yet_missed = _rows(db, "promise.missed", "call back %")
        escalations = db.value("SELECT COUNT(*) FROM collab_escalation")
        escalated_tickets = db.value("SELECT COUNT(DISTINCT ticket_id) FROM collab_escalation")
        db.close()

    assert len(reminders) == len({pk for pk, _, _ in reminders}) == HALF  # each exactly once
    assert len(missed) == len({pk for pk, _, _ in missed}) == HALF
    # The other half's reminders were due on arrival and their escalations come after the test;
    # whatever of them happened, happened once.
    assert len(early_reminders) == len({pk for pk, _, _ in early_reminders})
    assert len(not_yet_missed) == len({pk for pk, _, _ in not_yet_missed})
    assert escalations == escalated_tickets >= TICKETS  # each ticket with missed promises escalated once
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
