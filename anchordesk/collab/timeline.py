"""How collab events read in the ticket timeline (used by tickets' describe())."""

from __future__ import annotations

from anchordesk.collab.choices import CollabEvent
from anchordesk.core.models import AuditEvent


def describe_event(event: AuditEvent) -> str | None:
    """A sentence without its actor, e.g. "commented on a handoff — Engineering: Looking at the logs";
    None when the event is not an escalation or handoff event."""
    if event.kind not in CollabEvent.values:
        return None
    label = str(CollabEvent(event.kind).label)
    return f"{label} — {event.note}" if event.note else label
