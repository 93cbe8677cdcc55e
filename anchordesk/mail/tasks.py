from __future__ import annotations

from huey import crontab

from anchordesk.core.jobs import periodic_job, renew_lease, run_job
from anchordesk.core.taskqueue import db_periodic_task, db_task
from anchordesk.mail import ingest, outbox
from anchordesk.mail.imap import poll_mailbox
from anchordesk.mail.models import Mailbox


@db_task()
def process_inbound_task(inbound_id: int) -> str:
    return ingest.process_inbound(inbound_id).state


@db_task()
def send_outbound_task(outbound_id: int) -> str:
    return outbox.do_send_outbound(outbound_id)


def sweep_mail_once() -> None:
    """Send due outbound mail, then route inbound mail a dead worker left pending, renewing the
    lease between items so a long sweep keeps it and a lost lease stops the sweep."""
    for outbound_id in outbox.due_outbound_ids():
        renew_lease()
        outbox.do_send_outbound(outbound_id)
    seen: set[int] = set()
    while (ids := ingest.pending_ids()) and not seen.issuperset(ids):  # stop when no batch is new
        seen.update(ids)
        renew_lease()
        ingest.process_batch(ids)


@db_periodic_task(crontab(minute="*"))
@periodic_job("mail-sweep", every="every minute")
def sweep_mail() -> None:
    """Retry what is due: outbound mail after an outage, inbound mail a dead worker left pending."""
    sweep_mail_once()


@db_periodic_task(crontab(minute="*"))
@periodic_job("poll-mailboxes", every="every minute")
def poll_mailboxes() -> None:
    """Queue a poll of every active IMAP mailbox; each poll holds its own lease (poll-mailbox-N)."""
    for mailbox_id in Mailbox.objects.filter(active=True).exclude(host="").values_list("pk", flat=True):
        poll_one_mailbox(mailbox_id)


def mailbox_job(mailbox_id: int) -> str:
    return f"poll-mailbox-{mailbox_id}"


@db_task()
def poll_one_mailbox(mailbox_id: int) -> None:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, active=True).first()
    if mailbox is None:
        return
    run_job(mailbox_job(mailbox_id), poll_mailbox, mailbox)
