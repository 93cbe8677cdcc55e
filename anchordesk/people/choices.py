from django.db import models


class Bucket(models.TextChoices):
    """A kind of open work an agent can hold. The order is the order of the offboarding page."""

    TICKETS = "tickets", "Open tickets"
    PROMISES = "promises", "Promises to customers"
    FOLLOW_UPS = "follow_ups", "Scheduled follow-ups"
    HANDOFFS = "handoffs", "Open handoffs"
    ESCALATIONS = "escalations", "Escalations taken"
    RECOVERY_PLANS = "recovery_plans", "Recovery plans"
    MACROS = "macros", "Personal macros"
    SAVED_VIEWS = "saved_views", "Personal saved views"
    API_TOKENS = "api_tokens", "API tokens"
    SESSIONS = "sessions", "Signed-in sessions"


# During an absence only the work moves: macros, views, tokens and sessions stay the agent's.
ABSENCE_BUCKETS = (
    Bucket.TICKETS,
    Bucket.PROMISES,
    Bucket.FOLLOW_UPS,
    Bucket.HANDOFFS,
    Bucket.ESCALATIONS,
    Bucket.RECOVERY_PLANS,
)


class AbsenceReason(models.TextChoices):
    HOLIDAY = "holiday", "Holiday"
    SICK = "sick", "Sick leave"
    OTHER = "other", "Other"


class AbsenceState(models.TextChoices):
    AWAY = "away", "Away"
    RETURNING = "returning", "Handing back"
    RETURNED = "returned", "Back"
