"""Automation settings pages: triggers, time rules and assignment for leads and admins; macros
for everyone who works tickets (personal ones) and for leads (shared ones).

Views parse the form rows and call the actions; what is allowed is decided there. Bad input
answers 400 with each reason beside its field, never a 500.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from anchordesk.accounts.models import Team, User
from anchordesk.automation.actions import (
    do_save_agent_routing,
    do_save_assignment,
    do_save_macro,
    do_save_time_rule,
    do_save_trigger,
    do_set_rule_active,
)
from anchordesk.automation.choices import TRIGGER_EVENTS, Strategy
from anchordesk.automation.conditions import describe
from anchordesk.automation.engine import available_agents, open_load
from anchordesk.automation.forms import (
    FIELD_LABELS,
    AgentRoutingForm,
    AssignmentForm,
    MacroForm,
    TimeRuleForm,
    TriggerForm,
    action_rows,
    action_words,
    actions_from,
    condition_rows,
    conditions_from,
    describe_actions,
    scope_of,
)
from anchordesk.automation.models import AgentAvailability, AssignmentPolicy
from anchordesk.automation.queries import (
    access_editable_macro,
    access_time_rule,
    access_trigger,
    macros_visible_to,
    time_rules_visible_to,
    triggers_visible_to,
)
from anchordesk.core.access import require_agent, validation_errors
from anchordesk.sla.views import lead_required

EVENT_LABELS = dict(TRIGGER_EVENTS)


def _user(request: HttpRequest) -> User:
    return require_agent(request)


def _apply_errors(form: forms.Form, exc: ValidationError, sections: dict[str, list[str]]) -> None:
    """Reasons for the main form's fields go beside them; conditions and actions above their rows."""
    for field_name, reasons in validation_errors(exc).items():
        if field_name in form.fields:
            form.add_error(field_name, reasons)
        elif field_name in ("conditions", "actions"):
            sections.setdefault(field_name, []).extend(reasons)
        else:
            form.add_error(None, reasons)


def _rule_context(**extra: Any) -> dict[str, Any]:
    return {"field_labels": FIELD_LABELS, "action_words": action_words(), **extra}


@lead_required
def automation_home(request: HttpRequest) -> HttpResponse:
    triggers = [
        (
            t,
            ", ".join(str(EVENT_LABELS.get(e, e)) for e in t.events),
            describe(t.conditions),
            describe_actions(t.actions),
        )
        for t in triggers_visible_to(_user(request))
    ]
    rules = time_rules_visible_to(_user(request))
    time_rules = [(r, describe(r.conditions), describe_actions(r.actions)) for r in rules]
    return render(
        request,
        "automation/settings/index.html",
        {"triggers": triggers, "time_rules": time_rules},
    )


@lead_required
def trigger_edit(request: HttpRequest, trigger_id: int | None = None) -> HttpResponse:
    trigger = access_trigger(_user(request), trigger_id) if trigger_id is not None else None
    sections: dict[str, list[str]] = {}
    if request.method == "POST":
        form = TriggerForm(request.POST)
        conditions, actions = condition_rows(request.POST), action_rows(request.POST)
        if all([form.is_valid(), conditions.is_valid(), actions.is_valid()]):
            try:
                do_save_trigger(
                    actor=_user(request),
                    name=form.cleaned_data["name"],
                    events=form.cleaned_data["events"],
                    conditions=conditions_from(conditions),
                    actions=actions_from(actions),
                    active=form.cleaned_data["active"],
                    position=form.cleaned_data["position"],
                    trigger=trigger,
                )
            except ValidationError as exc:
                _apply_errors(form, exc, sections)
            else:
                messages.success(request, f"Trigger “{form.cleaned_data['name']}” saved.")
                return redirect("automation-home")
        status = 400
    else:
        initial = (
            {
                "name": trigger.name,
                "events": trigger.events,
                "position": trigger.position,
                "active": trigger.active,
            }
            if trigger
            else None
        )
        form = TriggerForm(initial=initial)
        conditions = condition_rows(conditions=trigger.conditions if trigger else None)
        actions = action_rows(actions=trigger.actions if trigger else None)
        status = 200
    context = _rule_context(
        form=form, conditions=conditions, actions=actions, sections=sections, trigger=trigger
    )
    return render(request, "automation/settings/trigger_form.html", context, status=status)


@lead_required
def time_rule_edit(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    rule = access_time_rule(_user(request), rule_id) if rule_id is not None else None
    sections: dict[str, list[str]] = {}
    if request.method == "POST":
        form = TimeRuleForm(request.POST)
        conditions, actions = condition_rows(request.POST), action_rows(request.POST)
        if all([form.is_valid(), conditions.is_valid(), actions.is_valid()]):
            try:
                do_save_time_rule(
                    actor=_user(request),
                    name=form.cleaned_data["name"],
                    conditions=conditions_from(conditions),
                    actions=actions_from(actions),
                    active=form.cleaned_data["active"],
                    rule=rule,
                )
            except ValidationError as exc:
                _apply_errors(form, exc, sections)
            else:
                messages.success(request, f"Time rule “{form.cleaned_data['name']}” saved.")
                return redirect("automation-home")
        status = 400
    else:
        form = TimeRuleForm(initial={"name": rule.name, "active": rule.active} if rule else None)
        conditions = condition_rows(conditions=rule.conditions if rule else None)
        actions = action_rows(actions=rule.actions if rule else None)
        status = 200
    context = _rule_context(form=form, conditions=conditions, actions=actions, sections=sections, rule=rule)
    return render(request, "automation/settings/time_rule_form.html", context, status=status)


@lead_required
@require_POST
def trigger_toggle(request: HttpRequest, trigger_id: int) -> HttpResponse:
    trigger = access_trigger(_user(request), trigger_id)
    do_set_rule_active(trigger, not trigger.active, actor=_user(request))
    messages.success(request, f"Trigger “{trigger.name}” {'enabled' if trigger.active else 'disabled'}.")
    return redirect("automation-home")


@lead_required
@require_POST
def time_rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = access_time_rule(_user(request), rule_id)
    do_set_rule_active(rule, not rule.active, actor=_user(request))
    messages.success(request, f"Time rule “{rule.name}” {'enabled' if rule.active else 'disabled'}.")
    return redirect("automation-home")


# --- macros: every agent has personal ones; leads manage the shared ones ------------------


@login_required
def macro_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    macros = macros_visible_to(user).select_related("team", "owner").order_by("name")
    rows = [(m, describe_actions(m.actions), m.owner_id == user.pk or user.is_lead) for m in macros]
    return render(request, "automation/settings/macro_list.html", {"rows": rows})


@login_required
def macro_edit(request: HttpRequest, macro_id: int | None = None) -> HttpResponse:
    user = _user(request)
    macro = access_editable_macro(user, macro_id) if macro_id is not None else None
    sections: dict[str, list[str]] = {}
    if request.method == "POST":
        form = MacroForm(request.POST, user=user)
        actions = action_rows(request.POST)
        if form.is_valid() and actions.is_valid():
            personal, team_id = form.scope_values()
            try:
                do_save_macro(
                    actor=user,
                    name=form.cleaned_data["name"],
                    body=form.cleaned_data["body"],
                    actions=actions_from(actions),
                    personal=personal,
                    team_id=team_id,
                    active=form.cleaned_data["active"],
                    macro=macro,
                )
            except ValidationError as exc:
                errors = validation_errors(exc)
                scope_reasons = errors.pop("personal", []) + errors.pop("team", [])
                if scope_reasons:
                    form.add_error("scope", scope_reasons)
                if errors:
                    _apply_errors(form, ValidationError(errors), sections)
            else:
                messages.success(request, f"Macro “{form.cleaned_data['name']}” saved.")
                return redirect("automation-macros")
        status = 400
    else:
        initial = (
            {
                "name": macro.name,
                "body": macro.body,
                "scope": scope_of(macro.personal, macro.team_id),
                "active": macro.active,
            }
            if macro
            else {"scope": "shared" if user.is_lead else "personal"}
        )
        form = MacroForm(initial=initial, user=user)
        actions = action_rows(actions=macro.actions if macro else None)
        status = 200
    context = _rule_context(form=form, actions=actions, sections=sections, macro=macro)
    return render(request, "automation/settings/macro_form.html", context, status=status)


@login_required
@require_POST
def macro_toggle(request: HttpRequest, macro_id: int) -> HttpResponse:
    user = _user(request)
    macro = access_editable_macro(user, macro_id)
    do_set_rule_active(macro, not macro.active, actor=user)
    messages.success(request, f"Macro “{macro.name}” {'enabled' if macro.active else 'disabled'}.")
    return redirect("automation-macros")


# --- assignment -----------------------------------------------------------------------------


def _assignment_page(
    request: HttpRequest, *, status: int = 200, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    bound = bound or {}
    policies = {p.team_id: p for p in AssignmentPolicy.objects.all()}
    teams = []
    for team in Team.objects.prefetch_related("members"):
        policy = policies.get(team.pk)
        form = bound.get(f"team-{team.pk}") or AssignmentForm(
            initial={"strategy": policy.strategy if policy else Strategy.MANUAL}, prefix=f"team-{team.pk}"
        )
        teams.append({"team": team, "form": form, "available": len(available_agents(team))})
    agents = [
        u for u in User.objects.filter(is_active=True).order_by("first_name", "username") if u.works_tickets
    ]
    availability = {a.user_id: a for a in AgentAvailability.objects.filter(user__in=agents)}
    load = open_load(agents)
    rows = []
    for agent in agents:
        current = availability.get(agent.pk)
        form = bound.get(f"agent-{agent.pk}") or AgentRoutingForm(
            initial={
                "on_shift": current.on_shift if current else True,
                "away": current.away if current else False,
                "capacity": current.capacity if current else 25,
                "skills": ", ".join(agent.skills or []),
            },
            prefix=f"agent-{agent.pk}",
        )
        rows.append({"agent": agent, "form": form, "load": load.get(agent.pk, 0)})
    return render(
        request, "automation/settings/assignment.html", {"teams": teams, "agents": rows}, status=status
    )


@lead_required
def assignment(request: HttpRequest) -> HttpResponse:
    return _assignment_page(request)


@lead_required
@require_POST
def assignment_team(request: HttpRequest, team_id: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=team_id)
    form = AssignmentForm(request.POST, prefix=f"team-{team.pk}")
    if form.is_valid():
        try:
            do_save_assignment(team, form.cleaned_data["strategy"], actor=_user(request))
        except ValidationError as exc:
            _apply_errors(form, exc, {})
        else:
            messages.success(request, f"{team.name}: {Strategy(form.cleaned_data['strategy']).label}.")
            return redirect("automation-assignment")
    return _assignment_page(request, status=400, bound={f"team-{team.pk}": form})


@lead_required
@require_POST
def assignment_agent(request: HttpRequest, user_id: int) -> HttpResponse:
    agent = get_object_or_404(User, pk=user_id, is_active=True)
    if not agent.works_tickets:
        raise Http404("No such agent")
    form = AgentRoutingForm(request.POST, prefix=f"agent-{agent.pk}")
    if form.is_valid():
        actor = _user(request)
        data = form.cleaned_data
        try:
            do_save_agent_routing(
                agent,
                actor=actor,
                skills=data["skills"],
                away=data["away"],
                on_shift=data["on_shift"],
                capacity=data["capacity"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc, {})
        else:
            messages.success(request, f"Saved {agent.display_name}'s capacity, skills and shift.")
            return redirect("automation-assignment")
    return _assignment_page(request, status=400, bound={f"agent-{agent.pk}": form})
