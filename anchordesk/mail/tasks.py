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
    ingest.process_batch(ingest.pending_ids())


@db_periodic_task(crontab(minute="*"))
def poll_mailboxes() -> None:
    """Poll every active IMAP mailbox; a lock per mailbox keeps two workers off the same one."""
    from anchordesk.mail.models import Mailbox

    for mailbox_id in Mailbox.objects.filter(active=True).exclude(host="").values_list("pk", flat=True):
        poll_one_mailbox(mailbox_id)


@db_task()
def poll_one_mailbox(mailbox_id: int) -> None:
    from huey.contrib.djhuey import HUEY
    from huey.exceptions import TaskLockedException

    from anchordesk.mail.imap import poll_mailbox
    from anchordesk.mail.models import Mailbox

    mailbox = Mailbox.objects.filter(pk=mailbox_id, active=True).first()
    if mailbox is None:
        return
    try:
        with HUEY.lock_task(f"poll-mailbox-{mailbox_id}"):
            poll_mailbox(mailbox)
    except TaskLockedException:
        return
