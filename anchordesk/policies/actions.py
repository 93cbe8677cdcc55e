"""Policy mutations: versions, publishing, decisions, exceptions, approvals, acknowledgements.
Each is atomic and audited (on the ticket where there is one)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import Team, User
from anchordesk.collab.queries import on_duty_leads
from anchordesk.core.audit import record_event
from anchordesk.mail.models import OutboundKind
from anchordesk.mail.outbox import do_queue_email
from anchordesk.policies import engine
from anchordesk.policies.choices import (
    LIMITED_ROLES,
    ApprovalState,
    DecisionOutcome,
    ExceptionState,
    PolicyEvent,
)
from anchordesk.policies.engine_text import format_amount
from anchordesk.policies.models import (
    Acknowledgement,
    Announcement,
    ApprovalRequest,
    AuthorityLimit,
    Decision,
    Policy,
    PolicyException,
    PolicyVersion,
)
from anchordesk.policies.queries import (
    RoleLimit,
    get_authority_limit,
    granted_in_period,
    has_acknowledged,
    people_who_should_read,
    role_of,
)
from anchordesk.tickets.models import Ticket

# The form fields a definition is edited in; a PolicySyntaxError names one of these.
DEFINITION_FIELDS = ("name", "description", "inputs", "rules", "exception_reasons", "alternatives")


@dataclass(frozen=True)
class PolicyDraft:
    """What an admin or lead writes: the engine definition plus the plain-language text."""

    definition: Mapping[str, Any]
    plain_text: str = ""
    teams: Sequence[Team] = ()  # whose agents it concerns; empty: every agent


def _require_lead(actor: User) -> None:
    if not actor.is_lead:
        raise ValidationError({"__all__": "Only leads and admins manage policies."})


def _compile_definition(definition: Mapping[str, Any]) -> engine.CompiledPolicy:
    """Compile or raise ValidationError on the field at fault, with the engine's line and reason."""
    try:
        return engine.compile_policy(definition)
    except engine.PolicySyntaxError as exc:
        field = exc.field.split("[", 1)[0].split(".", 1)[0]
        if field not in DEFINITION_FIELDS:
            field = "definition"
        raise ValidationError({field: str(exc)}) from None


def _clean_draft(draft: PolicyDraft) -> tuple[dict[str, Any], str]:
    compiled = _compile_definition(draft.definition)
    if not compiled.name:
        raise ValidationError({"name": "Give the policy a name."})
    if len(compiled.name) > 120:
        raise ValidationError({"name": "At most 120 characters."})
    return compiled.to_dict(), draft.plain_text.strip()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "policy"
    slug, n = base, 2
    while Policy.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def do_create_policy(draft: PolicyDraft, *, actor: User) -> PolicyVersion:
    """A new policy with its first version as a draft; publish it to put it to use."""
    _require_lead(actor)
    definition, plain_text = _clean_draft(draft)
    policy = Policy.objects.create(name=definition["name"], slug=_unique_slug(definition["name"]))
    version = PolicyVersion.objects.create(
        policy=policy, number=1, definition=definition, plain_text=plain_text, created_by=actor
    )
    version.teams.set(draft.teams)
    record_event(PolicyEvent.CREATED, actor=actor, obj=policy, after={"name": policy.name, "version": 1})
    return version


@transaction.atomic
def do_save_draft(policy: Policy, draft: PolicyDraft, *, actor: User) -> PolicyVersion:
    """Editing never changes a version in place: it makes the next version, a draft."""
    _require_lead(actor)
    definition, plain_text = _clean_draft(draft)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    number = (policy.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PolicyVersion.objects.create(
        policy=policy, number=number, definition=definition, plain_text=plain_text, created_by=actor
    )
    version.teams.set(draft.teams)
    record_event(
        PolicyEvent.DRAFT_SAVED,
        actor=actor,
        obj=policy,
        after={"version": number, "teams": sorted(t.name for t in draft.teams)},
    )
    return version


@transaction.atomic
def do_publish_version(version: PolicyVersion, *, actor: User) -> Announcement:
    """Make a draft the current version and announce what changed to every agent."""
    _require_lead(actor)
    policy = Policy.objects.select_for_update().get(pk=version.policy_id)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.published_at is not None:
        raise ValidationError({"version": f"Version {version.number} is already published."})
    previous = policy.current_version
    if previous is not None and previous.number > version.number:
        raise ValidationError(
            {"version": f"Version {version.number} is older than the current version {previous.number}."}
        )
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["published_at", "published_by"])
    if previous is not None:
        diff = engine.diff_policies(previous.definition, version.definition)
        summary, rules_diff = list(diff.summary), list(diff.rules_diff)
        if not summary:
            summary = ["Only comments or spacing changed; every request is decided as before."]
        if previous.plain_text != version.plain_text:
            summary.append("The plain-language text changed.")
    else:
        compiled = engine.compile_policy(version.definition)
        summary = [f'New policy: "{policy.name}".', *compiled.describe_rules()]
        rules_diff = []
    announcement = Announcement.objects.create(
        policy=policy,
        version=version,
        previous_version=previous,
        summary=summary,
        rules_diff=rules_diff,
        created_by=actor,
    )
    policy.current_version = version
    policy.name = str(version.definition.get("name") or policy.name)
    policy.save(update_fields=["current_version", "name"])
    # Whoever publishes has read what they publish.
    Acknowledgement.objects.create(announcement=announcement, user=actor)
    _announce(announcement, actor)
    record_event(
        PolicyEvent.PUBLISHED,
        actor=actor,
        obj=policy,
        before={"version": previous and previous.number},
        after={"version": version.number},
    )
    return announcement


def _announce(announcement: Announcement, actor: User) -> None:
    """Email the change to every agent, lead and admin but the publisher, one message each."""
    version = announcement.version
    subject = f"Policy changed: {announcement.policy.name} (version {version.number})"
    lines = "\n".join(f"- {line}" for line in announcement.summary)
    body = (
        f"{actor.display_name} published version {version.number} of {announcement.policy.name}.\n\n"
        f"What changed:\n{lines}\n\n"
        "Please read it and acknowledge it:\n"
        f"{settings.SITE_URL}/policies/announcements/{announcement.pk}/"
    )
    recipients = sorted(
        {u.email for u in people_who_should_read(announcement.version).exclude(pk=actor.pk) if u.email}
    )
    for to in recipients:  # one message each: nobody sees the others' addresses
        do_queue_email(kind=OutboundKind.ANNOUNCEMENT, to=[to], subject=subject, body=body)


@transaction.atomic
def do_acknowledge(announcement: Announcement, *, actor: User) -> Acknowledgement:
    """Idempotent: acknowledging twice keeps the first acknowledgement."""
    if not actor.works_tickets:
        raise ValidationError({"__all__": "Only agents, leads and admins acknowledge policy changes."})
    existing = Acknowledgement.objects.filter(announcement=announcement, user=actor).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            ack = Acknowledgement.objects.create(announcement=announcement, user=actor)
    except IntegrityError:  # a double click raced us
        return Acknowledgement.objects.get(announcement=announcement, user=actor)
    record_event(
        PolicyEvent.ACKNOWLEDGED, actor=actor, obj=announcement, after={"version": announcement.version_id}
    )
    return ack


# --- decisions -------------------------------------------------------------------------


@transaction.atomic
def do_decide(
    ticket: Ticket,
    policy: Policy,
    inputs: Mapping[str, object],
    *,
    actor: User,
    today: date | None = None,
) -> Decision:
    """Decide a request under the policy's current version and store it on the ticket.

    The actor is recorded but never given to the engine: the answer is the same for everyone.
    """
    if not actor.works_tickets:
        raise ValidationError({"__all__": "Only agents, leads and admins decide requests."})
    version = policy.current_version
    if version is None:
        raise ValidationError({"policy": f'"{policy.name}" has no published version yet.'})
    compiled = engine.compile_policy(version.definition)
    known = {spec.name for spec in compiled.inputs}
    given = {k: _text_value(v) for k, v in inputs.items() if k in known}
    day = today or timezone.localdate()
    result = engine.evaluate(compiled, given, today=day)
    decision = Decision.objects.create(
        ticket=ticket,
        policy_version=version,
        inputs=given,
        decided_on=day,
        outcome=str(result.outcome),
        limit=result.limit,
        reasons=list(result.reasons),
        result=result.to_dict(),
        suggested_reply=engine.reply_fragment(
            compiled.name or policy.name, result, customer_name=_first_name(ticket)
        ),
        decided_by=actor,
        unacknowledged=not has_acknowledged(actor, policy),
    )
    record_event(
        PolicyEvent.DECIDED,
        actor=actor,
        ticket=ticket,
        obj=decision,
        after={
            "policy": policy.name,
            "version": version.number,
            "outcome": decision.outcome,
            "limit": None if result.limit is None else str(result.limit),
        },
    )
    return decision


def _text_value(value: object) -> object:
    """A value as it is stored with the decision (JSON): booleans and whole numbers as they
    are, dates as YYYY-MM-DD, everything else as text the engine reads back the same way."""
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    if isinstance(value, bool | int):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _first_name(ticket: Ticket) -> str | None:
    name = (ticket.customer.name or "").strip()
    return name.split()[0] if name else None


# --- exceptions and approvals --------------------------------------------------------


def _deciders(exception: PolicyException, needs_role: str) -> list[str]:
    """Who is told about an approval request: the ticket's on-duty leads, or the admins."""
    if needs_role == Role.ADMIN:
        admins = User.objects.filter(is_active=True, role=Role.ADMIN).order_by("id")
        return [u.email for u in admins]
    return [u.email for u in on_duty_leads(exception.ticket)]


def _tell(addresses: list[str], subject: str, body: str, *, ticket_id: int) -> None:
    do_queue_email(
        kind=OutboundKind.APPROVAL,
        ticket=ticket_id,
        to=sorted({a for a in addresses if a}),
        subject=subject,
        body=body,
    )


def _exception_words(exception: PolicyException) -> str:
    amount = f" ({format_amount(exception.amount)})" if exception.amount is not None else ""
    return f"{exception.policy.name}: {exception.reason_label}{amount}"


def _ask_for_approval(approval: ApprovalRequest, requester: User) -> None:
    exception = approval.exception
    ticket = exception.ticket
    _tell(
        _deciders(exception, approval.needs_role),
        f"Exception to approve on #{ticket.pk}: {_exception_words(exception)}",
        f"{requester.display_name} asks for an exception on ticket #{ticket.pk} ({ticket.subject}).\n"
        f"{_exception_words(exception)}\n"
        f"Why it needs you: {approval.why}\n"
        + (f"Note: {exception.note}\n" if exception.note else "")
        + f"{settings.SITE_URL}/policies/approvals/",
        ticket_id=ticket.pk,
    )


_NO_EXCEPTION = {
    DecisionOutcome.ALLOWED: "The request is already allowed; no exception is needed.",
    DecisionOutcome.NEEDS_INPUT: "Give the missing inputs first and decide again.",
}


def _amount(raw: object) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError({"amount": f'"{raw}" is not an amount; write it like 12.50.'}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"amount": "The amount must be zero or more."})
    if amount >= Decimal("1e10"):
        raise ValidationError({"amount": "The amount is too large."})
    return amount.quantize(Decimal("0.01"))


def _authority_problem(user: User, amount: Decimal | None) -> str | None:
    """None when the user may grant this exception themselves, else the plain reason."""
    limit = get_authority_limit(role_of(user))
    granted = granted_in_period(user, days=limit.period_days)
    return engine.needs_approval(amount, granted, limit.max_amount, limit.max_count, limit.period_days)


@transaction.atomic
def do_request_exception(
    decision: Decision,
    *,
    actor: User,
    reason_code: str,
    amount: object = None,
    note: str = "",
) -> PolicyException:
    """Ask to grant a request against the policy's answer.

    Granted at once when the reason is outside the customer's control (or the actor is a lead)
    and within the actor's authority limits; otherwise an approval request goes to a lead, or
    to an admin when the amount is above a lead's limit too.
    """
    if not actor.works_tickets:
        raise ValidationError({"__all__": "Only agents, leads and admins request exceptions."})
    if decision.outcome in _NO_EXCEPTION:
        raise ValidationError({"decision": _NO_EXCEPTION[DecisionOutcome(decision.outcome)]})
    compiled = engine.compile_policy(decision.policy_version.definition)
    reason = compiled.exception_reason((reason_code or "").strip())
    if reason is None:
        codes = ", ".join(r.code for r in compiled.exception_reasons) or "none defined"
        raise ValidationError({"reason_code": f"Pick a reason from the policy's list ({codes})."})
    value = _amount(amount)
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": "At most 2000 characters."})
    if reason.needs_lead and not actor.is_lead:
        why: str | None = f'"{reason.label}" is not outside the customer\'s control, so a lead decides'
    else:
        why = _authority_problem(actor, value)
    now = timezone.now()
    exception = PolicyException.objects.create(
        decision=decision,
        ticket=decision.ticket,
        policy=decision.policy_version.policy,
        reason_code=reason.code,
        reason_label=reason.label,
        outside_customer_control=reason.outside_customer_control,
        amount=value,
        note=note,
        state=ExceptionState.PENDING if why else ExceptionState.GRANTED,
        requested_by=actor,
        granted_by=None if why else actor,
        decided_at=None if why else now,
    )
    after: dict[str, Any] = {
        "policy": exception.policy.name,
        "reason": reason.code,
        "reason_label": reason.label,
        "amount": None if value is None else str(value),
        "state": exception.state,
    }
    if why:
        lead_amount = get_authority_limit(Role.LEAD).max_amount
        above_lead = lead_amount is not None and value is not None and value > lead_amount
        approval = ApprovalRequest.objects.create(
            exception=exception, needs_role=Role.ADMIN if above_lead else Role.LEAD, why=why[:300]
        )
        after["needs"] = approval.needs_role
        _ask_for_approval(approval, actor)
    record_event(
        PolicyEvent.EXCEPTION_REQUESTED,
        actor=actor,
        ticket=decision.ticket,
        obj=exception,
        after=after,
        note=why or "",
    )
    return exception


@transaction.atomic
def do_decide_approval(
    approval: ApprovalRequest, *, actor: User, approve: bool, note: str = ""
) -> ApprovalRequest:
    """A lead (or admin) approves or declines. A lead approving above their own limits passes
    the request on to an admin instead."""
    approval = (
        ApprovalRequest.objects.select_for_update().select_related("exception__ticket").get(pk=approval.pk)
    )
    exception = approval.exception
    if approval.state != ApprovalState.PENDING:
        raise ValidationError({"approval": "This request has already been decided."})
    if not actor.is_lead or (approval.needs_role == Role.ADMIN and not actor.is_admin_role):
        raise ValidationError({"approval": "Only a lead (an admin above a lead's limit) decides this."})
    if exception.requested_by_id == actor.pk and not actor.is_admin_role:
        raise ValidationError({"approval": "Someone else decides on your own request."})
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "Say why, so the agent can explain it to the customer."})
    if len(note) > 2000:
        raise ValidationError({"note": "At most 2000 characters."})
    if approve:
        problem = _authority_problem(actor, exception.amount)
        if problem is not None:
            approval.needs_role = Role.ADMIN
            approval.why = f"above {actor.display_name}'s limit: {problem}"[:300]
            approval.note = note
            approval.save(update_fields=["needs_role", "why", "note"])
            _ask_for_approval(approval, exception.requested_by)
            record_event(
                PolicyEvent.APPROVAL_PASSED_ON,
                actor=actor,
                ticket=exception.ticket,
                obj=approval,
                after={"needs": Role.ADMIN},
                note=problem,
            )
            return approval
    now = timezone.now()
    approval.state = ApprovalState.APPROVED if approve else ApprovalState.DECLINED
    approval.decided_by = actor
    approval.note = note
    approval.decided_at = now
    approval.save(update_fields=["state", "decided_by", "note", "decided_at"])
    exception.state = ExceptionState.GRANTED if approve else ExceptionState.DECLINED
    exception.granted_by = actor if approve else None
    exception.decided_at = now
    exception.save(update_fields=["state", "granted_by", "decided_at"])
    verdict = "approved" if approve else "declined"
    _tell(
        [exception.requested_by.email],
        f"Exception {verdict} on #{exception.ticket_id}: {_exception_words(exception)}",
        f"{actor.display_name} {verdict} your exception on ticket #{exception.ticket_id}.\n"
        f"{_exception_words(exception)}\n"
        + (f"Note: {note}\n" if note else "")
        + f"{settings.SITE_URL}/policies/decisions/{exception.decision_id}/",
        ticket_id=exception.ticket_id,
    )
    record_event(
        PolicyEvent.EXCEPTION_APPROVED if approve else PolicyEvent.EXCEPTION_DECLINED,
        actor=actor,
        ticket=exception.ticket,
        obj=exception,
        before={"state": ExceptionState.PENDING},
        after={"state": exception.state},
        note=note,
    )
    return approval


# --- authority limits ------------------------------------------------------------------

MAX_PERIOD_DAYS = 366
_A_ROLE = {"agent": "an agent", "lead": "a lead", "admin": "an admin"}
MAX_LIMIT_COUNT = 100_000


def _limit_errors(limit: RoleLimit) -> dict[str, str]:
    errors: dict[str, str] = {}
    prefix = f"{limit.role}-"
    if limit.max_amount is not None:
        if not limit.max_amount.is_finite() or limit.max_amount < 0:
            errors[prefix + "max_amount"] = "The amount must be zero or more (leave it empty for no limit)."
        elif limit.max_amount >= Decimal("1e10"):
            errors[prefix + "max_amount"] = "The amount is too large."
        elif limit.max_amount != limit.max_amount.quantize(Decimal("0.01")):
            errors[prefix + "max_amount"] = "At most two decimal places."
    if limit.max_count is not None and not 0 <= limit.max_count <= MAX_LIMIT_COUNT:
        errors[prefix + "max_count"] = (
            f"The count must be between 0 and {MAX_LIMIT_COUNT} (empty for no limit)."
        )
    if not 1 <= limit.period_days <= MAX_PERIOD_DAYS:
        errors[prefix + "period_days"] = f"The period must be between 1 and {MAX_PERIOD_DAYS} days."
    return errors


def _above(higher: Decimal | None, lower: Decimal | None) -> bool:
    """Whether a limit is at least another; None is no limit, the highest of all."""
    if higher is None:
        return True
    return lower is not None and higher >= lower


@transaction.atomic
def do_set_authority_limits(limits: Sequence[RoleLimit], *, actor: User) -> list[RoleLimit]:
    """Set the authority limits of the agent, lead and admin roles (admins only), audited.

    Each role's amount must be at least the amount of the role below it: a lead who may grant
    less than an agent would pass every approval between the two on to an admin.
    """
    if not actor.is_admin_role:
        raise ValidationError({"__all__": "Only admins change authority limits."})
    by_role = {limit.role: limit for limit in limits}
    unknown = [role for role in by_role if role not in LIMITED_ROLES]
    if unknown:
        raise ValidationError(
            {"role": f"{unknown[0]!r} has no authority limit; roles are agent, lead, admin."}
        )
    current = {limit.role: limit for limit in (get_authority_limit(r) for r in LIMITED_ROLES)}
    wanted = {role: by_role.get(role, current[role]) for role in LIMITED_ROLES}
    errors: dict[str, str] = {}
    for limit in wanted.values():
        errors.update(_limit_errors(limit))
    for lower, higher in zip(LIMITED_ROLES, LIMITED_ROLES[1:], strict=False):
        low, high = wanted[lower], wanted[higher]
        if f"{higher}-max_amount" in errors or f"{lower}-max_amount" in errors:
            continue
        if _above(high.max_amount, low.max_amount):
            continue
        if higher in by_role:  # the error goes on a field the caller gave
            below = "no limit" if low.max_amount is None else format_amount(low.max_amount)
            errors[f"{higher}-max_amount"] = (
                f"{_A_ROLE[higher].capitalize()}'s amount must be at least {_A_ROLE[lower]}'s ({below})."
            )
        else:
            above = "no limit" if high.max_amount is None else format_amount(high.max_amount)
            errors[f"{lower}-max_amount"] = (
                f"{_A_ROLE[lower].capitalize()}'s amount must be at most {_A_ROLE[higher]}'s ({above})."
            )
    if errors:
        raise ValidationError(errors)
    saved: list[RoleLimit] = []
    for role in LIMITED_ROLES:
        limit, before = wanted[role], current[role]
        values = (limit.max_amount, limit.max_count, limit.period_days)
        if values == (before.max_amount, before.max_count, before.period_days) and not before.is_default:
            saved.append(before)
            continue
        AuthorityLimit.objects.update_or_create(
            role=role,
            defaults={
                "max_amount": limit.max_amount,
                "max_count": limit.max_count,
                "period_days": limit.period_days,
            },
        )
        if values != (before.max_amount, before.max_count, before.period_days):
            record_event(
                PolicyEvent.AUTHORITY_LIMIT_CHANGED,
                actor=actor,
                obj=AuthorityLimit.objects.get(role=role),
                before=_limit_json(before),
                after=_limit_json(limit),
            )
        saved.append(get_authority_limit(role))
    return saved


def _limit_json(limit: RoleLimit) -> dict[str, Any]:
    return {
        "role": limit.role,
        "max_amount": None if limit.max_amount is None else str(limit.max_amount),
        "max_count": limit.max_count,
        "period_days": limit.period_days,
    }
