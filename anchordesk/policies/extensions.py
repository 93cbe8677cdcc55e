"""What policies plugs into the foundation's extension points (docs/ARCHITECTURE.md); registered
by PoliciesConfig.ready()."""

from __future__ import annotations

from anchordesk.core.registry import register_ticket_panel, register_timeline_describer
from anchordesk.policies import timeline
from anchordesk.policies.queries import ticket_context


def register() -> None:
    register_timeline_describer(timeline.describe_event)
    # The policy decisions panel, rendered with the ticket page (no request of its own).
    register_ticket_panel(ticket_context)
