"""Reading automation: the macros a person may use, and a macro's text for a ticket. Changes nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from anchordesk.accounts.models import User
from anchordesk.automation import placeholders
from anchordesk.automation.models import Macro
from anchordesk.tickets.models import Ticket

MACROS_SHOWN = 20


def macros_for(user: User, query: str = "") -> list[Macro]:
    """Active macros the user may use, most used first, matching the words typed (name or text)."""
    found = macros_for_all(user).filter(active=True)
    query = (query or "").strip()
    if query:
        found = found.filter(Q(name__icontains=query) | Q(body__icontains=query))
    return list(found.select_related("team").order_by("-usage_count", "name")[:MACROS_SHOWN])


def macro_values(ticket: Ticket, actor: User) -> dict[str, str]:
    customer = ticket.customer
    return {
        "customer.name": customer.display_name,
        "customer.first_name": (customer.name or customer.email).split()[0],
        "customer.email": customer.email,
        "ticket.number": str(ticket.pk),
        "ticket.subject": ticket.subject,
        "agent.name": actor.display_name,
        "agent.first_name": actor.first_name or actor.display_name,
    }


def render_macro(ticket: Ticket, macro: Macro, *, actor: User) -> str:
    """The macro's reply text for this ticket, placeholders filled. Changes nothing."""
    if macro.owner_id is not None and macro.owner_id != actor.pk:
        raise ValidationError({"macro": "This is someone else's personal macro."})
    return placeholders.render(macro.body, macro_values(ticket, actor))


def access_macro(user: User, macro_id: int) -> Macro:
    """A macro the user may use, else Http404 (missing and forbidden look the same)."""
    found = macros_for_all(user).filter(pk=macro_id, active=True).first()
    if found is None:
        raise Http404("No such macro")
    return found


def macros_for_all(user: User) -> QuerySet[Macro]:
    """Every macro the user may use or see: their own, the shared ones and their teams' ones."""
    teams = list(user.teams.values_list("pk", flat=True))
    return Macro.objects.filter(
        Q(owner=user) | Q(owner__isnull=True, team__isnull=True) | Q(owner__isnull=True, team__in=teams)
    )
