"""What insights plugs into the foundation's events (docs/ARCHITECTURE.md); registered by
InsightsConfig.ready()."""

from __future__ import annotations

from anchordesk.core.events import subscribe
from anchordesk.insights import facts


def register() -> None:
    # Listed after sla, recovery and collab in INSTALLED_APPS, so their handlers have run
    # (timers met, temperature scored) by the time this one reads the outcome.
    subscribe(facts.on_ticket_event, may_wait=True)
