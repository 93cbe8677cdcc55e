"""Mailbox changes by admins: one atomic function, with an audit event that never holds a secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from anchordesk.core.audit import record_event
from anchordesk.mail.choices import MailEvent
from anchordesk.mail.models import Mailbox

if TYPE_CHECKING:
    from anchordesk.accounts.models import User

# A change to any of these makes the last poll's error stale: it was about the old settings.
CONNECTION_FIELDS = {"host", "port", "security", "username", "folder", "processed_folder", "active"}


@transaction.atomic
def do_save_mailbox(mailbox: Mailbox, *, actor: User, changed: list[str], secrets: dict[str, str]) -> Mailbox:
    """Save a new or edited mailbox. `secrets` maps a secret field to its new value ("" clears it)."""
    created = mailbox.pk is None
    for name, value in secrets.items():
        setattr(mailbox, name, value)
    if secrets.keys() & {"password", "oauth2_token"} or CONNECTION_FIELDS & set(changed):
        mailbox.last_error = ""
    mailbox.save()
    record_event(
        MailEvent.MAILBOX_CREATED if created else MailEvent.MAILBOX_CHANGED,
        actor=actor,
        obj=mailbox,
        after={
            "name": mailbox.name,
            "fields": sorted(changed),
            # which secrets changed and how, never their values
            "secrets": {name: "cleared" if value == "" else "replaced" for name, value in secrets.items()},
        },
    )
    return mailbox
