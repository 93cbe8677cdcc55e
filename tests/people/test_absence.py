"""Absence: work handed over for a holiday, handed back by the leased periodic job when it ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from anchordesk.automation.models import AgentAvailability
from anchordesk.collab.choices import EscalationState
from anchordesk.core.models import AuditEvent, JobHealth
from anchordesk.people.actions import do_end_absence, do_hand_back_due_absences, do_start_absence
from anchordesk.people.choices import AbsenceState
from anchordesk.people.models import Absence, PlanKeeper
from anchordesk.people.tasks import absence_hand_back
from anchordesk.recovery.models import Promise
from anchordesk.tickets.models import Ticket
from tests.people.conftest import Desk

TO_BOB = ("tickets", "promises", "follow_ups", "handoffs", "recovery_plans")


def _away(people, *, days: int = 7, hand_back=None, **plan):
    bob = f"user:{people.agent2.pk}"
    return do_start_absence(
        people.agent,
        actor=people.lead,
        ends_at=timezone.now() + timedelta(days=days),
        reason="holiday",
        plan={**{b: bob for b in TO_BOB}, "escalations": f"user:{people.lead.pk}", **plan},
        hand_back=hand_back,
    )


def test_going_away_hands_the_work_over_but_keeps_the_agent_active(people, desk: Desk):
    result = _away(people)

    people.agent.refresh_from_db()
    assert people.agent.is_active
    assert AgentAvailability.objects.get(user=people.agent).away
    assert set(
        Ticket.objects.filter(pk__in=[t.pk for t in desk.tickets]).values_list("assignee_id", flat=True)
    ) == {people.agent2.pk}
    assert result.moved["tickets"] == 3 and result.absence is not None
    assert "is away until" in desk.tickets[0].messages.filter(kind="note").latest("pk").body_text
    # What is not work stays theirs.
    desk.macro.refresh_from_db()
    assert desk.macro.owner_id == people.agent.pk and desk.macro.active
    assert people.agent.api_tokens.filter(revoked_at__isnull=True).count() == 1


def test_the_periodic_job_hands_the_work_back_when_the_absence_ends(people, desk: Desk):
    absence = _away(people, days=3).absence
    solved_meanwhile = desk.tickets[2]
    solved_meanwhile.refresh_from_db()
    solved_meanwhile.status = "solved"
    solved_meanwhile.save(update_fields=["status"])

    absence_hand_back.call_local()  # not due yet
    absence.refresh_from_db()
    assert absence.state == AbsenceState.AWAY

    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        absence_hand_back.call_local()

    absence.refresh_from_db()
    assert absence.state == AbsenceState.RETURNED and absence.returned_at is not None
    owners = dict(Ticket.objects.filter(pk__in=[t.pk for t in desk.tickets]).values_list("pk", "assignee_id"))
    assert owners[desk.tickets[0].pk] == owners[desk.tickets[1].pk] == people.agent.pk
    assert owners[solved_meanwhile.pk] == people.agent2.pk  # closed work is not handed back
    assert set(
        Promise.objects.filter(pk__in=[p.pk for p in desk.promises]).values_list("owner_id", flat=True)
    ) == {people.agent.pk}
    desk.handoff.refresh_from_db()
    desk.escalation.refresh_from_db()
    assert desk.handoff.assignee_id == people.agent.pk
    assert desk.escalation.lead_id == people.agent.pk and desk.escalation.state == EscalationState.TAKEN
    assert not PlanKeeper.objects.filter(mistake=desk.mistake).exists()  # back with who logged it
    assert not AgentAvailability.objects.get(user=people.agent).away
    assert AuditEvent.objects.get(kind="agent.absence_ended").after == {
        "absence": absence.pk,
        "handed_back": 8,
    }
    assert JobHealth.objects.get(name="absence-hand-back").runs >= 2

    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert do_hand_back_due_absences() == 0  # once only


def test_only_the_chosen_buckets_come_back_and_not_what_someone_else_took(people, desk: Desk):
    absence = _away(people, hand_back=["tickets"]).absence
    # Meanwhile the lead took one of the tickets from Bob.
    from anchordesk.tickets.actions import do_assign_ticket

    do_assign_ticket(desk.tickets[1], people.lead, actor=people.lead)

    assert do_end_absence(absence) == 2
    owners = dict(Ticket.objects.filter(pk__in=[t.pk for t in desk.tickets]).values_list("pk", "assignee_id"))
    assert owners[desk.tickets[0].pk] == people.agent.pk
    assert owners[desk.tickets[1].pk] == people.lead.pk
    desk.promises[0].refresh_from_db()
    assert desk.promises[0].owner_id == people.agent2.pk  # promises were not to be handed back


def test_an_absence_must_end_in_the_future_and_name_real_buckets(people, desk: Desk):
    with pytest.raises(ValidationError) as refused:
        do_start_absence(
            people.agent, actor=people.lead, ends_at=timezone.now() - timedelta(hours=1), hand_back=["macros"]
        )
    assert set(refused.value.message_dict) == {"ends_at", "hand_back"}
    _away(people)
    with pytest.raises(ValidationError) as refused:
        _away(people)
    assert "already away" in refused.value.message_dict["user"][0]
    assert Absence.objects.count() == 1


def test_someone_offboarded_while_away_gets_nothing_back(people, desk: Desk):
    from anchordesk.people.actions import do_offboard_agent

    absence = _away(people).absence
    do_offboard_agent(people.agent, actor=people.lead)
    absence.refresh_from_db()
    assert absence.state == AbsenceState.RETURNED
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert do_hand_back_due_absences() == 0
    assert not Ticket.objects.filter(assignee=people.agent, status__in=["new", "open", "pending"]).exists()
