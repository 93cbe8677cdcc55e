"""Offboarding and absence: every kind of open work an agent holds goes to someone, atomically and audited.

`do_offboard_agent` is the one way an agent becomes inactive (the page, the API, the Django admin,
the `offboard` command and single sign-on, through accounts' do_deactivate_agent, all call it).
`do_start_absence` hands the same work over for a holiday or sick leave and `do_end_absence` (run by
the `absence-hand-back` job at the absence's end) hands it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from anchordesk.accounts.choices import AccountEvent
from anchordesk.accounts.models import User
from anchordesk.automation.choices import AutomationEvent, Strategy
from anchordesk.automation.engine import choose_agent
from anchordesk.automation.models import AgentAvailability, AssignmentPolicy
from anchordesk.collab.choices import OPEN_HANDOFF_STATUSES, CollabEvent, EscalationState
from anchordesk.collab.models import Escalation, Handoff
from anchordesk.core.audit import record_event
from anchordesk.core.snapshot import config_snapshot
from anchordesk.mail.addresses import reply_address
from anchordesk.mail.models import OutboundKind
from anchordesk.mail.outbox import do_queue_email
from anchordesk.people.choices import ABSENCE_BUCKETS, AbsenceReason, AbsenceState, Bucket, PeopleEvent
from anchordesk.people.models import Absence, HandedItem, PlanKeeper
from anchordesk.people.work import (
    TO_KEEP,
    Decision,
    counts_for,
    held,
    open_plans,
    parse_plan,
    user_sessions,
)
from anchordesk.recovery.choices import RecoveryEvent
from anchordesk.recovery.models import Mistake, Promise
from anchordesk.recovery.temperature import level
from anchordesk.tickets.actions import do_add_note, do_add_system_note, do_assign_ticket
from anchordesk.tickets.choices import ACTIVE_STATUSES
from anchordesk.tickets.models import Ticket

SOURCES = ("page", "api", "admin", "command", "sso", "scim", "deactivate")


@dataclass
class HandoverResult:
    """What one offboarding or absence moved: per bucket, how many objects, and the decision taken."""

    agent_id: int
    moved: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, str] = field(default_factory=dict)
    notified: int = 0
    absence: Absence | None = None


@dataclass
class _Run:
    leaving: User
    actor: User | None
    decisions: dict[str, Decision]
    why: str  # "left the team" / "is away until Mon 14 Dec"
    absence: Absence | None = None
    tickets: list[Ticket] = field(default_factory=list)
    new_owner: dict[int, User | None] = field(default_factory=dict)  # ticket id -> assignee after
    result: HandoverResult | None = None
    team_leads: dict[int, User | None] = field(default_factory=dict)  # cached per offboarding
    fallback: User | None = None

    def record(self, bucket: str, object_id: int, holder: User | None) -> None:
        assert self.result is not None
        self.result.moved[bucket] = self.result.moved.get(bucket, 0) + 1
        if self.absence is not None:
            HandedItem.objects.create(absence=self.absence, bucket=bucket, object_id=object_id, holder=holder)


def _check_actor(user: User, actor: User | None) -> None:
    if actor is not None and not actor.is_lead:
        raise ValidationError({"actor": "Only leads and admins can hand over someone's work."})
    if actor is not None and actor.pk == user.pk:
        raise ValidationError({"user": "You cannot offboard yourself or hand over your own work here."})


def _fallback_keeper(run: _Run) -> User:
    """Who keeps what has no better keeper: the actor, else (the system acting) the first active lead or admin."""
    if run.actor is not None and run.actor.works_tickets:
        return run.actor
    for person in User.objects.filter(is_active=True).exclude(pk=run.leaving.pk).order_by("pk"):
        if person.is_lead:
            return person
    raise ValidationError({"actor": "Nobody active is left to keep this agent's promises."})


def _keeper(run: _Run, ticket: Ticket) -> User:
    """Whoever now works the ticket, else an active lead of its team, else the fallback keeper."""
    assignee = run.new_owner.get(ticket.pk, ticket.assignee)
    if assignee is not None and assignee.pk != run.leaving.pk and assignee.works_tickets:
        return assignee
    if ticket.team_id is not None:
        if ticket.team_id not in run.team_leads:
            members = User.objects.filter(teams=ticket.team_id, is_active=True).exclude(pk=run.leaving.pk)
            run.team_leads[ticket.team_id] = next((u for u in members.order_by("pk") if u.is_lead), None)
        lead = run.team_leads[ticket.team_id]
        if lead is not None:
            return lead
    if run.fallback is None:
        run.fallback = _fallback_keeper(run)
    return run.fallback


# --- Buckets -----------------------------------------------------------------------------------


def _hand_tickets(run: _Run) -> None:
    decision = run.decisions[Bucket.TICKETS]
    rotation: dict[int, AssignmentPolicy | None] = {}  # per team, read once (None: no rule)
    for ticket in held(run.leaving, Bucket.TICKETS).select_related("team", "customer", "assignee"):
        run.tickets.append(ticket)
        new: User | None = None
        if decision.kind == "person":
            new = decision.person
        elif decision.kind in ("queue", "round_robin") and ticket.team_id is not None:
            if ticket.team_id in rotation:
                policy = rotation[ticket.team_id]
            else:
                policy = (
                    AssignmentPolicy.objects.filter(team_id=ticket.team_id).select_related("team").first()
                )
                if decision.kind == "round_robin":
                    # A rotation over the team even when its own rule is manual; not saved as its rule.
                    last = policy.last_assigned_user_id if policy else None
                    policy = AssignmentPolicy(
                        team=ticket.team, strategy=Strategy.ROUND_ROBIN, last_assigned_user_id=last
                    )
                rotation[ticket.team_id] = policy
            if policy is not None and policy.strategy != Strategy.MANUAL:
                new = choose_agent(ticket, policy, exclude=frozenset({run.leaving.pk}))
                if new is not None:
                    policy.last_assigned_user_id = new.pk
        run.new_owner[ticket.pk] = new
        do_assign_ticket(ticket, new, actor=run.actor)
        run.record(Bucket.TICKETS, ticket.pk, new)
    for policy in rotation.values():
        if policy is not None and policy.pk is not None:
            AssignmentPolicy.objects.filter(pk=policy.pk).update(
                last_assigned_user_id=policy.last_assigned_user_id
            )


def _hand_promises(run: _Run, bucket: str) -> None:
    decision = run.decisions[bucket]
    for promise in held(run.leaving, bucket).select_related("ticket", "ticket__assignee"):
        keeper = decision.person if decision.person is not None else _keeper(run, promise.ticket)
        promise.owner = keeper
        promise.save(update_fields=["owner"])
        record_event(
            RecoveryEvent.PROMISE_HANDED_OVER,
            actor=run.actor,
            ticket=promise.ticket,
            obj=promise,
            before={"owner": run.leaving.pk},
            after={"owner": keeper.pk},
            note=f"{run.leaving.display_name} {run.why}",
        )
        run.record(bucket, promise.pk, keeper)


def _hand_handoffs(run: _Run) -> None:
    person = run.decisions[Bucket.HANDOFFS].person
    teams = set(person.teams.values_list("pk", flat=True)) if person is not None else set()
    for handoff in held(run.leaving, Bucket.HANDOFFS).select_related("team", "ticket"):
        if person is not None and handoff.team_id not in teams:
            raise ValidationError(
                {Bucket.HANDOFFS: f"{person.display_name} is not a member of {handoff.team.name}."}
            )
        handoff.assignee = person
        handoff.save(update_fields=["assignee", "updated_at"])
        record_event(
            CollabEvent.HANDOFF_ASSIGNED,
            actor=run.actor,
            ticket=handoff.ticket,
            obj=handoff,
            before=run.leaving.pk,
            after={"assignee": person.pk if person else None},
            note=f"{run.leaving.display_name} {run.why}: "
            + (f"assigned to {person.display_name}" if person else f"back in {handoff.team.name}'s queue"),
        )
        run.record(Bucket.HANDOFFS, handoff.pk, person)


def _hand_escalations(run: _Run) -> None:
    person = run.decisions[Bucket.ESCALATIONS].person
    for escalation in held(run.leaving, Bucket.ESCALATIONS).select_related("ticket"):
        before = {"state": escalation.state, "lead": run.leaving.pk}
        escalation.lead = person
        if person is None:
            escalation.state, escalation.mode, escalation.taken_at = EscalationState.OPEN, "", None
        escalation.save(update_fields=["lead", "state", "mode", "taken_at"])
        record_event(
            PeopleEvent.ESCALATION_HANDED_OVER,
            actor=run.actor,
            ticket=escalation.ticket,
            obj=escalation,
            before=before,
            after={"state": escalation.state, "lead": person.pk if person else None},
            note=f"{run.leaving.display_name} {run.why}",
        )
        run.record(Bucket.ESCALATIONS, escalation.pk, person)


def _set_plan_keeper(mistake: Mistake, keeper: User) -> None:
    if keeper.pk == mistake.logged_by_id:
        PlanKeeper.objects.filter(mistake=mistake).delete()
    else:
        PlanKeeper.objects.update_or_create(mistake=mistake, defaults={"keeper": keeper})


def _hand_plans(run: _Run) -> None:
    person = run.decisions[Bucket.RECOVERY_PLANS].person
    for mistake in held(run.leaving, Bucket.RECOVERY_PLANS).select_related("ticket", "ticket__assignee"):
        keeper = person if person is not None else _keeper(run, mistake.ticket)
        _set_plan_keeper(mistake, keeper)
        record_event(
            RecoveryEvent.PLAN_HANDED_OVER,
            actor=run.actor,
            ticket=mistake.ticket,
            obj=mistake,
            before={"keeper": run.leaving.pk},
            after={"keeper": keeper.pk},
            note=f"{run.leaving.display_name} {run.why}",
        )
        run.record(Bucket.RECOVERY_PLANS, mistake.pk, keeper)


def _hand_macros(run: _Run) -> None:
    person = run.decisions[Bucket.MACROS].person
    for macro in held(run.leaving, Bucket.MACROS):
        if person is not None:
            macro.owner = person
            macro.save(update_fields=["owner"])
        else:
            macro.active = False
            macro.save(update_fields=["active"])
        record_event(
            PeopleEvent.MACRO_HANDED_OVER if person else PeopleEvent.MACRO_ARCHIVED,
            actor=run.actor,
            obj=macro,
            before={"owner": run.leaving.pk},
            after={"owner": person.pk if person else run.leaving.pk, "active": macro.active},
        )
        run.record(Bucket.MACROS, macro.pk, person)


def _hand_views(run: _Run) -> None:
    person = run.decisions[Bucket.SAVED_VIEWS].person
    for view in held(run.leaving, Bucket.SAVED_VIEWS):
        if person is not None:
            if person.saved_views.filter(name__iexact=view.name).exists():
                view.name = f"{view.name} (from {run.leaving.display_name})"[:80]
            view.owner = person
            view.save(update_fields=["owner", "name"])
            record_event(
                PeopleEvent.VIEW_HANDED_OVER,
                actor=run.actor,
                obj=view,
                before={"owner": run.leaving.pk},
                after={"owner": person.pk, "name": view.name},
            )
        else:
            # Archived into the audit log: its name and filters can be saved again by hand.
            record_event(
                PeopleEvent.VIEW_ARCHIVED,
                actor=run.actor,
                obj=view,
                before={"owner": run.leaving.pk, "name": view.name, "filters": view.filters},
            )
            view.delete()
        run.record(Bucket.SAVED_VIEWS, 0, person)


def _revoke_tokens(run: _Run) -> None:
    now = timezone.now()
    for token in held(run.leaving, Bucket.API_TOKENS):
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record_event(
            AccountEvent.TOKEN_REVOKED,
            actor=run.actor,
            obj=token,
            after={"name": token.name},
            note="offboarding",
        )
        run.record(Bucket.API_TOKENS, token.pk, None)


def _end_sessions(run: _Run) -> None:
    for session in user_sessions(run.leaving):
        session.delete()
        run.record(Bucket.SESSIONS, 0, None)


@dataclass
class _OpenOnTicket:
    promises: list[Promise] = field(default_factory=list)
    handoffs: list[Handoff] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    plans: list[Mistake] = field(default_factory=list)


def _open_on(ticket_ids: list[int]) -> dict[int, _OpenOnTicket]:
    """What is still open on each ticket, read in a few queries for all of them."""
    found = {pk: _OpenOnTicket() for pk in ticket_ids}
    for promise in (
        Promise.objects.filter(ticket_id__in=ticket_ids, state__in=TO_KEEP)
        .select_related("owner")
        .order_by("due_at", "pk")
    ):
        found[promise.ticket_id].promises.append(promise)
    for handoff in (
        Handoff.objects.filter(ticket_id__in=ticket_ids, status__in=OPEN_HANDOFF_STATUSES)
        .select_related("team")
        .order_by("pk")
    ):
        found[handoff.ticket_id].handoffs.append(handoff)
    for escalation in Escalation.objects.filter(ticket_id__in=ticket_ids).exclude(
        state=EscalationState.RESOLVED
    ):
        found[escalation.ticket_id].escalations.append(escalation)
    for mistake in open_plans().filter(ticket_id__in=ticket_ids).prefetch_related("steps").order_by("pk"):
        found[mistake.ticket_id].plans.append(mistake)
    return found


def _handover_note(run: _Run, ticket: Ticket, open_now: _OpenOnTicket) -> str:
    new = run.new_owner.get(ticket.pk)
    lines = [f"Handover: {run.leaving.display_name} {run.why}."]
    if new is not None:
        lines.append(f"{new.display_name} now looks after this ticket.")
    elif ticket.team is not None:
        lines.append(f"This ticket is back in the {ticket.team.name} queue, unassigned.")
    else:
        lines.append("This ticket is unassigned: please pick it up.")
    lines.append(
        f"Status {ticket.get_status_display().lower()}, priority {ticket.get_priority_display().lower()}."
    )
    if open_now.promises:
        lines.append("Promised to the customer:")
        for promise in open_now.promises:
            due = f"due {timezone.localtime(promise.due_at):%a %d %b %H:%M}" if promise.due_at else "no date"
            late = " — MISSED, still to keep" if promise.state == "missed" else ""
            lines.append(f"- {promise.action} ({due}, kept by {promise.owner.display_name}){late}")
    else:
        lines.append("Nothing promised to the customer is still open.")
    for handoff in open_now.handoffs:
        lines.append(
            f"Open handoff to {handoff.team.name}: {handoff.subject} ({handoff.get_status_display().lower()})."
        )
    for escalation in open_now.escalations:
        lines.append(
            f"Escalation {escalation.get_state_display().lower()}: {escalation.reason or 'manager requested'}."
        )
    for mistake in open_now.plans:
        left = ", ".join(s.get_kind_display().lower() for s in mistake.steps.all() if s.done_at is None)
        lines.append(f"Recovery plan open ({mistake.get_category_display()}): still to {left}.")
    lines.append(f"Customer temperature: {level(ticket.temperature)} ({ticket.temperature}/100).")
    return "\n".join(lines)


def _write_notes(run: _Run) -> None:
    open_now = _open_on([t.pk for t in run.tickets])
    for ticket in run.tickets:
        body = _handover_note(run, ticket, open_now[ticket.pk])
        if run.actor is not None and run.actor.works_tickets:
            do_add_note(ticket, body, actor=run.actor)
        else:
            do_add_system_note(ticket, body)


def _notify_customers(run: _Run) -> int:
    sent = 0
    for ticket in run.tickets:
        new = run.new_owner.get(ticket.pk)
        if new is None:
            continue
        body = render_to_string(
            "people/email/new_contact.txt",
            {"customer": ticket.customer, "ticket": ticket, "contact": new, "previous": run.leaving},
        )
        do_queue_email(
            kind=OutboundKind.NEW_CONTACT,
            ticket=ticket,
            to=[ticket.customer.email],
            reply_to=reply_address(ticket.pk),
            subject=f'Your new contact for "{ticket.subject}" [#{ticket.pk}]',
            body=body,
        )
        sent += 1
    return sent


_APPLY = {
    Bucket.TICKETS: _hand_tickets,
    Bucket.ESCALATIONS: _hand_escalations,
    Bucket.HANDOFFS: _hand_handoffs,
    Bucket.RECOVERY_PLANS: _hand_plans,
    Bucket.PROMISES: lambda run: _hand_promises(run, Bucket.PROMISES),
    Bucket.FOLLOW_UPS: lambda run: _hand_promises(run, Bucket.FOLLOW_UPS),
    Bucket.MACROS: _hand_macros,
    Bucket.SAVED_VIEWS: _hand_views,
    Bucket.API_TOKENS: _revoke_tokens,
    Bucket.SESSIONS: _end_sessions,
}


def _apply(run: _Run, buckets: tuple[str, ...], *, notify_customers: bool) -> HandoverResult:
    run.result = HandoverResult(
        agent_id=run.leaving.pk, decisions={b: run.decisions[b].describe() for b in buckets}
    )
    # One batch: triggers, SLA policies and webhooks are read once, not for each of hundreds of events.
    with config_snapshot():
        # Tickets first: promises and plans go to whoever now works their ticket.
        for bucket in _APPLY:
            if bucket in buckets:
                _APPLY[bucket](run)
        _write_notes(run)
    if notify_customers:
        run.result.notified = _notify_customers(run)
    return run.result


def _set_away(user: User, away: bool, *, actor: User | None) -> None:
    availability, _ = AgentAvailability.objects.get_or_create(user=user)
    if availability.away != away:
        availability.away = away
        availability.save(update_fields=["away", "updated_at"])
        record_event(
            AutomationEvent.AGENT_AVAILABILITY,
            actor=actor,
            obj=user,
            before={"away": not away},
            after={"away": away},
        )


# --- Offboarding ------------------------------------------------------------------------------


@transaction.atomic
def do_offboard_agent(
    user: User,
    *,
    actor: User | None,
    plan: Mapping[str, Any] | None = None,
    source: str = "page",
    notify_customers: bool = False,
) -> HandoverResult:
    """Deactivate `user` after handing every bucket of their open work over by `plan`.

    `plan` maps a bucket (people.choices.Bucket) to a decision: a person (`user:<id>`), or one of
    people.work.DECISIONS[bucket]; `None` takes every bucket's default. A given plan must decide every
    non-empty bucket. `actor=None` is the system (single sign-on deprovisioning). Safe to run again on
    someone already inactive: leftovers are handed over.
    """
    if source not in SOURCES:
        raise ValidationError({"source": f"One of {', '.join(SOURCES)}."})
    _check_actor(user, actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    buckets = tuple(Bucket.values)
    counts = counts_for(user, buckets)
    decisions = parse_plan(user, plan, buckets=buckets, counts=counts)
    was_active = user.is_active
    if was_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    run = _Run(leaving=user, actor=actor, decisions=decisions, why="left the team")
    result = _apply(run, buckets, notify_customers=notify_customers)
    for absence in Absence.objects.filter(agent=user, state=AbsenceState.AWAY):
        # Nothing goes back to someone who left.
        absence.state, absence.returned_at = AbsenceState.RETURNED, timezone.now()
        absence.save(update_fields=["state", "returned_at"])
    promises = result.moved.get(Bucket.PROMISES, 0) + result.moved.get(Bucket.FOLLOW_UPS, 0)
    if was_active or any(result.moved.values()):
        record_event(
            PeopleEvent.DEACTIVATED,
            actor=actor,
            obj=user,
            before={"is_active": was_active},
            after={
                "is_active": False,
                "promises_handed_over": promises,
                "moved": result.moved,
                "decisions": result.decisions,
                "customers_told": result.notified,
                "source": source,
            },
        )
    return result


@transaction.atomic
def do_reactivate_agent(user: User, *, actor: User | None, source: str = "page") -> User:
    """Let someone sign in again. Their old work stays with whoever took it over."""
    if source not in SOURCES:
        raise ValidationError({"source": f"One of {', '.join(SOURCES)}."})
    if actor is not None and not actor.is_lead:
        raise ValidationError({"actor": "Only leads and admins can reactivate someone."})
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        record_event(
            PeopleEvent.REACTIVATED,
            actor=actor,
            obj=user,
            before={"is_active": False},
            after={"is_active": True, "source": source},
        )
    return user


# --- Absence ----------------------------------------------------------------------------------


def _clean_hand_back(hand_back: Any) -> list[str]:
    if hand_back is None:
        return list(ABSENCE_BUCKETS)
    chosen = [str(b) for b in hand_back]
    wrong = [b for b in chosen if b not in ABSENCE_BUCKETS]
    if wrong:
        raise ValidationError({"hand_back": f"Not work that can be handed back: {', '.join(wrong)}."})
    return [b for b in ABSENCE_BUCKETS if b in chosen]


@transaction.atomic
def do_start_absence(
    user: User,
    *,
    actor: User,
    ends_at: datetime,
    reason: str = AbsenceReason.HOLIDAY,
    plan: Mapping[str, Any] | None = None,
    hand_back: Any = None,
    notify_customers: bool = False,
) -> HandoverResult:
    """Hand the agent's work over now, for a period: `hand_back` names the buckets whose items go
    back to them at `ends_at` (default: all of them); the others stay with their new owner."""
    _check_actor(user, actor)
    errors: dict[str, list[str]] = {}
    if reason not in AbsenceReason.values:
        errors["reason"] = [f"One of {', '.join(AbsenceReason.values)}."]
    if ends_at <= timezone.now():
        errors["ends_at"] = ["The absence must end in the future."]
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        errors["user"] = [f"{user.display_name} is not active."]
    elif Absence.objects.filter(agent=user, state=AbsenceState.AWAY).exists():
        errors["user"] = [f"{user.display_name} is already away."]
    try:
        chosen = _clean_hand_back(hand_back)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        chosen = []
    if errors:
        raise ValidationError(errors)
    buckets = tuple(str(b) for b in ABSENCE_BUCKETS)
    decisions = parse_plan(user, plan, buckets=buckets, counts=counts_for(user, buckets))
    absence = Absence.objects.create(
        agent=user,
        reason=reason,
        starts_at=timezone.now(),
        ends_at=ends_at,
        hand_back=chosen,
        created_by=actor,
    )
    back = f"{timezone.localtime(ends_at):%a %d %b}"
    run = _Run(leaving=user, actor=actor, decisions=decisions, why=f"is away until {back}", absence=absence)
    result = _apply(run, buckets, notify_customers=notify_customers)
    result.absence = absence
    _set_away(user, True, actor=actor)
    record_event(
        PeopleEvent.ABSENCE_STARTED,
        actor=actor,
        obj=user,
        after={
            "absence": absence.pk,
            "reason": reason,
            "ends_at": ends_at.isoformat(),
            "hand_back": chosen,
            "moved": result.moved,
            "decisions": result.decisions,
        },
    )
    return result


def _give_back(item: HandedItem, agent: User) -> bool:
    """One item back to the agent if it is still open and still with whoever held it for them."""
    holder = item.holder_id
    if item.bucket == Bucket.TICKETS:
        ticket = Ticket.objects.filter(
            pk=item.object_id, status__in=ACTIVE_STATUSES, assignee_id=holder
        ).first()
        if ticket is None:
            return False
        do_assign_ticket(ticket, agent, actor=None)
        return True
    if item.bucket in (Bucket.PROMISES, Bucket.FOLLOW_UPS):
        promise = Promise.objects.filter(pk=item.object_id, state__in=TO_KEEP, owner_id=holder).first()
        if promise is None:
            return False
        promise.owner = agent
        promise.save(update_fields=["owner"])
        record_event(
            RecoveryEvent.PROMISE_HANDED_OVER,
            ticket=promise.ticket,
            obj=promise,
            before={"owner": holder},
            after={"owner": agent.pk},
            note=f"{agent.display_name} is back",
        )
        return True
    if item.bucket == Bucket.HANDOFFS:
        handoff = Handoff.objects.filter(
            pk=item.object_id, status__in=OPEN_HANDOFF_STATUSES, assignee_id=holder
        ).first()
        if handoff is None or not agent.teams.filter(pk=handoff.team_id).exists():
            return False
        handoff.assignee = agent
        handoff.save(update_fields=["assignee", "updated_at"])
        record_event(
            CollabEvent.HANDOFF_ASSIGNED,
            ticket=handoff.ticket,
            obj=handoff,
            before=holder,
            after={"assignee": agent.pk},
            note=f"{agent.display_name} is back",
        )
        return True
    if item.bucket == Bucket.ESCALATIONS:
        escalation = (
            Escalation.objects.filter(pk=item.object_id, lead_id=holder)
            .exclude(state=EscalationState.RESOLVED)
            .first()
        )
        if escalation is None or not agent.is_lead:
            return False
        escalation.lead, escalation.state = agent, EscalationState.TAKEN
        escalation.taken_at = escalation.taken_at or timezone.now()
        escalation.save(update_fields=["lead", "state", "taken_at"])
        record_event(
            PeopleEvent.ESCALATION_HANDED_OVER,
            ticket=escalation.ticket,
            obj=escalation,
            before={"lead": holder},
            after={"lead": agent.pk, "state": escalation.state},
            note=f"{agent.display_name} is back",
        )
        return True
    if item.bucket == Bucket.RECOVERY_PLANS:
        mistake = open_plans().filter(pk=item.object_id).first()
        if mistake is None:
            return False
        kept = PlanKeeper.objects.filter(mistake=mistake).values_list("keeper_id", flat=True).first()
        if (kept if kept is not None else mistake.logged_by_id) != holder:
            return False
        _set_plan_keeper(mistake, agent)
        record_event(
            RecoveryEvent.PLAN_HANDED_OVER,
            ticket=mistake.ticket,
            obj=mistake,
            before={"keeper": holder},
            after={"keeper": agent.pk},
            note=f"{agent.display_name} is back",
        )
        return True
    return False


@transaction.atomic
def do_end_absence(absence: Absence, *, actor: User | None = None) -> int:
    """The agent is back: the items of the hand-back buckets return to them (those still open and still
    with whoever held them); the rest stay. Returns how many came back. Idempotent."""
    absence = Absence.objects.select_for_update().select_related("agent").get(pk=absence.pk)
    if absence.state == AbsenceState.RETURNED:
        return 0
    agent = absence.agent
    back = 0
    if agent.is_active:
        now = timezone.now()
        for item in absence.items.filter(bucket__in=absence.hand_back, handed_back_at__isnull=True).order_by(
            "pk"
        ):
            if _give_back(item, agent):
                back += 1
                item.handed_back_at = now
                item.save(update_fields=["handed_back_at"])
        _set_away(agent, False, actor=actor)
    absence.state, absence.returned_at = AbsenceState.RETURNED, timezone.now()
    absence.save(update_fields=["state", "returned_at"])
    record_event(
        PeopleEvent.ABSENCE_ENDED, actor=actor, obj=agent, after={"absence": absence.pk, "handed_back": back}
    )
    return back


def do_hand_back_due_absences(now: datetime | None = None) -> int:
    """The periodic job's body: end every absence whose time is up. Each absence is claimed with a
    conditional UPDATE (away -> returning), so two workers never hand one back twice."""
    now = now or timezone.now()
    ended = 0
    for absence_id in Absence.objects.filter(state=AbsenceState.AWAY, ends_at__lte=now).values_list(
        "pk", flat=True
    ):
        # Claim and hand back in one transaction: a crash rolls the claim back and the next run retries.
        with transaction.atomic():
            if Absence.objects.filter(pk=absence_id, state=AbsenceState.AWAY).update(
                state=AbsenceState.RETURNING
            ):
                do_end_absence(Absence(pk=absence_id))
                ended += 1
    return ended
