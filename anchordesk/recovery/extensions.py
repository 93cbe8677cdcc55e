"""What recovery plugs into the foundation's extension points and events (docs/ARCHITECTURE.md);
registered by RecoveryConfig.ready()."""

from __future__ import annotations

from typing import Any

from anchordesk.accounts.models import User
from anchordesk.core.events import subscribe
from anchordesk.core.models import AuditEvent
from anchordesk.core.registry import (
    DeferredAnalysis,
    register_bulk_solve_warnings,
    register_conversation_moved,
    register_deferred_analysis,
    register_escalation_facts,
    register_inbox_rows,
    register_solve_blocker,
    register_ticket_panel,
    register_timeline_describer,
)
from anchordesk.recovery import queries, temperature, timeline
from anchordesk.recovery.actions import (
    do_move_promises,
    do_move_promises_with_messages,
    do_propose_from_reply,
    do_record_outcomes_from,
    do_suggest_apology_step,
)
from anchordesk.recovery.tasks import score_messages_task
from anchordesk.recovery.views import ticket_context
from anchordesk.tickets.models import Message, Ticket


def register() -> None:
    subscribe(temperature.on_ticket_event)
    subscribe(propose_promises)
    subscribe(record_outcomes, may_wait=True)
    register_solve_blocker(promises_still_open)
    register_timeline_describer(timeline.describe_event)
    register_conversation_moved(promises_follow_the_conversation)
    register_ticket_panel(temperature_panel)
    register_ticket_panel(recovery_panel)
    register_inbox_rows(temperature_rows)
    register_bulk_solve_warnings(promises_left_open)
    register_escalation_facts(queries.escalation_facts)
    # Bulk email ingest scores the customers' words after its batch commits, in the worker.
    register_deferred_analysis(DeferredAnalysis(temperature.scoring_deferred, score_messages_task))


def propose_promises(event: AuditEvent) -> None:
    """The promises in a sent reply are proposed to its author to confirm, edit or drop."""
    if event.kind != "ticket.replied" or event.object_id is None:
        return
    message = event.held_object  # the reply as do_reply holds it, with its author and locked ticket
    if not isinstance(message, Message) or message.pk != event.object_id:
        message = Message.objects.select_related("author", "ticket").filter(pk=event.object_id).first()
    if message is not None and message.author is not None:
        do_propose_from_reply(message, tz=message.author.timezone or "UTC")
        do_suggest_apology_step(message)


def record_outcomes(event: AuditEvent) -> None:
    """A customer who comes back, or rates us well, after a mistake stayed."""
    if event.kind not in ("ticket.created", "csat.rated") or event.ticket is None:
        return
    rating = event.after.get("rating", "") if isinstance(event.after, dict) else ""
    do_record_outcomes_from(event.kind, event.ticket, rating=rating)


def promises_still_open(ticket: Ticket) -> list[str]:
    """Solve blocker: promises to the customer not yet kept or dropped."""
    return [f"promise: {c.action}" for c in queries.open_promises(ticket)]


def promises_left_open(ticket_ids: list[int]) -> list[str]:
    """Bulk-solve warning: the tickets just solved that still hold open promises."""
    return [
        f"#{pk} still has {n} open promise{'s' if n != 1 else ''}: keep or drop them."
        for pk, n in sorted(queries.open_promise_counts(ticket_ids).items())
    ]


def promises_follow_the_conversation(
    source: Ticket, target: Ticket, message_ids: list[int] | None, actor: User
) -> None:
    """The promises made to the customer go where the conversation went: left on the closed
    source they would escalate on a ticket nobody works, or be forgotten once kept elsewhere.
    On a split, only the promises made in the replies that moved go with them."""
    if message_ids is None:
        do_move_promises(source, target, actor=actor)
    else:
        do_move_promises_with_messages(source, target, message_ids, actor=actor)


def temperature_panel(ticket: Ticket, user: User) -> dict[str, Any]:
    """The ticket page's temperature badge and the de-escalation hint for a heated conversation."""
    hint, title = temperature.hint_and_title(ticket)
    return {
        "temperature_level": temperature.level(ticket.temperature),
        "hint": hint,
        "temperature_title": title,
    }


def recovery_panel(ticket: Ticket, user: User) -> dict[str, Any]:
    """The ticket page's promises and mistakes, and the promises found in the viewer's own replies."""
    context = ticket_context(ticket, user)
    context["open_promises_count"] = sum(c.state in ("proposed", "open") for c in context["promises"])
    return context


def temperature_rows(tickets: list[Ticket]) -> dict[str, Any]:
    """The inbox's temperature badges: set on each ticket of the page, nothing added to the context."""
    temperature.annotate_temperature(tickets)
    return {}
