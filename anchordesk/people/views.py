"""Leads' pages to offboard an agent, send one away for a while, and reactivate: thin over people.actions."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_http_methods, require_POST

from anchordesk.accounts.models import User
from anchordesk.accounts.queries import access_person
from anchordesk.core.access import require_lead, validation_errors
from anchordesk.people import actions, work
from anchordesk.people.choices import ABSENCE_BUCKETS, AbsenceReason, AbsenceState, Bucket
from anchordesk.people.queries import absences_visible_to


def _plan(request: HttpRequest, buckets: tuple[str, ...]) -> dict[str, str]:
    return {b: request.POST.get(b, "").strip() for b in buckets}


def _render(
    request: HttpRequest,
    template: str,
    agent: User,
    buckets: tuple[str, ...],
    *,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    chosen: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    rows = work.preview(agent, buckets=buckets)
    chosen = chosen or {}
    context = {
        "agent": agent,
        "rows": [
            {
                "row": row,
                "chosen": chosen.get(row.bucket) or row.default,
                "people": [(f"user:{p.pk}", p.display_name) for p in row.people],
                "errors": (errors or {}).get(row.bucket, []),
            }
            for row in rows
        ],
        "errors": errors or {},
        "total": sum(row.count for row in rows),
        **extra,
    }
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def offboard(request: HttpRequest, user_id: int) -> HttpResponse:
    lead = require_lead(request)
    agent = access_person(lead, user_id)
    buckets = tuple(Bucket.values)
    if request.method == "POST":
        plan = _plan(request, buckets)
        try:
            result = actions.do_offboard_agent(
                agent,
                actor=lead,
                plan=plan,
                source="page",
                notify_customers=request.POST.get("notify_customers") == "on",
            )
        except ValidationError as exc:
            return _render(
                request,
                "people/offboard.html",
                agent,
                buckets,
                status=400,
                errors=validation_errors(exc),
                chosen=plan,
                notify=request.POST.get("notify_customers") == "on",
            )
        moved = sum(result.moved.values())
        told = f"; {result.notified} customers told who their new contact is" if result.notified else ""
        messages.success(request, f"{agent.display_name} is deactivated: {moved} items handed over{told}.")
        return redirect("people-offboard", user_id=agent.pk)
    return _render(request, "people/offboard.html", agent, buckets)


@login_required
@require_POST
def reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    lead = require_lead(request)
    agent = access_person(lead, user_id)
    actions.do_reactivate_agent(agent, actor=lead, source="page")
    messages.success(request, f"{agent.display_name} can sign in again.")
    return redirect("people-offboard", user_id=agent.pk)


def _ends_at(raw: str) -> datetime | None:
    """A day (back at 09:00 local time) or a date and time; None for anything else."""
    raw = raw.strip()[:40]
    try:
        moment = parse_datetime(raw) if "T" in raw or " " in raw else None
        if moment is None:
            day = parse_date(raw) if raw else None
            if day is None:
                return None
            moment = datetime.combine(day, time(9, 0))
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    except ValueError:  # well-formed but impossible, such as 2026-02-30
        return None


@login_required
@require_http_methods(["GET", "POST"])
def absence(request: HttpRequest, user_id: int) -> HttpResponse:
    lead = require_lead(request)
    agent = access_person(lead, user_id)
    buckets = tuple(str(b) for b in ABSENCE_BUCKETS)
    current = absences_visible_to(lead).filter(agent=agent, state=AbsenceState.AWAY).first()
    extra: dict[str, Any] = {"current": current, "reasons": AbsenceReason.choices}
    if request.method == "POST":
        if request.POST.get("op") == "end" and current is not None:
            back = actions.do_end_absence(current, actor=lead)
            messages.success(request, f"{agent.display_name} is back: {back} items handed back.")
            return redirect("people-absence", user_id=agent.pk)
        plan = _plan(request, buckets)
        raw_end = request.POST.get("ends_at", "")
        ends_at = _ends_at(raw_end)
        try:
            if ends_at is None:
                raise ValidationError({"ends_at": "Give the date the agent is back (YYYY-MM-DD)."})
            result = actions.do_start_absence(
                agent,
                actor=lead,
                ends_at=ends_at,
                reason=request.POST.get("reason", AbsenceReason.HOLIDAY),
                plan=plan,
                hand_back=request.POST.getlist("hand_back"),
                notify_customers=request.POST.get("notify_customers") == "on",
            )
        except ValidationError as exc:
            return _render(
                request,
                "people/absence.html",
                agent,
                buckets,
                status=400,
                errors=validation_errors(exc),
                chosen=plan,
                ends_at=raw_end,
                hand_back=request.POST.getlist("hand_back"),
                **extra,
            )
        moved = sum(result.moved.values())
        messages.success(request, f"{agent.display_name} is away: {moved} items handed over.")
        return redirect("people-absence", user_id=agent.pk)
    return _render(request, "people/absence.html", agent, buckets, hand_back=list(buckets), **extra)
