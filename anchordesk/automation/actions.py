"""Changes to automation configuration and to agents' availability. Atomic, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from anchordesk.accounts.models import Team, User
from anchordesk.automation import placeholders
from anchordesk.automation.choices import ACTIONS, TRIGGER_EVENTS, AutomationEvent, Strategy
from anchordesk.automation.conditions import RuleError, validate
from anchordesk.automation.engine import choose_agent, do_apply_actions
from anchordesk.automation.models import AgentAvailability, AssignmentPolicy, Macro, TimeRule, Trigger
from anchordesk.automation.queries import access_macro, render_macro
from anchordesk.core.access import NotAllowed
from anchordesk.core.audit import record_event
from anchordesk.integrations.models import Webhook
from anchordesk.tickets import actions as ticket_actions
from anchordesk.tickets.choices import Status
from anchordesk.tickets.models import Ticket

_EVENT_KINDS = {kind for kind, _ in TRIGGER_EVENTS}


def _clean_actions(actions: Any) -> list[dict[str, Any]]:
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
        if action["type"] in ("email_customer", "add_note") and not (
            isinstance(value, str) and value.strip()
        ):
            raise ValidationError({"actions": f"Action #{index}: write the text."})
        if action["type"] == "email_customer" and (unknown := placeholders.unknown_placeholders(str(value))):
            raise ValidationError({"actions": f"Action #{index}: unknown placeholder {', '.join(unknown)}."})
        if action["type"] == "call_webhook" and not Webhook.objects.filter(pk=int(value or 0)).exists():
            raise ValidationError({"actions": f"Action #{index}: choose an existing webhook."})
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
    cleaned = _clean_actions(actions)
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
        AutomationEvent.TRIGGER_SAVED,
        actor=actor,
        obj=trigger,
        before=before,
        after={"name": name, "events": events, "conditions": conditions, "actions": cleaned},
    )
    return trigger


@transaction.atomic
def do_save_time_rule(
    *,
    actor: User,
    name: str,
    conditions: dict[str, Any],
    actions: Any,
    active: bool = True,
    rule: TimeRule | None = None,
) -> TimeRule:
    """Create or change a time rule. It needs at least one condition: a rule with none would act
    on every active ticket at the next scan."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A name is required."})
    try:
        validate(conditions)
    except RuleError as exc:
        raise ValidationError({"conditions": str(exc)}) from None
    if not conditions.get("all") and not conditions.get("any"):
        raise ValidationError(
            {"conditions": "Add at least one condition, such as hours_since_update is more than 72."}
        )
    cleaned = _clean_actions(actions)
    same_name = TimeRule.objects.filter(name__iexact=name)
    if rule is not None:
        same_name = same_name.exclude(pk=rule.pk)
    if same_name.exists():
        raise ValidationError({"name": "Another time rule has this name."})
    before = None
    if rule is None:
        rule = TimeRule(name=name)
    else:
        before = {
            "name": rule.name,
            "conditions": rule.conditions,
            "actions": rule.actions,
            "active": rule.active,
        }
    rule.name, rule.conditions, rule.actions, rule.active = name, conditions, cleaned, active
    rule.save()
    record_event(
        AutomationEvent.TIME_RULE_SAVED,
        actor=actor,
        obj=rule,
        before=before,
        after={"name": name, "conditions": conditions, "actions": cleaned, "active": active},
    )
    return rule


# The kind recorded when a rule is switched on (True) or off (False).
_SWITCHED: dict[tuple[type[Trigger | TimeRule | Macro], bool], AutomationEvent] = {
    (Trigger, True): AutomationEvent.TRIGGER_ENABLED,
    (Trigger, False): AutomationEvent.TRIGGER_DISABLED,
    (TimeRule, True): AutomationEvent.TIME_RULE_ENABLED,
    (TimeRule, False): AutomationEvent.TIME_RULE_DISABLED,
    (Macro, True): AutomationEvent.MACRO_ENABLED,
    (Macro, False): AutomationEvent.MACRO_DISABLED,
}


@transaction.atomic
def do_set_rule_active(rule: Trigger | TimeRule | Macro, active: bool, *, actor: User) -> None:
    """Disable or enable a trigger, time rule or macro; it is kept, with its history."""
    if isinstance(rule, Macro):
        _check_macro_owner(rule, actor)
    before = rule.active
    rule.active = active
    rule.save(update_fields=["active"])
    record_event(
        _SWITCHED[type(rule), active],
        actor=actor,
        obj=rule,
        before={"active": before},
        after={"active": active, "name": rule.name},
    )


def _check_macro_owner(macro: Macro, actor: User) -> None:
    """Personal macros belong to their owner; shared ones to the leads."""
    if macro.owner_id is not None and macro.owner_id != actor.pk:
        raise ValidationError({"macro": "This is someone else's personal macro."})
    if macro.owner_id is None and not actor.is_lead:
        raise ValidationError({"macro": "Only leads change shared macros."})


@transaction.atomic
def do_save_macro(
    *,
    actor: User,
    name: str,
    body: str,
    actions: list[dict[str, Any]] | None = None,
    personal: bool = False,
    team_id: int | None = None,
    active: bool = True,
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
    cleaned = _clean_actions(actions) if actions else []
    if not personal and not actor.is_lead:
        raise ValidationError({"personal": "Only leads can create shared macros; save it as personal."})
    if macro is not None:
        _check_macro_owner(macro, actor)
    if personal:
        team_id = None
    elif team_id is not None and not Team.objects.filter(pk=team_id).exists():
        raise ValidationError({"team": "That team does not exist."})
    before = None if macro is None else {"name": macro.name, "body": macro.body, "actions": macro.actions}
    macro = macro or Macro()
    macro.name, macro.body, macro.actions, macro.active = name, body, cleaned, active
    macro.owner = actor if personal else None
    macro.team_id = team_id
    macro.save()
    record_event(
        AutomationEvent.MACRO_SAVED,
        actor=actor,
        obj=macro,
        before=before,
        after={"name": name, "body": body, "actions": cleaned, "team": team_id, "personal": personal},
    )
    return macro


@transaction.atomic
def do_apply_macro(ticket: Ticket, macro: Macro, *, actor: User) -> str:
    """Apply a macro's actions to the ticket and return its reply text for the reply box."""
    text = render_macro(ticket, macro, actor=actor)
    do_apply_macro_actions(ticket, macro, actor=actor)
    return text


@transaction.atomic
def do_apply_macro_actions(ticket: Ticket, macro: Macro, *, actor: User, keep_status: bool = False) -> None:
    """A macro was used on the ticket: carry out its actions as the agent, and count the use.
    With `keep_status`, the status the agent chose in the reply box stands: the macro's own
    "set status" is left out, so nothing happens that the agent did not see."""
    if macro.owner_id is not None and macro.owner_id != actor.pk:
        raise ValidationError({"macro": "This is someone else's personal macro."})
    actions = [a for a in macro.actions or [] if not (keep_status and a.get("type") == "set_status")]
    if actions:
        do_apply_actions(ticket, actions, rule_name=f"macro {macro.name}", actor=actor)
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1)


@transaction.atomic
def do_use_macros(
    ticket: Ticket, macro_ids: list[str], *, actor: User, keep_status: bool = False
) -> list[Macro]:
    """The macros an agent inserted into a reply, applied when the reply is sent."""
    used: list[Macro] = []
    for raw in dict.fromkeys(macro_ids):
        try:
            macro = access_macro(actor, raw)
        except NotAllowed:
            raise ValidationError({"macro": "A macro in this reply no longer exists."}) from None
        do_apply_macro_actions(ticket, macro, actor=actor, keep_status=keep_status)
        used.append(macro)
    return used


@transaction.atomic
def do_save_assignment(team: Team, strategy: str, *, actor: User) -> AssignmentPolicy:
    """How new tickets of a team find an agent: manual, round-robin, least loaded or skills."""
    if strategy not in Strategy.values:
        raise ValidationError({"strategy": "Choose one of the assignment methods."})
    policy, _ = AssignmentPolicy.objects.get_or_create(team=team)
    before = policy.strategy
    policy.strategy = strategy
    policy.save(update_fields=["strategy"])
    record_event(AutomationEvent.ASSIGNMENT_SAVED, actor=actor, obj=policy, before=before, after=strategy)
    return policy


@transaction.atomic
def do_set_skills(user: User, skills: list[str], *, actor: User) -> User:
    """An agent's skills, matched against ticket tags by skills-based assignment (lower case)."""
    cleaned = sorted({s.strip().lower() for s in skills if s.strip()})
    if any(len(s) > 50 for s in cleaned):
        raise ValidationError({"skills": "Each skill is at most 50 characters."})
    if len(cleaned) > 50:
        raise ValidationError({"skills": "At most 50 skills."})
    before = list(user.skills or [])
    user.skills = cleaned
    user.save(update_fields=["skills"])
    record_event(AutomationEvent.AGENT_SKILLS, actor=actor, obj=user, before=before, after=cleaned)
    return user


@transaction.atomic
def do_save_agent_routing(
    user: User, *, actor: User, skills: list[str], away: bool, on_shift: bool, capacity: int
) -> AgentAvailability:
    """An agent's skills, capacity and shift from the assignment page, saved together or not at all."""
    do_set_skills(user, skills, actor=actor)
    return do_set_availability(user, actor=actor, away=away, on_shift=on_shift, capacity=capacity)


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
    record_event(AutomationEvent.AGENT_AVAILABILITY, actor=actor, obj=user, before=before, after=after)
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
