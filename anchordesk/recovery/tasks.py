from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from huey import crontab

from anchordesk.core.jobs import JOBS, renew_lease, run_job
from anchordesk.core.taskqueue import db_periodic_task, db_task
from anchordesk.recovery.actions import do_fire_promise, do_scan_promises
from anchordesk.recovery.queries import upcoming_moments
from anchordesk.recovery.temperature import do_score_messages

PROMISE_SCAN = "promise-scan"


def _scan_until_current() -> None:
    # A scan of many promises takes a while: whatever fell due meanwhile is taken at once, not
    # at the next run. Bounded, so one run never holds its lease for long.
    for _ in range(3):
        done = do_scan_promises()
        if not done["reminded"] and not done["missed"]:
            return
        renew_lease()


def _scan_and_schedule_moments() -> None:
    _scan_until_current()
    # Each reminder and due moment before the next tick gets a run of its own at that moment, so
    # none waits for the next scan (a claim on the row keeps each to once, whoever gets there first).
    for promise_id, moment in upcoming_moments(within=timedelta(seconds=75)):
        promise_moment.schedule(args=(promise_id,), eta=moment)


JOBS[PROMISE_SCAN] = "every minute, and every PROMISE_SCAN_SECONDS in between"


@db_periodic_task(crontab(minute="*"))
def promise_scan() -> None:
    """Promise reminders and missed-promise escalations. Huey ticks once a minute, so a reminder due
    just after a tick would wait a minute: each tick schedules a run at each reminder and due moment
    of the coming minute, and also queues the scans in between (queued before this scan takes the
    lease, so a tick that finds the lease busy still queues them)."""
    step = max(1, settings.PROMISE_SCAN_SECONDS)
    for delay in range(step, 60, step):
        promise_scan_between.schedule(delay=delay)
    run_job(PROMISE_SCAN, _scan_and_schedule_moments)


@db_task(expires=60)
def promise_scan_between() -> None:
    run_job(PROMISE_SCAN, _scan_until_current)


@db_task(retries=2, retry_delay=1)
def promise_moment(promise_id: int) -> None:
    do_fire_promise(promise_id)


@db_task()
def score_messages_task(message_ids: list[int]) -> int:
    """Language scoring that bulk email ingest hands over once its messages are committed."""
    return do_score_messages(message_ids)
