"""The handoff API: the same rules as the UI, for agents and the engineers who answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from anchordesk.accounts.choices import Role, TeamKind
from anchordesk.collab.models import Handoff
from tests import factories
from tests.api.conftest import field_errors


@pytest.fixture
def ticket(people):
    return factories.make_ticket(people.customer, team=people.support, assignee=people.agent)


def test_an_agent_opens_a_handoff_and_an_engineer_works_it(people, as_user, ticket):
    agent, engineer = as_user(people.agent), as_user(people.collaborator)
    message_id = ticket.messages.first().pk
    due = (date.today() + timedelta(days=2)).isoformat()
    created = agent.post(
        f"/tickets/{ticket.pk}/handoffs",
        {
            "team_id": people.engineering.pk,
            "subject": "Sync fails",
            "needed": "Check logs",
            "due_on": due,
            "message_ids": [message_id],
        },
    )
    assert created.status_code == 201, created.content
    handoff_id = created.json()["id"]
    assert created.json()["message_ids"] == [message_id] and created.json()["status"] == "new"

    assert [h["id"] for h in engineer.get("/handoffs").json()["items"]] == [handoff_id]
    assert engineer.post(f"/handoffs/{handoff_id}/comments", {"body": "On it"}).status_code == 201
    done = engineer.patch(
        f"/handoffs/{handoff_id}", {"assignee_id": people.collaborator.pk, "status": "done", "note": "Fixed"}
    )
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "done" and body["assignee"]["id"] == people.collaborator.pk
    assert [c["body"] for c in body["comments"]] == ["On it", "Fixed"]


def test_who_may_do_what_with_handoffs(people, as_user, ticket):
    outsider = factories.make_user(
        Role.COLLABORATOR, username="bill", teams=[factories.make_team("Billing", kind=TeamKind.BILLING)]
    )
    handoff = Handoff.objects.create(ticket=ticket, team=people.engineering, subject="S", needed="N")
    engineer, stranger = as_user(people.collaborator), as_user(outsider)
    body = {"team_id": people.engineering.pk, "subject": "S", "needed": "N"}
    assert engineer.post(f"/tickets/{ticket.pk}/handoffs", body).status_code == 403
    assert stranger.get(f"/handoffs/{handoff.pk}").status_code == 404
    assert stranger.patch(f"/handoffs/{handoff.pk}", {"status": "done"}).status_code == 404
    assert stranger.get("/handoffs").json()["items"] == []
    assert as_user(None).get("/handoffs").status_code == 401
    handoff.refresh_from_db()
    assert handoff.status == "new"


def test_bad_handoff_input_names_each_field(people, as_user, ticket):
    agent = as_user(people.agent)
    bad = agent.post(
        f"/tickets/{ticket.pk}/handoffs",
        {"team_id": people.support.pk, "subject": "", "needed": "", "external_email": "nope"},
    )
    assert bad.status_code == 422
    assert set(field_errors(bad)) >= {"team_id", "subject", "needed", "external_email"}
    assert (
        agent.post(
            f"/tickets/{ticket.pk}/handoffs", {"team_id": 999999, "subject": "S", "needed": "N"}
        ).status_code
        == 422
    )
    handoff = Handoff.objects.create(ticket=ticket, team=people.engineering, subject="S", needed="N")
    wrong = agent.patch(f"/handoffs/{handoff.pk}", {"assignee_id": people.agent2.pk})
    assert wrong.status_code == 422 and "assignee_id" in field_errors(wrong)
    assert agent.patch(f"/handoffs/{handoff.pk}", {"status": "shipped"}).status_code == 422
    assert not Handoff.objects.exclude(pk=handoff.pk).exists()


def test_solving_through_the_api_with_an_open_handoff_asks_first(people, as_user, ticket):
    Handoff.objects.create(ticket=ticket, team=people.engineering, subject="Refund the fee", needed="N")
    agent = as_user(people.agent)
    asked = agent.patch(f"/tickets/{ticket.pk}", {"status": "solved"})
    assert asked.status_code == 409 and "Refund the fee" in field_errors(asked)["status"]
    assert agent.get(f"/tickets/{ticket.pk}").json()["status"] != "solved"
    solved = agent.patch(f"/tickets/{ticket.pk}", {"status": "solved", "confirm_open_work": True})
    assert solved.status_code == 200 and solved.json()["status"] == "solved"
