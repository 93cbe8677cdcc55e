"""Changes to automation configuration and to agents' availability. Atomic, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from anchordesk.accounts.models import User
from anchordesk.automation import placeholders
from anchordesk.automation.choices import ACTIONS, TRIGGER_EVENTS
from anchordesk.automation.conditions import RuleError, validate
from anchordesk.automation.models import AgentAvailability, AssignmentPolicy, Macro, Trigger
from anchordesk.automation.services import apply_actions, choose_agent
from anchordesk.core.audit import record_event
from anchordesk.tickets import actions as ticket_actions
from anchordesk.tickets.choices import Status
from anchordesk.tickets.models import Ticket

_EVENT_KINDS = {kind for kind, _ in TRIGGER_EVENTS}


def clean_actions(actions: Any) -> list[dict[str, Any]]:
    if not isinstance(actions, list) or not actions:
        raise ValidationError({"actions": "Add at least one action."})
    cleaned = []
    for index, action in enumerate(actions, 1):
        if not isinstance(action, dict) or action.get("type") not in ACTIONS:
            raise ValidationError({"actions": f"Action #{index}: unknown action type."})
        value = action.get("value")
        expected = ACTIONS[action["type"]]
        if expected == "list" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ValidationError({"actions": f"Action #{index}: needs a list of tags."})
        if expected == "number" and value is not None and not isinstance(value, int):
            raise ValidationError({"actions": f"Action #{index}: needs a number."})
        if action["type"] == "set_status" and value not in Status.values:
            raise ValidationError({"actions": f"Action #{index}: unknown status {value!r}."})
        cleaned.append({"type": action["type"], "value": value})
    return cleaned


@transaction.atomic
def do_save_trigger(
    *,
    actor: User,
    name: str,
    events: list[str],
    conditions: dict[str, Any],
    actions: Any,
    active: bool = True,
    position: int = 0,
    trigger: Trigger | None = None,
) -> Trigger:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A name is required."})
    if not events or any(e not in _EVENT_KINDS for e in events):
        raise ValidationError({"events": "Choose at least one known event."})
    try:
        validate(conditions)
    except RuleError as exc:
        raise ValidationError({"conditions": str(exc)}) from None
    cleaned = clean_actions(actions)
    same_name = Trigger.objects.filter(name__iexact=name)
    if trigger is not None:
        same_name = same_name.exclude(pk=trigger.pk)
    if same_name.exists():
        raise ValidationError({"name": "Another trigger has this name."})
    before = None
    if trigger is None:
        trigger = Trigger(name=name)
    else:
        before = {
            "name": trigger.name,
            "events": trigger.events,
            "conditions": trigger.conditions,
            "actions": trigger.actions,
        }
    trigger.name, trigger.events, trigger.conditions, trigger.actions = name, events, conditions, cleaned
    trigger.active, trigger.position = active, position
    trigger.save()
    record_event(
        "automation.trigger_saved",
        actor=actor,
        obj=trigger,
        before=before,
        after={"name": name, "events": events, "conditions": conditions, "actions": cleaned},
    )
    return trigger


@transaction.atomic
def do_save_macro(
    *,
    actor: User,
    name: str,
    body: str,
    actions: list[dict[str, Any]] | None = None,
    personal: bool = False,
    team_id: int | None = None,
    macro: Macro | None = None,
) -> Macro:
    name, body = (name or "").strip(), (body or "").strip()
    if not name:
        raise ValidationError({"name": "A name is required."})
    if not body:
        raise ValidationError({"body": "A macro needs the reply text."})
    unknown = placeholders.unknown_placeholders(body)
    if unknown:
        raise ValidationError(
            {"body": f"Unknown placeholder: {', '.join(unknown)}. Known: {', '.join(placeholders.KNOWN)}."}
        )
    cleaned = clean_actions(actions) if actions else []
    if not personal and not actor.is_lead:
        raise ValidationError({"personal": "Only leads can create shared macros; save it as personal."})
    macro = macro or Macro()
    macro.name, macro.body, macro.actions = name, body, cleaned
    macro.owner = actor if personal else None
    macro.team_id = team_id
    macro.save()
    record_event("automation.macro_saved", actor=actor, obj=macro, after={"name": name})
    return macro


def macros_for(user: User) -> list[Macro]:
    from django.db.models import Q

    teams = list(user.teams.values_list("pk", flat=True))
    return list(
        Macro.objects.filter(
            Q(owner=user) | Q(owner__isnull=True, team__isnull=True) | Q(owner__isnull=True, team__in=teams)
        )
    )


@transaction.atomic
def do_apply_macro(ticket: Ticket, macro: Macro, *, actor: User) -> str:
    """Apply a macro's actions to the ticket and return its reply text for the reply box."""
    if macro.owner_id is not None and macro.owner_id != actor.pk:
        raise ValidationError({"macro": "This is someone else's personal macro."})
    customer = ticket.customer
    values = {
        "customer.name": customer.display_name,
        "customer.first_name": (customer.name or customer.email).split()[0],
        "customer.email": customer.email,
        "ticket.number": str(ticket.pk),
        "ticket.subject": ticket.subject,
        "agent.name": actor.display_name,
        "agent.first_name": actor.first_name or actor.display_name,
    }
    if macro.actions:
        apply_actions(ticket, macro.actions, rule_name=f"macro {macro.name}")
    Macro.objects.filter(pk=macro.pk).update(usage_count=macro.usage_count + 1)
    return placeholders.render(macro.body, values)


@transaction.atomic
def do_set_availability(
    user: User,
    *,
    actor: User,
    away: bool | None = None,
    on_shift: bool | None = None,
    capacity: int | None = None,
    hand_over: bool = True,
) -> AgentAvailability:
    """Set whether an agent takes new work. Going away hands their unanswered tickets to colleagues,
    unless `hand_over` is False (a short break pauses new work but keeps the agent's tickets)."""
    availability, _ = AgentAvailability.objects.get_or_create(user=user)
    before = {"away": availability.away, "on_shift": availability.on_shift, "capacity": availability.capacity}
    if away is not None:
        availability.away = away
    if on_shift is not None:
        availability.on_shift = on_shift
    if capacity is not None:
        if capacity < 0 or capacity > 1000:
            raise ValidationError({"capacity": "Between 0 and 1000 tickets."})
        availability.capacity = capacity
    availability.save()
    after = {"away": availability.away, "on_shift": availability.on_shift, "capacity": availability.capacity}
    record_event("agent.availability", actor=actor, obj=user, before=before, after=after)
    if hand_over and (availability.away or not availability.on_shift):
        _hand_over(user)
    return availability


def _hand_over(user: User) -> None:
    waiting = Ticket.objects.filter(assignee=user, status__in=[Status.NEW, Status.OPEN], team__isnull=False)
    for ticket in waiting.select_related("team"):
        policy = AssignmentPolicy.objects.filter(team=ticket.team).select_related("team").first()
        if policy is None or policy.strategy == "manual":
            continue
        colleague = choose_agent(ticket, policy, exclude=frozenset({user.pk}))
        ticket_actions.do_assign_ticket(ticket, colleague, actor=None)
