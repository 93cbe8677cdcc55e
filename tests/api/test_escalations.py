"""The escalations API: agents escalate, leads work the queue with the full context, take,
coach and resolve; the customer is told who handles it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from anchordesk.collab.actions import do_open_escalation
from anchordesk.collab.choices import RequestedBy
from anchordesk.collab.models import Escalation
from anchordesk.policies import actions as policy_actions
from anchordesk.policies.models import Policy
from anchordesk.recovery.actions import do_add_promise, do_log_mistake
from anchordesk.recovery.models import MessageSignal
from anchordesk.tickets.choices import MessageKind
from anchordesk.tickets.models import Message
from tests.api.conftest import field_errors
from tests.factories import make_ticket
from tests.policies.conftest import refunds_definition


@pytest.fixture
def ticket(people):
    return make_ticket(people.customer, team=people.support, assignee=people.agent)


@pytest.fixture
def escalation(ticket):
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER, reason="Wants a manager")
    return escalation


def test_an_agent_escalates_once_and_the_on_duty_lead_is_emailed(
    people, as_user, ticket, django_capture_on_commit_callbacks
):
    agent = as_user(people.agent)
    with django_capture_on_commit_callbacks(execute=True):
        first = agent.post(f"/tickets/{ticket.pk}/escalations", {"reason": "Customer asked for my manager"})
    assert first.status_code == 201
    body = first.json()
    assert body["state"] == "open" and body["requested_by"] == "agent"
    assert body["opened_by"]["id"] == people.agent.pk and body["ticket"]["id"] == ticket.pk
    assert [m.to for m in mail.outbox] == [[people.lead.email]]
    again = agent.post(f"/tickets/{ticket.pk}/escalations", {"reason": "Again"})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Escalation.objects.count() == 1


def test_the_queue_is_for_leads_open_before_taken(people, as_user, escalation):
    second = make_ticket(people.other_customer, team=people.support)
    other, _ = do_open_escalation(second, requested_by=RequestedBy.CUSTOMER)
    lead = as_user(people.lead)
    lead.post(f"/escalations/{escalation.pk}/take", {"mode": "coach"})
    assert as_user(people.agent).get("/escalations").status_code == 403
    queue = lead.get("/escalations").json()
    assert [(e["id"], e["state"]) for e in queue] == [(other.pk, "open"), (escalation.pk, "taken")]
    assert [e["id"] for e in lead.get("/escalations", {"state": "open"}).json()] == [other.pk]
    bad = lead.get("/escalations", {"state": "closed"})
    assert bad.status_code == 422 and "state" in field_errors(bad)


def test_the_lead_sees_the_full_context(people, as_user, ticket, escalation):
    do_add_promise(ticket, actor=people.agent, action="Refund the shipping fee", due_at=None)
    do_log_mistake(
        ticket,
        actor=people.agent,
        category="wrong_information",
        what_happened="Quoted the old return window",
        impact="Customer missed the deadline",
        why_it_made_sense="The old policy page was still up",
    )
    message = Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER).first()
    MessageSignal.objects.update_or_create(
        message=message,
        defaults={"ticket": ticket, "frustration": 2, "frustration_score": 0.9, "manager_request": 1},
    )
    version = policy_actions.do_create_policy(
        policy_actions.PolicyDraft(definition=refunds_definition()), actor=people.admin
    )
    policy_actions.do_publish_version(version, actor=people.admin)
    policy_actions.do_decide(
        ticket,
        Policy.objects.get(pk=version.policy_id),
        {"delivered_on": "2020-01-01", "reason": "late"},
        actor=people.agent,
    )
    body = as_user(people.lead).get(f"/escalations/{escalation.pk}").json()
    assert body["escalation"]["reason"] == "Wants a manager"
    assert "my order #1234 has not arrived" in body["recent_messages"][0]["body"]
    assert body["temperature"][0]["manager_request"] is True
    assert body["promises"][0]["action"] == "Refund the shipping fee"
    assert body["mistakes"][0]["why_it_made_sense"] == "The old policy page was still up"
    assert "Not allowed" in body["policy_decisions"][0]["text"]
    assert f"My name is {people.lead.display_name}, I lead the support team" in body["suggested_reply"]
    assert "passed your request to my team lead, Lena," in body["customer_update"]


def test_take_coach_and_resolve(people, as_user, ticket, escalation):
    lead = as_user(people.lead)
    taken = lead.post(f"/escalations/{escalation.pk}/take", {"mode": "coach"})
    assert taken.status_code == 200
    assert taken.json()["state"] == "taken" and taken.json()["lead"]["id"] == people.lead.pk
    ticket.refresh_from_db()
    assert ticket.assignee == people.agent  # coaching leaves the ticket with the agent
    note = lead.post(f"/escalations/{escalation.pk}/notes", {"body": "Offer the refund now."})
    assert note.status_code == 201
    assert note.json()["kind"] == "note" and note.json()["public"] is False
    empty = lead.post(f"/escalations/{escalation.pk}/resolve", {"outcome": "   "})
    assert empty.status_code == 422 and "outcome" in field_errors(empty)
    done = lead.post(f"/escalations/{escalation.pk}/resolve", {"outcome": "Refunded in full."})
    assert done.status_code == 200
    assert done.json()["state"] == "resolved" and done.json()["outcome"] == "Refunded in full."
    again = lead.post(f"/escalations/{escalation.pk}/resolve", {"outcome": "Twice"})
    assert again.status_code == 422 and "state" in field_errors(again)
    assert lead.get("/escalations").json() == []
    assert [e["id"] for e in lead.get("/escalations", {"state": "resolved"}).json()] == [escalation.pk]


def test_handling_it_personally_assigns_the_lead(people, as_user, ticket, escalation):
    as_user(people.lead).post(f"/escalations/{escalation.pk}/take", {})
    ticket.refresh_from_db()
    assert ticket.assignee == people.lead


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("take", {"mode": "shout"}, "mode"),
        ("notes", {}, "body"),
        ("notes", {"body": "  "}, "body"),
        ("resolve", {}, "outcome"),
        ("take", {"mode": "coach", "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(people, as_user, escalation, path, body, field):
    response = as_user(people.lead).post(f"/escalations/{escalation.pk}/{path}", body)
    assert response.status_code == 422
    assert field in field_errors(response), response.json()


def test_agents_read_but_do_not_act_and_collaborators_see_nothing(people, as_user, escalation):
    agent = as_user(people.agent)
    assert agent.get(f"/escalations/{escalation.pk}").status_code == 200
    for path, body in (("take", {}), ("notes", {"body": "x"}), ("resolve", {"outcome": "x"})):
        assert agent.post(f"/escalations/{escalation.pk}/{path}", body).status_code == 403
    collaborator = as_user(people.collaborator)
    assert collaborator.get(f"/escalations/{escalation.pk}").status_code == 403
    assert collaborator.get("/escalations").status_code == 403
    escalation.refresh_from_db()
    assert escalation.state == "open" and escalation.lead is None


def test_the_escalation_reports_its_own_deadline(people, as_user, escalation, time_machine):
    time_machine.move_to(timezone.now() + timedelta(minutes=escalation.sla_minutes + 1))
    body = as_user(people.lead).get("/escalations").json()[0]
    assert body["overdue"] is True and body["sla_minutes"] == escalation.sla_minutes


def test_an_escalation_from_a_missed_promise_is_listed_and_opened_with_its_promise(people, as_user, ticket):
    due = timezone.now() - timedelta(hours=2)
    do_add_promise(ticket, actor=people.agent, action="Call the customer back", due_at=due)
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.MISSED_PROMISE, reason="Missed")
    for persona in (people.lead, people.admin):
        api = as_user(persona)
        queue = api.get("/escalations")
        assert queue.status_code == 200
        assert [(e["id"], e["requested_by"]) for e in queue.json()] == [(escalation.pk, "promise")]
        opened = api.get(f"/escalations/{escalation.pk}")
        assert opened.status_code == 200
        promises = opened.json()["promises"]
        assert [(p["action"], p["state"], p["owner"]["id"]) for p in promises] == [
            ("Call the customer back", "open", people.agent.pk)
        ]
