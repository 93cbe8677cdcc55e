from __future__ import annotations

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from anchordesk.recovery.actions import fire_commitment, scan_commitments, upcoming_moments


@db_periodic_task(crontab(minute="*"))
@lock_task("commitment-scan")
def commitment_scan() -> None:
    scan_commitments()
    # Each reminder and due moment before the next scan gets a run of its own at that moment,
    # so none waits up to a minute (plus the scan's own time) for the next scan.
    for commitment_id, moment in upcoming_moments(within=timedelta(seconds=75)):
        commitment_moment.schedule(args=(commitment_id,), eta=moment)


@db_task(retries=2, retry_delay=1)
def commitment_moment(commitment_id: int) -> None:
    fire_commitment(commitment_id)


@db_task()
def score_messages_task(message_ids: list[int]) -> int:
    """Language scoring that bulk email ingest hands over once its messages are committed."""
    from anchordesk.recovery.temperature import score_messages

    return score_messages(message_ids)
