"""What automation plugs into the foundation's extension points and events (docs/ARCHITECTURE.md);
registered by AutomationConfig.ready()."""

from __future__ import annotations

from anchordesk.accounts.models import User
from anchordesk.automation import engine, timeline
from anchordesk.automation.actions import do_use_macros
from anchordesk.core.events import subscribe
from anchordesk.core.registry import register_reply_macros, register_timeline_describer
from anchordesk.tickets.models import Ticket


def register() -> None:
    subscribe(engine.on_ticket_event)
    register_timeline_describer(timeline.describe_event)
    register_reply_macros(use_macros)


def use_macros(ticket: Ticket, macro_ids: list[str], actor: User, status_chosen: bool) -> None:
    """The macros inserted into a reply: their actions run with it, or not at all."""
    do_use_macros(ticket, macro_ids, actor=actor, keep_status=status_chosen)
