from django.db import models


class RecoveryEvent(models.TextChoices):
    """Audit event kinds written by recovery: promises, recovery plans, and what the language
    layer noticed in customer messages (object_type is the model's name: promise, mistake,
    message). Offboarding (people) writes the two handed-over kinds when an agent leaves."""

    PROMISE_ADDED = "promise.added", "Promise recorded"
    PROMISE_UPDATED = "promise.updated", "Promise changed"
    PROMISE_DROPPED = "promise.dropped", "Promise dropped"
    PROMISE_KEPT = "promise.kept", "Promise kept"
    PROMISE_MOVED = "promise.moved", "Promise moved to another ticket"
    PROMISE_HANDED_OVER = "promise.handed_over", "Promise handed over"
    PROMISE_REMINDER = "promise.reminder", "Promise reminder sent"
    PROMISE_MISSED = "promise.missed", "Promise missed"
    MISTAKE_LOGGED = "mistake.logged", "Mistake logged"
    MISTAKE_RECOVERED = "mistake.recovered", "Recovery plan completed"
    MISTAKE_REVIEWED = "mistake.reviewed", "Mistake reviewed"
    MISTAKE_OUTCOME = "mistake.outcome", "Outcome recorded"
    STEP_DONE = "recovery.step_done", "Recovery step completed"
    GESTURE = "recovery.gesture", "Made good"
    PLAN_HANDED_OVER = "recovery.plan_handed_over", "Recovery plan handed over"
    CUSTOMER_ABUSE = "customer.abuse", "Abusive language flagged"
    CUSTOMER_HOSTILE = "customer.hostile", "Hostile language noticed"
    CUSTOMER_THANKS = "customer.thanks", "Customer's thanks noticed"
    CUSTOMER_MANAGER_REQUESTED = "customer.manager_requested", "Customer asked for a manager"
    TICKET_TEMPERATURE = "ticket.temperature", "Customer temperature changed"


class PromiseState(models.TextChoices):
    PROPOSED = "proposed", "Found in a reply, to confirm"
    OPEN = "open", "Open"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"
    DROPPED = "dropped", "Dropped"


# Promises still to keep on time: found in a reply (not yet confirmed) or confirmed.
LIVE_PROMISE_STATES = (PromiseState.PROPOSED, PromiseState.OPEN)


class MistakeCategory(models.TextChoices):
    WRONG_INFORMATION = "wrong_information", "Wrong information"
    MISSED_FOLLOW_UP = "missed_follow_up", "Missed follow-up"
    BILLING_ERROR = "billing_error", "Billing error"
    SHIPPING_ERROR = "shipping_error", "Shipping error"
    SLOW_RESPONSE = "slow_response", "Slow response"
    POLICY_MISAPPLIED = "policy_misapplied", "Policy misapplied"
    RUDE_OR_DISMISSIVE = "rude_or_dismissive", "Rude or dismissive"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    MINOR = "minor", "Minor"
    MODERATE = "moderate", "Moderate"
    MAJOR = "major", "Major"


class StepKind(models.TextChoices):
    ADMIT = "admit", "Admit the mistake"
    APOLOGIZE = "apologize", "Apologize without excuses"
    FIX = "fix", "Fix it"
    MAKE_GOOD = "make_good", "Make good"
    FOLLOW_UP = "follow_up", "Follow up"


STEP_ORDER = [StepKind.ADMIT, StepKind.APOLOGIZE, StepKind.FIX, StepKind.MAKE_GOOD, StepKind.FOLLOW_UP]


class GestureKind(models.TextChoices):
    CREDIT = "credit", "Account credit"
    REFUND = "refund", "Refund"
    UPGRADE = "upgrade", "Upgrade"
    REPLACEMENT = "replacement", "Replacement"
    OTHER = "other", "Other"


class Outcome(models.TextChoices):
    UNKNOWN = "", "Not yet known"
    STAYED = "stayed", "Customer stayed"
    LEFT = "left", "Customer left"
