"""An escalation in headless Chromium: a customer demands a manager, the lead finds it in the
queue, coaches the agent, and resolves it; the agent's ticket shows who is handling it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from anchordesk.tickets.actions import do_add_customer_message
from anchordesk.tickets.choices import MessageKind
from anchordesk.tickets.models import Message
from tests import factories
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_coaches_on_an_escalation_and_resolves_it(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    ticket = factories.make_ticket(
        people.customer, subject="Router keeps dropping", team=people.support, assignee=people.agent
    )
    do_add_customer_message(
        ticket, "Third time I write. I want to speak to your manager, now.", customer=people.customer
    )

    agent = new_context().new_page()
    sign_in(agent, live_server.url, "alice@example.test", PASSWORD)
    agent.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    panel = agent.locator("section#collab")
    expect(panel).to_contain_text("Escalated: Open")
    expect(panel).to_contain_text("Waiting for a lead.")
    honest = re.compile(
        r"^Hello Carol,\n\nI'm sorry we haven't resolved this for you yet, and I understand why you want a "
        r"manager to look at it\. You asked to speak to a manager, so I've passed your request to my team lead, "
        r"Lena, together with our whole conversation\. You'll hear back by \d\d:\d\d on \d+ \w+ "
    )
    expect(agent.locator("#escalation-wording")).to_have_value(honest)
    panel.get_by_role("button", name="Put it in my reply").click()
    expect(agent.locator("#reply-body")).to_have_value(honest)

    lead = new_context().new_page()
    sign_in(lead, live_server.url, "lena@example.test", PASSWORD)
    lead.goto(f"{live_server.url}/collab/escalations/")
    lead.get_by_role("link", name=f"#{ticket.pk} Router keeps dropping").click()
    expect(lead.locator("#conversation")).to_contain_text("I want to speak to your manager")
    expect(lead.locator(".conversation-summary")).to_contain_text("Carol Customer wrote twice")
    lead.locator("input[name=mode][value=coach]").check()
    lead.get_by_role("button", name="Take the escalation").click()
    expect(lead.get_by_text("Lena took it (coach the agent)")).to_be_visible()
    lead.fill("#note-body", "Offer the technician visit for tomorrow morning.")
    lead.get_by_role("button", name="Add internal note").click()
    lead.fill("#outcome", "Technician booked; customer agreed to wait.")
    lead.get_by_role("button", name="Resolve the escalation").click()
    expect(lead.get_by_text("Outcome: Technician booked; customer agreed to wait.")).to_be_visible()

    note = Message.objects.get(ticket=ticket, kind=MessageKind.NOTE)
    assert note.author == people.lead
    agent.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(agent.locator(".msg-note").last).to_contain_text(
        "Offer the technician visit for tomorrow morning."
    )
    expect(agent.locator("section#collab")).to_contain_text("Escalate to a lead")  # none open any more
