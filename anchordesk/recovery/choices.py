from django.db import models


class CommitmentState(models.TextChoices):
    PROPOSED = "proposed", "Found in a reply, to confirm"
    OPEN = "open", "Open"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"
    DROPPED = "dropped", "Dropped"


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
