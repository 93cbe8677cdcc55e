"""Thin views over recovery actions: promises, mistakes and their recovery plans, reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from anchordesk.accounts.models import User
from anchordesk.core.access import require_agent, require_lead, validation_errors
from anchordesk.recovery import actions
from anchordesk.recovery.choices import GestureKind, MistakeCategory, PromiseState, Severity
from anchordesk.recovery.coach import coach_draft
from anchordesk.recovery.models import Mistake, Promise, RecoveryStep
from anchordesk.recovery.queries import access_mistake, access_promise
from anchordesk.tickets.queries import access_ticket


def _due(value: str, field: str = "due_at") -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValidationError({field: "Enter a date and time such as 2026-12-01 17:00."})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = validation_errors(exc)
    text = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in errors.items())
    return HttpResponseBadRequest(f"Not saved. {text}", content_type="text/plain; charset=utf-8")


def _int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def _back(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return redirect(f"/tickets/{ticket_id}/#recovery")


@login_required
def my_promises(request: HttpRequest) -> HttpResponse:
    user = require_agent(request)
    open_ = Promise.objects.filter(
        owner=user, state__in=[PromiseState.PROPOSED, PromiseState.OPEN, PromiseState.MISSED]
    )
    soonest = (F("due_at").asc(nulls_last=True), "id")  # a promise without a date is last, not first
    rows = list(open_.select_related("ticket", "ticket__customer").order_by(*soonest))
    return render(request, "recovery/promises.html", {"rows": rows, "now": timezone.now()})


@login_required
@require_POST
def add_promise(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    try:
        actions.do_add_promise(
            ticket,
            actor=user,
            action=request.POST.get("action", ""),
            due_at=_due(request.POST.get("due_at", "")),
        )
    except ValidationError as exc:
        return _error(request, exc)
    return _back(request, ticket.pk)


@login_required
@require_POST
def change_promise(request: HttpRequest, promise_id: int) -> HttpResponse:
    user = require_agent(request)
    promise = access_promise(user, promise_id)
    op = request.POST.get("op")
    try:
        if op == "done":
            suggestion = actions.do_complete_promise(promise, actor=user)
            request.session["reply_suggestion"] = suggestion  # prefilled in the reply box: tell the customer
            messages.success(
                request, "Promise kept. Tell the customer: a line saying so is ready in the reply box."
            )
        elif op == "drop":
            actions.do_drop_promise(promise, actor=user, reason=request.POST.get("reason", ""))
            messages.info(request, f"Promise dropped: {promise.action}")
        elif op in ("confirm", "edit"):
            actions.do_update_promise(
                promise,
                actor=user,
                action=request.POST.get("action") or None,
                due_at=_due(request.POST.get("due_at", "")),
                confirm=op == "confirm",
            )
            messages.success(request, f"Promise kept on your list: {promise.action}")
        else:
            return HttpResponseBadRequest("op: choose done, drop, confirm or edit")
    except ValidationError as exc:
        return _error(request, exc)
    return _back(request, promise.ticket_id)


@login_required
@require_POST
def coach(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The reply coach beside the reply box: htmx posts the draft as the agent types.

    Nothing is saved. Dismissed findings travel with each request (hidden inputs in the
    panel), so a finding the agent waved away stays away while they keep typing.
    """
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    dismissed = request.POST.getlist("dismissed")
    if request.POST.get("dismiss"):
        dismissed.append(request.POST["dismiss"])
    draft = request.POST.get("body", "")
    result = coach_draft(draft, user=user, ticket=ticket, dismissed=dismissed) if draft.strip() else None
    return render(request, "recovery/partials/_coach_findings.html", {"ticket": ticket, "coach": result})


@login_required
@require_POST
def log_mistake(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    try:
        actions.do_log_mistake(
            ticket,
            actor=user,
            category=request.POST.get("category", ""),
            severity=request.POST.get("severity", Severity.MODERATE),
            what_happened=request.POST.get("what_happened", ""),
            impact=request.POST.get("impact", ""),
            why_it_made_sense=request.POST.get("why_it_made_sense", ""),
        )
    except ValidationError as exc:
        return _error(request, exc)
    return _back(request, ticket.pk)


@login_required
@require_POST
def recovery_step(request: HttpRequest, mistake_id: int) -> HttpResponse:
    user = require_agent(request)
    mistake = access_mistake(user, mistake_id)
    op = request.POST.get("op")
    try:
        if op == "step":
            step = RecoveryStep.objects.filter(mistake=mistake, kind=request.POST.get("kind", "")).first()
            if step is None:
                raise ValidationError({"kind": "No such step."})
            actions.do_complete_step(step, actor=user, note=request.POST.get("note", ""))
        elif op == "fix":
            chosen = _int(request.POST.get("promise", ""))
            fix = (
                Promise.objects.filter(pk=chosen, ticket_id=mistake.ticket_id).first()
                if chosen is not None
                else None
            )
            if fix is None:
                raise ValidationError({"promise": "Choose a promise on this ticket."})
            actions.do_link_fix(mistake, fix, actor=user)
        elif op == "gesture":
            actions.do_record_gesture(
                mistake,
                actor=user,
                kind=request.POST.get("kind", ""),
                amount=request.POST.get("amount") or None,
                description=request.POST.get("description", ""),
            )
        elif op == "follow_up":
            due = _due(request.POST.get("due_at", ""))
            if due is None:
                raise ValidationError({"due_at": "Say when to check in."})
            actions.do_schedule_follow_up(mistake, actor=user, due_at=due)
        elif op == "review":
            actions.do_review_mistake(
                mistake,
                actor=user,
                contributing_factors=request.POST.get("contributing_factors", ""),
                learning=request.POST.get("learning", ""),
            )
        elif op == "outcome":
            actions.do_record_outcome(mistake, request.POST.get("outcome", ""), actor=user)
        else:
            return HttpResponseBadRequest("op: choose step, fix, gesture, follow_up, review or outcome")
    except ValidationError as exc:
        return _error(request, exc)
    return _back(request, mistake.ticket_id)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """Blameless review for leads: mistakes by category, each with why it made sense at the time."""
    require_lead(request)
    mistakes = list(
        Mistake.objects.select_related("ticket", "logged_by", "reviewed_by").prefetch_related("steps")[:300]
    )
    by_category: dict[str, list[Mistake]] = {}
    for mistake in mistakes:
        by_category.setdefault(mistake.get_category_display(), []).append(mistake)
    return render(
        request, "recovery/review.html", {"groups": sorted(by_category.items()), "count": len(mistakes)}
    )


def ticket_context(ticket: Any, user: User | None = None) -> dict[str, Any]:
    """What the ticket page shows of promises and recovery, in a fixed number of queries.

    `proposed_promises` are the promises found in the viewer's own replies, which the box
    under the reply asks them to keep, edit or drop.
    """
    promises = list(ticket.promises.select_related("owner").order_by("state", "due_at"))
    return {
        "promises": promises,
        "proposed_promises": [
            c
            for c in promises
            if c.state == PromiseState.PROPOSED and (user is None or c.owner_id == user.pk)
        ],
        "mistakes": list(
            ticket.mistakes.prefetch_related(
                Prefetch("steps", queryset=RecoveryStep.objects.select_related("message", "promise")),
                "gestures",
            ).select_related("logged_by")
        ),
        "mistake_categories": MistakeCategory.choices,
        "severities": Severity.choices,
        "gesture_kinds": GestureKind.choices,
    }
