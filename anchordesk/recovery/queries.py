"""What a user may see of promises and mistakes: those on tickets they may see (tickets.queries).

access_* fetch one with that check; missing and not visible are the same Http404 (docs/access.md).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from anchordesk.accounts.models import User
from anchordesk.recovery.models import Commitment, Mistake
from anchordesk.tickets.queries import tickets_visible_to


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    return Commitment.objects.filter(ticket__in=tickets_visible_to(user))


def mistakes_visible_to(user: User) -> QuerySet[Mistake]:
    return Mistake.objects.filter(ticket__in=tickets_visible_to(user))


def access_commitment(user: User, commitment_id: int) -> Commitment:
    commitment = (
        commitments_visible_to(user).select_related("owner", "ticket").filter(pk=commitment_id).first()
    )
    if commitment is None:
        raise Http404
    return commitment


def access_mistake(user: User, mistake_id: int) -> Mistake:
    mistake = mistakes_visible_to(user).select_related("ticket").filter(pk=mistake_id).first()
    if mistake is None:
        raise Http404
    return mistake
