from django.db import models


class EscalationState(models.TextChoices):
    OPEN = "open", "Open"
    TAKEN = "taken", "Taken"
    RESOLVED = "resolved", "Resolved"


class RequestedBy(models.TextChoices):
    CUSTOMER = "customer", "Customer (detected in a message)"
    AGENT = "agent", "Agent"
    MISSED_PROMISE = "promise", "A promise to the customer was missed"


class LeadMode(models.TextChoices):
    HANDLE = "handle", "Handle it personally"
    COACH = "coach", "Coach the agent"


class HandoffStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting", "Waiting"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"


OPEN_HANDOFF_STATUSES = (HandoffStatus.NEW, HandoffStatus.IN_PROGRESS, HandoffStatus.WAITING)
CLOSED_HANDOFF_STATUSES = (HandoffStatus.DONE, HandoffStatus.DECLINED)


class CollabEvent(models.TextChoices):
    """Audit event kinds written on the ticket, so its timeline shows escalations and handoffs."""

    ESCALATION_OPENED = "escalation.opened", "escalated the ticket"
    ESCALATION_TAKEN = "escalation.taken", "took the escalation"
    ESCALATION_OVERDUE = "escalation.overdue", "saw the escalation pass its deadline"
    ESCALATION_RESOLVED = "escalation.resolved", "resolved the escalation"
    HANDOFF_OPENED = "handoff.opened", "handed off to another team"
    HANDOFF_COMMENT = "handoff.comment", "commented on a handoff"
    HANDOFF_STATUS = "handoff.status", "changed a handoff's status"
    HANDOFF_ASSIGNED = "handoff.assigned", "assigned a handoff"
    HANDOFF_EMAILED = "handoff.emailed", "received an emailed reply on a handoff"
    HANDOFF_OVERDUE = "handoff.overdue", "saw a handoff pass its due date"
