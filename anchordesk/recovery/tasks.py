from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from anchordesk.recovery.actions import scan_commitments


@db_periodic_task(crontab(minute="*"))
@lock_task("commitment-scan")
def commitment_scan() -> None:
    scan_commitments()
