"""Two real worker processes, one Redis queue, one PostgreSQL database: the periodic jobs (SLA scan,
time rules, promise reminders) run in both, and every breach, rule and reminder happens once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import missing_service
from tests.core.test_worker_process import _env, _manage
from tests.services import redis_available, scratch_database_url

SLA_TICKETS = 12
PENDING_TICKETS = 8
PROMISES = 6
RUNS_EACH = 6  # each periodic job is queued this many times on top of the workers' own schedule

SEED = f"""
from datetime import timedelta

import time_machine
from django.utils import timezone

from anchordesk.accounts.actions import do_create_agent, do_get_or_create_customer
from anchordesk.automation.actions import do_save_time_rule
from anchordesk.recovery.actions import do_add_promise
from anchordesk.sla.actions import PolicyData, do_save_policy
from anchordesk.tickets.actions import NewTicket, do_create_ticket, do_set_status

now = timezone.now()
lead = do_create_agent(email="lena@example.test", name="Lena Lead", role="lead",
                       password="a-long-password-1", team_names=["Support"], actor=None)
agent = do_create_agent(email="alex@example.test", name="Alex Agent",
                        password="a-long-password-1", team_names=["Support"], actor=None)
customer, _ = do_get_or_create_customer("dana@example.test", name="Dana")
do_save_policy(PolicyData(name="Fast", first_response_minutes=60, business_hours=False, warn_percent=0),
               actor=lead)
do_save_time_rule(actor=lead, name="Nudge pending", conditions={{"all": [
    {{"field": "status", "op": "is", "value": "pending"}},
    {{"field": "hours_since_update", "op": "gt", "value": 1}}]}},
    actions=[{{"type": "add_tags", "value": ["nudged"]}}])
with time_machine.travel(now - timedelta(hours=3), tick=False):
    late = [do_create_ticket(NewTicket(customer=customer, subject=f"Late {{i}}", body="Hello?",
                                       team=lead.teams.get(), assignee=agent))
            for i in range({SLA_TICKETS})]
    for i in range({PENDING_TICKETS}):
        waiting = do_create_ticket(NewTicket(customer=customer, subject=f"Waiting {{i}}", body="Hi"))
        do_set_status(waiting, "pending", actor=agent)
for ticket in late[:{PROMISES}]:
    do_add_promise(ticket, actor=agent, action="call the carrier", due_at=now + timedelta(minutes=30))
print("seeded")
"""

ENQUEUE = f"""
import time
from anchordesk.automation.tasks import time_rules
from anchordesk.recovery.tasks import promise_scan
from anchordesk.sla.tasks import sla_scan
for _ in range({RUNS_EACH}):
    for task in (sla_scan, time_rules, promise_scan):
        task()  # a periodic task called outside the worker is put on the queue
    time.sleep(0.2)
print("queued")
"""

REPORT = """
import json
from huey.contrib.djhuey import HUEY
from anchordesk.core.models import AuditEvent
from anchordesk.tickets.models import Ticket
print(json.dumps({
    "breaches": AuditEvent.objects.filter(kind="sla.breach").count(),
    "rule_events": AuditEvent.objects.filter(kind="automation.rule_fired").count(),
    "nudged": Ticket.objects.filter(tags__name="nudged").count(),
    "reminders": AuditEvent.objects.filter(kind="promise.reminder").count(),
    "queued": HUEY.pending_count(),
}))
"""


def _report(env: dict[str, str]) -> dict[str, int]:
    done = _manage(env, "shell", "-c", REPORT)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _subjects(outbox: Path, start: str) -> int:
    if not outbox.exists():
        return 0
    return sum(
        1
        for path in outbox.glob("*.log")
        for line in path.read_text(errors="replace").splitlines()
        if line.startswith(f"Subject: {start}")
    )


@pytest.mark.postgres
def test_two_worker_processes_run_the_periodic_jobs_and_each_job_happens_once(tmp_path):
    if not redis_available():
        missing_service("Redis is not reachable on 127.0.0.1:6379")
    with scratch_database_url(str(tmp_path)) as database_url:
        env = _env(tmp_path, database_url, redis=True)
        outbox = Path(env["EMAIL_FILE_PATH"])
        migrated = _manage(env, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr
        seeded = _manage(env, "shell", "-c", SEED)
        assert seeded.returncode == 0, seeded.stderr
        before = _report(env)
        assert before["breaches"] == 0 and before["rule_events"] == 0 and before["reminders"] == 0

        log_paths = [tmp_path / f"worker{i}.log" for i in range(2)]
        handles = [path.open("wb") for path in log_paths]
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "anchordesk", "worker", "--workers", "2"],
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
            for handle in handles
        ]
        logs: list[str] = []
        try:
            # Both consumers connected and waiting on the queue before any job is queued.
            ready_by = time.monotonic() + 90
            while time.monotonic() < ready_by and not all(
                "consumer started" in path.read_text(errors="replace") for path in log_paths
            ):
                time.sleep(0.5)
            queued = _manage(env, "shell", "-c", ENQUEUE)
            assert queued.returncode == 0, queued.stderr
            expected = {
                "breaches": SLA_TICKETS,
                "rule_events": PENDING_TICKETS,
                "nudged": PENDING_TICKETS,
                "reminders": PROMISES,
            }
            deadline = time.monotonic() + 120
            seen = _report(env)
            while time.monotonic() < deadline:
                seen = _report(env)
                if seen["queued"] == 0 and all(seen[k] >= v for k, v in expected.items()):
                    break
                time.sleep(1)
            time.sleep(3)  # anything still running would show up as a second breach or reminder
            after = _report(env)
        finally:
            for worker in workers:
                worker.terminate()
            for worker, handle, path in zip(workers, handles, log_paths, strict=True):
                worker.wait(timeout=30)
                handle.close()
                logs.append(path.read_text(errors="replace"))
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "anchordesk",
                    "shell",
                    "-c",
                    "from huey.contrib.djhuey import HUEY; HUEY.flush()",
                ],
                env=env,
                capture_output=True,
                timeout=60,
            )
        tail = "\n---\n".join(log[-2000:] for log in logs)
        assert {k: after[k] for k in expected} == expected, f"{after}\n{tail}"
        assert after["queued"] == 0
        # Both processes took jobs from the shared queue.
        for log in logs:
            assert "Executing anchordesk." in log, tail
        # One breach notice per ticket (to the assignee and the team lead) and one reminder per promise.
        assert _subjects(outbox, "SLA breached") == SLA_TICKETS
        assert _subjects(outbox, "Promise due soon") == PROMISES
