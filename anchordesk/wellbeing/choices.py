from django.db import models


class ExposureKind(models.TextChoices):
    ABUSIVE = "abusive", "Abusive"
    HOSTILE = "hostile", "Hostile"


class BreakState(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    TAKEN = "taken", "On break"
    DISMISSED = "dismissed", "Not now"
    ENDED = "ended", "Taken"


class Standing(models.TextChoices):
    """The abusive-customer policy: warn first, then restrict."""

    OK = "ok", "No action"
    WARNED = "warned", "Warned"
    RESTRICTED = "restricted", "Restricted"


class KindSource(models.TextChoices):
    THANKS = "thanks", "Thank-you message"
    CSAT = "csat", "Good rating with a comment"


class WellbeingEvent(models.TextChoices):
    """Audit event kinds; those with a ticket show in its timeline."""

    BREAK_SUGGESTED = "wellbeing.break_suggested", "suggested a break"
    BREAK_TAKEN = "wellbeing.break_taken", "went on a break"
    BREAK_DISMISSED = "wellbeing.break_dismissed", "dismissed a break suggestion"
    BREAK_ENDED = "wellbeing.break_ended", "came back from a break"
    HANDED_OVER = "wellbeing.handed_over", "handed the abusive conversation over"
    CUSTOMER_WARNED = "wellbeing.customer_warned", "warned the customer about abusive language"
    CUSTOMER_STANDING = "wellbeing.customer_standing", "changed the customer's standing"
    RESTRICTED_MESSAGE = "wellbeing.restricted_message", "sent a restricted customer's message to the leads"
    RESTRICTED_TAKEN = "wellbeing.restricted_taken", "took a restricted customer's message"
    VOLUNTEER = "wellbeing.volunteer", "changed their volunteering for abusive conversations"


OPEN_BREAK_STATES = (BreakState.SUGGESTED, BreakState.TAKEN)
