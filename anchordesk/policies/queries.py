"""Reads with permission checks: who may see which policies, decisions and approvals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import User
from anchordesk.core.access import NotAllowed
from anchordesk.policies.choices import (
    DEFAULT_LIMITS,
    LIMIT_PERIOD_DAYS,
    LIMITED_ROLES,
    ApprovalState,
    DecisionOutcome,
    ExceptionState,
)
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
from anchordesk.tickets.models import Ticket
from anchordesk.tickets.queries import tickets_visible_to


def _pk(raw: int | str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise NotAllowed("Not found", status=404) from None


def policies_visible_to(user: User) -> QuerySet[Policy]:
    if not user.is_authenticated or not user.works_tickets:
        return Policy.objects.none()
    return Policy.objects.select_related("current_version")


def access_policy(user: User, policy_id: int | str) -> Policy:
    policy = policies_visible_to(user).filter(pk=_pk(policy_id)).first()
    if policy is None:
        raise NotAllowed("No such policy", status=404)
    return policy


def access_managed_policy(user: User, policy_id: int | str) -> Policy:
    """A policy the user may edit and publish: leads and admins."""
    if not user.is_authenticated or not user.is_lead:
        raise NotAllowed("No such policy", status=404)
    return access_policy(user, policy_id)


def access_version(user: User, version_id: int | str) -> PolicyVersion:
    if not user.is_authenticated or not user.is_lead:
        raise NotAllowed("No such version", status=404)
    version = PolicyVersion.objects.select_related("policy").filter(pk=_pk(version_id)).first()
    if version is None:
        raise NotAllowed("No such version", status=404)
    return version


def access_decision(user: User, decision_id: int | str) -> Decision:
    if not user.is_authenticated or not user.works_tickets:
        raise NotAllowed("No such decision", status=404)
    decision = (
        Decision.objects.select_related("ticket", "ticket__customer", "policy_version__policy", "decided_by")
        .filter(pk=_pk(decision_id), ticket__in=tickets_visible_to(user))
        .first()
    )
    if decision is None:
        raise NotAllowed("No such decision", status=404)
    return decision


def approvals_for(user: User) -> QuerySet[ApprovalRequest]:
    """Approval requests this user may decide: leads the lead-level ones, admins all."""
    if not user.is_authenticated or not user.is_lead:
        return ApprovalRequest.objects.none()
    qs = ApprovalRequest.objects.select_related(
        "exception__ticket", "exception__policy", "exception__requested_by", "exception__decision"
    )
    if user.is_admin_role:
        return qs
    # A lead never decides their own request: it waits for another lead or an admin.
    return qs.filter(needs_role=Role.LEAD).exclude(exception__requested_by=user)


def access_approval(user: User, approval_id: int | str) -> ApprovalRequest:
    approval = approvals_for(user).filter(pk=_pk(approval_id)).first()
    if approval is None:
        raise NotAllowed("No such approval request", status=404)
    return approval


def access_announcement(user: User, announcement_id: int | str) -> Announcement:
    if not user.is_authenticated or not user.works_tickets:
        raise NotAllowed("No such announcement", status=404)
    found = (
        Announcement.objects.select_related("policy", "version", "previous_version")
        .filter(pk=_pk(announcement_id))
        .first()
    )
    if found is None:
        raise NotAllowed("No such announcement", status=404)
    return found


# --- authority limits ----------------------------------------------------------------


class RoleLimit(NamedTuple):
    """A role's authority: the largest amount per exception and the number of exceptions per
    period of days it may grant itself; None is no limit."""

    role: str
    max_amount: Decimal | None
    max_count: int | None
    period_days: int
    is_default: bool = False


def get_authority_limit(role: str) -> RoleLimit:
    row = AuthorityLimit.objects.filter(role=role).first()
    if row is not None:
        return RoleLimit(role, row.max_amount, row.max_count, row.period_days)
    amount, count = DEFAULT_LIMITS.get(role, (Decimal("0"), 0))
    return RoleLimit(role, amount, count, LIMIT_PERIOD_DAYS, is_default=True)


def authority_limits() -> list[RoleLimit]:
    """The limits of the roles that grant exceptions, in order of authority."""
    return [get_authority_limit(role) for role in LIMITED_ROLES]


def role_of(user: User) -> str:
    return Role.ADMIN if user.is_admin_role else user.role


def granted_in_period(user: User, *, days: int = LIMIT_PERIOD_DAYS, now: datetime | None = None) -> int:
    """Exceptions this user granted (themselves or by approving) in the last `days` days."""
    since = (now or timezone.now()) - timedelta(days=days)
    return PolicyException.objects.filter(
        granted_by=user, state=ExceptionState.GRANTED, decided_at__gte=since
    ).count()


# --- announcements -------------------------------------------------------------------


def current_announcement(policy: Policy) -> Announcement | None:
    if policy.current_version_id is None:
        return None
    return Announcement.objects.filter(version_id=policy.current_version_id).first()


def has_acknowledged(user: User, policy: Policy) -> bool:
    """Whether the user has read the announcement of the policy's current version (True when
    there is nothing to read)."""
    announcement = current_announcement(policy)
    if announcement is None:
        return True
    return Acknowledgement.objects.filter(announcement=announcement, user=user).exists()


def unread_announcements(user: User) -> QuerySet[Announcement]:
    """Announcements of current versions that concern this user and they have not acknowledged."""
    if not user.is_authenticated or not user.works_tickets:
        return Announcement.objects.none()
    qs = Announcement.objects.filter(version__policy__current_version=F("version")).exclude(
        acknowledgements__user=user
    )
    if not user.is_lead:
        concerned = Announcement.objects.filter(
            Q(version__teams__isnull=True) | Q(version__teams__in=user.teams.all())
        )
        qs = qs.filter(pk__in=concerned.values("pk"))
    return qs.select_related("policy", "version")


def people_who_should_read(version: PolicyVersion | None = None) -> QuerySet[User]:
    """Who a version concerns: every lead and admin, and the agents of its teams (every agent
    when it names none)."""
    people = User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.LEAD, Role.ADMIN])
    if version is not None:
        team_ids = list(version.teams.values_list("pk", flat=True))
        if team_ids:
            people = people.filter(Q(role__in=[Role.LEAD, Role.ADMIN]) | Q(teams__in=team_ids)).distinct()
    return people.order_by("first_name", "username")


def not_acknowledged(announcement: Announcement) -> list[User]:
    """The people the announcement concerns who have not acknowledged it."""
    read = Acknowledgement.objects.filter(announcement=announcement).values("user_id")
    return list(people_who_should_read(announcement.version).exclude(pk__in=read))


# --- reports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExceptionReportRow:
    policy: str
    reason_code: str
    reason_label: str
    agent: str
    granted: int
    pending: int
    declined: int
    total_amount: Decimal


def exception_report(
    *, since: datetime | None = None, policy: Policy | None = None
) -> list[ExceptionReportRow]:
    """Every exception counted per policy, reason and requesting agent."""
    qs = PolicyException.objects.all()
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if policy is not None:
        qs = qs.filter(policy=policy)
    rows = (
        qs.values(
            "policy__name",
            "reason_code",
            "reason_label",
            "requested_by__username",
            "requested_by__first_name",
            "requested_by__last_name",
        )
        .annotate(
            granted=Count("id", filter=Q(state=ExceptionState.GRANTED)),
            pending=Count("id", filter=Q(state=ExceptionState.PENDING)),
            declined=Count("id", filter=Q(state=ExceptionState.DECLINED)),
            total=Sum("amount", filter=Q(state=ExceptionState.GRANTED)),
        )
        .order_by("policy__name", "reason_code", "requested_by__username")
    )
    report: list[ExceptionReportRow] = []
    for row in rows:
        full = f"{row['requested_by__first_name']} {row['requested_by__last_name']}".strip()
        report.append(
            ExceptionReportRow(
                policy=row["policy__name"],
                reason_code=row["reason_code"],
                reason_label=row["reason_label"],
                agent=full or row["requested_by__username"],
                granted=row["granted"],
                pending=row["pending"],
                declined=row["declined"],
                total_amount=row["total"] or Decimal("0"),
            )
        )
    return report


# Inputs a policy may declare by these names are filled in from what Anchordesk knows about the
# ticket's customer; a ticket custom field of the same name wins.
CUSTOMER_FACTS = (
    "customer_tier",
    "customer_since",
    "exceptions_last_12_months",
    "allowed_last_12_months",
)


def known_facts(ticket: Ticket, policy: Policy, names: set[str]) -> dict[str, object]:
    """Values for the policy's inputs that the ticket and its customer already tell: the
    ticket's custom fields, then the CUSTOMER_FACTS. Only the facts asked for are read."""
    facts: dict[str, object] = {}
    customer = ticket.customer
    if "customer_tier" in names and customer.organization is not None:
        facts["customer_tier"] = customer.organization.tier
    if "customer_since" in names:
        facts["customer_since"] = timezone.localdate(customer.created_at).isoformat()
    since = timezone.now() - timedelta(days=365)
    if "exceptions_last_12_months" in names:
        facts["exceptions_last_12_months"] = PolicyException.objects.filter(
            policy=policy, ticket__customer=customer, state=ExceptionState.GRANTED, decided_at__gte=since
        ).count()
    if "allowed_last_12_months" in names:
        facts["allowed_last_12_months"] = Decision.objects.filter(
            policy_version__policy=policy,
            ticket__customer=customer,
            outcome__in=[DecisionOutcome.ALLOWED, DecisionOutcome.ALLOWED_UP_TO],
            created_at__gte=since,
        ).count()
    fields = ticket.fields if isinstance(ticket.fields, dict) else {}
    facts.update({k: v for k, v in fields.items() if k in names and v not in (None, "")})
    return facts


def pending_approval_count(user: User) -> int:
    return approvals_for(user).filter(state=ApprovalState.PENDING).count()


def ticket_context(ticket: Ticket, user: User) -> dict[str, Any]:
    """What the ticket page shows of policies: the decisions, their exceptions, the policies
    to pick from. A fixed number of queries."""
    decisions = list(
        Decision.objects.filter(ticket=ticket)
        .select_related("policy_version__policy", "decided_by")
        .prefetch_related("exceptions__approval")
    )
    waiting = any(x.state == ExceptionState.PENDING for d in decisions for x in d.exceptions.all())
    return {
        "policy_decisions": decisions,
        "policy_waiting": waiting,
        "policies": [p for p in policies_visible_to(user) if p.current_version_id is not None],
        "policy_ticket": ticket,
        "unread_announcements": list(unread_announcements(user)),
    }


def _reason_text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or value.get("reason") or value.get("message") or value)
    return str(value)


def escalation_facts(ticket: Ticket) -> dict[str, Any]:
    """Escalation facts (core/registry.py): the policy decisions and exceptions on the ticket,
    newest first, as plain rows for the lead's escalation page."""
    decisions = [
        {
            "text": f"{d.policy_version}: {d.get_outcome_display()}"
            + (f" {d.limit}" if d.limit is not None else ""),
            "reasons": [_reason_text(r) for r in (d.reasons or [])][:5],
            "by": d.decided_by.display_name,
            "at": d.created_at,
            "unacknowledged": d.unacknowledged,
        }
        for d in Decision.objects.filter(ticket=ticket)
        .select_related("policy_version__policy", "decided_by")
        .order_by("-pk")[:20]
    ]
    exceptions = []
    for x in (
        PolicyException.objects.filter(ticket=ticket)
        .select_related("policy", "requested_by", "granted_by")
        .order_by("-pk")[:20]
    ):
        amount = f" {x.amount}" if x.amount is not None else ""
        granted = f", granted by {x.granted_by.display_name}" if x.granted_by else ""
        exceptions.append(
            {
                "text": f"{x.policy.name}: {x.reason_label}{amount} ({x.get_state_display().lower()})",
                "note": x.note,
                "by": f"asked by {x.requested_by.display_name}{granted}",
                "at": x.created_at,
            }
        )
    return {"decisions": decisions, "exceptions": exceptions, "policies_available": True}
