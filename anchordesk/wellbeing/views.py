"""Thin views over wellbeing actions: the agent's page and break banner, the lead's exposure view,
kind words, the ticket panel (hand over, warn, restrict) and the restricted customers' queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anchordesk.accounts.models import Team, User
from anchordesk.core.access import require_agent, require_lead, validation_errors
from anchordesk.tickets.models import Ticket
from anchordesk.tickets.queries import access_ticket
from anchordesk.wellbeing import actions, queries
from anchordesk.wellbeing.choices import Standing
from anchordesk.wellbeing.models import Break


def _bad_request(exc: ValidationError) -> HttpResponse:
    text = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in validation_errors(exc).items())
    return HttpResponseBadRequest(f"Not saved. {text}", content_type="text/plain; charset=utf-8")


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _team(request: HttpRequest) -> Team | None:
    raw = request.GET.get("team", "")
    if not raw:
        return None
    team = Team.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    if team is None:
        raise Http404("No such team")
    return team


# --- The agent's own page and the break banner -------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = require_agent(request)
    context = {
        "me": queries.my_wellbeing(user),
        "open_break": queries.open_break(user),
        "profile": actions.profile_for(user),
        "break_minutes": queries.break_minutes(),
    }
    return render(request, "wellbeing/home.html", context)


def _banner(request: HttpRequest, user: User) -> HttpResponse:
    return render(
        request,
        "wellbeing/partials/banner.html",
        {
            "open_break": queries.open_break(user),
            "here": request.GET.get("here") or request.POST.get("next", ""),
        },
    )


@login_required
@require_GET
def banner(request: HttpRequest) -> HttpResponse:
    """Loaded by every agent page (hx-get): a break suggestion to answer, or the break in progress."""
    user = require_agent(request)
    return _banner(request, user)


def _break_step(request: HttpRequest, break_id: int, step: Callable[..., Break]) -> HttpResponse:
    user = require_agent(request)
    brk = queries.access_break(user, break_id)
    try:
        step(brk, actor=user)
    except ValidationError as exc:
        return _bad_request(exc)
    if request.headers.get("HX-Request"):
        return _banner(request, user)
    return redirect(_next(request, "/wellbeing/"))


@login_required
@require_POST
def break_take(request: HttpRequest, break_id: int) -> HttpResponse:
    return _break_step(request, break_id, actions.do_take_break)


@login_required
@require_POST
def break_dismiss(request: HttpRequest, break_id: int) -> HttpResponse:
    return _break_step(request, break_id, actions.do_dismiss_break)


@login_required
@require_POST
def break_end(request: HttpRequest, break_id: int) -> HttpResponse:
    return _break_step(request, break_id, actions.do_end_break)


@login_required
@require_POST
def break_start(request: HttpRequest) -> HttpResponse:
    user = require_agent(request)
    actions.do_start_break(actor=user)
    return redirect(_next(request, "/wellbeing/"))


@login_required
@require_POST
def volunteer(request: HttpRequest) -> HttpResponse:
    user = require_agent(request)
    actions.do_set_volunteer(actor=user, volunteer=request.POST.get("volunteer") == "1")
    return redirect("/wellbeing/")


# --- Leads: exposure per agent -----------------------------------------------------------------


@login_required
@require_GET
def exposure(request: HttpRequest) -> HttpResponse:
    require_lead(request)
    teams = list(Team.objects.order_by("name"))
    team = _team(request)
    week_starts, rows = queries.exposure_table(queries.agents_for(team))
    context = {"teams": teams, "team": team, "week_starts": week_starts, "rows": rows}
    return render(request, "wellbeing/exposure.html", context)


# --- Kind words ---------------------------------------------------------------------------------


@login_required
@require_GET
def kind_words(request: HttpRequest) -> HttpResponse:
    user = require_agent(request)
    raw = request.GET.get("team", "")
    team = queries.access_kind_words_team(user, raw) if raw else None
    words = queries.kind_words_for_team(team) if team else queries.kind_words_for_agent(user)
    teams = list(queries.kind_words_teams_visible_to(user).order_by("name"))
    context = {"team": team, "teams": teams, "words": list(words[:100])}
    return render(request, "wellbeing/kind_words.html", context)


# --- On the ticket: hand over, warn, restrict --------------------------------------------------


def ticket_panel_context(ticket: Ticket, user: User) -> dict[str, Any]:
    """What the hard-conversation panel shows. Also rendered with the ticket page itself
    (wellbeing.extensions registers it as a ticket-page panel). The panel shows only for a
    hostile conversation or a customer who was abusive, so the hand-over candidates are read
    only then."""
    facts = queries.standing_facts(ticket.customer, ticket.pk)
    standing = facts.standing
    hostile = facts.maybe_hostile_here and queries.abusive_ticket(ticket.pk)
    was_abusive = standing.state != Standing.OK or facts.ever_abusive
    return {
        "hostile": hostile,
        "standing": standing,
        "was_abusive": was_abusive,
        "candidates": queries.handover_candidates(user) if hostile or was_abusive else [],
    }


def _panel_context(user: User, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    context = {"ticket": ticket, **ticket_panel_context(ticket, user), "errors": {}}
    context.update(extra)
    return context


@login_required
@require_GET
def ticket_panel(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    return render(request, "wellbeing/partials/ticket_panel.html", _panel_context(user, ticket))


@login_required
@require_POST
def ticket_hand_over(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    raw = request.POST.get("to", "")
    to = User.objects.filter(pk=int(raw), is_active=True).first() if raw.isdigit() else None
    try:
        actions.do_hand_over_conversation(ticket, to, actor=user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        return _bad_request(exc)
    return redirect(f"/tickets/{ticket.pk}/")


@login_required
@require_http_methods(["GET", "POST"])
def ticket_warn(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The warning template, to read and edit before it goes to the customer as a reply."""
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    errors: dict[str, list[str]] = {}
    body = request.POST.get("body") if request.method == "POST" else None
    if body is not None:
        try:
            actions.do_warn_customer(ticket, body, actor=user)
        except ValidationError as exc:
            errors = validation_errors(exc)
        else:
            return redirect(f"/tickets/{ticket.pk}/")
    context = {
        "ticket": ticket,
        "body": body if body is not None else queries.warning_template(ticket, user),
        "errors": errors,
        "standing": queries.standing_of(ticket.customer),
    }
    return render(request, "wellbeing/warn.html", context, status=400 if errors else 200)


@login_required
@require_POST
def ticket_standing(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    try:
        actions.do_set_standing(
            ticket.customer,
            request.POST.get("state", ""),
            actor=user,
            reason=request.POST.get("reason", ""),
            ticket=ticket,
        )
    except ValidationError as exc:
        return _bad_request(exc)
    return redirect(f"/tickets/{ticket.pk}/")


# --- Leads: restricted customers' queue ---------------------------------------------------------


@login_required
@require_GET
def lead_queue(request: HttpRequest) -> HttpResponse:
    require_lead(request)
    include_taken = request.GET.get("show") == "all"
    rows = queries.lead_queue(include_taken=include_taken)
    return render(request, "wellbeing/lead_queue.html", {"rows": rows, "include_taken": include_taken})


@login_required
@require_POST
def lead_queue_take(request: HttpRequest, item_id: int) -> HttpResponse:
    user = require_lead(request)
    item = queries.access_restricted(user, item_id)
    actions.do_take_restricted(item, actor=user)
    return redirect(f"/tickets/{item.ticket_id}/")
