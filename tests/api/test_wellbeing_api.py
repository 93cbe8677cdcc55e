"""The wellbeing API: exposure for leads only, an agent's own break, kind words."""

from __future__ import annotations

from anchordesk.automation.models import AgentAvailability
from anchordesk.tickets.actions import do_add_customer_message, do_reply
from tests import factories

HOSTILE = "What the hell is wrong with you people? Fix it!"


def _hostile_ticket(people):
    ticket = factories.make_ticket(people.customer, team=people.support, assignee=people.agent)
    do_add_customer_message(ticket, HOSTILE, customer=people.customer)
    return ticket


def test_only_leads_read_exposure_and_rows_are_in_name_order(people, as_user):
    _hostile_ticket(people)
    response = as_user(people.lead).get("/wellbeing/exposure")
    assert response.status_code == 200
    rows = response.json()["agents"]
    assert [r["agent"]["name"] for r in rows] == sorted(r["agent"]["name"] for r in rows)
    alice = next(r for r in rows if r["agent"]["id"] == people.agent.pk)
    assert alice["hostile_today"] == 1 and alice["weeks"][-1] == 1 and len(alice["weeks"]) == 8
    assert as_user(people.agent).get("/wellbeing/exposure").status_code == 403
    assert as_user(people.collaborator).get("/wellbeing/exposure").status_code == 403
    assert as_user(people.lead).get("/wellbeing/exposure", {"team": 999999}).status_code == 404


def test_an_agent_answers_their_own_break_suggestion(people, as_user, settings):
    settings.WELLBEING_BREAK_AFTER = 2
    _hostile_ticket(people)
    _hostile_ticket(people)
    alice = as_user(people.agent)
    current = alice.get("/me/break").json()
    assert current["state"] == "suggested" and "2 hostile conversations" in current["reason"]
    assert as_user(people.agent2).get("/me/break").json() is None
    assert alice.post("/me/break/take").json()["state"] == "taken"
    assert AgentAvailability.objects.get(user=people.agent).away
    assert alice.post("/me/break/dismiss").status_code == 422  # on a break, not a suggestion
    assert alice.post("/me/break/end").json()["state"] == "ended"
    assert not AgentAvailability.objects.get(user=people.agent).away
    assert alice.post("/me/break/end").status_code == 409
    assert alice.post("/me/break/later").status_code == 422
    assert as_user(people.collaborator).get("/me/break").status_code == 403


def test_kind_words_mine_and_my_teams(people, as_user):
    ticket = factories.make_ticket(people.customer, team=people.support, assignee=people.agent)
    do_reply(ticket, "Done: it ships today.", actor=people.agent)
    do_add_customer_message(ticket, "Thank you so much, that was really helpful!", customer=people.customer)
    mine = as_user(people.agent).get("/wellbeing/kind-words").json()["items"]
    assert [w["source"] for w in mine] == ["thanks"] and "really helpful" in mine[0]["text"]
    assert as_user(people.agent2).get("/wellbeing/kind-words").json()["items"] == []
    team = as_user(people.agent2).get("/wellbeing/kind-words", {"team": people.support.pk}).json()["items"]
    assert len(team) == 1
    other = factories.make_team("Billing desk")
    assert as_user(people.agent).get("/wellbeing/kind-words", {"team": other.pk}).status_code == 404
