from django.db import models


class MailEvent(models.TextChoices):
    """Audit event kinds for mailboxes and the messages an admin retries or discards."""

    MAILBOX_CREATED = "mail.mailbox.created", "added a mailbox"
    MAILBOX_CHANGED = "mail.mailbox.changed", "changed a mailbox"
    RETRIED = "mail.retried", "retried an incoming email"
    DISCARDED = "mail.discarded", "discarded an incoming email"
    OUTBOUND_RETRIED = "mail.outbound_retried", "retried an outgoing email"
