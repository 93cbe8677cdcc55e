"""The macro picker in the reply box: search, the filled-in text, and actions applied on send."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from anchordesk.automation.actions import do_save_macro
from anchordesk.automation.models import Macro
from anchordesk.core.models import AuditEvent
from anchordesk.tickets.choices import Status
from tests.factories import make_ticket


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def macros(people):
    return {
        "refund": do_save_macro(
            actor=people.lead,
            name="Refund sent",
            body="Hi {{customer.first_name}}, the refund for #{{ticket.number}} is on its way. {{agent.first_name}}",
            actions=[{"type": "add_tags", "value": ["refund"]}, {"type": "set_status", "value": "pending"}],
        ),
        "team": do_save_macro(
            actor=people.lead,
            name="Engineering update",
            body="Engineering is on it.",
            team_id=people.engineering.pk,
        ),
        "mine": do_save_macro(actor=people.agent, name="My sign-off", body="Cheers, Alice", personal=True),
        "bobs": do_save_macro(
            actor=people.agent2, name="Bob's refund line", body="Refund done", personal=True
        ),
    }


def test_the_ticket_page_offers_the_macro_picker(people, client, macros):
    ticket = make_ticket(people.customer)
    client.force_login(people.agent)
    page = client.get(reverse("ticket", args=[ticket.pk])).content.decode()
    assert reverse("automation-macro-search", args=[ticket.pk]) in page
    assert "automation/macro_picker.js" in page


def test_search_finds_the_macros_the_agent_may_use(people, client, macros):
    ticket = make_ticket(people.customer)
    client.force_login(people.agent)
    url = reverse("automation-macro-search", args=[ticket.pk])
    everything = client.get(url).content.decode()
    assert "Refund sent" in everything and "My sign-off" in everything
    # another team's macro and a colleague's personal one are not offered
    assert "Engineering update" not in everything and "Bob&#x27;s refund line" not in everything
    found = client.get(url, {"q": "refund"}).content.decode()
    # each result fetches its text from the API
    assert reverse("api-v1:macro_text", args=[ticket.pk, macros["refund"].pk]) in found
    assert "Refund sent" in found and "My sign-off" not in found and "add tags: refund" in found
    assert "No macro matches" in client.get(url, {"q": "zebra"}).content.decode()


def test_the_inserted_text_has_its_placeholders_filled_and_changes_nothing(people, client, macros):
    ticket = make_ticket(people.customer)
    client.force_login(people.agent)
    data = client.get(reverse("api-v1:macro_text", args=[ticket.pk, macros["refund"].pk])).json()
    assert data["text"] == f"Hi Carol, the refund for #{ticket.pk} is on its way. Alice"
    assert data["actions"] == "add tags: refund; set status: Pending"
    assert data["status"] == "pending"  # for the reply box's status picker
    assert not ticket.tags.exists()
    assert not AuditEvent.objects.filter(ticket=ticket, kind="automation.rule_fired").exists()


def test_sending_a_reply_with_a_macro_applies_its_actions_as_the_agent(people, client, macros):
    ticket = make_ticket(people.customer)
    client.force_login(people.agent)
    response = client.post(
        reverse("ticket-reply", args=[ticket.pk]),
        {
            "body": f"Hi Carol, the refund for #{ticket.pk} is on its way. Alice",
            "status": "open",
            "version": ticket.version,
            "macro": [str(macros["refund"].pk)],
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    # The reply box's status wins: inserting the macro put its Pending into the box, and the agent
    # set Open again before sending; a hidden "set status" must not undo what the agent saw.
    assert ticket.status == Status.OPEN
    fired = AuditEvent.objects.get(ticket=ticket, kind="automation.rule_fired")
    assert fired.actor == people.agent and fired.after["rule"] == "macro Refund sent"
    assert AuditEvent.objects.get(ticket=ticket, kind="ticket.tags").note == "rule: macro Refund sent"
    assert Macro.objects.get(pk=macros["refund"].pk).usage_count == 1
    page = client.get(reverse("ticket", args=[ticket.pk])).content.decode()
    assert "used the macro “Refund sent”" in page


def test_a_reply_naming_a_macro_the_agent_may_not_use_is_refused_and_not_sent(people, client, macros):
    ticket = make_ticket(people.customer)
    client.force_login(people.agent)
    response = client.post(
        reverse("ticket-reply", args=[ticket.pk]),
        {
            "body": "Refund done",
            "status": "open",
            "version": ticket.version,
            "macro": [str(macros["bobs"].pk)],
        },
    )
    assert response.status_code == 422
    assert "no longer exists" in response.content.decode()
    assert not ticket.messages.filter(kind="reply").exists()


def test_a_colleagues_personal_macro_and_a_hidden_ticket_are_not_found(people, client, macros):
    ticket = make_ticket(people.customer)
    client.force_login(people.agent)
    assert client.get(reverse("api-v1:macro_text", args=[ticket.pk, macros["bobs"].pk])).status_code == 404
    assert client.get(reverse("api-v1:macro_text", args=[ticket.pk, 99999])).status_code == 404
    client.force_login(people.collaborator)  # sees only tickets handed to their team
    assert client.get(reverse("automation-macro-search", args=[ticket.pk])).status_code == 404


def test_a_disabled_macro_is_no_longer_offered(people, client, macros):
    ticket = make_ticket(people.customer)
    client.force_login(people.lead)
    client.post(reverse("automation-macro-toggle", args=[macros["refund"].pk]))
    client.force_login(people.agent)
    assert (
        "Refund sent" not in client.get(reverse("automation-macro-search", args=[ticket.pk])).content.decode()
    )
    assert client.get(reverse("api-v1:macro_text", args=[ticket.pk, macros["refund"].pk])).status_code == 404


def test_a_reply_sent_back_because_the_ticket_changed_keeps_its_macro(people, client, macros):
    ticket = make_ticket(people.customer)
    client.force_login(people.agent)
    stale = ticket.version
    from anchordesk.tickets import actions

    actions.do_change_tags(ticket, actor=people.agent2, add=["billing"])
    response = client.post(
        reverse("ticket-reply", args=[ticket.pk]),
        {"body": "Refund done", "status": "open", "version": stale, "macro": [str(macros["refund"].pk)]},
    )
    assert response.status_code == 409
    assert f'<input type="hidden" name="macro" value="{macros["refund"].pk}">' in response.content.decode()
    assert not AuditEvent.objects.filter(ticket=ticket, kind="automation.rule_fired").exists()
