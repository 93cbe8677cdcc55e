"""Customer satisfaction: a one-click rating link sent when a ticket is solved."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from anchordesk.accounts.models import hash_token
from anchordesk.automation.models import CsatSurvey, Rating
from anchordesk.core.audit import record_event
from anchordesk.tickets.models import Ticket


def do_send_survey(ticket: Ticket) -> CsatSurvey | None:
    """Create the survey and email its links after commit. One survey per solve, never for merged tickets."""
    if ticket.merged_into_id is not None:
        return None
    if CsatSurvey.objects.filter(ticket=ticket, answered_at__isnull=True).exists():
        return None
    raw = secrets.token_urlsafe(24)
    survey = CsatSurvey.objects.create(ticket=ticket, agent=ticket.assignee, token_hash=hash_token(raw))
    customer = ticket.customer
    base = f"{settings.SITE_URL}/csat/{raw}/"
    body = (
        f'Hello {customer.display_name},\n\nYour request "{ticket.subject}" [#{ticket.pk}] is solved. '
        f"How did we do?\n\n  Good: {base}?rating=good\n  Bad:  {base}?rating=bad\n\nThank you.\n"
    )
    transaction.on_commit(
        lambda: send_mail(
            f"How did we do? [#{ticket.pk}]", body, settings.DEFAULT_FROM_EMAIL, [customer.email]
        )
    )
    return survey


def survey_for_token(raw: str) -> CsatSurvey | None:
    return (
        CsatSurvey.objects.select_related("ticket", "agent").filter(token_hash=hash_token(raw or "")).first()
    )


@transaction.atomic
def do_rate(survey: CsatSurvey, rating: str, comment: str = "") -> CsatSurvey:
    if rating not in Rating.values:
        raise ValidationError({"rating": "Choose good or bad."})
    comment = (comment or "").strip()
    if len(comment) > 5000:
        raise ValidationError({"comment": "At most 5000 characters."})
    before = {"rating": survey.rating, "comment": survey.comment} if survey.answered_at else None
    survey.rating, survey.comment, survey.answered_at = rating, comment, timezone.now()
    survey.save(update_fields=["rating", "comment", "answered_at"])
    record_event(
        "csat.rated",
        actor_customer=survey.ticket.customer,
        ticket=survey.ticket,
        obj=survey,
        before=before,
        after={"rating": rating, "comment": comment, "agent": survey.agent_id},
    )
    return survey


def kind_words_for(agent_id: int) -> list[CsatSurvey]:
    """Good ratings with a comment: compliments that should reach the agent who solved the ticket."""
    return list(
        CsatSurvey.objects.filter(agent_id=agent_id, rating=Rating.GOOD)
        .exclude(comment="")
        .select_related("ticket")[:50]
    )
