"""The reply coach and promises over the API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from anchordesk.core.models import AuditEvent
from anchordesk.recovery.choices import PromiseState
from anchordesk.recovery.models import Promise
from tests import factories
from tests.api.conftest import field_errors

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def ticket(people):
    return factories.make_ticket(people.customer, subject="Charged twice", team=people.support)


def test_the_coach_returns_the_review_with_findings_and_promises(people, as_user):
    api = as_user(people.agent)
    with time_machine.travel(MONDAY_10, tick=False):
        response = api.post(
            "/coach",
            {
                "text": "Sorry for any inconvenience. The courier lost it. I'll send a new one by Friday.",
                "customer_upset": True,
            },
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["apology"] == "formulaic" and body["excuse"] is True and body["has_date"] is True
    kinds = {f["kind"]: f for f in body["findings"]}
    assert {"formulaic_apology", "excuse", "empathy"} <= set(kinds)
    excuse = kinds["excuse"]
    text = "Sorry for any inconvenience. The courier lost it. I'll send a new one by Friday."
    assert text[excuse["span"]["start"] : excuse["span"]["end"]] == excuse["span"]["text"]
    assert excuse["suggestion"]
    assert kinds["empathy"]["span"] is None
    [promise] = body["promises"]
    assert "send a new one" in promise["action"] and promise["due"].startswith("2026-11-27")


def test_the_coach_takes_the_customers_mood_from_the_ticket(people, as_user):
    hot = factories.make_ticket(
        people.customer,
        body="This is RIDICULOUS!!! Third time I write and NOBODY answers. Worst company ever.",
    )
    api = as_user(people.agent)
    body = api.post("/coach", {"text": "Please send your order number.", "ticket_id": hot.pk}).json()
    assert body["customer_upset"] is True
    assert "empathy" in {f["kind"] for f in body["findings"]}
    dismissed = api.post(
        "/coach", {"text": "Please send your order number.", "ticket_id": hot.pk, "dismissed": ["empathy"]}
    ).json()
    assert "empathy" not in {f["kind"] for f in dismissed["findings"]}


def test_bad_coach_requests_name_the_field(people, as_user):
    api = as_user(people.agent)
    assert field_errors(api.post("/coach", {})) == {"text": "This field is required."}
    too_long = api.post("/coach", {"text": "x" * 20_001})
    assert too_long.status_code == 422 and "text" in field_errors(too_long)
    assert api.post("/coach", {"text": "Hi", "ticket_id": 999999}).status_code == 404
    assert "tone" in field_errors(api.post("/coach", {"text": "Hi", "tone": "warm"}))


def test_collaborators_and_strangers_cannot_use_the_coach_or_promises(people, as_user, ticket):
    collaborator = as_user(people.collaborator)
    assert collaborator.post("/coach", {"text": "Hello"}).status_code == 403
    assert collaborator.get(f"/tickets/{ticket.pk}/promises").status_code == 403
    assert collaborator.get("/promises/mine").status_code == 403
    assert as_user(None).post("/coach", {"text": "Hello"}).status_code == 401


def test_a_promise_is_added_by_hand_changed_and_kept(people, as_user, ticket, mailoutbox):
    api = as_user(people.agent)
    created = api.post(
        f"/tickets/{ticket.pk}/promises",
        {"action": "Refund the second charge", "due_at": "2030-01-02T17:00:00Z", "due_text": "by Jan 2"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "open" and body["owner"]["id"] == people.agent.pk and body["overdue"] is False
    cid = body["id"]
    listed = api.get(f"/tickets/{ticket.pk}/promises").json()
    assert [c["id"] for c in listed] == [cid]
    assert [c["id"] for c in api.get("/promises/mine").json()] == [cid]
    assert as_user(people.agent2).get("/promises/mine").json() == []

    changed = api.patch(f"/promises/{cid}", {"due_at": "2030-01-03T12:00:00+00:00", "action": "Refund $40"})
    assert changed.status_code == 200 and changed.json()["action"] == "Refund $40"
    assert changed.json()["due_at"].startswith("2030-01-03T12:00")

    done = api.post(f"/promises/{cid}/done")
    assert done.status_code == 200
    assert done.json()["promise"]["state"] == "done"
    assert done.json()["tell_customer"].startswith("I said I'd refund $40, and that's now done.")
    assert api.get("/promises/mine").json() == []
    kinds = set(AuditEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {"promise.added", "promise.updated", "promise.kept"} <= kinds
    again = api.post(f"/promises/{cid}/done")
    assert again.status_code == 422 and "state" in field_errors(again)


def test_a_promise_found_in_a_reply_is_confirmed_or_dropped(people, as_user, ticket):
    api = as_user(people.agent)
    with time_machine.travel(MONDAY_10, tick=False):
        api.post(
            f"/tickets/{ticket.pk}/messages",
            {
                "kind": "reply",
                "body": "I'll refund the second charge by Friday. We will also email the receipt.",
            },
        )
    found = api.get(f"/tickets/{ticket.pk}/promises").json()
    assert len(found) == 2 and {c["state"] for c in found} == {"proposed"}
    refund = next(c for c in found if "refund" in c["action"].lower())
    assert refund["due_at"].startswith("2026-11-27") and refund["message_id"] is not None
    other = next(c for c in found if c is not refund)
    confirmed = api.patch(f"/promises/{refund['id']}", {"confirm": True}).json()
    assert confirmed["state"] == "open"
    dropped = api.post(f"/promises/{other['id']}/drop", {"reason": "Not a promise"})
    assert dropped.status_code == 200 and dropped.json()["state"] == "dropped"
    assert Promise.objects.get(pk=other["id"]).state == PromiseState.DROPPED


def test_bad_promise_input_names_the_field(people, as_user, ticket):
    api = as_user(people.agent)
    url = f"/tickets/{ticket.pk}/promises"
    assert field_errors(api.post(url, {"action": "  "})) == {"action": "Say what was promised."}
    assert "due_at" in field_errors(api.post(url, {"action": "Call", "due_at": "next blursday"}))
    assert "owner_id" in field_errors(api.post(url, {"action": "Call", "owner_id": people.collaborator.pk}))
    assert "action" in field_errors(api.post(url, {"action": "x" * 301}))
    cid = api.post(url, {"action": "Call back"}).json()["id"]
    api.post(f"/promises/{cid}/drop", {})
    late = api.patch(f"/promises/{cid}", {"action": "Call again"})
    assert late.status_code == 422 and "state" in field_errors(late)
    assert api.get("/promises/999999").status_code == 404


def test_a_hand_added_promise_can_belong_to_another_agent(people, as_user, ticket):
    api = as_user(people.lead)
    body = api.post(
        f"/tickets/{ticket.pk}/promises", {"action": "Call the customer", "owner_id": people.agent.pk}
    ).json()
    assert body["owner"]["id"] == people.agent.pk
    assert [c["id"] for c in as_user(people.agent).get("/promises/mine").json()] == [body["id"]]


def test_solving_over_the_api_with_an_open_promise_needs_confirming(people, as_user, ticket):
    api = as_user(people.agent)
    api.post(f"/tickets/{ticket.pk}/promises", {"action": "Send the return label"})
    refused = api.patch(f"/tickets/{ticket.pk}", {"status": "solved"})
    assert refused.status_code == 409
    assert "Send the return label" in field_errors(refused)["status"]
    assert api.get(f"/tickets/{ticket.pk}").json()["status"] != "solved"
    solved = api.patch(f"/tickets/{ticket.pk}", {"status": "solved", "confirm_open_work": True})
    assert solved.status_code == 200 and solved.json()["status"] == "solved"


ANGRY = "This is RIDICULOUS!!! Third time I write and NOBODY answers. Worst company ever."
# Answers the thank-you; no apology, because nothing went wrong in what it answers.
REPLY_TO_THANKS = "Glad it's working, Dana! Reply to this email if anything else comes up."


def test_a_reply_to_a_thank_you_asks_for_no_apology_even_on_a_ticket_that_was_hot(people, as_user):
    from anchordesk.tickets.actions import do_add_customer_message, do_reply

    ticket = factories.make_ticket(people.customer, body=ANGRY)
    api = as_user(people.agent)
    upset = api.post("/coach", {"text": REPLY_TO_THANKS, "ticket_id": ticket.pk}).json()
    assert upset["customer_upset"] is True
    assert {"no_apology", "empathy"} <= {f["kind"] for f in upset["findings"]}

    do_reply(ticket, "I'm sorry we charged you twice. I've refunded it today.", actor=people.agent)
    do_add_customer_message(ticket, "Thanks so much, that sorted it!", customer=people.customer)
    ticket.refresh_from_db()
    assert ticket.temperature > 0  # the anger still counts in the temperature...
    body = api.post("/coach", {"text": REPLY_TO_THANKS, "ticket_id": ticket.pk}).json()
    assert body["customer_upset"] is False  # ...but the reply answers a thank-you
    assert not {"no_apology", "empathy"} & {f["kind"] for f in body["findings"]}


def test_a_calm_question_is_not_an_upset_customer(people, as_user):
    ticket = factories.make_ticket(
        people.customer, body="Hi, could you tell me when my kettle ships? Thanks, Dana"
    )
    body = api_coach(
        as_user(people.agent), "It ships on Friday, Dana. Just reply here if you need anything else.", ticket
    )
    assert body["customer_upset"] is False
    assert "no_apology" not in {f["kind"] for f in body["findings"]}


def test_a_customer_chasing_an_answer_counts_as_upset_though_the_words_are_calm(people, as_user):
    from datetime import timedelta

    from anchordesk.tickets.actions import do_add_customer_message

    with time_machine.travel(MONDAY_10, tick=False):
        ticket = factories.make_ticket(people.customer, body="Hello, when will my order ship?")
    for hours in (8, 24, 40):
        with time_machine.travel(MONDAY_10 + timedelta(hours=hours), tick=False):
            do_add_customer_message(ticket, "Any news on this?", customer=people.customer)
    with time_machine.travel(MONDAY_10 + timedelta(hours=41), tick=False):
        body = api_coach(as_user(people.agent), "It ships today; tracking follows by 17:00.", ticket)
    assert body["customer_upset"] is True
    assert "no_apology" in {f["kind"] for f in body["findings"]}


def api_coach(api, text, ticket):
    response = api.post("/coach", {"text": text, "ticket_id": ticket.pk})
    assert response.status_code == 200, response.content
    return response.json()
