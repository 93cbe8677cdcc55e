"""The demo loader writes months of history in a few seconds, then dates each message and event.
Wellbeing's rows follow their messages' dates, so exposure falls on the right days and weeks."""

from __future__ import annotations

from django.db import transaction

from anchordesk.wellbeing.models import Break, Exposure, KindWord
from anchordesk.wellbeing.queries import agent_day


@transaction.atomic
def align_with_history() -> None:
    for exposure in Exposure.objects.select_related("agent", "message"):
        at = exposure.message.created_at
        Exposure.objects.filter(pk=exposure.pk).update(created_at=at, day=agent_day(exposure.agent, at))
    for word in KindWord.objects.exclude(message=None).select_related("message"):
        if word.message is not None:
            KindWord.objects.filter(pk=word.pk).update(created_at=word.message.created_at)
    # Runs "happened" across months while loading: no agent owes a break for history.
    Break.objects.all().delete()
