"""Thin views over collab actions: the escalation queue and page, handoffs and their queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anchordesk.accounts.choices import TeamKind
from anchordesk.accounts.models import Team, User
from anchordesk.collab import actions, forms, queries
from anchordesk.collab.choices import HandoffStatus, LeadMode, RequestedBy
from anchordesk.collab.models import Escalation, Handoff
from anchordesk.core.access import (
    access_lead_work,
    require_agent,
    require_lead,
    signed_in_user,
    validation_errors,
)
from anchordesk.tickets.actions import StaleTicket, do_reply
from anchordesk.tickets.models import Ticket
from anchordesk.tickets.queries import access_ticket

T = TypeVar("T")


def _bad_request(exc: ValidationError) -> HttpResponse:
    text = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in validation_errors(exc).items())
    return HttpResponseBadRequest(f"Not saved. {text}", content_type="text/plain; charset=utf-8")


def _ticket_page(ticket_id: int) -> str:
    return f"/tickets/{ticket_id}/#collab"


# --- Escalations ---------------------------------------------------------------------------


@login_required
@require_GET
def escalation_queue(request: HttpRequest) -> HttpResponse:
    user = require_lead(request)
    include_resolved = request.GET.get("show") == "all"
    rows = queries.escalation_queue(user, include_resolved=include_resolved)
    return render(
        request, "collab/escalation_queue.html", {"rows": rows, "include_resolved": include_resolved}
    )


@login_required
@require_GET
def escalation_detail(request: HttpRequest, escalation_id: int) -> HttpResponse:
    user = require_agent(request)
    escalation = queries.access_escalation(user, escalation_id)
    return _render_escalation(request, user, escalation)


def _render_escalation(
    request: HttpRequest,
    user: User,
    escalation: Escalation,
    *,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "escalation": escalation,
        "ticket": escalation.ticket,
        "ctx": queries.escalation_context(escalation.ticket),
        "can_act": user.is_lead and escalation.is_open,
        "suggested_reply": queries.suggested_lead_reply(escalation, escalation.lead or user),
        "modes": LeadMode.choices,
        "errors": errors or {},
        "handoffs": list(queries.open_handoffs(escalation.ticket)),
    }
    return render(request, "collab/escalation_detail.html", context, status=status)


def _lead_escalation(request: HttpRequest, escalation_id: int) -> tuple[User, Escalation]:
    user = require_agent(request)
    escalation = queries.access_escalation(user, escalation_id)
    return user, escalation


@login_required
@require_POST
def escalation_take(request: HttpRequest, escalation_id: int) -> HttpResponse:
    user, escalation = _lead_escalation(request, escalation_id)
    access_lead_work(user, status=403)  # agents read the escalation; only leads act on it
    try:
        actions.do_take_escalation(escalation, actor=user, mode=request.POST.get("mode", LeadMode.HANDLE))
    except ValidationError as exc:
        return _render_escalation(request, user, escalation, errors=validation_errors(exc), status=400)
    return redirect("collab-escalation", escalation_id=escalation.pk)


@login_required
@require_POST
def escalation_note(request: HttpRequest, escalation_id: int) -> HttpResponse:
    user, escalation = _lead_escalation(request, escalation_id)
    access_lead_work(user, status=403)  # agents read the escalation; only leads act on it
    try:
        actions.do_coach_on_escalation(escalation, request.POST.get("body", ""), actor=user)
    except ValidationError as exc:
        return _render_escalation(request, user, escalation, errors=validation_errors(exc), status=400)
    return redirect("collab-escalation", escalation_id=escalation.pk)


@login_required
@require_POST
def escalation_reply(request: HttpRequest, escalation_id: int) -> HttpResponse:
    user, escalation = _lead_escalation(request, escalation_id)
    access_lead_work(user, status=403)  # agents read the escalation; only leads act on it
    try:
        do_reply(escalation.ticket, request.POST.get("body", ""), actor=user)
    except ValidationError as exc:
        # Reported as "reply" so the message shows under the reply box, not the note box.
        errors = {
            ("reply" if field == "body" else field): reasons
            for field, reasons in validation_errors(exc).items()
        }
        return _render_escalation(request, user, escalation, errors=errors, status=400)
    except StaleTicket:
        return _render_escalation(
            request, user, escalation, errors={"reply": ["The ticket changed; read it again."]}, status=409
        )
    return redirect("collab-escalation", escalation_id=escalation.pk)


@login_required
@require_POST
def escalation_resolve(request: HttpRequest, escalation_id: int) -> HttpResponse:
    user, escalation = _lead_escalation(request, escalation_id)
    access_lead_work(user, status=403)  # agents read the escalation; only leads act on it
    try:
        actions.do_resolve_escalation(escalation, request.POST.get("outcome", ""), actor=user)
    except ValidationError as exc:
        return _render_escalation(request, user, escalation, errors=validation_errors(exc), status=400)
    return redirect("collab-escalation", escalation_id=escalation.pk)


@login_required
@require_POST
def ticket_escalate(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """An agent marks the customer's demand for a manager."""
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    try:
        escalation, _ = actions.do_open_escalation(
            ticket, requested_by=RequestedBy.AGENT, reason=request.POST.get("reason", ""), actor=user
        )
    except ValidationError as exc:
        return _bad_request(exc)
    if user.is_lead:
        return redirect("collab-escalation", escalation_id=escalation.pk)
    return redirect(_ticket_page(ticket.pk))


@login_required
@require_GET
def ticket_panel(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The ticket page's collab panel (load it with hx-get): escalation and handoffs."""
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    context = {"ticket": ticket, **ticket_panel_context(ticket)}
    return render(request, "collab/partials/ticket_panel.html", context)


def ticket_panel_context(ticket: Ticket) -> dict[str, Any]:
    """What the collab panel shows: the open escalation, the handoffs and their progress. Also
    rendered with the ticket page itself (collab.extensions registers it as a ticket-page panel)."""
    escalation = queries.open_escalation_for(ticket)
    progress = queries.ticket_handoff_progress(ticket)
    return {
        "escalation": escalation,
        "customer_wording": queries.suggested_agent_reply(escalation) if escalation else "",
        "progress": progress,
        "open_handoffs": [p.handoff for p in progress if p.handoff.is_open],
        "to_tell": [p.handoff for p in progress if p.update_customer],
    }


@login_required
@require_POST
def escalation_use_wording(request: HttpRequest, escalation_id: int) -> HttpResponse:
    """Put the honest "who handles it" wording in the ticket's reply box. Changes nothing."""
    user = require_agent(request)
    escalation = queries.access_escalation(user, escalation_id)
    request.session["reply_suggestion"] = queries.suggested_agent_reply(escalation)
    return redirect(f"/tickets/{escalation.ticket_id}/#reply")


# --- Handoffs ------------------------------------------------------------------------------


def _parse(errors: dict[str, list[str]], parse: Callable[[], T], default: T) -> T:
    try:
        return parse()
    except ValidationError as exc:
        errors.update(validation_errors(exc))
        return default


def _open_handoff(
    request: HttpRequest, user: User, ticket: Ticket, teams: QuerySet[Team]
) -> tuple[dict[str, list[str]], Handoff | None]:
    """Read the form and open the handoff; on any problem, every field's reasons and nothing saved."""
    post = request.POST
    errors: dict[str, list[str]] = {}
    team = _parse(errors, lambda: forms.parse_team(post.get("team", ""), teams), None)
    due_on = _parse(errors, lambda: forms.parse_due_on(post.get("due_on", "")), None)
    no_ids: list[int] = []
    message_ids = _parse(errors, lambda: forms.parse_ids(post, "messages"), no_ids)
    assignee = _parse(errors, lambda: forms.parse_user(post.get("assignee", ""), "assignee"), None)
    subject, needed = post.get("subject", ""), post.get("needed", "")
    external_email, external_name = post.get("external_email", ""), post.get("external_name", "")
    if errors:
        more, _ = actions.check_handoff(
            ticket, team=team, subject=subject, needed=needed, due_on=due_on, message_ids=message_ids
        )
        actions.check_external(external_email, external_name, more)
        for field, reasons in more.items():
            errors.setdefault(field, reasons)
        return errors, None
    try:
        handoff = actions.do_open_handoff(
            ticket,
            actor=user,
            team=team,
            subject=subject,
            needed=needed,
            due_on=due_on,
            message_ids=message_ids,
            assignee=assignee,
            external_email=external_email,
            external_name=external_name,
        )
    except ValidationError as exc:
        return validation_errors(exc), None
    return {}, handoff


@login_required
@require_http_methods(["GET", "POST"])
def handoff_new(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    teams = Team.objects.exclude(kind=TeamKind.SUPPORT).order_by("name")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        errors, handoff = _open_handoff(request, user, ticket, teams)
        if handoff is not None:
            return redirect("collab-handoff", handoff_id=handoff.pk)
    context = {
        "ticket": ticket,
        "teams": teams,
        "ticket_messages": list(
            ticket.messages.select_related("author", "customer").order_by("created_at", "id")
        ),
        "errors": errors,
        "data": request.POST,
        "chosen": {int(v) for v in request.POST.getlist("messages") if v.isdigit()},
    }
    return render(request, "collab/handoff_form.html", context, status=400 if errors else 200)


@login_required
@require_GET
def handoff_queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    show = request.GET.get("show", "open")
    if show not in ("open", "mine", "all"):
        show = "open"
    if not user.works_tickets and "show" not in request.GET:
        # People outside support get their own focused page: theirs, their team's, what just closed.
        return render(request, "collab/handoff_focus.html", {"focus": queries.handoff_focus(user)})
    rows = queries.handoff_queue(user, show=show)
    return render(request, "collab/handoff_queue.html", {"rows": rows, "show": show})


def _render_handoff(
    request: HttpRequest,
    user: User,
    handoff_id: int,
    *,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    handoff = queries.access_handoff(user, handoff_id)
    context = {
        "handoff": handoff,
        "attached": list(handoff.messages.select_related("author", "customer").order_by("created_at", "id")),
        "comments": list(handoff.comments.select_related("author")),
        "statuses": HandoffStatus.choices,
        "members": list(handoff.team.members.filter(is_active=True).order_by("first_name", "username")),
        "errors": errors or {},
        "sees_ticket": user.works_tickets,
    }
    return render(request, "collab/handoff_detail.html", context, status=status)


@login_required
@require_GET
def handoff_detail(request: HttpRequest, handoff_id: int) -> HttpResponse:
    return _render_handoff(request, signed_in_user(request), handoff_id)


@login_required
@require_POST
def handoff_comment(request: HttpRequest, handoff_id: int) -> HttpResponse:
    user = signed_in_user(request)
    handoff = queries.access_handoff(user, handoff_id)
    try:
        actions.do_comment_on_handoff(handoff, request.POST.get("body", ""), actor=user)
    except ValidationError as exc:
        return _render_handoff(request, user, handoff.pk, errors=validation_errors(exc), status=400)
    return redirect("collab-handoff", handoff_id=handoff.pk)


@login_required
@require_POST
def handoff_status(request: HttpRequest, handoff_id: int) -> HttpResponse:
    user = signed_in_user(request)
    handoff = queries.access_handoff(user, handoff_id)
    try:
        actions.do_set_handoff_status(
            handoff, request.POST.get("status", ""), actor=user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        return _render_handoff(request, user, handoff.pk, errors=validation_errors(exc), status=400)
    return redirect("collab-handoff", handoff_id=handoff.pk)


@login_required
@require_POST
def handoff_assign(request: HttpRequest, handoff_id: int) -> HttpResponse:
    user = signed_in_user(request)
    handoff = queries.access_handoff(user, handoff_id)
    try:
        assignee = forms.parse_user(request.POST.get("assignee", ""), "assignee")
        actions.do_assign_handoff(handoff, assignee, actor=user)
    except ValidationError as exc:
        return _render_handoff(request, user, handoff.pk, errors=validation_errors(exc), status=400)
    return redirect("collab-handoff", handoff_id=handoff.pk)


@login_required
@require_POST
def handoff_tell_customer(request: HttpRequest, handoff_id: int) -> HttpResponse:
    """Start the reply that tells the customer what the other team did (the agent edits and sends it)."""
    user = require_agent(request)
    handoff = queries.access_handoff(user, handoff_id)
    access_ticket(user, handoff.ticket_id)
    request.session["reply_suggestion"] = queries.suggested_customer_update(handoff)
    return redirect(f"/tickets/{handoff.ticket_id}/#composer")
