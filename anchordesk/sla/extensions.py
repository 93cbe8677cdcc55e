"""What SLAs plug into the foundation's extension points and events (docs/ARCHITECTURE.md);
registered by SlaConfig.ready()."""

from __future__ import annotations

from typing import Any

from anchordesk.core.events import subscribe
from anchordesk.core.registry import register_inbox_rows, register_inbox_sort, register_inbox_view_filter
from anchordesk.sla import timers
from anchordesk.sla.queries import annotate_sla_due, breaching_sla, sla_for_tickets
from anchordesk.tickets.models import Ticket


def register() -> None:
    subscribe(timers.on_ticket_event)
    register_inbox_rows(sla_rows)
    register_inbox_view_filter("breaching", breaching_sla)
    register_inbox_sort("sla", annotate_sla_due)


def sla_rows(tickets: list[Ticket]) -> dict[str, Any]:
    """The inbox's SLA column: the most urgent target of each ticket on the page, in one query."""
    return {"sla": sla_for_tickets(tickets)}
