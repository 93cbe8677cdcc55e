"""Customer satisfaction: a one-click rating link sent when a ticket is solved."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from anchordesk.accounts.models import hash_token
from anchordesk.automation.choices import AutomationEvent
from anchordesk.automation.models import CSAT_MAX_DELAY_MINUTES, CsatSettings, CsatSurvey, Rating
from anchordesk.core.audit import record_event
from anchordesk.mail.models import OutboundKind
from anchordesk.mail.outbox import do_queue_email
from anchordesk.tickets.models import Ticket

if TYPE_CHECKING:
    from anchordesk.accounts.models import User


@transaction.atomic
def do_send_survey(ticket: Ticket) -> CsatSurvey | None:
    """Create the survey when a ticket is solved, as the CSAT settings say: not at all when they are
    off; its email queued in the same transaction, or, with a delay, by do_send_due_surveys later.
    One survey per solve, never for merged tickets."""
    if ticket.merged_into_id is not None:
        return None
    config = CsatSettings.current()
    if not config.enabled:
        return None
    if CsatSurvey.objects.filter(ticket=ticket, answered_at__isnull=True).exists():
        return None
    raw = secrets.token_urlsafe(24)
    send_after = timezone.now() + timedelta(minutes=config.delay_minutes) if config.delay_minutes else None
    survey = CsatSurvey.objects.create(
        ticket=ticket, agent=ticket.assignee, token_hash=hash_token(raw), send_after=send_after
    )
    if send_after is None:
        _queue_survey_email(ticket, raw, config.question)
    # else: only the token's hash is kept, so the delayed email gets a fresh token when it goes out.
    return survey


def _queue_survey_email(ticket: Ticket, raw: str, question: str) -> None:
    customer = ticket.customer
    base = f"{settings.SITE_URL}/csat/{raw}/"
    body = (
        f'Hello {customer.display_name},\n\nYour request "{ticket.subject}" [#{ticket.pk}] is solved. '
        f"{question} One click below tells us, and this will help us improve.\n\n"
        f"  Good: {base}?rating=good\n  Bad:  {base}?rating=bad\n\nThank you.\n"
    )
    do_queue_email(
        kind=OutboundKind.CSAT_SURVEY,
        ticket=ticket,
        to=[customer.email],
        subject=f"{question} [#{ticket.pk}]",
        body=body,
        sensitive=True,  # the links carry the survey's token, of which only a hash is kept
    )


SOLVED_STATES = ("solved", "closed")


def do_send_due_surveys(now: datetime | None = None) -> int:
    """Queue the email of each delayed survey that is due; drop it when the ticket was reopened
    meanwhile (the customer is still waiting: no survey yet). Each survey is claimed with a
    conditional UPDATE, so two workers never email it twice. Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    due = CsatSurvey.objects.filter(send_after__lte=now).values_list("pk", flat=True)[:500]
    for survey_id in list(due):
        with transaction.atomic():
            if not CsatSurvey.objects.filter(pk=survey_id, send_after__isnull=False).update(send_after=None):
                continue  # another worker took it
            survey = CsatSurvey.objects.select_related("ticket__customer").get(pk=survey_id)
            if survey.ticket.status not in SOLVED_STATES or survey.ticket.merged_into_id is not None:
                survey.delete()
                continue
            raw = secrets.token_urlsafe(24)
            survey.token_hash = hash_token(raw)
            survey.save(update_fields=["token_hash"])
            _queue_survey_email(survey.ticket, raw, CsatSettings.current().question)
            queued += 1
    return queued


@transaction.atomic
def do_save_csat_settings(*, enabled: bool, delay_minutes: int, question: str, actor: User) -> CsatSettings:
    question = " ".join((question or "").split())
    errors: dict[str, str] = {}
    if not question:
        errors["question"] = "Ask the customer something, e.g. “How did we do?”."
    elif len(question) > 200:
        errors["question"] = "At most 200 characters."
    if not 0 <= delay_minutes <= CSAT_MAX_DELAY_MINUTES:
        errors["delay_minutes"] = f"Between 0 (at once) and {CSAT_MAX_DELAY_MINUTES} minutes (a week)."
    if errors:
        raise ValidationError(errors)
    config = CsatSettings.current()
    before = {"enabled": config.enabled, "delay_minutes": config.delay_minutes, "question": config.question}
    config.enabled, config.delay_minutes, config.question = enabled, delay_minutes, question
    config.save()
    record_event(
        AutomationEvent.CSAT_SETTINGS,
        actor=actor,
        obj=config,
        before=before,
        after={"enabled": enabled, "delay_minutes": delay_minutes, "question": question},
    )
    return config


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
        AutomationEvent.CSAT_RATED,
        actor_customer=survey.ticket.customer,
        ticket=survey.ticket,
        obj=survey,
        before=before,
        after={"rating": rating, "comment": comment, "agent": survey.agent_id},
    )
    agent = survey.agent
    if rating == Rating.GOOD and comment and before is None and agent is not None and agent.email:
        # Compliments reach the agent who solved the ticket, not only a report.
        customer = survey.ticket.customer.display_name
        body = (
            f'{customer} rated your help on "{survey.ticket.subject}" [#{survey.ticket_id}] good and wrote:\n\n'
            f"  {comment}\n\n{settings.SITE_URL}/wellbeing/kind-words/\n"
        )
        do_queue_email(
            kind=OutboundKind.KIND_WORDS,
            ticket=survey.ticket_id,
            to=[agent.email],
            subject=f"A customer thanked you [#{survey.ticket_id}]",
            body=body,
        )
    return survey


@dataclass(frozen=True)
class CsatRow:
    agent_id: int | None
    agent: str
    good: int
    bad: int

    @property
    def share(self) -> float | None:
        """Share of good ratings, 0..1; None when nobody rated."""
        total = self.good + self.bad
        return self.good / total if total else None


def csat_by_agent(since: datetime | None = None, until: datetime | None = None) -> list[CsatRow]:
    """Ratings answered in [since, until), per agent who solved the ticket: for reports."""
    answered = CsatSurvey.objects.filter(answered_at__isnull=False)
    if since is not None:
        answered = answered.filter(answered_at__gte=since)
    if until is not None:
        answered = answered.filter(answered_at__lt=until)
    rows = (
        answered.values("agent_id", "agent__first_name", "agent__last_name", "agent__username")
        .annotate(
            good=Count("pk", filter=Q(rating=Rating.GOOD)), bad=Count("pk", filter=Q(rating=Rating.BAD))
        )
        .order_by("agent_id")
    )
    return [
        CsatRow(
            agent_id=r["agent_id"],
            agent=f"{r['agent__first_name'] or ''} {r['agent__last_name'] or ''}".strip()
            or r["agent__username"]
            or "nobody",
            good=r["good"],
            bad=r["bad"],
        )
        for r in rows
    ]
