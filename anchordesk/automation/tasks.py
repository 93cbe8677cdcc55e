from __future__ import annotations

from huey import crontab

from anchordesk.automation.csat import do_send_due_surveys
from anchordesk.automation.timerules import run_time_rules
from anchordesk.core.jobs import periodic_job
from anchordesk.core.taskqueue import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
@periodic_job("time-rules", every="every 5 minutes")
def time_rules() -> None:
    run_time_rules()


@db_periodic_task(crontab(minute="*"))
@periodic_job("csat-surveys", every="every minute")
def csat_surveys() -> None:
    """Email the satisfaction surveys whose delay (CSAT settings) has passed."""
    do_send_due_surveys()
