from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from anchordesk.sla.services import scan


@db_periodic_task(crontab(minute="*"))
@lock_task("sla-scan")
def sla_scan() -> None:
    # The lock only saves work; correctness comes from each timer's conditional claim,
    # which also holds across machines whose locks are not shared.
    scan()
