"""Which absences a user may see, and the absence behind an id (docs/access.md).

Sending someone away and bringing them back is a lead's work: leads and admins see every
absence, nobody else any. The agent a lead offboards or sends away is looked up with
`accounts.queries.access_person`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from anchordesk.accounts.models import User
from anchordesk.core.access import NotAllowed
from anchordesk.people.models import Absence


def absences_visible_to(user: User) -> QuerySet[Absence]:
    return Absence.objects.all() if user.is_lead else Absence.objects.none()


def access_absence(user: User, absence_id: int) -> Absence:
    absence = absences_visible_to(user).filter(pk=absence_id).first()
    if absence is None:
        raise NotAllowed("No such absence", status=404)
    return absence
