from __future__ import annotations

from huey import crontab

from anchordesk.core.jobs import periodic_job
from anchordesk.core.taskqueue import db_periodic_task
from anchordesk.sla.timers import do_scan


@db_periodic_task(crontab(minute="*"))
@periodic_job("sla-scan", every="every minute")
def sla_scan() -> None:
    # The lease only saves work; correctness comes from each timer's conditional claim,
    # which also holds if a lease lapses while a stalled worker still scans.
    do_scan()
