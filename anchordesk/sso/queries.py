"""Which deprovisionings a user may see, and the one behind an id (docs/access.md).

Reviewing what the identity provider's deprovisioning handed over is a lead's work: leads and
admins see every row, nobody else any. Single sign-on and SCIM are judged by the provider's
answer and the SCIM token, not by a user, and do not come here.
"""

from __future__ import annotations

from django.db.models import QuerySet

from anchordesk.accounts.models import User
from anchordesk.core.access import NotAllowed
from anchordesk.sso.models import Deprovisioning


def deprovisionings_visible_to(user: User) -> QuerySet[Deprovisioning]:
    return Deprovisioning.objects.all() if user.is_lead else Deprovisioning.objects.none()


def access_deprovisioning(user: User, deprovisioning_id: int) -> Deprovisioning:
    row = deprovisionings_visible_to(user).filter(pk=deprovisioning_id).first()
    if row is None:
        raise NotAllowed("No such deprovisioning", status=404)
    return row
