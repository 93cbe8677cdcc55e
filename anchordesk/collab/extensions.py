"""What collab plugs into the foundation's extension points and events (docs/ARCHITECTURE.md);
registered by CollabConfig.ready()."""

from __future__ import annotations

from typing import Any

from anchordesk.accounts.models import User
from anchordesk.collab import actions, queries, timeline
from anchordesk.collab.views import ticket_panel_context
from anchordesk.core.events import subscribe
from anchordesk.core.registry import (
    MailRouted,
    register_inbound_router,
    register_solve_blocker,
    register_ticket_panel,
    register_timeline_describer,
)
from anchordesk.tickets.models import Ticket


def register() -> None:
    subscribe(actions.on_ticket_event)
    register_solve_blocker(handoffs_still_open)
    register_timeline_describer(timeline.describe_event)
    register_inbound_router(handoff_reply_by_email)
    register_ticket_panel(collab_panel)


def handoffs_still_open(ticket: Ticket) -> list[str]:
    """Solve blocker: handoffs still waiting on another team."""
    return [f"handoff to {h.team.name}: {h.subject}" for h in queries.open_handoffs(ticket)]


def handoff_reply_by_email(parsed: Any, sender: str, force: bool) -> MailRouted | None:
    """Inbound-mail router: an answer to a handoff emailed outside the company is a comment on the
    handoff, never a ticket (None: the email is not about a handoff)."""
    handoff = queries.handoff_for_email(
        [*(parsed.to or []), *(parsed.cc or [])], parsed.subject or "", sender
    )
    if handoff is None:
        return None
    if parsed.is_auto_reply and not force:
        reason = parsed.auto_reply_reason or "automatic message"
        return MailRouted(f"{reason}: automatic reply to handoff #{handoff.pk}", ignored=True)
    actions.do_add_emailed_reply(handoff, (parsed.reply_part() or parsed.text or "").strip(), sender=sender)
    return MailRouted(f"reply to handoff #{handoff.pk}", ticket=handoff.ticket)


def collab_panel(ticket: Ticket, user: User) -> dict[str, Any]:
    """The ticket page's escalation and handoffs, rendered with the page (no request of its own)."""
    return ticket_panel_context(ticket)
