"""Which macros, triggers and time rules a user may reach, the one behind an id (docs/access.md),
and a macro's text for a ticket. Changes nothing.

Personal macros are their owner's alone; shared ones are everyone's, or a team's members'.
Agents change only their own personal macros, leads the shared ones too. Triggers and time rules
are settings of the leads and admins: the pages and the API refuse other roles first (403), and
these lookups then answer a missing rule the same as one the user may not reach.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from anchordesk.accounts.models import User
from anchordesk.automation import placeholders
from anchordesk.automation.models import Macro, TimeRule, Trigger
from anchordesk.core.access import NotAllowed
from anchordesk.tickets.models import Ticket

MACROS_SHOWN = 20


def macros_visible_to(user: User) -> QuerySet[Macro]:
    """Every macro the user may use or see: their own, the shared ones and their teams' ones."""
    teams = list(user.teams.values_list("pk", flat=True))
    return Macro.objects.filter(
        Q(owner=user) | Q(owner__isnull=True, team__isnull=True) | Q(owner__isnull=True, team__in=teams)
    )


def access_macro(user: User, macro_id: int | str) -> Macro:
    """An active macro the user may use; NotAllowed (404) for a missing and a forbidden one alike."""
    found = macros_visible_to(user).filter(pk=_pk(macro_id), active=True).first()
    if found is None:
        raise NotAllowed("No such macro", status=404)
    return found


def access_editable_macro(user: User, macro_id: int | str) -> Macro:
    """A macro this user may change: their own personal one, or a shared one for leads."""
    macro = Macro.objects.filter(pk=_pk(macro_id)).first()
    if macro is None or (macro.owner_id is not None and macro.owner_id != user.pk):
        raise NotAllowed("No such macro", status=404)
    if macro.owner_id is None and not user.is_lead:
        raise NotAllowed("No such macro", status=404)
    return macro


def macros_for(user: User, query: str = "") -> list[Macro]:
    """Active macros the user may use, most used first, matching the words typed (name or text)."""
    found = macros_visible_to(user).filter(active=True)
    query = (query or "").strip()
    if query:
        found = found.filter(Q(name__icontains=query) | Q(body__icontains=query))
    return list(found.select_related("team").order_by("-usage_count", "name")[:MACROS_SHOWN])


def macro_status(macro: Macro) -> str | None:
    """The status the macro sets, so the reply box can show it in its status picker before sending."""
    return next((str(a.get("value")) for a in macro.actions or [] if a.get("type") == "set_status"), None)


def placeholder_values(ticket: Ticket, agent: User | None) -> dict[str, str]:
    """The values of a text's placeholders (automation/placeholders.py) on this ticket: the
    customer's, the ticket's and the agent's; with no agent (a rule's email to an unassigned
    ticket), the team signs."""
    customer = ticket.customer
    return {
        "customer.name": customer.display_name,
        "customer.first_name": (customer.name or customer.email).split()[0],
        "customer.email": customer.email,
        "ticket.number": str(ticket.pk),
        "ticket.subject": ticket.subject,
        "agent.name": agent.display_name if agent else "The support team",
        "agent.first_name": (agent.first_name or agent.display_name) if agent else "The support team",
    }


def macro_values(ticket: Ticket, actor: User) -> dict[str, str]:
    """A macro's placeholders: the agent is the one using it."""
    return placeholder_values(ticket, actor)


def render_macro(ticket: Ticket, macro: Macro, *, actor: User) -> str:
    """The macro's reply text for this ticket, placeholders filled. Changes nothing."""
    if macro.owner_id is not None and macro.owner_id != actor.pk:
        raise ValidationError({"macro": "This is someone else's personal macro."})
    return placeholders.render(macro.body, macro_values(ticket, actor))


def triggers_visible_to(user: User) -> QuerySet[Trigger]:
    return Trigger.objects.all() if user.is_lead else Trigger.objects.none()


def time_rules_visible_to(user: User) -> QuerySet[TimeRule]:
    return TimeRule.objects.all() if user.is_lead else TimeRule.objects.none()


def access_trigger(user: User, trigger_id: int) -> Trigger:
    trigger = triggers_visible_to(user).filter(pk=trigger_id).first()
    if trigger is None:
        raise NotAllowed("No such trigger", status=404)
    return trigger


def access_time_rule(user: User, rule_id: int) -> TimeRule:
    rule = time_rules_visible_to(user).filter(pk=rule_id).first()
    if rule is None:
        raise NotAllowed("No such time rule", status=404)
    return rule


def _pk(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotAllowed("No such macro", status=404) from None
