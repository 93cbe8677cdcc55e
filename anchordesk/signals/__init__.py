"""Pure-Python language analysis for Anchordesk: no Django, no network, deterministic.

Every analyzer returns scores and the evidence (spans of the input) that triggered them.

- :func:`analyze_message` scores a customer message (frustration, profanity, abuse,
  manager demand, thanks).
- :func:`review_reply` coaches an agent's draft (apology, excuses, ownership, empathy,
  next step, date, unexplained questions).
- :func:`find_commitments` finds promises in an agent's reply and resolves their due dates
  in the customer's business calendar.
- :func:`temperature` combines message scores into a ticket temperature.
"""

from ._spans import Span
from .coach import Finding, ReplyReview, review_reply
from .commitments import Commitment, find_commitments
from .customer import MessageAnalysis, analyze_message
from .dates import DEFAULT_CALENDAR, BusinessCalendar, resolve_due
from .temperature import HOT_AT, WARM_AT, Temperature, deescalation_hint, level_of, message_heat, temperature

__all__ = [
    "DEFAULT_CALENDAR",
    "HOT_AT",
    "WARM_AT",
    "BusinessCalendar",
    "Commitment",
    "Finding",
    "MessageAnalysis",
    "ReplyReview",
    "Span",
    "Temperature",
    "analyze_message",
    "deescalation_hint",
    "find_commitments",
    "level_of",
    "message_heat",
    "resolve_due",
    "review_reply",
    "temperature",
]
