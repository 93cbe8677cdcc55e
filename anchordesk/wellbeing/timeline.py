"""How wellbeing events read in the ticket timeline (used by tickets' describe())."""

from __future__ import annotations

from anchordesk.core.models import AuditEvent
from anchordesk.wellbeing.choices import WellbeingEvent


def describe_event(event: AuditEvent) -> str | None:
    if event.kind not in WellbeingEvent.values:
        return None
    label = str(WellbeingEvent(event.kind).label)
    return f"{label} — {event.note}" if event.note else label
