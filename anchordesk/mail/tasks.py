from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from anchordesk.mail import ingest, outbox


@db_task()
def process_inbound_task(inbound_id: int) -> str:
    return ingest.process_inbound(inbound_id).state


@db_task()
def send_outbound_task(outbound_id: int) -> str:
    return outbox.send_outbound(outbound_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("mail-sweep")
def sweep_mail() -> None:
    """Retry what is due: outbound mail after an outage, inbound mail a dead worker left pending."""
    for outbound_id in outbox.due_outbound_ids():
        outbox.send_outbound(outbound_id)
    for inbound_id in ingest.pending_ids():
        ingest.process_inbound(inbound_id)
