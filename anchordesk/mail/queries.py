"""Which mailboxes and emails a user may see, and the one behind an id (docs/access.md).

Mailboxes, the quarantine and the outbox are an admin's settings: admins see all of them, nobody
else any. The pages refuse other roles first with a 403 (`require_admin(settings_page=True)`);
these lookups then answer a missing row the same as one the user may not see. The push endpoint
is judged by the mailbox's push secret, not by a user, and does not come here.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from anchordesk.accounts.models import User
from anchordesk.core.access import NotAllowed
from anchordesk.mail.models import InboundEmail, Mailbox, OutboundEmail

M = TypeVar("M", bound=Model)


def _for_admins(user: User, rows: QuerySet[M]) -> QuerySet[M]:
    return rows if user.is_admin_role else rows.none()


def mailboxes_visible_to(user: User) -> QuerySet[Mailbox]:
    return _for_admins(user, Mailbox.objects.all())


def inbound_emails_visible_to(user: User) -> QuerySet[InboundEmail]:
    return _for_admins(user, InboundEmail.objects.all())


def outbound_emails_visible_to(user: User) -> QuerySet[OutboundEmail]:
    return _for_admins(user, OutboundEmail.objects.all())


def access_mailbox(user: User, mailbox_id: int) -> Mailbox:
    mailbox = mailboxes_visible_to(user).filter(pk=mailbox_id).first()
    if mailbox is None:
        raise NotAllowed("No such mailbox", status=404)
    return mailbox


def access_inbound(user: User, inbound_id: int) -> InboundEmail:
    inbound = inbound_emails_visible_to(user).filter(pk=inbound_id).first()
    if inbound is None:
        raise NotAllowed("No such email", status=404)
    return inbound


def access_outbound(user: User, outbound_id: int) -> OutboundEmail:
    outbound = outbound_emails_visible_to(user).filter(pk=outbound_id).first()
    if outbound is None:
        raise NotAllowed("No such email", status=404)
    return outbound
