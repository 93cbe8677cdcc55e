from django.db import models


class Strategy(models.TextChoices):
    MANUAL = "manual", "Manual only"
    ROUND_ROBIN = "round_robin", "Round-robin"
    LEAST_LOADED = "least_loaded", "Least loaded"
    SKILLS = "skills", "Skills, then least loaded"


# Ticket events a trigger may listen to; later work (SLA, temperature, escalations) adds kinds.
TRIGGER_EVENTS = [
    ("ticket.created", "Ticket created"),
    ("ticket.customer_message", "Customer replied"),
    ("ticket.replied", "Agent replied"),
    ("ticket.status", "Status changed"),
    ("ticket.priority", "Priority changed"),
    ("ticket.tags", "Tags changed"),
    ("ticket.assigned", "Assignee changed"),
    ("sla.warning", "SLA warning"),
    ("sla.breach", "SLA breached"),
    ("ticket.temperature", "Customer temperature changed"),
    ("customer.abuse", "Abusive language flagged"),
    ("customer.manager_requested", "Customer asked for a manager"),
    ("escalation.opened", "Escalation opened"),
    ("escalation.overdue", "Escalation overdue"),
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
