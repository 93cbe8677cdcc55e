from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from anchordesk.recovery.actions import scan_commitments


@db_periodic_task(crontab(minute="*"))
@lock_task("commitment-scan")
def commitment_scan() -> None:
    scan_commitments()


@db_task()
def score_messages_task(message_ids: list[int]) -> int:
    """Language scoring that bulk email ingest hands over once its messages are committed."""
    from anchordesk.recovery.temperature import score_messages

    return score_messages(message_ids)
