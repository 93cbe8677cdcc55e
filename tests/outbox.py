"""Delivering what the outbox holds, as the worker's sweep does, for tests that read the mail sent."""

from __future__ import annotations

from django.core import mail
from django.core.mail import EmailMessage


def deliver_outbox() -> list[EmailMessage]:
    """Run the worker's mail sweep once and return every email delivered so far (locmem backend).

    In a test the action's transaction never commits, so the send queued on commit never runs:
    the sweep is what sends it, as it does in production after a missed or failed send.
    """
    from anchordesk.mail.tasks import sweep_mail

    sweep_mail.call_local()
    return list(mail.outbox)
