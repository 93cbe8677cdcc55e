"""SLA settings pages for leads and admins: business calendars, policies, attainment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from anchordesk.core.access import require_lead, signed_in_user
from anchordesk.sla.actions import do_save_calendar, do_save_policy
from anchordesk.sla.forms import DAY_LABELS, CalendarForm, PolicyForm
from anchordesk.sla.models import BusinessCalendar, SlaPolicy
from anchordesk.sla.queries import attainment

View = Callable[..., HttpResponse]


def lead_required(view: View) -> View:
    """Leads and admins only; everyone else signed in gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_lead(request, settings_page=True)
        return view(request, *args, **kwargs)

    return wrapper


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    for field_name, reasons in exc.message_dict.items():
        form.add_error(field_name if field_name in form.fields else None, reasons)


@lead_required
def sla_home(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=30)
    return render(
        request,
        "sla/index.html",
        {
            "calendars": BusinessCalendar.objects.prefetch_related("teams"),
            "policies": SlaPolicy.objects.select_related("calendar").prefetch_related(
                "teams", "organizations"
            ),
            "attainment": attainment(since=since),
        },
    )


@lead_required
def calendar_edit(request: HttpRequest, calendar_id: int | None = None) -> HttpResponse:
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id) if calendar_id is not None else None
    if request.method == "POST":
        form = CalendarForm(request.POST)
        if form.is_valid():
            try:
                do_save_calendar(form.to_data(), actor=signed_in_user(request), calendar=calendar)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return redirect("sla-home")
        status = 400
    else:
        form = CalendarForm(initial=CalendarForm.initial_for(calendar) if calendar else None)
        status = 200
    days = [form[day] for day in DAY_LABELS]
    return render(
        request, "sla/calendar_form.html", {"form": form, "calendar": calendar, "days": days}, status=status
    )


@lead_required
def policy_edit(request: HttpRequest, policy_id: int | None = None) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=policy_id) if policy_id is not None else None
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                do_save_policy(form.to_data(), actor=signed_in_user(request), policy=policy)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return redirect("sla-home")
        status = 400
    else:
        form = PolicyForm(initial=PolicyForm.initial_for(policy) if policy else None)
        status = 200
    return render(request, "sla/policy_form.html", {"form": form, "policy": policy}, status=status)
