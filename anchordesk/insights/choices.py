from django.db import models


class FactKind(models.TextChoices):
    """What a reporting event says happened. One word per fact, as support teams say it."""

    CREATED = "created", "Ticket created"
    FIRST_RESPONSE = "first_response", "First response"
    RESOLVED = "resolved", "Resolved"
    REOPENED = "reopened", "Reopened"
    MERGED = "merged", "Merged into another ticket"  # leaves the backlog without being resolved
    SLA = "sla", "SLA target"  # flag: met (True) or breached (False); detail: timer kind
    CSAT = "csat", "CSAT rating"  # flag: good
    PROMISE_MADE = "promise_made", "Promise made"
    PROMISE_OUTCOME = "promise_outcome", "Promise outcome"  # detail: on_time, late, missed
    MISTAKE = "mistake", "Mistake logged"  # detail: category
    MISTAKE_RECOVERED = "mistake_recovered", "Mistake recovered"  # value: minutes to recovery
    CUSTOMER_STAYED = "customer_stayed", "Customer stayed after a mistake"  # flag: stayed (False: left)
    ESCALATION = "escalation", "Escalation"
    HOT = "hot", "Ticket turned hot"
    AFTER_REPLY = "after_reply", "Temperature after a reply"  # flag: fell; value: change
    ABUSE = "abuse", "Abusive message received"  # read by the exposure view for leads


class PromiseOutcome(models.TextChoices):
    ON_TIME = "on_time", "Kept on time"
    LATE = "late", "Kept late"
    MISSED = "missed", "Missed"


class InsightsEvent(models.TextChoices):
    """Audit event kinds for coaching: training assigned to agents."""

    TRAINING_CREATED = "training.created", "assigned training"
    TRAINING_DONE = "training.done", "finished a training"
