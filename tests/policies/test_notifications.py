"""An approval request reaches the people who decide it by email, and the agent hears the answer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from anchordesk.accounts.choices import Role
from anchordesk.policies import actions, queries
from tests.factories import make_team, make_user

TODAY = date(2026, 3, 1)


@pytest.fixture
def denied(people, refunds, ticket):
    inputs = {"delivered_on": "2025-10-01", "reason": "late"}
    return actions.do_decide(ticket, refunds, inputs, actor=people.agent, today=TODAY)


def test_the_tickets_leads_are_asked_and_the_agent_hears_the_answer(
    people, denied, django_capture_on_commit_callbacks
):
    make_user(Role.LEAD, username="olga", teams=[make_team("Billing desk")])  # not on this ticket's team
    with django_capture_on_commit_callbacks(execute=True):
        exception = actions.do_request_exception(
            denied, actor=people.agent, reason_code="carrier_lost", amount="80", note="Lost in transit"
        )
    assert [m.to for m in mail.outbox] == [[people.lead.email]]
    asked = mail.outbox[0]
    assert (
        asked.subject
        == f"Exception to approve on #{denied.ticket_id}: Refunds: Carrier lost the parcel (80.00)"
    )
    assert "Why it needs you: 80.00 is above the limit of 50.00" in asked.body
    assert "Note: Lost in transit" in asked.body and "/policies/approvals/" in asked.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_decide_approval(
            exception.approval, actor=people.lead, approve=True, note="Carrier's fault"
        )
    assert [m.to for m in mail.outbox] == [[people.agent.email]]
    told = mail.outbox[0]
    assert told.subject.startswith(f"Exception approved on #{denied.ticket_id}")
    assert "Lena approved your exception" in told.body and "Note: Carrier's fault" in told.body


def test_a_request_above_a_leads_limit_goes_to_the_admins(people, denied, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost", amount="900")
    assert [m.to for m in mail.outbox] == [[people.admin.email]]


def test_a_lead_passing_an_approval_on_tells_the_admins(people, denied, django_capture_on_commit_callbacks):
    actions.do_set_authority_limits([queries.RoleLimit(Role.LEAD, Decimal("500"), 0, 30)], actor=people.admin)
    exception = actions.do_request_exception(denied, actor=people.agent, reason_code="changed_mind")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_decide_approval(exception.approval, actor=people.lead, approve=True)
    assert [m.to for m in mail.outbox] == [[people.admin.email]]
    assert "above Lena's limit" in mail.outbox[0].body


def test_nothing_is_sent_for_an_exception_granted_at_once(people, denied, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost", amount="20")
    assert mail.outbox == []


def test_publishing_a_change_emails_everyone_who_must_acknowledge_it(
    people, refunds, django_capture_on_commit_callbacks
):
    from tests.policies.conftest import refunds_definition

    rules = refunds_definition()["rules"].replace("<= 30", "<= 14")
    draft = actions.do_save_draft(
        refunds, actions.PolicyDraft(definition=refunds_definition(rules=rules)), actor=people.lead
    )
    with django_capture_on_commit_callbacks(execute=True):
        announcement = actions.do_publish_version(draft, actor=people.lead)
    # One message each, so nobody sees the others' addresses; not the publisher, not collaborators.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people.agent.email, people.agent2.email, people.admin.email]
    )
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    assert message.subject == "Policy changed: Refunds (version 2)"
    assert "Lena published version 2 of Refunds." in message.body
    assert f"/policies/announcements/{announcement.pk}/" in message.body
    assert "14" in message.body  # the summary of what changed
