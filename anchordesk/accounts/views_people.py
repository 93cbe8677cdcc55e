"""Agents and teams settings pages, and the page an invited person opens from their email.

Who may do what: leads and admins see the agents and teams pages and manage teams (as in the
API); only admins invite, resend or revoke invitations, change someone's role or teams, or reset
their two-factor sign-in. Everyone else gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anchordesk.accounts.actions import do_create_team, do_update_team
from anchordesk.accounts.forms_people import AcceptInvitationForm, AgentForm, InviteForm, TeamForm
from anchordesk.accounts.invitations import (
    do_accept_invitation,
    do_invite_agent,
    do_resend_invitation,
    do_revoke_invitation,
    do_update_agent,
    get_invitation_state,
)
from anchordesk.accounts.models import Team, TOTPDevice, User
from anchordesk.accounts.queries import (
    access_invitation,
    access_person,
    invitations_visible_to,
    people_visible_to,
)
from anchordesk.accounts.two_factor import do_reset_two_factor
from anchordesk.core.access import require_admin, require_lead

BACKEND = "anchordesk.accounts.backends.EmailOrUsernameBackend"


def _actor(request: HttpRequest, *, admin: bool = False) -> User:
    return require_admin(request, settings_page=True) if admin else require_lead(request, settings_page=True)


def _form_errors(form: Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """An action's ValidationError shown beside the form's fields (else above the form)."""
    aliases = aliases or {}
    for field, reasons in exc.message_dict.items():
        name = aliases.get(field, field)
        for reason in reasons:
            form.add_error(name if name in form.fields else None, reason)


# Agents -------------------------------------------------------------------------------------


def _agents_page(
    request: HttpRequest, actor: User, invite_form: InviteForm, *, status: int = 200
) -> HttpResponse:
    with_device = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False))
    people = (
        people_visible_to(actor)
        .annotate(two_factor=with_device)
        .prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
        .order_by("-is_active", "first_name", "last_name", "username")
    )
    invitations = (
        invitations_visible_to(actor)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .prefetch_related("teams")
        .order_by("-sent_at")
    )
    context = {
        "people": list(people),
        "invitations": list(invitations),
        "invite_form": invite_form,
        "now": timezone.now(),
    }
    return render(request, "accounts/settings_agents.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_agents(request: HttpRequest) -> HttpResponse:
    """Everyone who signs in, pending invitations and (for admins) the invite form."""
    if request.method == "GET":
        return _agents_page(request, _actor(request), InviteForm())
    actor = _actor(request, admin=True)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _agents_page(request, actor, form, status=400)
    try:
        invitation, _raw = do_invite_agent(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            team_ids=[t.pk for t in form.cleaned_data["teams"]],
            actor=actor,
        )
    except ValidationError as exc:
        _form_errors(form, exc, {"team_ids": "teams"})
        return _agents_page(request, actor, form, status=400)
    messages.success(request, f"Invitation sent to {invitation.email}.")
    return redirect("settings-agents")


def _agent_page(request: HttpRequest, person: User, form: AgentForm, *, status: int = 200) -> HttpResponse:
    context = {
        "person": person,
        "form": form,
        "two_factor": TOTPDevice.objects.filter(user=person, confirmed_at__isnull=False).exists(),
    }
    return render(request, "accounts/settings_agent.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_agent(request: HttpRequest, user_id: int) -> HttpResponse:
    """Change someone's role and teams (admins)."""
    actor = _actor(request, admin=True)
    person = access_person(actor, user_id)
    if request.method == "GET":
        initial: dict[str, Any] = {"role": person.role, "teams": list(person.teams.all())}
        return _agent_page(request, person, AgentForm(initial=initial))
    form = AgentForm(request.POST)
    if not form.is_valid():
        return _agent_page(request, person, form, status=400)
    try:
        do_update_agent(
            person,
            actor=actor,
            role=form.cleaned_data["role"],
            team_ids=[t.pk for t in form.cleaned_data["teams"]],
        )
    except ValidationError as exc:
        _form_errors(form, exc, {"team_ids": "teams"})
        return _agent_page(request, person, form, status=400)
    messages.success(request, f"Saved {person.display_name}.")
    return redirect("settings-agents")


@login_required
@require_POST
def settings_agent_reset_two_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request, admin=True)
    person = access_person(actor, user_id)
    do_reset_two_factor(person, actor=actor)
    messages.success(
        request,
        f"Two-factor sign-in of {person.display_name} is reset. They set it up again at their next "
        "sign-in if their role requires it.",
    )
    return redirect("settings-agent", person.pk)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = _actor(request, admin=True)
    invitation = access_invitation(actor, invitation_id)
    try:
        do_resend_invitation(invitation, actor=actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("settings-agents")
    messages.success(
        request, f"A new invitation link is on its way to {invitation.email}; the old one no longer works."
    )
    return redirect("settings-agents")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = _actor(request, admin=True)
    invitation = access_invitation(actor, invitation_id)
    try:
        do_revoke_invitation(invitation, actor=actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("settings-agents")
    messages.success(request, f"Invitation for {invitation.email} revoked; its link no longer works.")
    return redirect("settings-agents")


@login_required
@require_GET
def agents_redirect(request: HttpRequest) -> HttpResponse:
    """The old /agents/ list lives on as the agents settings page."""
    return redirect("settings-agents")


# Teams --------------------------------------------------------------------------------------


def _teams_page(request: HttpRequest, form: TeamForm, *, status: int = 200) -> HttpResponse:
    teams = Team.objects.prefetch_related(
        Prefetch("members", queryset=User.objects.filter(is_active=True).order_by("first_name", "username"))
    ).order_by("name")
    return render(
        request, "accounts/settings_teams.html", {"teams": list(teams), "form": form}, status=status
    )


def _team_fields(form: TeamForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "description": data["description"],
        "email": data["email"],
        "member_ids": [u.pk for u in data["members"]],
    }


@login_required
@require_http_methods(["GET", "POST"])
def settings_teams(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if request.method == "GET":
        return _teams_page(request, TeamForm())
    form = TeamForm(request.POST)
    if not form.is_valid():
        return _teams_page(request, form, status=400)
    try:
        team = do_create_team(actor=actor, name=form.cleaned_data["name"], **_team_fields(form))
    except ValidationError as exc:
        _form_errors(form, exc, {"member_ids": "members"})
        return _teams_page(request, form, status=400)
    messages.success(request, f"Team “{team.name}” created.")
    return redirect("settings-teams")


@login_required
@require_http_methods(["GET", "POST"])
def settings_team(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = _actor(request)
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise Http404("No such team")
    if request.method == "GET":
        initial = {
            "name": team.name,
            "kind": team.kind,
            "description": team.description,
            "email": team.email,
            "members": list(team.members.filter(is_active=True)),
        }
        form = TeamForm(initial=initial)
        return render(request, "accounts/settings_team.html", {"team": team, "form": form})
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            do_update_team(team, actor=actor, name=form.cleaned_data["name"], **_team_fields(form))
        except ValidationError as exc:
            _form_errors(form, exc, {"member_ids": "members"})
        else:
            messages.success(request, f"Team “{team.name}” saved.")
            return redirect("settings-teams")
    return render(request, "accounts/settings_team.html", {"team": team, "form": form}, status=400)


# Accepting an invitation ----------------------------------------------------------------------


def _no_referrer(response: HttpResponse) -> HttpResponse:
    """The token is in this page's address: never send it to another site. ("no-referrer" would
    make Chromium send `Origin: null` with the form, which the CSRF check rightly refuses.)"""
    response["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a name and password and join. Opening the page changes nothing (mail scanners open links)."""
    state = get_invitation_state(token)
    if not state.usable or state.invitation is None:
        status = 404 if state.invitation is None else 410
        return _no_referrer(
            render(request, "accounts/invitation_problem.html", {"problem": state.problem}, status=status)
        )
    invitation = state.invitation
    if request.method == "GET":
        form = AcceptInvitationForm(initial={"name": invitation.name})
        return _no_referrer(
            render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})
        )
    form = AcceptInvitationForm(request.POST)
    context = {"form": form, "invitation": invitation}
    if not form.is_valid():
        return _no_referrer(render(request, "accounts/invitation_accept.html", context, status=400))
    try:
        user = do_accept_invitation(
            token, password=form.cleaned_data["password"], name=form.cleaned_data["name"]
        )
    except ValidationError as exc:
        if "token" in exc.message_dict:
            problem = exc.message_dict["token"][0]
            return _no_referrer(
                render(request, "accounts/invitation_problem.html", {"problem": problem}, status=410)
            )
        _form_errors(form, exc)
        return _no_referrer(render(request, "accounts/invitation_accept.html", context, status=400))
    login(request, user, backend=BACKEND)
    messages.success(request, f"Welcome, {user.display_name}. Your account is ready.")
    return redirect("inbox")
