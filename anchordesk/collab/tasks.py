from __future__ import annotations

from huey import crontab

from anchordesk.collab.actions import do_scan_overdue_escalations, do_scan_overdue_handoffs
from anchordesk.core.jobs import periodic_job
from anchordesk.core.taskqueue import db_periodic_task


@db_periodic_task(crontab(minute="*"))
@periodic_job("escalation-overdue-scan", every="every minute")
def escalation_overdue_scan() -> None:
    do_scan_overdue_escalations()


@db_periodic_task(crontab(minute="*/5"))
@periodic_job("handoff-overdue-scan", every="every 5 minutes")
def handoff_overdue_scan() -> None:
    do_scan_overdue_handoffs()
