"""A mistake's recovery plan walked to done on the ticket page, and whether the customer stayed."""

from __future__ import annotations

import pytest

from anchordesk.recovery.choices import Outcome, StepKind
from anchordesk.recovery.models import Mistake, Promise
from tests.factories import make_ticket

MISTAKE = {
    "category": "billing_error",
    "severity": "major",
    "what_happened": "We charged the order twice.",
    "impact": "The customer was $80 short for a week.",
    "why_it_made_sense": "The payment page timed out and a retry looked safe.",
}


@pytest.fixture
def ticket(people):
    return make_ticket(
        people.customer, team=people.support, subject="Charged twice", body="You charged me twice!"
    )


def steps(mistake: Mistake) -> dict[str, object]:
    return {s.kind: s for s in mistake.steps.all()}


def test_the_agent_walks_a_recovery_plan_to_done_on_the_ticket_page(people, client, ticket):
    client.force_login(people.agent)
    assert client.post(f"/tickets/{ticket.pk}/mistakes", MISTAKE).status_code == 302
    mistake = Mistake.objects.get()
    url = f"/mistakes/{mistake.pk}"

    # The reply owns it and apologizes without excuses: the coach offers it as the apology step.
    client.post(
        f"/tickets/{ticket.pk}/reply",
        {
            "body": "You're right, we charged you twice and that's on us. I'm sorry we did that. "
            "I'll refund the second charge today.",
            "status": "pending",
            "version": ticket.version,
        },
    )
    apology = steps(mistake)[StepKind.APOLOGIZE]
    assert apology.message_id is not None and apology.done_at is None  # offered, not done
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "apologized sincerely, without excuses" in page and "Confirm as the apology" in page
    client.post(url, {"op": "step", "kind": "apologize"})
    client.post(url, {"op": "step", "kind": "admit", "note": "Said so in the reply"})

    # The fix is the promise the reply made; it is done when the promise is kept.
    promise = Promise.objects.get(ticket=ticket)
    client.post(url, {"op": "fix", "promise": promise.pk})
    assert steps(mistake)[StepKind.FIX].promise_id == promise.pk
    client.post(f"/promises/{promise.pk}", {"op": "done"})
    client.post(url, {"op": "gesture", "kind": "credit", "amount": "10.00"})
    client.post(url, {"op": "follow_up", "due_at": "2030-01-05 10:00"})
    mistake.refresh_from_db()
    assert mistake.recovered_at is None  # the check-in is still to do
    follow_up = Promise.objects.get(ticket=ticket, action__startswith="Check in")
    client.post(f"/promises/{follow_up.pk}", {"op": "done"})
    mistake.refresh_from_db()
    assert mistake.recovered_at is not None
    assert all(s.done_at for s in mistake.steps.all())
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "recovered" in page and "Did the customer stay?" in page
    client.post(url, {"op": "outcome", "outcome": "left"})
    mistake.refresh_from_db()
    assert mistake.outcome == Outcome.LEFT


def test_a_reply_with_an_excuse_is_not_offered_as_the_apology(people, client, ticket):
    client.force_login(people.agent)
    client.post(f"/tickets/{ticket.pk}/mistakes", MISTAKE)
    client.post(
        f"/tickets/{ticket.pk}/reply",
        {
            "body": "I'm sorry we charged you twice, but the payment system was down due to high volume.",
            "version": ticket.version,
        },
    )
    assert steps(Mistake.objects.get())[StepKind.APOLOGIZE].message_id is None


def test_linking_a_promise_of_another_ticket_as_the_fix_is_refused(people, client, ticket):
    from anchordesk.recovery.actions import do_add_promise

    other = make_ticket(people.other_customer)
    elsewhere = do_add_promise(other, actor=people.agent, action="Refund", due_at=None)
    client.force_login(people.agent)
    client.post(f"/tickets/{ticket.pk}/mistakes", MISTAKE)
    response = client.post(f"/mistakes/{Mistake.objects.get().pk}", {"op": "fix", "promise": elsewhere.pk})
    assert response.status_code == 400 and "promise" in response.content.decode()


def test_a_customer_who_comes_back_stayed(people, ticket):
    from anchordesk.recovery.actions import do_log_mistake

    mistake = do_log_mistake(ticket, actor=people.agent, **MISTAKE)
    make_ticket(people.other_customer)  # someone else's ticket says nothing about this customer
    mistake.refresh_from_db()
    assert mistake.outcome == Outcome.UNKNOWN
    make_ticket(people.customer, subject="A new order")
    mistake.refresh_from_db()
    assert mistake.outcome == Outcome.STAYED


def test_a_good_rating_after_the_mistake_means_the_customer_stayed(people, ticket):
    from anchordesk.automation.csat import do_rate
    from anchordesk.recovery.actions import do_log_mistake
    from anchordesk.tickets.actions import do_assign_ticket, do_set_status

    mistake = do_log_mistake(ticket, actor=people.agent, **MISTAKE)
    do_assign_ticket(ticket, people.agent, actor=people.agent)
    do_set_status(ticket, "solved", actor=people.agent)
    survey = ticket.csat_surveys.get()  # sent when the ticket was solved
    do_rate(survey, "good")
    mistake.refresh_from_db()
    assert mistake.outcome == Outcome.STAYED


def test_the_customer_never_sees_promises_mistakes_or_temperature(people, ticket):
    from anchordesk.recovery.actions import do_add_promise, do_log_mistake
    from tests.portal.conftest import portal_client

    do_add_promise(ticket, actor=people.agent, action="Refund the second charge", due_at=None)
    do_log_mistake(ticket, actor=people.agent, **MISTAKE)
    page = portal_client(people.customer).get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "You charged me twice!" in page  # their own words are there
    for internal in ("Refund the second charge", "payment page timed out", "temperature", "Hot", "recovery"):
        assert internal not in page


def test_scheduling_the_follow_up_twice_keeps_one_promise_and_shows_when(people, client, ticket):
    client.force_login(people.agent)
    client.post(f"/tickets/{ticket.pk}/mistakes", MISTAKE)
    url = f"/mistakes/{Mistake.objects.get().pk}"
    client.post(url, {"op": "follow_up", "due_at": "2030-01-05 10:00"})
    client.post(url, {"op": "follow_up", "due_at": "2030-01-05 10:00"})  # a double click
    assert Promise.objects.filter(ticket=ticket, action__startswith="Check in").count() == 1
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "scheduled for 5 Jan, 10:00" in page

    # A new date moves the same promise.
    client.post(url, {"op": "follow_up", "due_at": "2030-01-07 09:30"})
    follow_ups = Promise.objects.filter(ticket=ticket, action__startswith="Check in")
    assert follow_ups.count() == 1
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "scheduled for 7 Jan, 09:30" in page and "scheduled for 5 Jan" not in page
