"""Reminders and missed-promise escalations on time, with a real worker process.

Several hundred promises fall due within one minute. A real worker
(`python -m anchordesk worker`) runs against its own database; the test waits until every
reminder and every missed promise has its audit row, then measures each one's lateness from
the row against the moment it was due to happen, and checks each happened exactly once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.core.test_worker_process import _env, _manage
from tests.services import redis_available, scratch_database_url

PROMISES = 400
REMIND_BEFORE_MINUTES = 1
FIRST_DUE_SECONDS = 80  # after seeding: time for the worker to start before the first reminder
# A whole scan interval, so every moment of the scan's cycle is covered: a promise due just
# after a scan started is the one a once-a-minute scan alone would leave waiting longest.
SPREAD_SECONDS = 60
ON_TIME_SECONDS = 60
ON_TIME_SHARE = 0.999

SEED = f"""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from anchordesk.accounts.actions import do_create_agent, do_get_or_create_customer
from anchordesk.recovery.actions import do_add_promise
from anchordesk.tickets.actions import NewTicket, do_create_ticket

lead = do_create_agent(email="lena@example.test", name="Lena Lead", role="lead",
                       password="a-long-password-1", team_names=["Support"], actor=None)
agent = do_create_agent(email="alex@example.test", name="Alex Agent",
                        password="a-long-password-1", team_names=["Support"], actor=None)
customer, _ = do_get_or_create_customer("dana@example.test", name="Dana")
team = lead.teams.get()
with transaction.atomic():
    tickets = [do_create_ticket(NewTicket(customer=customer, subject=f"Refund {{i}}", body="Where is it?",
                                          team=team, assignee=agent)) for i in range({PROMISES})]
# Due moments from the end of seeding, however long it took, spread evenly over the window.
start = timezone.now() + timedelta(seconds={FIRST_DUE_SECONDS})
with transaction.atomic():
    for i, ticket in enumerate(tickets):
        due = start + timedelta(seconds={SPREAD_SECONDS} * i / {PROMISES})
        do_add_promise(ticket, actor=agent, action="refund the second charge", due_at=due)
print("seeded")
"""

REPORT = """
import json
from datetime import timedelta
from django.conf import settings
from anchordesk.collab.models import Escalation
from anchordesk.core.models import AuditEvent
from anchordesk.recovery.models import Promise

remind = timedelta(minutes=settings.PROMISE_REMIND_BEFORE)
due = {c.pk: c.due_at for c in Promise.objects.all()}
late = {"reminder": [], "missed": []}
for event in AuditEvent.objects.filter(kind__in=["promise.reminder", "promise.missed"]):
    kind = event.kind.split(".")[1]
    moment = due[event.object_id] - (remind if kind == "reminder" else timedelta(0))
    late[kind].append([event.object_id, (event.created_at - moment).total_seconds()])
print(json.dumps({
    "promises": len(due),
    "late": late,
    "escalations": list(Escalation.objects.values_list("ticket_id", flat=True)),
}))
"""


# A periodic task called outside the worker is put on the queue.
ASK_SCAN = "from anchordesk.recovery.tasks import promise_scan; promise_scan()"


def _report(env: dict[str, str]) -> dict:
    done = _manage(env, "shell", "-c", REPORT)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_reminders_and_missed_promises_fire_within_a_minute_each_once(tmp_path):
    with scratch_database_url(str(tmp_path)) as database_url:
        env = _env(tmp_path, database_url, redis=redis_available())
        env["PROMISE_REMIND_BEFORE"] = str(REMIND_BEFORE_MINUTES)
        migrated = _manage(env, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr
        seeded = _manage(env, "shell", "-c", SEED)
        assert seeded.returncode == 0, seeded.stderr

        log_path = tmp_path / "worker.log"
        with log_path.open("wb") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "anchordesk", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                # Wait for the rows, never a fixed time: the last promise is due about two minutes
                # from now, and a generous deadline only bounds a broken run.
                deadline = time.monotonic() + FIRST_DUE_SECONDS + SPREAD_SECONDS + 240
                seen = _report(env)
                while time.monotonic() < deadline and not (
                    len(seen["late"]["missed"]) >= PROMISES and len(seen["late"]["reminder"]) >= PROMISES
                ):
                    time.sleep(2)  # polling interval, not a wait for an outcome
                    seen = _report(env)
                # Then one more scan, asked for now, would show a second reminder or escalation.
                scans = _executed(log_path)
                asked = _manage(env, "shell", "-c", ASK_SCAN)
                assert asked.returncode == 0, asked.stderr
                scan_by = time.monotonic() + 120
                while time.monotonic() < scan_by and _executed(log_path) <= scans:
                    time.sleep(0.5)
                assert _executed(log_path) > scans, "the scan asked for never ran"
                after = _report(env)
            finally:
                worker.terminate()
                worker.wait(timeout=30)
                _flush_queue(env)
        tail = Path(log_path).read_text(errors="replace")[-3000:]

    assert after["promises"] == PROMISES
    for kind in ("reminder", "missed"):
        rows = after["late"][kind]
        ids = [row[0] for row in rows]
        missing = PROMISES - len(set(ids))
        assert missing == 0, f"{kind}: {missing} of {PROMISES} never happened\n{tail}"
        assert len(ids) == PROMISES, f"{kind}: {len(ids) - PROMISES} happened twice\n{tail}"
        lateness = sorted(row[1] for row in rows)
        on_time = sum(1 for s in lateness if -1 <= s <= ON_TIME_SECONDS)
        summary = f"{kind}: median {lateness[len(lateness) // 2]:.1f} s, worst {lateness[-1]:.1f} s"
        print(summary)
        assert on_time / PROMISES >= ON_TIME_SHARE, f"{summary}; {on_time}/{PROMISES} on time\n{tail}"
    # Each missed promise opened one escalation on its own ticket.
    assert len(after["escalations"]) == len(set(after["escalations"])) == PROMISES


def _executed(log_path: Path) -> int:
    return sum(
        1
        for line in log_path.read_text(errors="replace").splitlines()
        if line.startswith("[") and "promise_scan" in line and "executed in" in line
    )


def _flush_queue(env: dict[str, str]) -> None:
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
