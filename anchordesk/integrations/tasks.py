"""Worker tasks for outgoing webhooks. The logic lives in integrations/delivery.py."""

from __future__ import annotations

from huey import crontab

from anchordesk.core.jobs import periodic_job, renew_lease
from anchordesk.core.taskqueue import db_periodic_task, db_task
from anchordesk.integrations.delivery import Outcome, attempt_delivery, due_delivery_ids


def run_delivery(delivery_id: int) -> Outcome:
    """One attempt; after a failure that may still succeed, the next one is scheduled with backoff."""
    outcome = attempt_delivery(delivery_id)
    if outcome.retry_in is not None:
        deliver_webhook.schedule(args=(delivery_id,), delay=outcome.retry_in)
    return outcome


@db_task()
def deliver_webhook(delivery_id: int) -> str:
    return run_delivery(delivery_id).state


@db_periodic_task(crontab(minute="*"))
@periodic_job("webhook-sweep", every="every minute")
def sweep_webhooks() -> None:
    """Send what is overdue: a retry whose scheduled task was lost, or a send a dead worker left."""
    for delivery_id in due_delivery_ids():
        renew_lease()
        run_delivery(delivery_id)
