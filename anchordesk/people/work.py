"""What open work an agent holds, bucket by bucket, and the decisions a plan may make for it.

Read-only: the offboarding and absence actions (actions.py) apply the decisions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from anchordesk.accounts.models import ApiToken, User
from anchordesk.automation.models import Macro
from anchordesk.collab.choices import OPEN_HANDOFF_STATUSES, EscalationState
from anchordesk.collab.models import Escalation, Handoff
from anchordesk.people.choices import Bucket
from anchordesk.people.models import PlanKeeper
from anchordesk.recovery.choices import PromiseState, StepKind
from anchordesk.recovery.models import Mistake, Promise, RecoveryStep
from anchordesk.tickets.choices import ACTIVE_STATUSES
from anchordesk.tickets.models import SavedView, Ticket

# Promises still to keep: proposed, open, and missed (late, not let off).
TO_KEEP = (PromiseState.PROPOSED, PromiseState.OPEN, PromiseState.MISSED)

# Decisions by bucket, beside "a person" (`user:<id>`); the first is the default.
DECISIONS: dict[str, tuple[tuple[str, str], ...]] = {
    Bucket.TICKETS: (
        ("queue", "Back to each ticket's team queue (its assignment rule, else unassigned)"),
        ("round_robin", "Round-robin among each ticket's team"),
        ("unassigned", "Unassigned, with a handover note"),
    ),
    Bucket.PROMISES: (("keeper", "Whoever works the ticket, else the team's lead"),),
    Bucket.FOLLOW_UPS: (("keeper", "Whoever works the ticket, else the team's lead"),),
    Bucket.HANDOFFS: (("queue", "Back to the handoff team's queue (unassigned)"),),
    Bucket.ESCALATIONS: (("reopen", "Reopen for the on-duty leads"),),
    Bucket.RECOVERY_PLANS: (("keeper", "Whoever works the ticket, else the team's lead"),),
    Bucket.MACROS: (("archive", "Archive (disabled, kept)"),),
    Bucket.SAVED_VIEWS: (("archive", "Archive (removed; name and filters kept in the audit log)"),),
    Bucket.API_TOKENS: (("revoke", "Revoke"),),
    Bucket.SESSIONS: (("end", "Sign out everywhere"),),
}
# Buckets that may go to a named person, and who qualifies.
PERSON_BUCKETS = {
    Bucket.TICKETS,
    Bucket.PROMISES,
    Bucket.FOLLOW_UPS,
    Bucket.HANDOFFS,
    Bucket.ESCALATIONS,
    Bucket.RECOVERY_PLANS,
    Bucket.MACROS,
    Bucket.SAVED_VIEWS,
}
SAMPLE = 5  # items listed per bucket on the page and in the API preview


@dataclass(frozen=True)
class Decision:
    kind: str  # one of DECISIONS[bucket], or "person"
    person: User | None = None

    def describe(self) -> str:
        return self.person.display_name if self.person is not None else self.kind


@dataclass
class BucketPreview:
    bucket: str
    label: str
    count: int
    items: list[str]
    choices: list[tuple[str, str]]
    default: str
    people: list[User] = field(default_factory=list)


def _follow_up_ids() -> QuerySet[RecoveryStep, Any]:
    return RecoveryStep.objects.filter(kind=StepKind.FOLLOW_UP, promise__isnull=False).values("promise_id")


def open_plans() -> QuerySet[Mistake]:
    """Recovery plans with a step still to do."""
    return Mistake.objects.filter(recovered_at__isnull=True).filter(
        Exists(RecoveryStep.objects.filter(mistake=OuterRef("pk"), done_at__isnull=True))
    )


def plans_held_by(user: User) -> QuerySet[Mistake]:
    kept = PlanKeeper.objects.filter(mistake=OuterRef("pk"))
    return open_plans().filter((Q(logged_by=user) & ~Exists(kept)) | Exists(kept.filter(keeper=user)))


def user_sessions(user: User) -> list[Session]:
    """Live sessions signed in as `user` (the session store is opaque: each one is decoded)."""
    found = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            found.append(session)
    return found


def held(user: User, bucket: str) -> QuerySet[Any]:
    """The open objects of one bucket that `user` holds (sessions are not a queryset: see user_sessions)."""
    if bucket == Bucket.TICKETS:
        return Ticket.objects.filter(assignee=user, status__in=ACTIVE_STATUSES).order_by("pk")
    if bucket == Bucket.PROMISES:
        return (
            Promise.objects.filter(owner=user, state__in=TO_KEEP)
            .exclude(pk__in=_follow_up_ids())
            .order_by("pk")
        )
    if bucket == Bucket.FOLLOW_UPS:
        return Promise.objects.filter(owner=user, state__in=TO_KEEP, pk__in=_follow_up_ids()).order_by("pk")
    if bucket == Bucket.HANDOFFS:
        return Handoff.objects.filter(assignee=user, status__in=OPEN_HANDOFF_STATUSES).order_by("pk")
    if bucket == Bucket.ESCALATIONS:
        return Escalation.objects.filter(lead=user).exclude(state=EscalationState.RESOLVED).order_by("pk")
    if bucket == Bucket.RECOVERY_PLANS:
        return plans_held_by(user).order_by("pk")
    if bucket == Bucket.MACROS:
        return Macro.objects.filter(owner=user, active=True).order_by("pk")
    if bucket == Bucket.SAVED_VIEWS:
        return SavedView.objects.filter(owner=user).order_by("pk")
    if bucket == Bucket.API_TOKENS:
        return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("pk")
    raise ValueError(f"No queryset for bucket {bucket!r}")


def count(user: User, bucket: str) -> int:
    if bucket == Bucket.SESSIONS:
        return len(user_sessions(user))
    return held(user, bucket).count()


def _label(bucket: str, obj: Any) -> str:
    if bucket == Bucket.TICKETS:
        return f"#{obj.pk} {obj.subject}"
    if bucket in (Bucket.PROMISES, Bucket.FOLLOW_UPS):
        due = f" (due {obj.due_at:%a %d %b %H:%M})" if obj.due_at else ""
        return f"#{obj.ticket_id}: {obj.action}{due}"
    if bucket == Bucket.HANDOFFS:
        return f"#{obj.ticket_id}: {obj.subject} ({obj.team.name})"
    if bucket == Bucket.ESCALATIONS:
        return f"#{obj.ticket_id}: {obj.reason or 'escalation'}"
    if bucket == Bucket.RECOVERY_PLANS:
        return f"#{obj.ticket_id}: {obj.get_category_display()}"
    return str(obj.name)


def candidates(user: User, bucket: str) -> list[User]:
    """Who may receive a bucket's items: active ticket workers other than the agent (leads for escalations)."""
    people = [
        u
        for u in User.objects.filter(is_active=True).exclude(pk=user.pk).order_by("first_name", "username")
        if u.works_tickets
    ]
    if bucket == Bucket.ESCALATIONS:
        return [u for u in people if u.is_lead]
    return people


def preview(user: User, *, buckets: tuple[str, ...] | None = None) -> list[BucketPreview]:
    """Every bucket with its count, a few items, its choices and default: the page and the API read this."""
    out = []
    for bucket in buckets or tuple(Bucket.values):
        if bucket == Bucket.SESSIONS:
            n, items = count(user, bucket), []
        else:
            qs = held(user, bucket)
            if bucket in (Bucket.HANDOFFS,):
                qs = qs.select_related("team")
            n = qs.count()
            items = [_label(bucket, obj) for obj in qs[:SAMPLE]]
        out.append(
            BucketPreview(
                bucket=bucket,
                label=Bucket(bucket).label,
                count=n,
                items=items,
                choices=list(DECISIONS[bucket]),
                default=DECISIONS[bucket][0][0],
                people=candidates(user, bucket) if bucket in PERSON_BUCKETS and n else [],
            )
        )
    return out


def _person(bucket: str, raw: str, leaving: User) -> User:
    ident = raw.removeprefix("user:")
    person = User.objects.filter(pk=int(ident)).first() if ident.isdigit() and len(ident) < 19 else None
    if person is None:
        raise ValidationError({bucket: f"No agent {raw!r}."})
    if person.pk == leaving.pk:
        raise ValidationError({bucket: f"{person.display_name} is the one handing over."})
    if not person.works_tickets:
        raise ValidationError({bucket: f"{person.display_name} is not an active agent."})
    if bucket == Bucket.ESCALATIONS and not person.is_lead:
        raise ValidationError({bucket: f"{person.display_name} is not a lead: escalations go to leads."})
    return person


def parse_plan(
    user: User, plan: Mapping[str, Any] | None, *, buckets: tuple[str, ...], counts: Mapping[str, int]
) -> dict[str, Decision]:
    """A decision for every bucket: `plan=None` takes each default; a given plan must decide every
    non-empty bucket. Errors name the bucket."""
    errors: dict[str, list[str]] = {}
    unknown = set(plan or {}) - set(Bucket.values)
    for name in sorted(unknown):
        errors[name] = ["Not a kind of work: choose from " + ", ".join(Bucket.values) + "."]
    decisions: dict[str, Decision] = {}
    for bucket in buckets:
        allowed = [value for value, _ in DECISIONS[bucket]]
        raw = allowed[0] if plan is None else str((plan or {}).get(bucket) or "").strip()
        if raw == "default":
            raw = allowed[0]
        if not raw:
            if counts.get(bucket, 0):
                errors[bucket] = [f"Decide what happens to {counts[bucket]} {Bucket(bucket).label.lower()}."]
            decisions[bucket] = Decision(allowed[0])
            continue
        if raw in allowed:
            decisions[bucket] = Decision(raw)
            continue
        if bucket in PERSON_BUCKETS and (raw.startswith("user:") or raw.isdigit()):
            try:
                decisions[bucket] = Decision("person", _person(bucket, raw, user))
            except ValidationError as exc:
                errors.update(exc.message_dict)
            continue
        who = " or a person (user:<id>)" if bucket in PERSON_BUCKETS else ""
        errors[bucket] = [f"Choose {', '.join(allowed)}{who}."]
    if errors:
        raise ValidationError(errors)
    return decisions


def counts_for(user: User, buckets: tuple[str, ...]) -> dict[str, int]:
    return {bucket: count(user, bucket) for bucket in buckets}


def orphans() -> dict[str, list[int]]:
    """Open objects held by an inactive agent, by bucket: empty on a healthy desk (the invariant the
    offboarding keeps). Macros count only while active; sessions die with sign-in itself."""
    found: dict[str, list[int]] = {}
    for person in User.objects.filter(is_active=False):
        for bucket in Bucket.values:
            if bucket == Bucket.SESSIONS:
                continue
            ids = list(held(person, bucket).values_list("pk", flat=True))
            if ids:
                found.setdefault(bucket, []).extend(ids)
    return found
