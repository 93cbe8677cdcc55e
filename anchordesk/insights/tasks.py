from __future__ import annotations

from huey import crontab

from anchordesk.core.jobs import periodic_job
from anchordesk.core.taskqueue import db_periodic_task
from anchordesk.insights.digest import send_weekly_digest
from anchordesk.insights.rollups import build_missing


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="0"))
@periodic_job("insights-weekly-digest", every="Mondays 07:00")
def weekly_digest() -> None:
    # Monday 07:00 (TIME_ZONE): last week, Monday to Sunday, to every lead.
    send_weekly_digest()


@db_periodic_task(crontab(minute="15"))
@periodic_job("insights-rollups", every="hourly at :15")
def daily_rollups() -> None:
    # Hourly, so yesterday is rolled up soon after midnight and a day changed by a late fact
    # is rebuilt within the hour; a day already rolled up costs one query.
    build_missing()
