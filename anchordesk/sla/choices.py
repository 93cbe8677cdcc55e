from django.db import models


class TimerKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    NEXT_REPLY = "next_reply", "Next reply"
    RESOLUTION = "resolution", "Resolution"


class TimerState(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"
    CANCELLED = "cancelled", "Cancelled"


# Timers whose clock can still move: the scan and the pause/resume rules act on these.
LIVE_STATES = (TimerState.RUNNING, TimerState.PAUSED)


class SlaEvent(models.TextChoices):
    """Audit event kinds written on the ticket; published like every ticket event, so triggers see them."""

    WARNING = "sla.warning", "SLA warning"
    BREACH = "sla.breach", "SLA breached"
    CALENDAR_SAVED = "sla.calendar_saved", "saved a business calendar"
    POLICY_SAVED = "sla.policy_saved", "saved an SLA policy"
