"""Writing audit events. Called only from actions, inside their transaction."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db.models import TextChoices

from anchordesk.core.events import publish
from anchordesk.core.models import AuditEvent

# Set by automation while a rule acts, so each change it makes is audited with the rule's name.
audit_note: ContextVar[str] = ContextVar("audit_note", default="")

if TYPE_CHECKING:
    from anchordesk.accounts.models import Customer, User
    from anchordesk.tickets.models import Ticket


def record_event(
    kind: TextChoices,
    *,
    actor: User | None = None,
    actor_customer: Customer | None = None,
    ticket: Ticket | None = None,
    obj: Any = None,
    before: Any = None,
    after: Any = None,
    note: str = "",
) -> AuditEvent:
    """Write one audit event. `kind` is a member of its app's event enum (EventKind, AccountEvent...
    in the app's choices.py), never a bare string: the stored value is the member's value."""
    if obj is None and ticket is not None:
        obj = ticket
    event = AuditEvent.objects.create(
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_customer=actor_customer,
        ticket=ticket,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        before=before,
        after=after,
        note=(note or audit_note.get())[:300],
    )
    event.held_object = obj
    if ticket is not None:
        publish(event)
    return event
