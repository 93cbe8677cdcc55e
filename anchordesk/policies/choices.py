from decimal import Decimal

from django.db import models

from anchordesk.accounts.choices import Role


class DecisionOutcome(models.TextChoices):
    # The same words as engine.Outcome, so a stored decision reads like the engine's answer.
    ALLOWED = "allowed", "Allowed"
    NOT_ALLOWED = "not_allowed", "Not allowed"
    ALLOWED_UP_TO = "allowed_up_to", "Allowed up to a limit"
    NEEDS_INPUT = "needs_input", "Needs more information"
    NEEDS_REVIEW = "needs_review", "Needs a lead's review"


class ExceptionState(models.TextChoices):
    GRANTED = "granted", "Granted"
    PENDING = "pending", "Waiting for approval"
    DECLINED = "declined", "Declined"


class ApprovalState(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


# Authority limits when no AuthorityLimit row overrides them: (max amount, max count per period);
# None means no limit.
DEFAULT_LIMITS: dict[str, tuple[Decimal | None, int | None]] = {
    Role.AGENT: (Decimal("50"), 5),
    Role.LEAD: (Decimal("500"), 50),
    Role.ADMIN: (None, None),
}
LIMIT_PERIOD_DAYS = 30  # the default period of the count limit
LIMITED_ROLES = (Role.AGENT, Role.LEAD, Role.ADMIN)


class PolicyEvent(models.TextChoices):
    """Audit event kinds for policies, decisions under them, exceptions and authority limits."""

    CREATED = "policy.created", "created a policy"
    DRAFT_SAVED = "policy.draft_saved", "saved a policy draft"
    PUBLISHED = "policy.published", "published a policy"
    ACKNOWLEDGED = "policy.acknowledged", "acknowledged a policy"
    DECIDED = "policy.decided", "decided a request under a policy"
    EXCEPTION_REQUESTED = "policy.exception_requested", "asked for an exception to a policy"
    EXCEPTION_APPROVED = "policy.exception_approved", "approved the exception"
    EXCEPTION_DECLINED = "policy.exception_declined", "declined the exception"
    APPROVAL_PASSED_ON = "policy.approval_passed_on", "passed the exception on to an admin"
    AUTHORITY_LIMIT_CHANGED = "policy.authority_limit_changed", "changed an authority limit"
