"""What policies plugs into the foundation's extension points (docs/ARCHITECTURE.md); registered
by PoliciesConfig.ready()."""

from __future__ import annotations

from anchordesk.core.registry import (
    register_escalation_facts,
    register_ticket_panel,
    register_timeline_describer,
)
from anchordesk.policies import queries, timeline


def register() -> None:
    register_timeline_describer(timeline.describe_event)
    register_escalation_facts(queries.escalation_facts)
    # The policy decisions panel, rendered with the ticket page (no request of its own).
    register_ticket_panel(queries.ticket_context)
