from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from anchordesk.accounts.choices import Role, TeamKind
from anchordesk.collab.actions import do_open_handoff
from anchordesk.collab.choices import HandoffStatus
from anchordesk.collab.models import Handoff, HandoffComment
from anchordesk.collab.queries import open_handoffs
from anchordesk.core.models import AuditEvent
from anchordesk.tickets.actions import do_add_note
from anchordesk.tickets.choices import MessageKind
from anchordesk.tickets.models import Message
from tests.factories import make_team, make_ticket, make_user


@pytest.fixture
def billing(people):
    return make_team("Billing", kind=TeamKind.BILLING)


@pytest.fixture
def bill(billing):
    return make_user(Role.COLLABORATOR, username="bill", teams=[billing], first_name="Bill")


def _open(people, ticket, **kw):
    values = {"team": people.engineering, "subject": "Sync fails", "needed": "Check the sync logs"}
    values.update(kw)
    return do_open_handoff(ticket, actor=people.agent, **values)


def test_handoff_round_trip_between_an_agent_and_engineering(
    people, client, ticket, django_capture_on_commit_callbacks
):
    customer_message = Message.objects.get(ticket=ticket, kind=MessageKind.CUSTOMER)
    secret = do_add_note(ticket, "Internal: customer is on a discount plan", actor=people.agent)
    due = (date.today() + timedelta(days=3)).isoformat()

    client.force_login(people.agent)
    response = client.post(
        f"/collab/tickets/{ticket.pk}/handoffs/new",
        {
            "team": people.engineering.pk,
            "subject": "Orders stuck in sync",
            "needed": "Why is #1234 not shipped?",
            "due_on": due,
            "messages": [customer_message.pk],
        },
    )
    assert response.status_code == 302
    handoff = Handoff.objects.get()
    assert handoff.team == people.engineering and handoff.status == HandoffStatus.NEW
    assert list(handoff.messages.all()) == [customer_message]

    client.force_login(people.collaborator)
    queue = client.get("/collab/handoffs/").content.decode()
    assert "Orders stuck in sync" in queue
    page = client.get(f"/collab/handoffs/{handoff.pk}/").content.decode()
    assert "my order #1234 has not arrived" in page  # the attached message
    assert "discount plan" not in page and secret.body_text not in page  # nothing else of the ticket
    assert client.get(f"/tickets/{ticket.pk}/").status_code == 404  # nor the ticket itself

    assert (
        client.post(f"/collab/handoffs/{handoff.pk}/comment", {"body": "Looking at the logs"}).status_code
        == 302
    )
    assert client.post(f"/collab/handoffs/{handoff.pk}/status", {"status": "in_progress"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/collab/handoffs/{handoff.pk}/status", {"status": "done", "note": "Resynced; it ships today"}
        )
    assert done.status_code == 302
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.DONE and handoff.closed_at is not None

    timeline = list(
        AuditEvent.objects.filter(ticket=ticket, kind__startswith="handoff.").values_list("kind", "note")
    )
    kinds = [kind for kind, _ in timeline]
    assert kinds == ["handoff.opened", "handoff.comment", "handoff.status", "handoff.status"]
    assert "Looking at the logs" in timeline[1][1] and "Resynced; it ships today" in timeline[3][1]

    to_agent = [m for m in mail.outbox if people.agent.email in m.to]
    assert len(to_agent) == 1 and "update the customer" in to_agent[0].body
    assert not open_handoffs(ticket).exists()


def test_a_collaborator_from_another_team_gets_404(people, client, ticket, bill):
    handoff = _open(people, ticket)
    client.force_login(bill)
    assert "Sync fails" not in client.get("/collab/handoffs/").content.decode()
    assert client.get(f"/collab/handoffs/{handoff.pk}/").status_code == 404
    assert client.post(f"/collab/handoffs/{handoff.pk}/comment", {"body": "hi"}).status_code == 404
    assert client.post(f"/collab/handoffs/{handoff.pk}/status", {"status": "done"}).status_code == 404
    assert not HandoffComment.objects.exists()
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.NEW


def test_collaborators_cannot_open_handoffs_or_see_the_ticket_panel(people, client, ticket):
    client.force_login(people.collaborator)
    assert client.get(f"/collab/tickets/{ticket.pk}/handoffs/new").status_code == 404
    assert (
        client.post(f"/collab/tickets/{ticket.pk}/handoffs/new", {"team": people.engineering.pk}).status_code
        == 404
    )
    assert client.get(f"/collab/tickets/{ticket.pk}/panel").status_code == 404
    assert not Handoff.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(people, client, ticket):
    handoff = _open(people, ticket)
    for url in ["/collab/handoffs/", f"/collab/handoffs/{handoff.pk}/"]:
        assert client.get(url).status_code == 302
    assert client.post(f"/collab/handoffs/{handoff.pk}/status", {"status": "done"}).status_code == 302
    handoff.refresh_from_db()
    assert handoff.status == HandoffStatus.NEW


def test_bad_handoff_input_is_a_400_naming_each_field(people, client, ticket):
    other_ticket_message = Message.objects.filter(ticket=make_ticket(people.other_customer)).first()
    client.force_login(people.agent)
    response = client.post(
        f"/collab/tickets/{ticket.pk}/handoffs/new",
        {"team": people.support.pk, "subject": "", "needed": "", "messages": [other_ticket_message.pk]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    for field in ("team", "subject", "needed", "messages"):
        assert f"<strong>{field}</strong>" in page
    bad_date = client.post(
        f"/collab/tickets/{ticket.pk}/handoffs/new",
        {"team": people.engineering.pk, "subject": "S", "needed": "N", "due_on": "next blursday"},
    )
    assert bad_date.status_code == 400 and "due_on" in bad_date.content.decode()
    assert not Handoff.objects.exists()


def test_bad_status_and_empty_comment_are_400s(people, client, ticket):
    handoff = _open(people, ticket)
    client.force_login(people.collaborator)
    assert client.post(f"/collab/handoffs/{handoff.pk}/status", {"status": "shipped"}).status_code == 400
    response = client.post(f"/collab/handoffs/{handoff.pk}/comment", {"body": "  "})
    assert response.status_code == 400 and "body" in response.content.decode()


def test_the_assignee_must_be_on_the_handoff_team(people, client, ticket, bill):
    handoff = _open(people, ticket)
    client.force_login(people.collaborator)
    refused = client.post(f"/collab/handoffs/{handoff.pk}/assign", {"assignee": bill.pk})
    assert refused.status_code == 400 and "assignee" in refused.content.decode()
    assert (
        client.post(f"/collab/handoffs/{handoff.pk}/assign", {"assignee": people.collaborator.pk}).status_code
        == 302
    )
    handoff.refresh_from_db()
    assert handoff.assignee == people.collaborator
    assert "Sync fails" in client.get("/collab/handoffs/?show=mine").content.decode()


def test_several_handoffs_per_ticket_and_the_ticket_panel_warns_while_one_is_open(
    people, client, ticket, billing
):
    first = _open(people, ticket)
    _open(people, ticket, team=billing, subject="Refund the fee", needed="Refund 10 EUR")
    assert open_handoffs(ticket).count() == 2
    client.force_login(people.agent)
    panel = client.get(f"/collab/tickets/{ticket.pk}/panel").content.decode()
    assert "2 open handoffs" in panel and "Refund the fee" in panel
    first.status = HandoffStatus.DONE  # direct write: only the precondition matters here
    first.save()
    assert [h.subject for h in open_handoffs(ticket)] == ["Refund the fee"]


def test_opening_a_handoff_tells_the_team(people, ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _open(people, ticket)
    assert [m.to for m in mail.outbox] == [[people.collaborator.email]]
