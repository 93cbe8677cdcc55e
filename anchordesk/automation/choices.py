from django.db import models

from anchordesk.collab.choices import CollabEvent
from anchordesk.sla.choices import SlaEvent
from anchordesk.tickets.choices import EventKind


class Strategy(models.TextChoices):
    MANUAL = "manual", "Manual only"
    ROUND_ROBIN = "round_robin", "Round-robin"
    LEAST_LOADED = "least_loaded", "Least loaded"
    SKILLS = "skills", "Skills, then least loaded"


class AutomationEvent(models.TextChoices):
    """Audit event kinds for rules, macros, assignment, agents' skills and availability, and CSAT."""

    TRIGGER_SAVED = "automation.trigger_saved", "saved a trigger"
    TIME_RULE_SAVED = "automation.time_rule_saved", "saved a time rule"
    MACRO_SAVED = "automation.macro_saved", "saved a macro"
    # Named after the model (_meta.model_name) when a rule is switched on or off.
    TRIGGER_ENABLED = "automation.trigger_enabled", "turned a trigger on"
    TRIGGER_DISABLED = "automation.trigger_disabled", "turned a trigger off"
    TIME_RULE_ENABLED = "automation.timerule_enabled", "turned a time rule on"
    TIME_RULE_DISABLED = "automation.timerule_disabled", "turned a time rule off"
    MACRO_ENABLED = "automation.macro_enabled", "turned a macro on"
    MACRO_DISABLED = "automation.macro_disabled", "turned a macro off"
    ASSIGNMENT_SAVED = "automation.assignment_saved", "changed how tickets are assigned"
    AGENT_SKILLS = "agent.skills", "changed an agent's skills"
    AGENT_AVAILABILITY = "agent.availability", "changed an agent's availability"
    RULE_FIRED = "automation.rule_fired", "ran an automation rule"
    ACTION_FAILED = "automation.action_failed", "could not carry out a rule's action"
    CSAT_SETTINGS = "csat.settings", "changed the satisfaction survey settings"
    CSAT_RATED = "csat.rated", "rated the help"


# Ticket events a trigger may listen to; later work (SLA, temperature, escalations) adds kinds.
TRIGGER_EVENTS = [
    (EventKind.CREATED, "Ticket created"),
    (EventKind.CUSTOMER_MESSAGE, "Customer replied"),
    (EventKind.REPLIED, "Agent replied"),
    (EventKind.STATUS, "Status changed"),
    (EventKind.PRIORITY, "Priority changed"),
    (EventKind.TAGS, "Tags changed"),
    (EventKind.ASSIGNED, "Assignee changed"),
    (SlaEvent.WARNING, "SLA warning"),
    (SlaEvent.BREACH, "SLA breached"),
    # Recovery's kinds stay strings until recovery has its enum.
    ("ticket.temperature", "Customer temperature changed"),
    ("customer.abuse", "Abusive language flagged"),
    ("customer.manager_requested", "Customer asked for a manager"),
    (CollabEvent.ESCALATION_OPENED, "Escalation opened"),
    (CollabEvent.ESCALATION_OVERDUE, "Escalation overdue"),
    ("promise.missed", "Promise missed"),
]

# What a trigger can do, with the type of value each action takes.
ACTIONS = {
    "set_priority": "number",
    "set_status": "text",
    "set_team": "number",
    "set_assignee": "number",
    "add_tags": "list",
    "remove_tags": "list",
    "add_note": "text",
    "email_customer": "text",
    "call_webhook": "number",
}
