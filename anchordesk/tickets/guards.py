"""What solving a ticket would leave behind: the one place the actions ask before solving or closing.

The reasons come from the apps that own the open work (promises in recovery, handoffs in collab).
Once the solve-blockers registry lands in core, this asks the registry instead of importing them.
"""

from __future__ import annotations

from anchordesk.tickets.models import Ticket


def open_work_reasons(ticket: Ticket) -> list[str]:
    """Promises and handoffs still open on the ticket, in words an agent reads ("promise: ...")."""
    # Imported here: recovery and collab are built on tickets (the registry will replace this).
    from anchordesk.collab.queries import open_handoffs
    from anchordesk.recovery.actions import open_commitments

    reasons = [f"promise: {c.action}" for c in open_commitments(ticket)]
    reasons += [f"handoff to {h.team.name}: {h.subject}" for h in open_handoffs(ticket)]
    return reasons
