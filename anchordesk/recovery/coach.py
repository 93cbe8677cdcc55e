"""The reply coach in the product: the language layer's review of a draft, for one ticket.

One function serves the ticket page (as the agent types) and `POST /api/v1/coach`, so both
judge a draft the same way: the customer counts as upset when their latest message is
(`customer_is_upset`), and the promises in the draft are resolved in the agent's time zone on the team's business
calendar, exactly as they will be when the reply is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from anchordesk.accounts.models import User
from anchordesk.recovery.models import MessageSignal
from anchordesk.recovery.queries import promise_calendar
from anchordesk.recovery.temperature import analysis_of, level, unanswered_history
from anchordesk.signals import (
    Commitment,
    Finding,
    MessageAnalysis,
    ReplyReview,
    analyze_message,
    find_commitments,
    review_reply,
)
from anchordesk.signals.praise import find_praise
from anchordesk.tickets.choices import MessageKind
from anchordesk.tickets.models import Ticket

# A draft longer than this is checked on its beginning only (the analyzers cap work the same way).
MAX_DRAFT_CHARS = 20_000
MAX_DISMISSED = 50


def finding_key(finding: Finding) -> str:
    """What "dismiss" remembers: the kind, and the words it was about (so a new excuse shows again)."""
    if finding.span is None:
        return finding.kind
    return f"{finding.kind}:{' '.join(finding.span.text.lower().split())[:80]}"


# What each finding is about, in a few words an agent reads at a glance.
TITLES = {
    "non_apology": "Not an apology",
    "formulaic_apology": "Apology says nothing specific",
    "no_apology": "No apology",
    "excuse": "Sounds like an excuse",
    "empathy": "No empathy",
    "no_next_step": "No next step",
    "vague_next_step": "Vague next step",
    "no_date": "No date",
    "unexplained_questions": "Question without a reason",
}


@dataclass(frozen=True)
class CoachFinding:
    key: str
    kind: str
    title: str
    suggestion: str
    quote: str  # the words it is about, or "" when it is about something missing
    start: int | None
    end: int | None


def _finding(finding: Finding) -> CoachFinding:
    span = finding.span
    return CoachFinding(
        key=finding_key(finding),
        kind=finding.kind,
        title=TITLES.get(finding.kind, finding.kind.replace("_", " ").capitalize()),
        suggestion=finding.suggestion,
        quote=span.text if span else "",
        start=span.start if span else None,
        end=span.end if span else None,
    )


@dataclass
class DraftReview:
    review: ReplyReview
    customer_upset: bool
    findings: list[CoachFinding]  # without the dismissed ones
    promises: list[Commitment]
    dismissed: list[str] = field(default_factory=list)


def customer_is_upset(ticket: Ticket) -> bool:
    """Whether a reply to this ticket answers an upset customer (and so owes an apology and empathy).

    Decided by the customer's latest message, not by the ticket's temperature alone: a thank-you
    or a calm message after an angry one is answered as what it is. Upset is a frustrated,
    angry or abusive message, a request for a manager, or calm words from a customer chasing
    an answer (they wrote more than once since our last reply and the ticket is warm). A ticket without a
    customer message falls back to its temperature.
    """
    latest = ticket.messages.filter(kind=MessageKind.CUSTOMER).order_by("-created_at", "-id").first()
    if latest is None:
        return level(ticket.temperature) != "calm"
    signal = MessageSignal.objects.filter(message=latest).first()
    # Scoring can be deferred (bulk email ingest): read the words now rather than guess.
    analysis: MessageAnalysis = analysis_of(signal) if signal else analyze_message(latest.body_text)
    upset = message_is_upset(analysis, latest.body_text)
    if upset is not None:
        return upset
    repeats, _ = unanswered_history(latest)
    return repeats > 0 and level(ticket.temperature) != "calm"


def message_is_upset(analysis: MessageAnalysis, text: str) -> bool | None:
    """What one customer message says on its own: True upset, False not (thanks or praise), None
    calm words (then the ticket's history decides). Praise wins over a frustration cue in it
    ("sorted in five minutes after I'd struggled for a week. Five stars."), abuse and a manager
    request never do."""
    if analysis.abusive or analysis.manager_request:
        return True
    if find_praise(text):
        return False
    if analysis.frustration:
        return True
    if analysis.thanks:
        return False
    return None


def coach_draft(
    text: str,
    *,
    user: User,
    ticket: Ticket | None = None,
    customer_upset: bool | None = None,
    dismissed: Iterable[str] = (),
    now: datetime | None = None,
) -> DraftReview:
    """Review a draft reply. `customer_upset` defaults to `customer_is_upset(ticket)`."""
    text = (text or "")[:MAX_DRAFT_CHARS]
    if customer_upset is None:
        customer_upset = ticket is not None and customer_is_upset(ticket)
    review = review_reply(text, customer_upset=customer_upset)
    hidden = [key for key in dict.fromkeys(dismissed) if key][:MAX_DISMISSED]
    findings = [item for item in map(_finding, review.findings) if item.key not in hidden]
    calendar = promise_calendar(ticket) if ticket is not None else None
    promises = find_commitments(
        text,
        sent_at=now or timezone.now(),
        tz=user.timezone or "UTC",
        calendar=calendar,
        locale=settings.LANGUAGE_CODE,
    )
    return DraftReview(
        review=review,
        customer_upset=customer_upset,
        findings=findings,
        promises=promises,
        dismissed=hidden,
    )
