"""Offboarding in headless Chromium: Alice leaves, Lena hands every bucket over on the page, Bob finds
the work in his inbox and on his promises page, and each customer is told Bob is their new contact."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from anchordesk.mail.models import OutboundEmail, OutboundKind
from anchordesk.people.work import orphans
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD
from tests.people.conftest import build_desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_hands_over_every_bucket_and_the_new_owners_see_their_work(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    desk = build_desk(people)
    bob, lena = people.agent2, people.lead

    page = new_context().new_page()
    sign_in(page, live_server.url, "lena@example.test", PASSWORD)
    page.goto(f"{live_server.url}/agents/{people.agent.pk}/offboard/")
    expect(page.locator("h1")).to_have_text("Offboard Alice")
    tickets = page.locator("fieldset[data-bucket=tickets]")
    expect(tickets.locator("[data-count]")).to_have_text("3")
    expect(tickets).to_contain_text("Refund 0")
    expect(page.locator("#b-tickets")).to_have_value("queue")  # the default, preselected
    expect(page.locator("#b-api_tokens")).to_have_value("revoke")
    for bucket in (
        "tickets",
        "promises",
        "follow_ups",
        "handoffs",
        "recovery_plans",
        "macros",
        "saved_views",
    ):
        page.select_option(f"#b-{bucket}", f"user:{bob.pk}")
    page.select_option("#b-escalations", f"user:{lena.pk}")
    page.check("input[name=notify_customers]")
    page.get_by_role("button", name="Hand over and deactivate").click()

    expect(page.get_by_text("Alice is deactivated: 13 items handed over; 3 customers told")).to_be_visible()
    expect(page.get_by_role("button", name="Reactivate Alice")).to_be_visible()
    assert orphans() == {}

    bobs = new_context().new_page()
    sign_in(bobs, live_server.url, "bob@example.test", PASSWORD)
    bobs.goto(f"{live_server.url}/?view=mine")
    for ticket in desk.tickets:
        expect(bobs.locator("main")).to_contain_text(ticket.subject)
    expect(bobs.get_by_role("button", name="Delete the view My urgent")).to_be_visible()  # her view is his
    bobs.goto(f"{live_server.url}/promises/")
    expect(bobs.locator("main")).to_contain_text("Refund the second charge")
    expect(bobs.locator("main")).to_contain_text("Check in with the customer after the fix")
    bobs.goto(f"{live_server.url}/tickets/{desk.tickets[0].pk}/")
    expect(bobs.locator("main")).to_contain_text("Handover: Alice left the team.")
    expect(bobs.locator("main")).to_contain_text("Bob now looks after this ticket.")

    told = list(OutboundEmail.objects.filter(kind=OutboundKind.NEW_CONTACT).order_by("ticket_id"))
    assert [e.ticket_id for e in told] == [t.pk for t in desk.tickets]
    assert all(e.to == ["carol@acme.test"] for e in told)
    assert "From today Bob looks after your request" in told[0].body_text
