"""The reply coach beside the reply box, and the promises found in a sent reply."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
import time_machine

from anchordesk.recovery.choices import PromiseState
from anchordesk.recovery.models import Promise
from anchordesk.signals import WARM_AT
from tests.factories import make_ticket

# A Monday morning: "by Friday" is four days on.
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def ticket(people):
    return make_ticket(
        people.customer,
        team=people.support,
        subject="Charged twice",
        body="This is ridiculous!!! You charged me TWICE and nobody answers. Worst service ever.",
    )


def coach(client, ticket, body, **extra):
    return client.post(f"/tickets/{ticket.pk}/coach", {"body": body, **extra})


def test_the_coach_names_a_non_apology_and_an_excuse_with_suggestions(people, client, ticket):
    client.force_login(people.agent)
    response = coach(
        client,
        ticket,
        "I'm sorry if you feel that way, but we are experiencing a high volume of requests.",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-kind="non_apology"' in page and 'data-kind="excuse"' in page
    assert "Apologize for what happened, not for how they feel" in page
    assert "Drop the excuse and own it" in page


def test_an_upset_customer_makes_the_coach_ask_for_empathy(people, client, ticket):
    ticket.refresh_from_db()
    assert ticket.temperature >= WARM_AT  # the customer's first message made the ticket warm
    client.force_login(people.agent)
    page = coach(client, ticket, "Please send us your order number.").content.decode()
    assert 'data-kind="empathy"' in page


def test_a_good_reply_has_nothing_to_suggest_and_shows_its_promise(people, client, ticket):
    client.force_login(people.agent)
    with time_machine.travel(MONDAY_10, tick=False):
        page = coach(
            client,
            ticket,
            "You're right, and I'm sorry we charged you twice. I can see how frustrating this has been. "
            "I've refunded the second charge today and I will email you the receipt by Friday.",
        ).content.decode()
    assert "nothing to suggest" in page
    assert "Promises in this reply" in page and "Fri 27 Nov" in page


def test_a_dismissed_finding_stays_away_while_the_agent_types_on(people, client, ticket):
    client.force_login(people.agent)
    draft = "We're sorry for any inconvenience. We will look into it."
    first = coach(client, ticket, draft).content.decode()
    assert 'data-kind="formulaic_apology"' in first
    key = html.unescape(re.search(r'name="dismiss" value="(formulaic_apology:[^"]*)"', first).group(1))
    page = coach(client, ticket, draft, dismiss=key).content.decode()
    assert 'data-kind="formulaic_apology"' not in page
    assert 'name="dismissed"' in page
    # The next keystroke carries the dismissed key back: the finding does not return.
    later = coach(client, ticket, draft + " Thanks", dismissed=key).content.decode()
    assert 'data-kind="formulaic_apology"' not in later and 'data-kind="empathy"' in later


def test_an_empty_draft_gets_the_idle_line(people, client, ticket):
    client.force_login(people.agent)
    assert "suggestions appear here as you type" in coach(client, ticket, "   ").content.decode()


def test_only_agents_who_see_the_ticket_use_the_coach(people, client, ticket):
    assert coach(client, ticket, "Hello").status_code == 302  # to sign in
    client.force_login(people.collaborator)
    assert coach(client, ticket, "Hello").status_code == 404
    client.force_login(people.agent)
    assert client.get(f"/tickets/{ticket.pk}/coach").status_code == 405


def test_the_ticket_page_wires_the_coach_to_the_reply_box(people, client, ticket):
    client.force_login(people.agent)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'id="coach-findings"' in page
    assert f'hx-post="/tickets/{ticket.pk}/coach"' in page
    assert "from:#reply-body" in page


def test_sending_a_reply_with_a_promise_shows_it_to_keep_edit_or_drop(people, client, ticket):
    client.force_login(people.agent)
    with time_machine.travel(MONDAY_10, tick=False):
        sent = client.post(
            f"/tickets/{ticket.pk}/reply",
            {
                "body": "I'm sorry we charged you twice. I'll refund the second charge by Friday.",
                "status": "pending",
                "version": ticket.version,
            },
            follow=True,
        )
    page = sent.content.decode()
    promise = Promise.objects.get(ticket=ticket)
    assert promise.state == PromiseState.PROPOSED and promise.due_at is not None
    assert "Your reply made 1 promise." in page and f'data-promise="{promise.pk}"' in page
    # The agent fixes the wording and the date, and keeps it.
    kept = client.post(
        f"/promises/{promise.pk}",
        {"op": "confirm", "action": "Refund the second charge of $40", "due_at": "2026-11-26T12:00"},
        follow=True,
    )
    promise.refresh_from_db()
    assert promise.state == PromiseState.OPEN
    assert promise.action == "Refund the second charge of $40"
    assert promise.due_at == datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert "Your reply made" not in kept.content.decode()


def test_dropping_a_found_promise_that_was_not_one(people, client, ticket):
    client.force_login(people.agent)
    client.post(
        f"/tickets/{ticket.pk}/reply",
        {"body": "We will send you the label tomorrow.", "status": "pending", "version": ticket.version},
    )
    promise = Promise.objects.get(ticket=ticket)
    page = client.post(f"/promises/{promise.pk}", {"op": "drop"}, follow=True).content.decode()
    promise.refresh_from_db()
    assert promise.state == PromiseState.DROPPED
    assert "Promise dropped" in page


def test_only_the_author_is_asked_about_the_promises_in_their_reply(people, client, ticket):
    client.force_login(people.agent)
    client.post(
        f"/tickets/{ticket.pk}/reply",
        {"body": "I'll call you tomorrow morning.", "status": "pending", "version": ticket.version},
    )
    assert "Your reply made 1 promise." in client.get(f"/tickets/{ticket.pk}/").content.decode()
    client.force_login(people.agent2)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Your reply made" not in page and "call you tomorrow" in page.lower()  # in the sidebar


def test_odd_drafts_never_break_the_coach(people, client, ticket):
    client.force_login(people.agent)
    for body in (
        "\x00\x01 sorry",
        "a" * 60_000,
        "¿" * 5000 + " I'll call you by Friday",
        "<script>alert(1)</script>",
    ):
        response = coach(client, ticket, body, dismissed=["x" * 500] * 80)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_coach_beside_a_reply_to_a_thank_you_asks_for_no_apology(people, client, ticket):
    from anchordesk.tickets.actions import do_add_customer_message, do_reply

    client.force_login(people.agent)
    reply = "Glad it's working now! Reply to this email if anything else comes up."
    angry_page = coach(client, ticket, reply).content.decode()
    assert 'data-kind="no_apology"' in angry_page  # the latest message is the angry one
    do_reply(
        ticket, "I'm sorry we charged you twice. I've refunded the second charge today.", actor=people.agent
    )
    do_add_customer_message(ticket, "Thank you, that fixed it!", customer=people.customer)
    page = coach(client, ticket, reply).content.decode()
    assert 'data-kind="no_apology"' not in page and 'data-kind="empathy"' not in page
