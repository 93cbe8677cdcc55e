"""Compliments reach the agent who solved; rules, SLA events and ratings read plainly on the ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from anchordesk.automation.actions import do_save_trigger
from anchordesk.automation.csat import csat_by_agent, do_rate, do_send_survey
from anchordesk.sla.actions import PolicyData, do_save_policy
from anchordesk.sla.timers import do_scan
from anchordesk.tickets import actions
from anchordesk.tickets.choices import Status
from tests.factories import make_ticket

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(MONDAY_9, tick=False)


def test_a_compliment_is_emailed_to_the_agent_and_listed_on_their_kind_words_page(
    people, client, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = make_ticket(people.customer, assignee=people.agent, subject="Lost parcel")
    survey = do_send_survey(ticket)
    assert survey is not None
    with django_capture_on_commit_callbacks(execute=True):
        do_rate(survey, "good", "Alice found my parcel in a day. Thank you!")
    thanks = [m for m in mailoutbox if m.subject.startswith("A customer thanked you")]
    assert len(thanks) == 1 and thanks[0].to == [people.agent.email]
    assert "Alice found my parcel" in thanks[0].body
    client.force_login(people.agent)
    page = client.get(reverse("wellbeing-kind-words")).content.decode()
    assert "Alice found my parcel in a day" in page and "Lost parcel" in page
    client.force_login(people.agent2)
    assert "Alice found my parcel" not in client.get(reverse("wellbeing-kind-words")).content.decode()


def test_a_bad_rating_sends_no_compliment_and_ratings_are_counted_per_agent(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    for agent, rating in ((people.agent, "good"), (people.agent, "bad"), (people.agent2, "good")):
        survey = do_send_survey(make_ticket(people.customer, assignee=agent))
        assert survey is not None
        with django_capture_on_commit_callbacks(execute=True):
            do_rate(survey, rating, "Too slow." if rating == "bad" else "")
    assert not [m for m in mailoutbox if m.subject.startswith("A customer thanked you")]
    rows = {row.agent: row for row in csat_by_agent(since=MONDAY_9 - timedelta(days=1))}
    assert (rows["Alice"].good, rows["Alice"].bad, rows["Alice"].share) == (1, 1, 0.5)
    assert (rows["Bob"].good, rows["Bob"].bad) == (1, 0)
    assert csat_by_agent(since=MONDAY_9 + timedelta(days=1)) == []


def test_the_timeline_names_the_rule_the_sla_breach_and_the_rating(people, client):
    do_save_trigger(
        actor=people.admin,
        name="Tag refunds",
        events=["ticket.created"],
        conditions={"all": [{"field": "subject", "op": "contains", "value": "refund"}]},
        actions=[{"type": "add_tags", "value": ["refund"]}],
    )
    do_save_policy(
        PolicyData(name="Fast", first_response_minutes=30, business_hours=False, warn_percent=50),
        actor=people.admin,
    )
    ticket = make_ticket(people.customer, subject="Refund please", assignee=people.agent)
    survey = do_send_survey(ticket)
    assert survey is not None
    do_rate(survey, "good", "Quick and kind")
    do_scan(MONDAY_9 + timedelta(minutes=20))
    do_scan(MONDAY_9 + timedelta(minutes=40))
    actions.do_reply(ticket, "Done.", actor=people.agent, status=Status.SOLVED)
    client.force_login(people.agent)
    page = client.get(reverse("ticket", args=[ticket.pk])).content.decode()
    assert "ran the rule “Tag refunds”" in page
    assert "warned that the first response target is due soon (Fast)" in page
    assert "recorded a breach of the first response target (Fast)" in page
    assert "rated the help good: “Quick and kind”" in page
