from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anchordesk.automation.timerules import run_time_rules
from anchordesk.core.jobs import periodic_job


@db_periodic_task(crontab(minute="*/5"))
@periodic_job("time-rules", every="every 5 minutes")
def time_rules() -> None:
    run_time_rules()
