"""The API asks before solving over open promises or handoffs (409 listing them, then
confirm_open_work: true), on PATCH /tickets and on a solving reply alike; and a ticket opened for a
new contact leaves no customer behind when it is refused."""

from __future__ import annotations

import pytest

from anchordesk.accounts.models import Customer
from anchordesk.mail.models import OutboundEmail
from anchordesk.recovery.actions import do_add_promise
from anchordesk.tickets.models import Message
from tests import factories
from tests.api.conftest import field_errors


@pytest.fixture
def ticket(people):
    ticket = factories.make_ticket(people.customer, subject="Return", body="How do I send it back?")
    do_add_promise(ticket, actor=people.agent, action="Send the return label", due_at=None)
    return ticket


def test_solving_by_patch_answers_409_with_the_open_work_and_changes_nothing(people, as_user, ticket):
    api = as_user(people.agent)
    refused = api.patch(f"/tickets/{ticket.pk}", {"status": "solved", "priority": "high"})
    assert refused.status_code == 409
    assert "Send the return label" in field_errors(refused)["status"]
    assert "confirm_open_work" in refused.json()["detail"]
    unchanged = api.get(f"/tickets/{ticket.pk}").json()
    assert (unchanged["status"], unchanged["priority"]) == ("new", "normal")
    closed = api.patch(f"/tickets/{ticket.pk}", {"status": "closed", "confirm_open_work": True})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_a_solving_reply_answers_409_and_sends_nothing_until_confirmed(people, as_user, ticket):
    api = as_user(people.agent)
    body = {"kind": "reply", "body": "Label attached.", "status": "solved"}
    refused = api.post(f"/tickets/{ticket.pk}/messages", body)
    assert refused.status_code == 409
    assert "Send the return label" in field_errors(refused)["status"]
    assert not Message.objects.filter(ticket=ticket, kind="reply").exists()
    assert not OutboundEmail.objects.filter(ticket=ticket).exists()
    sent = api.post(f"/tickets/{ticket.pk}/messages", {**body, "confirm_open_work": True})
    assert sent.status_code == 201
    assert api.get(f"/tickets/{ticket.pk}").json()["status"] == "solved"
    assert (
        OutboundEmail.objects.filter(ticket_message__ticket=ticket).count() == 1
    )  # the reply, not the survey


def test_a_reply_that_does_not_solve_needs_no_confirmation(people, as_user, ticket):
    api = as_user(people.agent)
    sent = api.post(
        f"/tickets/{ticket.pk}/messages", {"kind": "reply", "body": "On it.", "status": "pending"}
    )
    assert sent.status_code == 201


def test_a_refused_ticket_for_a_new_contact_creates_no_customer(people, as_user):
    api = as_user(people.agent)
    refused = api.post("/tickets", {"customer_email": "new@person.test", "subject": "   ", "body": "Hi"})
    assert refused.status_code == 422 and "subject" in field_errors(refused)
    assert not Customer.objects.filter(email__iexact="new@person.test").exists()
    created = api.post("/tickets", {"customer_email": "new@person.test", "subject": "Hello", "body": "Hi"})
    assert created.status_code == 201
    assert Customer.objects.filter(email__iexact="new@person.test").count() == 1
