from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from anchordesk.tickets.models import Ticket


class CollabConfig(AppConfig):
    name = "anchordesk.collab"
    label = "collab"
    verbose_name = "Escalations and handoffs"

    def ready(self) -> None:
        from anchordesk.collab import actions
        from anchordesk.core.events import subscribe
        from anchordesk.core.registry import register_solve_blocker

        subscribe(actions.on_ticket_event)
        register_solve_blocker(_open_handoffs)


def _open_handoffs(ticket: Ticket) -> list[str]:
    """Solve blocker: handoffs still waiting on another team."""
    from anchordesk.collab.queries import open_handoffs

    return [f"handoff to {h.team.name}: {h.subject}" for h in open_handoffs(ticket)]
