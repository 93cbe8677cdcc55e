"""What automation plugs into the foundation's extension points and events (docs/ARCHITECTURE.md);
registered by AutomationConfig.ready()."""

from __future__ import annotations

from anchordesk.automation import services, timeline
from anchordesk.core.events import subscribe
from anchordesk.core.registry import register_timeline_describer


def register() -> None:
    subscribe(services.on_ticket_event)
    register_timeline_describer(timeline.describe_event)
