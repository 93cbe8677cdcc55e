"""Which files a portal customer may download (docs/access.md).

A customer reads the tickets `tickets.queries.tickets_visible_to_customer` gives them, and of
those only the public conversation: their own messages and the agents' replies, never internal
notes. The portal's reader is a `Customer` from the portal session, not a staff user.
"""

from __future__ import annotations

from django.db.models import QuerySet

from anchordesk.accounts.models import Customer
from anchordesk.core.access import NotAllowed
from anchordesk.tickets.choices import MessageKind
from anchordesk.tickets.models import Attachment
from anchordesk.tickets.queries import tickets_visible_to_customer


def attachments_visible_to_customer(customer: Customer) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        message__kind__in=[MessageKind.CUSTOMER, MessageKind.REPLY],
        message__ticket__in=tickets_visible_to_customer(customer).values("pk"),
    )


def access_customer_attachment(customer: Customer, attachment_id: int) -> Attachment:
    found = (
        attachments_visible_to_customer(customer)
        .filter(pk=attachment_id)
        .only("file", "filename", "content_type")
        .first()
    )
    if found is None:
        raise NotAllowed("No such file", status=404)
    return found
