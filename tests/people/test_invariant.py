"""Random help desks, random offboardings with random plans: no open object is left with an inactive
agent, and nothing open is lost (every ticket, promise, handoff, escalation and plan is still open
and held by an active agent or a queue)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import User
from anchordesk.collab.choices import EscalationState, HandoffStatus
from anchordesk.collab.models import Escalation, Handoff
from anchordesk.people.actions import do_offboard_agent
from anchordesk.people.choices import Bucket
from anchordesk.people.work import DECISIONS, TO_KEEP, held, open_plans, orphans
from anchordesk.recovery.choices import PromiseState, StepKind
from anchordesk.recovery.models import Mistake, Promise, RecoveryStep
from anchordesk.tickets.choices import ACTIVE_STATUSES, Status
from anchordesk.tickets.models import Ticket
from tests.factories import make_customer, make_team, make_user

Counts = dict[str, set[int]]

ticket_spec = st.tuples(
    st.sampled_from(list(Status.values)),  # status
    st.integers(0, 5),  # assignee index (5: nobody)
    st.booleans(),  # support team or none
    st.lists(st.sampled_from(list(PromiseState.values)), max_size=3),  # promises
    st.sampled_from([None, *HandoffStatus.values]),  # a handoff
    st.sampled_from([None, *EscalationState.values]),  # an escalation
    st.integers(0, 5),  # recovery plan: steps done (5: no plan)
)


def _open_work() -> Counts:
    return {
        "tickets": set(Ticket.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True)),
        "promises": set(Promise.objects.filter(state__in=TO_KEEP).values_list("pk", flat=True)),
        "handoffs": set(
            Handoff.objects.filter(status__in=("new", "in_progress", "waiting")).values_list("pk", flat=True)
        ),
        "escalations": set(
            Escalation.objects.exclude(state=EscalationState.RESOLVED).values_list("pk", flat=True)
        ),
        "plans": set(open_plans().values_list("pk", flat=True)),
    }


def _build(specs: list[tuple[Any, ...]]) -> list[User]:
    support = make_team()
    staff = [
        make_user(Role.AGENT, teams=[support]),
        make_user(Role.AGENT, teams=[support]),
        make_user(Role.LEAD, teams=[support]),
        make_user(Role.LEAD, teams=[support]),
        make_user(Role.ADMIN),
    ]
    customer = make_customer()
    now = timezone.now()
    for n, (status, who, in_team, promises, handoff, escalation, steps_done) in enumerate(specs):
        agent = staff[who] if who < 5 else None
        ticket = Ticket.objects.create(
            subject=f"T{n}",
            status=status,
            customer=customer,
            assignee=agent,
            team=support if in_team else None,
        )
        keeper = agent or staff[n % 4]
        for k, state in enumerate(promises):
            Promise.objects.create(
                ticket=ticket,
                owner=staff[(n + k) % 4],
                action=f"P{n}.{k}",
                state=state,
                due_at=now + timedelta(days=k),
            )
        if handoff is not None:
            Handoff.objects.create(
                ticket=ticket, team=support, subject="H", needed="x", status=handoff, assignee=staff[n % 4]
            )
        if escalation is not None:
            lead = staff[2 + n % 2] if escalation != EscalationState.OPEN else None
            Escalation.objects.create(
                ticket=ticket,
                state=escalation,
                requested_by="agent",
                lead=lead,
                sla_minutes=30,
                due_at=now + timedelta(minutes=30),
            )
        if steps_done < 5:
            mistake = Mistake.objects.create(
                ticket=ticket,
                logged_by=keeper,
                category="other",
                what_happened="w",
                impact="i",
                why_it_made_sense="y",
            )
            for position, kind in enumerate(StepKind.values):
                RecoveryStep.objects.create(
                    mistake=mistake,
                    kind=kind,
                    position=position,
                    done_at=now if position < steps_done else None,
                )
            if steps_done == 0:
                follow_up = Promise.objects.create(
                    ticket=ticket, owner=keeper, action="Follow up", due_at=now
                )
                RecoveryStep.objects.filter(mistake=mistake, kind=StepKind.FOLLOW_UP).update(
                    promise=follow_up
                )
    return staff


def _plan(data: st.DataObject, leaving: User, staff: list[User]) -> dict[str, str] | None:
    if data.draw(st.booleans(), label="default plan"):
        return None
    plan: dict[str, str] = {}
    for bucket in Bucket.values:
        options = [value for value, _ in DECISIONS[bucket]]
        if bucket not in (Bucket.API_TOKENS, Bucket.SESSIONS):
            options += [f"user:{u.pk}" for u in staff if u.pk != leaving.pk]
        plan[bucket] = data.draw(st.sampled_from(options), label=bucket)
    return plan


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(ticket_spec, min_size=1, max_size=6), data=st.data())
def test_offboarding_leaves_no_open_work_with_an_inactive_agent_and_loses_none(specs, data):
    with transaction.atomic():
        staff = _build(specs)
        before = _open_work()
        for _ in range(data.draw(st.integers(1, 3), label="offboardings")):
            active = [u for u in staff[:4] if User.objects.get(pk=u.pk).is_active]
            if not active:
                break
            leaving = data.draw(st.sampled_from(active), label="leaving")
            actor = data.draw(st.sampled_from([None, staff[4]]), label="actor")
            plan = _plan(data, leaving, [User.objects.get(pk=u.pk) for u in staff])
            held_before = {
                b: set(held(leaving, b).values_list("pk", flat=True)) for b in ("tickets", "promises")
            }
            try:
                do_offboard_agent(leaving, actor=actor, plan=plan, notify_customers=data.draw(st.booleans()))
            except ValidationError as refused:
                # A refused plan names a bucket and changes nothing.
                assert set(refused.message_dict) <= set(Bucket.values), refused.message_dict
                assert User.objects.get(pk=leaving.pk).is_active
                assert {
                    b: set(held(leaving, b).values_list("pk", flat=True)) for b in held_before
                } == held_before
                continue
            assert not User.objects.get(pk=leaving.pk).is_active
            assert orphans() == {}, orphans()
            assert _open_work() == before, "offboarding closed or lost open work"
        transaction.set_rollback(True)
