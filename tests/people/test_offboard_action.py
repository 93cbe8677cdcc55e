"""do_offboard_agent: every bucket of an agent's open work goes somewhere, by default or by plan."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError

from anchordesk.accounts.actions import do_deactivate_agent
from anchordesk.accounts.models import ApiToken
from anchordesk.automation.models import AssignmentPolicy
from anchordesk.collab.choices import EscalationState
from anchordesk.core.models import AuditEvent
from anchordesk.mail.models import OutboundEmail, OutboundKind
from anchordesk.people.actions import do_offboard_agent, do_reactivate_agent
from anchordesk.people.models import PlanKeeper
from anchordesk.people.work import orphans
from anchordesk.tickets.models import Message, SavedView
from tests.factories import make_ticket, make_user
from tests.people.conftest import Desk

EVERYONE_TO_BOB = {
    "tickets": "user:{bob}",
    "promises": "user:{bob}",
    "follow_ups": "user:{bob}",
    "handoffs": "user:{bob}",
    "escalations": "user:{lena}",
    "recovery_plans": "user:{bob}",
    "macros": "user:{bob}",
    "saved_views": "user:{bob}",
    "api_tokens": "revoke",
    "sessions": "end",
}


def _plan(people, **changes):
    plan = {k: v.format(bob=people.agent2.pk, lena=people.lead.pk) for k, v in EVERYONE_TO_BOB.items()}
    plan.update(changes)
    return plan


def test_default_plan_leaves_nothing_with_the_leaver_and_deactivates(people, desk: Desk):
    result = do_offboard_agent(people.agent, actor=people.admin)

    people.agent.refresh_from_db()
    assert not people.agent.is_active
    assert orphans() == {}
    assert result.moved == {
        "tickets": 3,
        "promises": 2,
        "follow_ups": 1,
        "handoffs": 1,
        "escalations": 1,
        "recovery_plans": 1,
        "macros": 1,
        "saved_views": 1,
        "api_tokens": 1,
        "sessions": 1,
    }
    # Tickets back in the support queue (no automatic rule), promises with the team's lead.
    for ticket in desk.tickets:
        ticket.refresh_from_db()
        assert ticket.assignee_id is None and ticket.team_id == people.support.pk
    for promise in [*desk.promises, desk.follow_up]:
        promise.refresh_from_db()
        assert promise.owner_id == people.lead.pk
    desk.handoff.refresh_from_db()
    assert desk.handoff.assignee_id is None and desk.handoff.is_open
    desk.escalation.refresh_from_db()
    assert desk.escalation.state == EscalationState.OPEN and desk.escalation.lead_id is None
    assert PlanKeeper.objects.get(mistake=desk.mistake).keeper_id == people.lead.pk
    desk.macro.refresh_from_db()
    assert not desk.macro.active
    assert not SavedView.objects.filter(pk=desk.view.pk).exists()
    archived = AuditEvent.objects.get(kind="view.archived")
    assert archived.before["filters"] == {"priority": "4"}
    assert not ApiToken.objects.filter(user=people.agent, revoked_at__isnull=True).exists()
    assert desk.session.get("/").status_code in (302, 404) and Session.objects.count() == 0
    event = AuditEvent.objects.get(kind="agent.deactivated")
    assert event.actor_id == people.admin.pk and event.after["source"] == "page"
    assert event.after["decisions"]["tickets"] == "queue"


def test_each_inherited_ticket_gets_a_handover_note(people, desk: Desk):
    do_offboard_agent(people.agent, actor=people.lead, plan=_plan(people))

    note = Message.objects.filter(ticket=desk.tickets[0], kind="note").latest("pk")
    assert note.author_id == people.lead.pk
    text = note.body_text
    assert "Handover: Alice left the team." in text
    assert "Bob now looks after this ticket." in text
    assert "Refund the second charge (due " in text and "kept by Bob" in text
    assert "Open handoff to Engineering: Check the payment log" in text
    assert "Recovery plan open (Billing error)" in text
    assert "Customer temperature: calm" in text
    for ticket in desk.tickets:
        assert (
            Message.objects.filter(ticket=ticket, kind="note", body_text__startswith="Handover:").count() == 1
        )


def test_a_plan_gives_every_bucket_to_the_people_named(people, desk: Desk):
    do_offboard_agent(people.agent, actor=people.lead, plan=_plan(people), notify_customers=True)

    bob = people.agent2
    assert all(
        t.assignee_id == bob.pk
        for t in type(desk.tickets[0]).objects.filter(pk__in=[t.pk for t in desk.tickets])
    )
    assert set(bob.promises.values_list("pk", flat=True)) == {p.pk for p in [*desk.promises, desk.follow_up]}
    desk.handoff.refresh_from_db()
    desk.escalation.refresh_from_db()
    desk.macro.refresh_from_db()
    desk.view.refresh_from_db()
    assert desk.handoff.assignee_id == bob.pk
    assert desk.escalation.lead_id == people.lead.pk and desk.escalation.state == EscalationState.TAKEN
    assert desk.macro.owner_id == bob.pk and desk.macro.active
    assert desk.view.owner_id == bob.pk
    assert PlanKeeper.objects.get(mistake=desk.mistake).keeper_id == bob.pk
    # Promises keep their due dates.
    for promise in desk.promises:
        before = promise.due_at
        promise.refresh_from_db()
        assert promise.due_at == before
    told = OutboundEmail.objects.filter(kind=OutboundKind.NEW_CONTACT).order_by("ticket_id")
    assert [e.ticket_id for e in told] == [t.pk for t in desk.tickets]
    assert told[0].to == ["carol@acme.test"]
    assert "From today Bob looks after your request" in told[0].body_text


def test_a_plan_missing_a_non_empty_bucket_names_it_and_changes_nothing(people, desk: Desk):
    plan = _plan(people)
    del plan["promises"]
    with pytest.raises(ValidationError) as refused:
        do_offboard_agent(people.agent, actor=people.lead, plan=plan)
    assert list(refused.value.message_dict) == ["promises"]
    people.agent.refresh_from_db()
    assert people.agent.is_active
    assert not AuditEvent.objects.filter(kind="agent.deactivated").exists()


def test_an_inactive_or_unknown_new_owner_is_refused_by_bucket(people, desk: Desk):
    gone = make_user("agent", username="gone", teams=[people.support])
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError) as refused:
        do_offboard_agent(
            people.agent,
            actor=people.lead,
            plan=_plan(
                people,
                tickets=f"user:{gone.pk}",
                macros="user:999999",
                escalations=f"user:{people.agent2.pk}",
            ),
        )
    errors = refused.value.message_dict
    assert "not an active agent" in errors["tickets"][0]
    assert "No agent" in errors["macros"][0]
    assert "not a lead" in errors["escalations"][0]
    assert desk.tickets[0].assignee_id == people.agent.pk


def test_a_handoff_can_only_go_to_a_member_of_its_team(people, desk: Desk):
    with pytest.raises(ValidationError) as refused:
        do_offboard_agent(
            people.agent, actor=people.lead, plan=_plan(people, handoffs=f"user:{people.lead.pk}")
        )
    assert "not a member of Engineering" in refused.value.message_dict["handoffs"][0]


def test_round_robin_spreads_the_tickets_over_the_team(people, desk: Desk):
    do_offboard_agent(people.agent, actor=people.lead, plan=_plan(people, tickets="round_robin"))

    owners = [type(t).objects.get(pk=t.pk).assignee_id for t in desk.tickets]
    assert set(owners) == {people.agent2.pk, people.lead.pk}


def test_the_default_follows_the_teams_assignment_rule(people, desk: Desk):
    AssignmentPolicy.objects.create(team=people.support, strategy="least_loaded")
    do_offboard_agent(people.agent, actor=people.lead)

    owners = {type(t).objects.get(pk=t.pk).assignee_id for t in desk.tickets}
    assert owners <= {people.agent2.pk, people.lead.pk} and None not in owners


def test_single_sign_on_deprovisioning_runs_as_the_system(people, desk: Desk):
    do_deactivate_agent(people.agent, actor=None)

    assert orphans() == {}
    event = AuditEvent.objects.get(kind="agent.deactivated")
    assert event.actor_id is None and event.after["source"] == "deactivate"
    # The ticket went back to the queue: the support team's lead keeps its promise.
    desk.promises[0].refresh_from_db()
    assert desk.promises[0].owner_id == people.lead.pk
    note = Message.objects.filter(ticket=desk.tickets[0], kind="note").latest("pk")
    assert note.author_id is None and note.body_text.startswith("Handover: Alice left the team.")


def test_promises_on_a_ticket_of_no_team_go_to_the_actor_or_a_lead(people):
    loose = make_ticket(people.customer, subject="Unrouted", assignee=people.agent)
    from anchordesk.recovery.actions import do_add_promise

    promise = do_add_promise(loose, actor=people.agent, action="Send the label", due_at=None)
    do_deactivate_agent(people.agent, actor=None)
    promise.refresh_from_db()
    assert promise.owner.is_lead and promise.owner.is_active


def test_offboarding_again_hands_over_leftovers_only(people, desk: Desk):
    do_offboard_agent(people.agent, actor=people.lead)
    again = do_offboard_agent(people.agent, actor=people.lead)
    assert sum(again.moved.values()) == 0
    assert AuditEvent.objects.filter(kind="agent.deactivated").count() == 1


def test_only_leads_offboard_and_not_themselves(people):
    with pytest.raises(ValidationError) as refused:
        do_offboard_agent(people.agent2, actor=people.agent)
    assert "actor" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        do_offboard_agent(people.lead, actor=people.lead)
    assert "user" in refused.value.message_dict


def test_reactivation_is_audited_and_work_stays_with_its_new_owner(people, desk: Desk):
    do_offboard_agent(people.agent, actor=people.lead, plan=_plan(people))
    do_reactivate_agent(people.agent, actor=people.lead)

    people.agent.refresh_from_db()
    assert people.agent.is_active
    event = AuditEvent.objects.get(kind="agent.reactivated")
    assert event.actor_id == people.lead.pk and event.after == {"is_active": True, "source": "page"}
    desk.tickets[0].refresh_from_db()
    assert desk.tickets[0].assignee_id == people.agent2.pk
