from __future__ import annotations

from huey import crontab

from anchordesk.core.jobs import periodic_job
from anchordesk.core.taskqueue import db_periodic_task
from anchordesk.people.actions import do_hand_back_due_absences


@db_periodic_task(crontab(minute="*"))
@periodic_job("absence-hand-back", every="every minute")
def absence_hand_back() -> None:
    do_hand_back_due_absences()
