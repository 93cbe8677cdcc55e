"""/policies, decisions on tickets, exceptions, approvals, announcements and authority limits.

The same rules as the UI, in the same actions: a decision is the same for every role;
exceptions above the requester's authority limit wait for a lead (an admin above a lead's
limit); only leads and admins see and decide approvals. Collaborators work no tickets, so
every call here answers them 403.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anchordesk.accounts.models import Team, User
from anchordesk.api import serialize
from anchordesk.api.auth import current_user, require_admin, require_lead, require_ticket_worker
from anchordesk.api.schemas import ErrorOut, Id, InputSchema, TeamRef, UserRef
from anchordesk.policies import actions, engine, queries
from anchordesk.policies.choices import ApprovalState
from anchordesk.policies.engine_runtime import coerce_input, is_blank, label_words
from anchordesk.policies.models import (
    Announcement,
    ApprovalRequest,
    Decision,
    Policy,
    PolicyException,
    PolicyVersion,
)
from anchordesk.tickets.queries import access_ticket

router = Router(tags=["policies"])

ERRORS: dict[int | tuple[int, ...], type] = {(401, 403, 404, 422): ErrorOut}
MAX_ROWS = 200
MAX_INPUT_CHARS = 500


# --- schemas -------------------------------------------------------------------------


class PolicyInputOut(Schema):
    name: str
    label: str
    type: Literal["date", "amount", "count", "boolean", "choice", "text"]
    required: bool
    options: list[str]


class ExceptionReasonOut(Schema):
    code: str
    label: str
    outside_customer_control: bool


class PolicyOut(Schema):
    id: int
    name: str
    slug: str
    current_version: int | None = Field(description="The published version that decides; null if none yet.")
    plain_text: str
    description: str
    inputs: list[PolicyInputOut]
    rules: str
    rules_in_words: list[str]
    exception_reasons: list[ExceptionReasonOut]
    alternatives: list[str]
    acknowledged: bool = Field(
        description="Whether you have acknowledged the current version's announcement."
    )
    announcement_id: int | None


class VersionOut(Schema):
    id: int
    number: int
    is_current: bool
    is_draft: bool
    plain_text: str
    rules: str
    rules_in_words: list[str]
    teams: list[TeamRef] = Field(description="Whose agents it concerns; empty: every agent.")
    created_by: UserRef
    created_at: datetime
    published_by: UserRef | None
    published_at: datetime | None


class ApprovalRef(Schema):
    id: int
    state: Literal["pending", "approved", "declined"]
    needs_role: str
    why: str
    note: str
    decided_by: UserRef | None
    decided_at: datetime | None


class ExceptionOut(Schema):
    id: int
    decision_id: int
    ticket_id: int
    policy: str
    reason_code: str
    reason_label: str
    outside_customer_control: bool
    amount: Decimal | None
    note: str
    state: Literal["granted", "pending", "declined"]
    requested_by: UserRef
    granted_by: UserRef | None
    decided_at: datetime | None
    created_at: datetime
    approval: ApprovalRef | None


class DecisionOut(Schema):
    id: int
    ticket_id: int
    policy_id: int
    policy: str
    version: int
    inputs: dict[str, Any]
    decided_on: date
    outcome: Literal["allowed", "not_allowed", "allowed_up_to", "needs_input", "needs_review"]
    limit: Decimal | None
    reasons: list[str] = Field(description="The first is the headline; the rest are the facts behind it.")
    missing: list[str] = Field(description="Inputs still needed when the outcome is needs_input.")
    suggested_reply: str
    decided_by: UserRef
    created_at: datetime
    unacknowledged: bool
    notice: str | None = Field(description="Set when the decider had not acknowledged this policy version.")
    exceptions: list[ExceptionOut]


class ApprovalOut(ApprovalRef):
    created_at: datetime
    exception: ExceptionOut
    outcome: str = Field(description="The policy's answer the exception goes against.")


class AnnouncementOut(Schema):
    id: int
    policy_id: int
    policy: str
    version: int
    previous_version: int | None
    summary: list[str] = Field(description="What changed, in plain sentences.")
    text_changed: bool
    text_diff: list[str] = Field(description="Unified diff lines of the plain-language text.")
    plain_text: str
    previous_plain_text: str | None
    rules_diff: list[str] = Field(description="Unified diff lines of the rules text.")
    created_by: UserRef
    created_at: datetime
    acknowledged: bool
    not_acknowledged: list[UserRef] | None = Field(description="Leads and admins only: who has not read it.")


class ReportRowOut(Schema):
    policy: str
    reason_code: str
    reason_label: str
    agent: str
    granted: int
    pending: int
    declined: int
    total_amount: Decimal


class LimitOut(Schema):
    role: Literal["agent", "lead", "admin"]
    max_amount: Decimal | None = Field(description="Largest amount per exception; null is no limit.")
    max_count: int | None = Field(description="Exceptions per period; null is no limit.")
    period_days: int


class DecisionCreate(InputSchema):
    policy_id: Id
    inputs: dict[Annotated[str, Field(max_length=100)], Any] = Field(
        default_factory=dict,
        max_length=100,
        description="Input name → value: dates as YYYY-MM-DD, amounts as text or numbers, booleans.",
    )


class PolicyIn(InputSchema):
    name: str = Field(max_length=120)
    description: str = Field("", max_length=2000)
    plain_text: str = Field("", max_length=20_000, description="The policy in plain words.")
    inputs: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=100,
        description='[{"name": "delivered_on", "label": "Delivery date", "type": "date", "required": false}]',
    )
    rules: str = Field("", max_length=100_000, description="One rule per line; see docs/policies-rules.md.")
    exception_reasons: list[dict[str, Any]] = Field(default_factory=list, max_length=100)
    alternatives: list[Annotated[str, Field(max_length=500)]] = Field(default_factory=list, max_length=50)
    team_ids: list[Id] = Field(
        default_factory=list, max_length=100, description="Whose agents it concerns; empty: every agent."
    )

    def draft(self) -> actions.PolicyDraft:
        definition = self.model_dump(exclude={"plain_text", "team_ids"})
        teams = list(Team.objects.filter(pk__in=self.team_ids))
        missing = sorted(set(self.team_ids) - {t.pk for t in teams})
        if missing:
            raise ValidationError({"team_ids": f"No team with id {', '.join(map(str, missing))}."})
        return actions.PolicyDraft(definition=definition, plain_text=self.plain_text, teams=teams)


class ExceptionCreate(InputSchema):
    reason_code: str = Field(max_length=100, description="One of the policy's exception reasons.")
    amount: Decimal | None = Field(None, ge=0, lt=Decimal("1e10"), decimal_places=2)
    note: str = Field("", max_length=2000, description="What happened.")


class ApprovalDecide(InputSchema):
    verdict: Literal["approve", "decline"]
    note: str = Field("", max_length=2000, description="Required to decline.")


class ApprovalFilters(InputSchema):
    state: Literal["pending", "approved", "declined", "all"] = "pending"


class ReportFilters(InputSchema):
    policy_id: Id | None = None
    days: int | None = Field(None, ge=1, le=3660, description="Only exceptions asked in the last n days.")


class AnnouncementFilters(InputSchema):
    unread: bool = Field(False, description="Only current versions you have not acknowledged.")


class LimitIn(InputSchema):
    role: Literal["agent", "lead", "admin"]
    max_amount: Decimal | None = Field(None, ge=0, lt=Decimal("1e10"), decimal_places=2)
    max_count: int | None = Field(None, ge=0, le=actions.MAX_LIMIT_COUNT)
    period_days: int = Field(30, ge=1, le=actions.MAX_PERIOD_DAYS)


class LimitsIn(InputSchema):
    limits: list[LimitIn] = Field(min_length=1, max_length=3)


# --- serializing ---------------------------------------------------------------------


def _policy(policy: Policy, user: User) -> dict[str, Any]:
    version = policy.current_version
    compiled = engine.compile_policy(version.definition) if version is not None else None
    announcement = queries.current_announcement(policy)
    return {
        "id": policy.pk,
        "name": policy.name,
        "slug": policy.slug,
        "current_version": version.number if version is not None else None,
        "plain_text": version.plain_text if version is not None else "",
        "description": compiled.description if compiled else "",
        "inputs": [
            {
                "name": s.name,
                "label": s.label,
                "type": s.type,
                "required": s.required,
                "options": list(s.options),
            }
            for s in (compiled.inputs if compiled else ())
        ],
        "rules": compiled.rules_text if compiled else "",
        "rules_in_words": compiled.describe_rules() if compiled else [],
        "exception_reasons": [
            {"code": r.code, "label": r.label, "outside_customer_control": r.outside_customer_control}
            for r in (compiled.exception_reasons if compiled else ())
        ],
        "alternatives": list(compiled.alternatives) if compiled else [],
        "acknowledged": queries.has_acknowledged(user, policy),
        "announcement_id": announcement.pk if announcement else None,
    }


def _version(version: PolicyVersion, policy: Policy) -> dict[str, Any]:
    compiled = engine.compile_policy(version.definition)
    return {
        "id": version.pk,
        "number": version.number,
        "is_current": policy.current_version_id == version.pk,
        "is_draft": version.is_draft,
        "plain_text": version.plain_text,
        "rules": compiled.rules_text,
        "rules_in_words": compiled.describe_rules(),
        "teams": [serialize.team_ref(t) for t in version.teams.order_by("name")],
        "created_by": serialize.user_ref(version.created_by),
        "created_at": version.created_at,
        "published_by": serialize.user_ref(version.published_by),
        "published_at": version.published_at,
    }


def _approval_ref(approval: ApprovalRequest | None) -> dict[str, Any] | None:
    if approval is None:
        return None
    return {
        "id": approval.pk,
        "state": approval.state,
        "needs_role": approval.needs_role,
        "why": approval.why,
        "note": approval.note,
        "decided_by": serialize.user_ref(approval.decided_by),
        "decided_at": approval.decided_at,
    }


def _exception(x: PolicyException) -> dict[str, Any]:
    return {
        "id": x.pk,
        "decision_id": x.decision_id,
        "ticket_id": x.ticket_id,
        "policy": x.policy.name,
        "reason_code": x.reason_code,
        "reason_label": x.reason_label,
        "outside_customer_control": x.outside_customer_control,
        "amount": x.amount,
        "note": x.note,
        "state": x.state,
        "requested_by": serialize.user_ref(x.requested_by),
        "granted_by": serialize.user_ref(x.granted_by),
        "decided_at": x.decided_at,
        "created_at": x.created_at,
        "approval": _approval_ref(getattr(x, "approval", None)),
    }


def _exception_qs() -> Any:
    return PolicyException.objects.select_related(
        "policy", "requested_by", "granted_by", "approval", "approval__decided_by"
    )


def _decision(d: Decision) -> dict[str, Any]:
    notice = None
    if d.unacknowledged:
        notice = (
            f"{d.decided_by.display_name} had not acknowledged version {d.policy_version.number} "
            "of this policy when deciding; check the change announcement."
        )
    return {
        "id": d.pk,
        "ticket_id": d.ticket_id,
        "policy_id": d.policy_version.policy_id,
        "policy": d.policy_version.policy.name,
        "version": d.policy_version.number,
        "inputs": d.inputs,
        "decided_on": d.decided_on,
        "outcome": d.outcome,
        "limit": d.limit,
        "reasons": list(d.reasons),
        "missing": list(d.result.get("missing", [])),
        "suggested_reply": d.suggested_reply,
        "decided_by": serialize.user_ref(d.decided_by),
        "created_at": d.created_at,
        "unacknowledged": d.unacknowledged,
        "notice": notice,
        "exceptions": [_exception(x) for x in d.exceptions.all()],
    }


def _decision_qs() -> Any:
    return Decision.objects.select_related("policy_version__policy", "decided_by").prefetch_related(
        "exceptions__policy",
        "exceptions__requested_by",
        "exceptions__granted_by",
        "exceptions__approval__decided_by",
    )


def _load_decision(user: User, decision_id: int) -> Decision:
    queries.access_decision(user, decision_id)
    found: Decision = _decision_qs().get(pk=decision_id)
    return found


def _approval_qs(qs: Any) -> Any:
    return qs.select_related(
        "decided_by",
        "exception__decision",
        "exception__policy",
        "exception__requested_by",
        "exception__granted_by",
    )


def _approval(approval: ApprovalRequest) -> dict[str, Any]:
    """Select it with _approval_qs: the exception and its people come with it."""
    exception = approval.exception
    return {
        **(_approval_ref(approval) or {}),
        "created_at": approval.created_at,
        "exception": _exception(exception),
        "outcome": exception.decision.outcome,
    }


def _announcement(a: Announcement, user: User) -> dict[str, Any]:
    previous = a.previous_version
    return {
        "id": a.pk,
        "policy_id": a.policy_id,
        "policy": a.policy.name,
        "version": a.version.number,
        "previous_version": previous.number if previous else None,
        "summary": list(a.summary),
        "text_changed": previous is not None and previous.plain_text != a.version.plain_text,
        "text_diff": a.text_diff(),
        "plain_text": a.version.plain_text,
        "previous_plain_text": previous.plain_text if previous else None,
        "rules_diff": list(a.rules_diff),
        "created_by": serialize.user_ref(a.created_by),
        "created_at": a.created_at,
        "acknowledged": a.acknowledgements.filter(user=user).exists(),
        "not_acknowledged": (
            [serialize.user_ref(u) for u in queries.not_acknowledged(a)] if user.is_lead else None
        ),
    }


def _limit(limit: queries.RoleLimit) -> dict[str, Any]:
    return {
        "role": limit.role,
        "max_amount": limit.max_amount,
        "max_count": limit.max_count,
        "period_days": limit.period_days,
    }


# --- policies ------------------------------------------------------------------------


def _worker(request: HttpRequest) -> User:
    user = current_user(request)
    require_ticket_worker(user)
    return user


@router.get("/policies", response={200: list[PolicyOut], **ERRORS}, summary="List policies")
def list_policies(request: HttpRequest) -> Any:
    user = _worker(request)
    return [_policy(p, user) for p in queries.policies_visible_to(user)[:MAX_ROWS]]


@router.get("/policies/{policy_id}", response={200: PolicyOut, **ERRORS}, summary="Get a policy")
def get_policy(request: HttpRequest, policy_id: Id) -> Any:
    user = _worker(request)
    return _policy(queries.access_policy(user, policy_id), user)


@router.get(
    "/policies/{policy_id}/versions",
    response={200: list[VersionOut], **ERRORS},
    summary="A policy's versions",
)
def list_versions(request: HttpRequest, policy_id: Id) -> Any:
    """Newest first. Agents see published versions; leads and admins drafts too."""
    user = _worker(request)
    policy = queries.access_policy(user, policy_id)
    versions = policy.versions.select_related("created_by", "published_by").order_by("-number")
    if not user.is_lead:
        versions = versions.filter(published_at__isnull=False)
    return [_version(v, policy) for v in versions[:MAX_ROWS]]


@router.post("/policies", response={201: VersionOut, **ERRORS}, summary="Write a new policy")
def create_policy(request: HttpRequest, payload: PolicyIn) -> Any:
    """Leads and admins: a new policy with its first version as a draft; publish it to use it.
    A malformed rule is a 422 on `rules` with its line, column and reason."""
    user = current_user(request)
    require_lead(user)
    version = actions.do_create_policy(payload.draft(), actor=user)
    return Status(201, _version(_version_qs().get(pk=version.pk), version.policy))


@router.post(
    "/policies/{policy_id}/versions", response={201: VersionOut, **ERRORS}, summary="Save a new draft"
)
def create_version(request: HttpRequest, policy_id: Id, payload: PolicyIn) -> Any:
    """Leads and admins: editing never changes a version in place; it makes the next draft."""
    user = current_user(request)
    require_lead(user)
    policy = queries.access_managed_policy(user, policy_id)
    version = actions.do_save_draft(policy, payload.draft(), actor=user)
    return Status(201, _version(_version_qs().get(pk=version.pk), policy))


@router.post(
    "/policy-versions/{version_id}/publish",
    response={201: AnnouncementOut, **ERRORS},
    summary="Publish a draft",
)
def publish_version(request: HttpRequest, version_id: Id) -> Any:
    """Leads and admins: the draft becomes the current version and its change is announced."""
    user = current_user(request)
    require_lead(user)
    version = queries.access_version(user, version_id)
    announcement = actions.do_publish_version(version, actor=user)
    return Status(201, _announcement(_announcement_qs().get(pk=announcement.pk), user))


def _version_qs() -> Any:
    return PolicyVersion.objects.select_related("created_by", "published_by", "policy")


# --- decisions -----------------------------------------------------------------------


def _checked_inputs(policy: Policy, raw: dict[str, Any]) -> dict[str, object]:
    """The inputs as given, or a ValidationError naming each unknown or unreadable one."""
    version = policy.current_version
    if version is None:
        raise ValidationError({"policy_id": f'"{policy.name}" has no published version yet.'})
    compiled = engine.compile_policy(version.definition)
    specs = compiled.input_specs
    errors: dict[str, str] = {}
    for name, value in raw.items():
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(specs) or "none"
            errors[f"inputs.{name}"] = f"Not an input of this policy; its inputs are {known}."
        elif not isinstance(value, str | bool | int | float | None):
            errors[f"inputs.{name}"] = (
                f"needs {label_words(spec)} as text, a number, true or false (or null)."
            )
        elif isinstance(value, str) and len(value) > MAX_INPUT_CHARS:
            errors[f"inputs.{name}"] = f"needs {label_words(spec)} in at most {MAX_INPUT_CHARS} characters."
        elif not is_blank(value):
            _, problem = coerce_input(spec, value)
            if problem is not None:
                errors[f"inputs.{name}"] = f"needs {label_words(spec)}: {problem}"
    if errors:
        raise ValidationError(errors)
    return {k: v for k, v in raw.items() if v is not None}


@router.post(
    "/tickets/{ticket_id}/decisions", response={201: DecisionOut, **ERRORS}, summary="Decide a request"
)
def create_decision(request: HttpRequest, ticket_id: Id, payload: DecisionCreate) -> Any:
    """Decide a request on the ticket under the policy's current version. The answer depends
    only on the inputs and the version, never on who asks. A required input left out gives
    the outcome `needs_input` with "needs ..." reasons; a value that cannot be read is a 422
    naming `inputs.<name>`, and nothing is stored."""
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    require_ticket_worker(user)
    policy = queries.policies_visible_to(user).filter(pk=payload.policy_id).first()
    if policy is None:
        raise ValidationError({"policy_id": f"No policy with id {payload.policy_id}."})
    inputs = _checked_inputs(policy, dict(payload.inputs))
    decision = actions.do_decide(ticket, policy, inputs, actor=user)
    return Status(201, _decision(_load_decision(user, decision.pk)))


@router.get(
    "/tickets/{ticket_id}/decisions",
    response={200: list[DecisionOut], **ERRORS},
    summary="A ticket's decisions",
)
def list_decisions(request: HttpRequest, ticket_id: Id) -> Any:
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    require_ticket_worker(user)
    return [_decision(d) for d in _decision_qs().filter(ticket=ticket)[:MAX_ROWS]]


@router.get("/decisions/{decision_id}", response={200: DecisionOut, **ERRORS}, summary="Get a decision")
def get_decision(request: HttpRequest, decision_id: Id) -> Any:
    user = _worker(request)
    return _decision(_load_decision(user, decision_id))


@router.post(
    "/decisions/{decision_id}/exceptions",
    response={201: ExceptionOut, **ERRORS},
    summary="Request an exception",
)
def create_exception(request: HttpRequest, decision_id: Id, payload: ExceptionCreate) -> Any:
    """Granted at once (`state: granted`) when the reason is outside the customer's control and
    within your authority limit; otherwise `state: pending` with the approval request a lead
    (or an admin) decides."""
    user = _worker(request)
    decision = queries.access_decision(user, decision_id)
    exception = actions.do_request_exception(
        decision, actor=user, reason_code=payload.reason_code, amount=payload.amount, note=payload.note
    )
    return Status(201, _exception(_exception_qs().get(pk=exception.pk)))


# --- approvals -----------------------------------------------------------------------


@router.get("/approvals", response={200: list[ApprovalOut], **ERRORS}, summary="Approval requests")
def list_approvals(request: HttpRequest, filters: Query[ApprovalFilters]) -> Any:
    """Leads and admins: the requests you may decide (leads the lead-level ones), pending by
    default, oldest first."""
    user = current_user(request)
    require_lead(user)
    qs = _approval_qs(queries.approvals_for(user))
    if filters.state != "all":
        qs = qs.filter(state=filters.state)
    if filters.state != ApprovalState.PENDING.value:
        qs = qs.order_by("-created_at", "-id")
    return [_approval(a) for a in qs[:MAX_ROWS]]


@router.post("/approvals/{approval_id}", response={200: ApprovalOut, **ERRORS}, summary="Approve or decline")
def decide_approval(request: HttpRequest, approval_id: Id, payload: ApprovalDecide) -> Any:
    """Approve or decline with a note (a decline needs one). Approving above your own authority
    limit passes the request on to an admin: the answer then stays `pending` with
    `needs_role: admin`."""
    user = current_user(request)
    require_lead(user)
    approval = queries.access_approval(user, approval_id)
    approval = actions.do_decide_approval(
        approval, actor=user, approve=payload.verdict == "approve", note=payload.note
    )
    return _approval(_approval_qs(ApprovalRequest.objects).get(pk=approval.pk))


@router.get(
    "/policy-exceptions/report", response={200: list[ReportRowOut], **ERRORS}, summary="Exceptions report"
)
def exception_report(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    """Leads and admins: every exception counted per policy, reason and requesting agent."""
    user = current_user(request)
    require_lead(user)
    policy = None
    if filters.policy_id is not None:
        policy = queries.policies_visible_to(user).filter(pk=filters.policy_id).first()
        if policy is None:
            raise ValidationError({"policy_id": f"No policy with id {filters.policy_id}."})
    since = timezone.now() - timedelta(days=filters.days) if filters.days else None
    return [row.__dict__ for row in queries.exception_report(since=since, policy=policy)]


# --- announcements -------------------------------------------------------------------


def _announcement_qs() -> Any:
    return Announcement.objects.select_related("policy", "version", "previous_version", "created_by")


@router.get(
    "/policy-announcements",
    response={200: list[AnnouncementOut], **ERRORS},
    summary="Policy change announcements",
)
def list_announcements(request: HttpRequest, filters: Query[AnnouncementFilters]) -> Any:
    user = _worker(request)
    qs = queries.unread_announcements(user) if filters.unread else Announcement.objects.all()
    ids = list(qs.values_list("pk", flat=True)[:MAX_ROWS])
    return [_announcement(a, user) for a in _announcement_qs().filter(pk__in=ids)]


@router.get(
    "/policy-announcements/{announcement_id}",
    response={200: AnnouncementOut, **ERRORS},
    summary="Get an announcement",
)
def get_announcement(request: HttpRequest, announcement_id: Id) -> Any:
    user = _worker(request)
    queries.access_announcement(user, announcement_id)
    return _announcement(_announcement_qs().get(pk=announcement_id), user)


@router.post(
    "/policy-announcements/{announcement_id}/acknowledge",
    response={200: AnnouncementOut, **ERRORS},
    summary="Acknowledge a policy change",
)
def acknowledge(request: HttpRequest, announcement_id: Id) -> Any:
    user = _worker(request)
    announcement = queries.access_announcement(user, announcement_id)
    actions.do_acknowledge(announcement, actor=user)
    return _announcement(_announcement_qs().get(pk=announcement_id), user)


# --- authority limits ----------------------------------------------------------------


@router.get("/authority-limits", response={200: list[LimitOut], **ERRORS}, summary="Authority limits")
def list_limits(request: HttpRequest) -> Any:
    user = current_user(request)
    require_lead(user)
    return [_limit(limit) for limit in queries.authority_limits()]


@router.put("/authority-limits", response={200: list[LimitOut], **ERRORS}, summary="Set authority limits")
def set_limits(request: HttpRequest, payload: LimitsIn) -> Any:
    """Admins: set the limits of the roles given (the others keep theirs). Each role's amount
    must be at least the amount of the role below it (agent ≤ lead ≤ admin)."""
    user = current_user(request)
    require_admin(user)
    roles: list[str] = [i.role for i in payload.limits]
    for index, role in enumerate(roles):
        if role in roles[:index]:
            raise ValidationError({f"limits.{index}.role": f"{role} is given twice."})
    limits = [queries.RoleLimit(i.role, i.max_amount, i.max_count, i.period_days) for i in payload.limits]
    try:
        saved = actions.do_set_authority_limits(limits, actor=user)
    except ValidationError as exc:
        raise ValidationError(_limit_fields(exc, roles)) from None
    return [_limit(limit) for limit in saved]


def _limit_fields(exc: ValidationError, roles: list[str]) -> dict[str, list[str]]:
    """The action names fields "<role>-<field>"; the API names them limits.<index>.<field>."""
    renamed: dict[str, list[str]] = {}
    for key, reasons in exc.message_dict.items():
        role, _, name = key.partition("-")
        renamed[f"limits.{roles.index(role)}.{name}" if role in roles and name else key] = reasons
    return renamed
