from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from anchordesk.tickets.models import Ticket


class RecoveryConfig(AppConfig):
    name = "anchordesk.recovery"
    label = "recovery"
    verbose_name = "Promises and recovery"

    def ready(self) -> None:
        from anchordesk.core.events import subscribe
        from anchordesk.core.registry import register_solve_blocker
        from anchordesk.recovery import temperature

        subscribe(temperature.on_ticket_event)
        subscribe(_propose_commitments)
        subscribe(_record_outcomes, may_wait=True)
        register_solve_blocker(_open_promises)


def _propose_commitments(event: Any) -> None:
    """A sent reply's promises become proposed commitments for its author to confirm, edit or drop."""
    from anchordesk.recovery.actions import do_propose_from_reply, suggest_apology_step
    from anchordesk.tickets.models import Message

    if event.kind != "ticket.replied" or event.object_id is None:
        return
    message = Message.objects.select_related("author", "ticket").filter(pk=event.object_id).first()
    if message is not None and message.author is not None:
        do_propose_from_reply(message, tz=message.author.timezone or "UTC")
        suggest_apology_step(message)


def _record_outcomes(event: Any) -> None:
    """A customer who comes back, or rates us well, after a mistake stayed."""
    from anchordesk.recovery.actions import record_outcomes_from

    if event.kind not in ("ticket.created", "csat.rated") or event.ticket is None:
        return
    rating = event.after.get("rating", "") if isinstance(event.after, dict) else ""
    record_outcomes_from(event.kind, event.ticket, rating=rating)


def _open_promises(ticket: Ticket) -> list[str]:
    """Solve blocker: promises to the customer not yet kept or dropped."""
    from anchordesk.recovery.actions import open_commitments

    return [f"promise: {c.action}" for c in open_commitments(ticket)]
