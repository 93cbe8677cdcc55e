"""Policies in headless Chromium: an agent decides a request on a ticket, asks for an exception
above their authority limit, a lead approves it, and the agent's ticket shows the result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anchordesk.policies import actions
from tests import factories
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD
from tests.policies.conftest import refunds_definition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(new_context: Callable[[], Any], live_server: Any, email: str) -> Any:
    page = new_context().new_page()
    sign_in(page, live_server.url, email, PASSWORD)
    return page


def test_an_agent_asks_for_an_exception_above_their_limit_and_a_lead_approves_it(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    version = actions.do_create_policy(
        actions.PolicyDraft(
            definition=refunds_definition(), plain_text="Refunds within 30 days of delivery."
        ),
        actor=people.admin,
    )
    actions.do_publish_version(version, actor=people.admin)
    ticket = factories.make_ticket(
        people.customer, subject="Refund for a lost parcel", team=people.support, assignee=people.agent
    )
    delivered = (timezone.localdate() - timedelta(days=90)).isoformat()

    agent = _page(new_context, live_server, "alice@example.test")
    agent.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    panel = agent.locator("section#policies")
    expect(panel).to_contain_text("No decisions yet.")
    panel.get_by_role("link", name="Decide a request").click()
    agent.select_option("#policy-pick", label="Refunds")
    agent.get_by_role("button", name="Choose").click()
    expect(agent.get_by_role("heading", name="Refunds v1")).to_be_visible()
    agent.fill("#id_delivered_on", delivered)
    agent.select_option("#id_reason", "late")
    agent.fill("#id_order_total", "80")
    agent.get_by_role("button", name="Decide").click()

    expect(agent.locator("h2.outcome")).to_have_text("Not allowed")
    expect(agent.locator("section.card").first).to_contain_text(
        "more than 60 days since delivery date (90 days)"
    )
    expect(agent.locator("#suggested-reply")).to_have_value(
        "Hi Carol,\n\nI checked your request against our Refunds policy, and I can't approve it: more than 30 "
        "days since delivery date (90 days); more than 60 days since delivery date (90 days). What I can offer instead: a replacement at no cost or store credit for the full "
        "amount. If something outside your control got in the way, tell me what happened and I'll look at it "
        "again within 1 working day."
    )
    agent.select_option("#reason_code", "carrier_lost")
    agent.fill("#amount", "80")
    agent.fill("#note", "The carrier confirmed the parcel was lost.")
    agent.get_by_role("button", name="Request an exception").click()
    expect(agent.get_by_text("Waiting for approval")).to_be_visible()
    expect(agent.get_by_text("80.00 is above the limit of 50.00")).to_be_visible()

    # The agent keeps the ticket open while the lead decides: its panel refreshes by itself.
    agent.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(agent.locator("section#policies")).to_contain_text("Waiting for approval")

    lead = _page(new_context, live_server, "lena@example.test")
    lead.goto(f"{live_server.url}/policies/approvals/")
    request = lead.locator("section.card", has_text=f"Refunds on #{ticket.pk}")
    expect(request).to_contain_text("Carrier lost the parcel")
    expect(request).to_contain_text("The carrier confirmed the parcel was lost.")
    request.get_by_label("Note to the agent").fill("Approved: the carrier lost it, not the customer.")
    request.get_by_role("button", name="Approve").click()
    expect(lead.get_by_text("Nothing waiting for you.")).to_be_visible()
    expect(lead.locator("table")).to_contain_text("Approved")

    panel = agent.locator("section#policies")
    expect(panel).to_contain_text("Exception: Carrier lost the parcel 80.00 · Granted", timeout=15_000)
    expect(panel).not_to_have_attribute("data-waiting-for-approval", "")  # and stops polling
    expect(panel).to_contain_text("Refunds v1")
    panel.get_by_role("link", name="Refunds v1").click()
    expect(agent.get_by_text("granted by Lena")).to_be_visible()
    expect(agent.get_by_text("Approved: the carrier lost it, not the customer.")).to_be_visible()
