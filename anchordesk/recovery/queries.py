"""What a user may see of promises and mistakes: those on tickets they may see (tickets.queries).

access_* fetch one with that check; missing and not visible are the same Http404 (docs/access.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from anchordesk.accounts.models import User
from anchordesk.recovery.models import MessageSignal, Mistake, Promise
from anchordesk.recovery.temperature import message_heat
from anchordesk.tickets.models import Ticket
from anchordesk.tickets.queries import tickets_visible_to


def promises_visible_to(user: User) -> QuerySet[Promise]:
    return Promise.objects.filter(ticket__in=tickets_visible_to(user))


def mistakes_visible_to(user: User) -> QuerySet[Mistake]:
    return Mistake.objects.filter(ticket__in=tickets_visible_to(user))


def access_promise(user: User, promise_id: int) -> Promise:
    promise = promises_visible_to(user).select_related("owner", "ticket").filter(pk=promise_id).first()
    if promise is None:
        raise Http404
    return promise


def access_mistake(user: User, mistake_id: int) -> Mistake:
    mistake = mistakes_visible_to(user).select_related("ticket").filter(pk=mistake_id).first()
    if mistake is None:
        raise Http404
    return mistake


def escalation_facts(ticket: Ticket) -> dict[str, Any]:
    """Escalation facts (core/registry.py): how hot each customer message ran, the promises and
    the mistakes on the ticket, for the lead's escalation page."""
    signals = MessageSignal.objects.filter(ticket=ticket).order_by("created_at", "id")[:100]
    points = [
        {
            "at": s.created_at,
            "heat": round(message_heat(s)),
            "abusive": s.abusive,
            "manager_request": bool(s.manager_request),
            "evidence": [e.get("text") for e in s.evidence if isinstance(e, dict) and e.get("text")][:3],
        }
        for s in signals
    ]
    return {
        "temperature_points": points,
        "promises": list(
            Promise.objects.filter(ticket=ticket).select_related("owner").order_by("due_at", "id")
        ),
        "mistakes": list(
            Mistake.objects.filter(ticket=ticket).select_related("logged_by").order_by("-created_at")
        ),
    }
