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


class PeopleEvent(models.TextChoices):
    """Audit event kinds for absences and offboarding: work handed over, agents (de)activated.
    Promises and recovery plans handed over are recovery's kinds (RecoveryEvent)."""

    ABSENCE_STARTED = "agent.absence_started", "started an absence"
    ABSENCE_ENDED = "agent.absence_ended", "ended an absence"
    DEACTIVATED = "agent.deactivated", "deactivated an agent"
    REACTIVATED = "agent.reactivated", "reactivated an agent"
    ESCALATION_HANDED_OVER = "escalation.handed_over", "handed an escalation over"
    MACRO_HANDED_OVER = "macro.handed_over", "handed a macro over"
    MACRO_ARCHIVED = "macro.archived", "archived a macro"
    VIEW_HANDED_OVER = "view.handed_over", "handed a saved view over"
    VIEW_ARCHIVED = "view.archived", "archived a saved view"
