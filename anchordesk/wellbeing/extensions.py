"""What wellbeing plugs into the foundation's extension points and events (docs/ARCHITECTURE.md);
registered by WellbeingConfig.ready()."""

from __future__ import annotations

from anchordesk.core.events import subscribe
from anchordesk.core.registry import register_ticket_panel, register_timeline_describer
from anchordesk.wellbeing import actions, timeline
from anchordesk.wellbeing.views import ticket_panel_context


def register() -> None:
    subscribe(actions.on_ticket_event)
    register_timeline_describer(timeline.describe_event)
    # The hard-conversation panel, rendered with the ticket page (no request of its own).
    register_ticket_panel(ticket_panel_context)
