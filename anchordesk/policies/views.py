"""Thin views over policy actions. Agents decide and request exceptions; leads manage policies
and approve; admins do everything; everyone else gets a 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anchordesk.accounts.models import User
from anchordesk.core.access import access_admin_work, require_agent, require_lead, validation_errors
from anchordesk.policies import actions, engine, queries
from anchordesk.policies.choices import ApprovalState
from anchordesk.policies.forms import AuthorityLimitsForm, DecisionForm, PolicyForm, prefill
from anchordesk.policies.models import PolicyVersion
from anchordesk.tickets.queries import access_ticket

REPORT_MAX_DAYS = 3660


def _refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """400 naming each field and its reason. Programs use /api/v1, which answers JSON."""
    errors = validation_errors(exc)
    text = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in errors.items())
    return HttpResponse(f"Not saved. {text}", status=400, content_type="text/plain; charset=utf-8")


# --- policies --------------------------------------------------------------------------


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    user = require_agent(request)
    return render(
        request,
        "policies/list.html",
        {
            "policies": list(queries.policies_visible_to(user)),
            "unread": list(queries.unread_announcements(user)),
            "pending_approvals": queries.pending_approval_count(user),
        },
    )


def _save_policy(request: HttpRequest, user: User, form: PolicyForm, policy: Any) -> PolicyVersion:
    draft = actions.PolicyDraft(
        definition=form.definition(),
        plain_text=form.cleaned_data["plain_text"],
        teams=list(form.cleaned_data.get("teams") or []),
    )
    if policy is None:
        return actions.do_create_policy(draft, actor=user)
    return actions.do_save_draft(policy, draft, actor=user)


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, policy_id: int | None = None) -> HttpResponse:
    """New policy, or the next draft of one. A malformed rule is refused with its line and reason."""
    user = require_lead(request)
    policy = queries.access_managed_policy(user, policy_id) if policy_id is not None else None
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                version = _save_policy(request, user, form, policy)
            except ValidationError as exc:
                for field, reasons in validation_errors(exc).items():
                    form.add_error(field if field in form.fields else None, reasons)
            else:
                return redirect("policy-detail", policy_id=version.policy_id)
        return render(request, "policies/edit.html", {"form": form, "policy": policy}, status=400)
    latest = policy.versions.order_by("-number").first() if policy is not None else None
    initial = (
        PolicyForm.initial_from(latest.definition, latest.plain_text, list(latest.teams.all()))
        if latest
        else None
    )
    return render(request, "policies/edit.html", {"form": PolicyForm(initial=initial), "policy": policy})


@login_required
@require_GET
def policy_detail(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = require_agent(request)
    policy = queries.access_policy(user, policy_id)
    current = policy.current_version
    compiled = engine.compile_policy(current.definition) if current else None
    drafts: list[dict[str, Any]] = []
    versions = list(policy.versions.select_related("created_by", "published_by"))
    if user.is_lead:
        for version in versions:
            if version.is_draft and (current is None or version.number > current.number):
                diff = engine.diff_policies(current.definition, version.definition) if current else None
                drafts.append({"version": version, "diff": diff})
    announcement = queries.current_announcement(policy)
    return render(
        request,
        "policies/detail.html",
        {
            "policy": policy,
            "current": current,
            "compiled": compiled,
            "rules_in_words": compiled.describe_rules() if compiled else [],
            "versions": versions,
            "drafts": drafts,
            "announcement": announcement,
            "acknowledged": queries.has_acknowledged(user, policy),
            "is_lead": user.is_lead,
        },
    )


@login_required
@require_POST
def version_publish(request: HttpRequest, version_id: int) -> HttpResponse:
    user = require_lead(request)
    version = queries.access_version(user, version_id)
    try:
        announcement = actions.do_publish_version(version, actor=user)
    except ValidationError as exc:
        return _refused(request, exc)
    return redirect("policy-announcement", announcement_id=announcement.pk)


# --- announcements ---------------------------------------------------------------------


@login_required
@require_GET
def announcement_detail(request: HttpRequest, announcement_id: int) -> HttpResponse:
    user = require_agent(request)
    announcement = queries.access_announcement(user, announcement_id)
    acknowledged = announcement.acknowledgements.filter(user=user).exists()
    return render(
        request,
        "policies/announcement.html",
        {
            "announcement": announcement,
            "acknowledged": acknowledged,
            "not_acknowledged": queries.not_acknowledged(announcement) if user.is_lead else None,
            "acknowledgements": (
                list(announcement.acknowledgements.select_related("user")) if user.is_lead else None
            ),
        },
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, announcement_id: int) -> HttpResponse:
    user = require_agent(request)
    announcement = queries.access_announcement(user, announcement_id)
    try:
        actions.do_acknowledge(announcement, actor=user)
    except ValidationError as exc:
        return _refused(request, exc)
    return redirect("policy-announcement", announcement_id=announcement.pk)


# --- decisions -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Pick a policy, fill its inputs, get the answer. The same answer for every role."""
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    policies = [p for p in queries.policies_visible_to(user) if p.current_version_id is not None]
    chosen = request.POST.get("policy") or request.GET.get("policy")
    policy = next((p for p in policies if str(p.pk) == chosen), None)
    if policy is None or policy.current_version is None:
        if request.method == "POST":
            return _refused(request, ValidationError({"policy": "Pick a published policy."}))
        return render(request, "policies/decide.html", {"ticket": ticket, "policies": policies})
    compiled = engine.compile_policy(policy.current_version.definition)
    context: dict[str, Any] = {
        "ticket": ticket,
        "policies": policies,
        "policy": policy,
        "compiled": compiled,
        "acknowledged": queries.has_acknowledged(user, policy),
        "announcement": queries.current_announcement(policy),
    }
    if request.method == "POST":
        form = DecisionForm(compiled, request.POST)
        if not form.is_valid():
            return render(request, "policies/decide.html", {**context, "form": form}, status=400)
        try:
            decision = actions.do_decide(ticket, policy, form.inputs(), actor=user)
        except ValidationError as exc:
            return _refused(request, exc)
        return redirect("policy-decision", decision_id=decision.pk)
    known = queries.known_facts(ticket, policy, {spec.name for spec in compiled.inputs})
    context["form"] = DecisionForm(compiled, initial=prefill(compiled, known))
    return render(request, "policies/decide.html", context)


@login_required
@require_GET
def decision_detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    user = require_agent(request)
    decision = queries.access_decision(user, decision_id)
    version = decision.policy_version
    compiled = engine.compile_policy(version.definition)
    policy = version.policy
    return render(
        request,
        "policies/decision.html",
        {
            "decision": decision,
            "version": version,
            "policy": policy,
            "compiled": compiled,
            "input_rows": [(spec.label, decision.inputs.get(spec.name, "")) for spec in compiled.inputs],
            "exceptions": list(decision.exceptions.select_related("requested_by", "granted_by", "approval")),
            "can_request": decision.outcome not in ("allowed", "needs_input"),
            "outdated": policy.current_version_id != version.pk,
            "announcement": queries.current_announcement(policy),
            "acknowledged_now": queries.has_acknowledged(user, policy),
        },
    )


@login_required
@require_POST
def request_exception(request: HttpRequest, decision_id: int) -> HttpResponse:
    user = require_agent(request)
    decision = queries.access_decision(user, decision_id)
    try:
        actions.do_request_exception(
            decision,
            actor=user,
            reason_code=request.POST.get("reason_code", ""),
            amount=request.POST.get("amount"),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        return _refused(request, exc)
    return redirect("policy-decision", decision_id=decision.pk)


@login_required
@require_POST
def use_wording(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Put the suggested wording in the ticket's reply box (the ticket page reads the session's
    reply_suggestion, as for a kept promise). Changes nothing on the ticket."""
    user = require_agent(request)
    decision = queries.access_decision(user, decision_id)
    request.session["reply_suggestion"] = decision.suggested_reply
    return redirect(f"/tickets/{decision.ticket_id}/#reply")


# --- approvals -------------------------------------------------------------------------


@login_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    user = require_lead(request)
    pending = list(queries.approvals_for(user).filter(state=ApprovalState.PENDING))
    recent = list(
        queries.approvals_for(user).exclude(state=ApprovalState.PENDING).order_by("-decided_at")[:20]
    )
    return render(request, "policies/approvals.html", {"pending": pending, "recent": recent})


@login_required
@require_POST
def decide_approval(request: HttpRequest, approval_id: int) -> HttpResponse:
    user = require_lead(request)
    approval = queries.access_approval(user, approval_id)
    verdict = request.POST.get("verdict", "")
    if verdict not in ("approve", "decline"):
        return _refused(request, ValidationError({"verdict": "Choose approve or decline."}))
    try:
        actions.do_decide_approval(
            approval, actor=user, approve=verdict == "approve", note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        return _refused(request, exc)
    return redirect("policy-approvals")


@login_required
@require_GET
def exception_report(request: HttpRequest) -> HttpResponse:
    """Exceptions per policy, reason and agent; ?policy=<id> and ?days=<n> narrow it down."""
    user = require_lead(request)
    policies = list(queries.policies_visible_to(user))
    raw_policy, raw_days = request.GET.get("policy", ""), request.GET.get("days", "")
    policy = next((p for p in policies if str(p.pk) == raw_policy), None)
    if raw_policy and policy is None:
        return _refused(request, ValidationError({"policy": "Pick one of the listed policies."}))
    days = int(raw_days) if raw_days.isdigit() else None
    if raw_days and (days is None or not 1 <= days <= REPORT_MAX_DAYS):
        return _refused(request, ValidationError({"days": f"A number of days from 1 to {REPORT_MAX_DAYS}."}))
    since = timezone.now() - timedelta(days=days) if days else None
    rows = queries.exception_report(since=since, policy=policy)
    return render(
        request,
        "policies/report.html",
        {"rows": rows, "policies": policies, "chosen_policy": policy, "days": days},
    )


@login_required
@require_GET
def ticket_panel(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The policy panel of the ticket page, for an htmx include."""
    user = require_agent(request)
    ticket = access_ticket(user, ticket_id)
    return render(request, "policies/partials/_ticket_panel.html", queries.ticket_context(ticket, user))


# --- authority limits ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def authority_limits(request: HttpRequest) -> HttpResponse:
    """Leads read the limits; admins change them. A bad value is a 400 naming the field."""
    user = require_lead(request)
    can_edit = user.is_admin_role
    if request.method == "POST":
        access_admin_work(user, status=403)  # leads read the limits; only admins change them
        form = AuthorityLimitsForm(request.POST)
        if form.is_valid():
            try:
                actions.do_set_authority_limits(form.limits(), actor=user)
            except ValidationError as exc:
                for field, reasons in validation_errors(exc).items():
                    form.add_error(field if field in form.fields else None, reasons)
            else:
                messages.success(request, "Authority limits saved.")
                return redirect("policy-limits")
        return render(request, "policies/limits.html", {"form": form, "can_edit": True}, status=400)
    form = AuthorityLimitsForm(initial=AuthorityLimitsForm.initial_from(queries.authority_limits()))
    return render(request, "policies/limits.html", {"form": form, "can_edit": can_edit})
