"""Automation reacting to ticket events: assignment and triggers.

Runs inside the transaction of the change that caused it (see core/events.py). A rule
never fires again on a change it made itself, and chains stop after MAX_DEPTH rules.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone

from anchordesk.accounts.models import Team, User
from anchordesk.automation import placeholders
from anchordesk.automation.choices import AutomationEvent, Strategy
from anchordesk.automation.conditions import Change, matches
from anchordesk.automation.csat import do_send_survey
from anchordesk.automation.language import language_skills
from anchordesk.automation.models import AgentAvailability, AssignmentPolicy, Trigger
from anchordesk.automation.queries import placeholder_values
from anchordesk.core.audit import audit_note, record_event
from anchordesk.core.models import AuditEvent
from anchordesk.core.request_cache import forget_on_change, request_cached
from anchordesk.integrations.enqueue import do_queue_delivery
from anchordesk.integrations.models import Webhook
from anchordesk.tickets import actions as ticket_actions
from anchordesk.tickets.choices import ACTIVE_STATUSES, EventKind, MessageKind
from anchordesk.tickets.models import Ticket

log = logging.getLogger(__name__)

MAX_DEPTH = 5
_running: ContextVar[tuple[int, ...]] = ContextVar("running_rules", default=())

_CHANGE_FIELDS: dict[str, str] = {
    EventKind.STATUS: "status",
    EventKind.PRIORITY: "priority",
    EventKind.ASSIGNED: "assignee",
    EventKind.TEAM: "team",
    EventKind.TAGS: "tags",
    "ticket.temperature": "temperature",  # recorded by recovery
}


def _organization(ticket: Ticket) -> Any:
    return ticket.customer.organization if ticket.customer_id else None


# Each fact and how to read it. The cheap ones come from the ticket row; the tags and the
# customer's organization cost a query each and are read only when a condition asks.
_FACTS: dict[str, Callable[[Ticket, str, datetime], Any]] = {
    "event": lambda t, kind, now: kind,
    "status": lambda t, kind, now: t.status,
    "priority": lambda t, kind, now: t.priority,
    "channel": lambda t, kind, now: t.channel,
    "team": lambda t, kind, now: t.team_id,
    "assignee": lambda t, kind, now: t.assignee_id,
    # .all(), not values_list: a scan that prefetched the tags reads them from memory.
    "tags": lambda t, kind, now: sorted(tag.name for tag in t.tags.all()),
    "subject": lambda t, kind, now: t.subject,
    "organization": lambda t, kind, now: org.pk if (org := _organization(t)) else None,
    "tier": lambda t, kind, now: org.tier if (org := _organization(t)) else "standard",
    "hours_since_update": lambda t, kind, now: (now - t.updated_at).total_seconds() / 3600,
    "hours_since_created": lambda t, kind, now: (now - t.created_at).total_seconds() / 3600,
    "hours_since_customer_message": lambda t, kind, now: (
        (now - t.last_customer_message_at).total_seconds() / 3600 if t.last_customer_message_at else None
    ),
    "temperature": lambda t, kind, now: t.temperature,
}


class TicketFacts(Mapping[str, Any]):
    """A ticket's facts, each read at its first use: a trigger on the subject never loads the tags."""

    def __init__(self, ticket: Ticket, event_kind: str = "") -> None:
        self._ticket, self._kind, self._now = ticket, event_kind, timezone.now()
        self._values: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._values:
            self._values[key] = _FACTS[key](self._ticket, self._kind, self._now)
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_FACTS)

    def __len__(self) -> int:
        return len(_FACTS)


def ticket_facts(ticket: Ticket, event_kind: str = "") -> dict[str, Any]:
    return dict(TicketFacts(ticket, event_kind))


def active_triggers() -> list[Trigger]:
    """The active triggers, read once per request (or batch) however many events it publishes."""
    return request_cached("automation.triggers", lambda: list(Trigger.objects.filter(active=True)))


forget_on_change(Trigger, "automation.triggers")


def rule_values(ticket: Ticket) -> dict[str, str]:
    """Placeholders in an email a rule sends: the agent is the ticket's assignee, else the team."""
    return placeholder_values(ticket, ticket.assignee)


def ticket_payload(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "team": ticket.team_id,
        "assignee": ticket.assignee_id,
        "customer": ticket.customer.email,
    }


def _ref_id(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def _change(event: AuditEvent) -> Change | None:
    field = _CHANGE_FIELDS.get(event.kind)
    if field is None:
        return None
    return Change(field=field, before=_ref_id(event.before), after=_ref_id(event.after))


def on_ticket_event(event: AuditEvent) -> None:
    ticket = event.ticket
    if ticket is None:
        return
    if event.kind == EventKind.CREATED or (event.kind == EventKind.TEAM and ticket.assignee_id is None):
        do_auto_assign(ticket)
    if event.kind == EventKind.STATUS and event.after == "solved":
        do_send_survey(ticket)
    do_run_triggers(event)


def do_run_triggers(event: AuditEvent) -> list[str]:
    ticket = event.ticket
    if ticket is None:
        return []
    running = _running.get()
    if len(running) >= MAX_DEPTH:
        log.warning("automation chain stopped", extra={"ticket_id": event.ticket_id, "rules": list(running)})
        return []
    triggers = [t for t in active_triggers() if event.kind in t.events and t.pk not in running]
    if not triggers:
        return []
    change = _change(event)
    fired = []
    # Facts are read as conditions ask for them, and afresh only after a trigger changed the ticket.
    facts = TicketFacts(ticket, event.kind)
    for trigger in triggers:
        if not matches(trigger.conditions, facts, change):
            continue
        do_apply_actions(ticket, trigger.actions, rule_name=trigger.name, rule_id=trigger.pk)
        fired.append(trigger.name)
        ticket.refresh_from_db()
        facts = TicketFacts(ticket, event.kind)
    return fired


def do_apply_actions(
    ticket: Ticket,
    actions: list[dict[str, Any]],
    *,
    rule_name: str,
    rule_id: int | None = None,
    actor: User | None = None,
) -> None:
    """Carry out a rule's actions through the ticket actions, each audited with the rule's name.

    `actor` is the agent who used a macro; rules that fire on their own act as nobody.
    """
    running_token = _running.set((*_running.get(), rule_id or 0))
    note_token = audit_note.set(f"rule: {rule_name}")
    try:
        record_event(
            AutomationEvent.RULE_FIRED,
            actor=actor,
            ticket=ticket,
            after={"rule": rule_name, "actions": actions},
        )
        for action in actions:
            try:
                _apply_one(ticket, action, actor, rule_name)
            except (ValidationError, User.DoesNotExist, Team.DoesNotExist, Webhook.DoesNotExist) as exc:
                # A rule pointing at a deleted team or a value that no longer fits must not block the ticket change.
                record_event(
                    AutomationEvent.ACTION_FAILED, ticket=ticket, after={"action": action, "error": str(exc)}
                )
            ticket.refresh_from_db()
    finally:
        audit_note.reset(note_token)
        _running.reset(running_token)


def _apply_one(ticket: Ticket, action: dict[str, Any], actor: User | None, rule_name: str) -> None:
    kind, value = action.get("type"), action.get("value")
    if kind == "set_priority":
        ticket_actions.do_set_priority(ticket, int(value or 0), actor=actor)
    elif kind == "set_status":
        ticket_actions.do_set_status(ticket, str(value), actor=actor)
    elif kind == "set_team":
        ticket_actions.do_set_team(ticket, Team.objects.get(pk=value) if value else None, actor=actor)
    elif kind == "set_assignee":
        ticket_actions.do_assign_ticket(ticket, User.objects.get(pk=value) if value else None, actor=actor)
    elif kind == "add_tags":
        ticket_actions.do_change_tags(ticket, actor=actor, add=list(value or []))
    elif kind == "remove_tags":
        ticket_actions.do_change_tags(ticket, actor=actor, remove=list(value or []))
    elif kind == "add_note":
        ticket_actions.do_add_system_note(ticket, str(value))
    elif kind == "email_customer":
        ticket_actions.do_send_automatic_reply(
            ticket, placeholders.render(str(value), rule_values(ticket)), rule_name=rule_name
        )
    elif kind == "call_webhook":
        webhook = Webhook.objects.get(pk=int(value or 0), active=True)
        do_queue_delivery(webhook, "automation.rule", {"rule": rule_name, "ticket": ticket_payload(ticket)})
    else:
        raise ValidationError({"actions": f"Unknown action {kind!r}."})


def available_agents(team: Team) -> list[User]:
    """Team members who work tickets, are on shift and not away."""
    unavailable = AgentAvailability.objects.filter(Q(away=True) | Q(on_shift=False)).values("user_id")
    members = team.members.filter(is_active=True).exclude(pk__in=unavailable).exclude(role="collaborator")
    return [m for m in members.order_by("pk") if m.works_tickets]


def open_load(users: list[User]) -> dict[int, int]:
    rows = (
        Ticket.objects.filter(assignee__in=users, status__in=ACTIVE_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("id"))
    )
    load = {u.pk: 0 for u in users}
    load.update({row["assignee_id"]: row["n"] for row in rows})
    return load


def choose_agent(
    ticket: Ticket, policy: AssignmentPolicy, *, exclude: frozenset[int] = frozenset()
) -> User | None:
    candidates = [u for u in available_agents(policy.team) if u.pk not in exclude]
    if not candidates:
        return None
    load = open_load(candidates)
    capacity = dict(AgentAvailability.objects.filter(user__in=candidates).values_list("user_id", "capacity"))
    candidates = [u for u in candidates if load[u.pk] < capacity.get(u.pk, 25)]
    if not candidates:
        return None
    if policy.strategy == Strategy.ROUND_ROBIN:
        after = [
            u
            for u in candidates
            if policy.last_assigned_user_id is None or u.pk > policy.last_assigned_user_id
        ]
        return (after or candidates)[0]
    if policy.strategy == Strategy.SKILLS:
        wanted = {name.lower() for name in ticket.tags.values_list("name", flat=True)}
        wanted |= language_skills(_first_customer_text(ticket))
        skilled = [u for u in candidates if wanted & {str(s).lower() for s in (u.skills or [])}]
        candidates = skilled or candidates
    return min(candidates, key=lambda u: (load[u.pk], u.pk))


def _first_customer_text(ticket: Ticket) -> str:
    first = (
        ticket.messages.filter(kind=MessageKind.CUSTOMER).order_by("pk").values_list("body_text", flat=True)
    )
    return f"{ticket.subject}\n{first.first() or ''}"


def do_auto_assign(ticket: Ticket) -> User | None:
    if ticket.assignee_id is not None or ticket.team_id is None or ticket.status not in ACTIVE_STATUSES:
        return None
    policy = AssignmentPolicy.objects.select_related("team").filter(team_id=ticket.team_id).first()
    if policy is None or policy.strategy == Strategy.MANUAL:
        return None
    agent = choose_agent(ticket, policy)
    if agent is None:
        return None
    token = audit_note.set(f"assignment: {policy.get_strategy_display().lower()}")
    try:
        ticket_actions.do_assign_ticket(ticket, agent, actor=None)
    finally:
        audit_note.reset(token)
    AssignmentPolicy.objects.filter(pk=policy.pk).update(last_assigned_user_id=agent.pk)
    return agent
