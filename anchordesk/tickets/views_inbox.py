"""The agent inbox: views with counts, filters, search, sort, keyset pages, bulk actions, saved views."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from anchordesk.accounts.models import Team, User
from anchordesk.core.registry import bulk_solve_warnings, inbox_rows_context
from anchordesk.tickets import inbox
from anchordesk.tickets.actions import do_bulk_update, do_delete_view, do_save_view
from anchordesk.tickets.choices import Priority, Status
from anchordesk.tickets.forms import BulkForm, SavedViewForm, assignable_agents, error_dict, form_errors
from anchordesk.tickets.queries import access_saved_view, saved_views_visible_to, tickets_visible_to
from anchordesk.tickets.templatetags.ticket_tags import inbox_url
from anchordesk.tickets.views import current_user, refresh_seconds, safe_next

# Views shown with a count in the sidebar, in order; the rest are shown without one.
SIDEBAR_VIEWS = ["mine", "unassigned", "team", "open", "pending", "solved", "breaching", "all"]


def _saved_views(user: User) -> list[dict[str, Any]]:
    rows = []
    for view in saved_views_visible_to(user).order_by("owner_id", "name"):
        params = {**view.filters, "saved": view.pk}
        rows.append(
            {
                "view": view,
                "url": reverse("inbox") + "?" + urlencode(params, doseq=True),
                "shared": view.owner_id is None,
                "can_delete": (view.owner_id == user.pk) or (view.owner_id is None and user.is_lead),
            }
        )
    return rows


def list_context(user: User, query: inbox.InboxQuery) -> dict[str, Any]:
    """What the ticket list needs, in a fixed number of queries however many rows."""
    result = inbox.page(user, query)
    # What the apps show on the rows (temperature badges, SLA due times), registered in core.registry.
    rows = inbox_rows_context(result.tickets)
    counts = inbox.view_counts(user)
    return {
        "page": result,
        "query": query,
        **rows,
        "counts": counts,
        "refresh": refresh_seconds(),
    }


def _filter_chips(query: inbox.InboxQuery, agents: list[User], teams: list[Team]) -> list[dict[str, str]]:
    """The active filters as removable chips."""
    names = {a.pk: a.display_name for a in agents}
    team_names = {t.pk: t.name for t in teams}
    chips = []
    if query.q:
        chips.append({"label": f"Search: {query.q}", "url": inbox_url(query, q="")})
    for status in query.status:
        chips.append({"label": f"Status: {Status(status).label}", "url": inbox_url(query, status=[])})
    for priority in query.priority:
        chips.append({"label": f"Priority: {Priority(priority).label}", "url": inbox_url(query, priority=[])})
    if query.assignee is not None:
        who = "Unassigned" if query.assignee == 0 else names.get(query.assignee, f"#{query.assignee}")
        chips.append({"label": f"Assignee: {who}", "url": inbox_url(query, assignee=None)})
    if query.team is not None:
        chips.append(
            {"label": f"Team: {team_names.get(query.team, query.team)}", "url": inbox_url(query, team=None)}
        )
    if query.tag:
        chips.append({"label": f"Tag: {query.tag}", "url": inbox_url(query, tag="")})
    if query.customer is not None:
        chips.append({"label": "This customer only", "url": inbox_url(query, customer=None)})
    return chips


def render_inbox(
    request: HttpRequest,
    params: QueryDict,
    *,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    bulk_result: Any = None,
) -> HttpResponse:
    user = current_user(request)
    query = inbox.InboxQuery.from_params(params)
    context = list_context(user, query)
    agents = list(assignable_agents())
    teams = list(Team.objects.all())
    saved_id = params.get("saved", "")
    context.update(
        {
            "views": [(key, inbox.VIEWS[key]) for key in SIDEBAR_VIEWS],
            "view_title": inbox.VIEWS[query.view],
            "saved_views": _saved_views(user),
            "active_saved": int(saved_id) if saved_id.isdigit() else None,
            "agents": agents,
            "teams": teams,
            "statuses": Status.choices,
            "priorities": Priority.choices,
            "sorts": [(key, label) for key, (_, _, label) in inbox.SORTS.items()],
            "chips": _filter_chips(query, agents, teams),
            "errors": errors or {},
            "bulk_result": bulk_result,
            "current_params": urlencode(query.as_params(), doseq=True),
            "here": request.get_full_path() if request.method == "GET" else "",
        }
    )
    return render(request, "tickets/inbox.html", context, status=status)


@login_required
@require_GET
def inbox_page(request: HttpRequest) -> HttpResponse:
    if not request.GET and not current_user(request).works_tickets:
        # Collaborators land on their handoffs; their team's tickets stay one click away (?view=all).
        return redirect("collab-handoffs")
    return render_inbox(request, request.GET)


@login_required
@require_GET
def inbox_list(request: HttpRequest) -> HttpResponse:
    """The ticket list alone, for the live refresh (htmx polls it) and for filters without a reload."""
    user = current_user(request)
    query = inbox.InboxQuery.from_params(request.GET)
    return render(request, "tickets/partials/_inbox_list.html", {**list_context(user, query), "oob": True})


def _params_of(next_url: str) -> QueryDict:
    return QueryDict(urlsplit(next_url).query)


@login_required
@require_POST
def bulk_update(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = BulkForm(request.POST)
    back = safe_next(request, request.POST.get("next"), reverse("inbox"))
    if not form.is_valid():
        return render_inbox(request, _params_of(back), status=400, errors=form_errors(form))
    data = form.cleaned_data
    tickets = list(tickets_visible_to(user).filter(pk__in=data["ticket"]).order_by("pk"))
    if not tickets:
        return render_inbox(
            request, _params_of(back), status=400, errors={"ticket": ["None of the selected tickets exist."]}
        )
    op = data["op"]
    kwargs: dict[str, Any] = {}
    if op == "assign":
        kwargs = {"assignee": data["assignee_user"], "unassign": data["assignee_user"] is None}
    elif op == "status":
        kwargs = {"status": data["status"]}
    else:
        kwargs = {"add_tags": [data["tag"]]}
    try:
        result = do_bulk_update(tickets, actor=user, **kwargs)
    except ValidationError as exc:  # a bad tag name fails before any ticket changes
        return render_inbox(request, _params_of(back), status=400, errors=error_dict(exc))
    noun = "ticket" if result.changed == 1 else "tickets"
    messages.success(request, f"Updated {result.changed} {noun}.")
    for pk, reason in sorted(result.errors.items()):
        messages.warning(request, f"#{pk} was not changed: {reason}")
    if op == "status" and data["status"] in (Status.SOLVED, Status.CLOSED):
        for warning in bulk_solve_warnings([t.pk for t in tickets]):
            messages.warning(request, warning)
    return redirect(back)


@login_required
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = SavedViewForm(request.POST)
    params = QueryDict(form.data.get("params", ""))
    if not form.is_valid():
        return render_inbox(request, params, status=400, errors=form_errors(form))
    filters = inbox.InboxQuery.from_params(params).as_params()
    try:
        view = do_save_view(
            form.cleaned_data["name"], filters, shared=form.cleaned_data["shared"], actor=user
        )
    except ValidationError as exc:
        status = 403 if "shared" in error_dict(exc) else 400
        return render_inbox(request, params, status=status, errors=error_dict(exc))
    messages.success(
        request, f"Saved the view “{view.name}”{' for everyone' if view.owner_id is None else ''}."
    )
    return redirect(reverse("inbox") + "?" + urlencode({**view.filters, "saved": view.pk}, doseq=True))


@login_required
@require_POST
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    user = current_user(request)
    view = access_saved_view(user, view_id)
    try:
        do_delete_view(view, actor=user)
    except ValidationError as exc:
        return render_inbox(request, QueryDict(), status=403, errors=error_dict(exc))
    messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect("inbox")
