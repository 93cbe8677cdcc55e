"""Worker tasks of the core: events whose handlers waited for a bulk batch to commit."""

from __future__ import annotations

from anchordesk.core.events import replay
from anchordesk.core.taskqueue import db_task


@db_task(retries=3, retry_delay=30)
def replay_events_task(event_ids: list[int]) -> int:
    """Run the reporting handlers for the events of a committed ingest batch."""
    return replay(event_ids)
