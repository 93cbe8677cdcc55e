from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from anchordesk.collab.actions import scan_overdue_escalations, scan_overdue_handoffs


@db_periodic_task(crontab(minute="*"))
@lock_task("escalation-overdue-scan")
def escalation_overdue_scan() -> None:
    scan_overdue_escalations()


@db_periodic_task(crontab(minute="*/5"))
@lock_task("handoff-overdue-scan")
def handoff_overdue_scan() -> None:
    scan_overdue_handoffs()
