"""Dashboards for leads, CSV export, the blameless review and training items. Thin over queries."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anchordesk.accounts.models import User
from anchordesk.core.access import require_agent, require_lead, validation_errors
from anchordesk.insights import actions, queries
from anchordesk.insights.forms import FilterForm, ReviewPeriodForm
from anchordesk.insights.review import get_review, training_for
from anchordesk.recovery.actions import do_review_mistake
from anchordesk.recovery.choices import MistakeCategory
from anchordesk.recovery.models import Mistake

TABS = [
    ("overview", "Overview"),
    ("temperature", "Temperature"),
    ("promises", "Promises"),
    ("mistakes", "Mistakes"),
]


def _bad_request(errors: dict[str, list[str]]) -> HttpResponse:
    text = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in errors.items())
    return HttpResponse(f"Not shown. {text}", status=400, content_type="text/plain; charset=utf-8")


def _csv(table: queries.Table, filters: queries.Filters, dashboard: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"anchordesk-{dashboard}-{table.name}-{filters.start}-{filters.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    return response


def _cell(value: Any) -> Any:
    """A CSV cell; text that a spreadsheet would run as a formula (a team named "=HYPERLINK(...)")
    is prefixed with a quote so it stays text."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _selects(form: FilterForm) -> list[dict[str, Any]]:
    """The filter drop-downs as plain data: Django's widget templates cost ~1 ms per option."""
    out = []
    for name in ("range", "team", "agent", "channel", "tag"):
        field = form.fields[name]
        value = form.cleaned_data.get(name) if name == "range" else form.data.get(name, "")
        # Field.choices is not in the stubs; every filter here is a ChoiceField, whose choices Django has
        # already turned into an iterable of (value, label).
        options = [(str(k), str(label)) for k, label in field.choices]  # type: ignore[attr-defined]
        out.append(
            {"name": name, "label": field.label or name.title(), "value": str(value), "options": options}
        )
    return out


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_lead(request)
    return redirect("insights-dashboard", dashboard="overview")


@login_required
def dashboard(request: HttpRequest, dashboard: str) -> HttpResponse:
    require_lead(request)
    build = queries.DASHBOARDS.get(dashboard)
    if build is None:
        raise Http404
    form = FilterForm(request.GET)
    if not form.is_valid():
        return _bad_request({k: [str(e) for e in v] for k, v in form.errors.items()})
    filters = form.filters()
    board = build(filters)
    export = request.GET.get("export")
    if export:
        table = board.table(export)
        if table is None:
            return _bad_request({"export": [f"No table named {export!r} on this dashboard."]})
        return _csv(table, filters, dashboard)
    query = request.GET.copy()
    query.pop("export", None)
    context: dict[str, Any] = {
        "board": board,
        "form": form,
        "selects": _selects(form),
        "filters": filters,
        "tabs": TABS,
        "active": dashboard,
        "query": query.urlencode(),
    }
    return render(request, "insights/dashboard.html", context)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    require_lead(request)
    form = ReviewPeriodForm(request.GET)
    if not form.is_valid():
        return _bad_request({k: [str(e) for e in v] for k, v in form.errors.items()})
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    groups = get_review(start, end)
    agents = User.objects.filter(is_active=True, role__in=["agent", "lead", "admin"]).order_by(
        "first_name", "username"
    )
    return render(
        request,
        "insights/review.html",
        {
            "groups": groups,
            "form": form,
            "start": start,
            "end": end,
            "agents": agents,
            "count": sum(len(g.mistakes) for g in groups),
        },
    )


@login_required
@require_POST
def review_mistake(request: HttpRequest, mistake_id: int) -> HttpResponse:
    """The lead's review of one mistake from the review page; the rule is recovery's do_review_mistake."""
    lead = require_lead(request)
    mistake = Mistake.objects.select_related("ticket").filter(pk=mistake_id).first()
    if mistake is None:
        raise Http404
    try:
        do_review_mistake(
            mistake,
            actor=lead,
            contributing_factors=request.POST.get("contributing_factors", ""),
            learning=request.POST.get("learning", ""),
        )
    except ValidationError as exc:
        return _bad_request(validation_errors(exc))
    messages.success(request, f"Review saved for the mistake on #{mistake.ticket_id}.")
    back = request.POST.get("next", "")
    target = back if back.startswith("/insights/review/") else reverse("insights-review")
    return redirect(f"{target}#category-{mistake.category}")


@login_required
@require_POST
def create_training(request: HttpRequest) -> HttpResponse:
    lead = require_lead(request)
    agent_ids = [v for v in request.POST.getlist("agents") if v.isdigit()]
    mistake_ids = [v for v in request.POST.getlist("mistakes") if v.isdigit()]
    category = request.POST.get("category", "")
    try:
        actions.do_create_training_item(
            actor=lead,
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
            category=category if category in MistakeCategory.values else "",
            mistakes=list(Mistake.objects.filter(pk__in=mistake_ids)),
            agents=list(User.objects.filter(pk__in=agent_ids, is_active=True)),
        )
    except ValidationError as exc:
        return _bad_request(validation_errors(exc))
    messages.success(request, "Training item created and assigned.")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/insights/") else "insights-review")


@login_required
def my_training(request: HttpRequest) -> HttpResponse:
    agent = require_agent(request)
    return render(request, "insights/training.html", {"assignments": training_for(agent)})


@login_required
@require_POST
def complete_training(request: HttpRequest, assignment_id: int) -> HttpResponse:
    agent = require_agent(request)
    assignment = queries.access_training(agent, assignment_id)  # a colleague's is "not found"
    try:
        actions.do_complete_training(assignment, actor=agent)
    except ValidationError as exc:
        return _bad_request(validation_errors(exc))
    messages.success(request, f"Marked done: {assignment.item.title}")
    return redirect("my-training")
