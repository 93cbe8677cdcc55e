from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from anchordesk.automation.timerules import run_time_rules


@db_periodic_task(crontab(minute="*/5"))
@lock_task("time-rules")
def time_rules() -> None:
    run_time_rules()
