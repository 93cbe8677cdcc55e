"""In headless Chromium: a handoff round trip between a support agent and an engineer, and a break
suggested after a hostile run, then taken and ended."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from anchordesk.automation.models import AgentAvailability
from anchordesk.collab.models import Handoff
from anchordesk.tickets.actions import do_add_customer_message
from anchordesk.wellbeing.models import Break
from tests import factories
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_handoff_round_trip_between_an_agent_and_an_engineer(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    ticket = factories.make_ticket(
        people.customer, subject="Export to CSV times out", team=people.support, assignee=people.agent
    )
    agent = new_context().new_page()
    sign_in(agent, live_server.url, people.agent.email, PASSWORD)
    agent.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    agent.click("text=Hand off to another team")
    agent.select_option("#team", str(people.engineering.pk))
    agent.fill("#subject", "CSV export times out for Acme")
    agent.fill("#needed", "The export of 40k orders never finishes. Can you look at the job?")
    agent.locator("input[name=messages]").first.check()
    agent.click("text=Send the handoff")
    expect(agent.locator("h1")).to_have_text("CSV export times out for Acme")
    handoff = Handoff.objects.get()

    engineer = new_context().new_page()
    engineer.goto(f"{live_server.url}/signin/")
    engineer.fill("#id_email", people.collaborator.email)
    engineer.fill("#id_password", PASSWORD)
    engineer.click("button[type=submit]")
    engineer.wait_for_url(f"{live_server.url}/collab/handoffs/")  # the engineer's own page
    expect(engineer.locator("#focus-unassigned")).to_contain_text("CSV export times out for Acme")
    engineer.click("text=CSV export times out for Acme")
    expect(engineer.locator("#attached")).to_contain_text("my order #1234 has not arrived")
    engineer.select_option("#assignee-select", str(people.collaborator.pk))
    engineer.click("#assignee button")
    engineer.fill("#comment-body", "The job hit the 30 s limit; raising it.")
    engineer.click("#comments button")
    expect(engineer.locator("#comments")).to_contain_text("raising it")
    engineer.select_option("#status-select", "done")
    engineer.fill("#status-note", "Deployed: exports finish in 12 s now")
    engineer.click("#status button")
    expect(engineer.locator("header .badge")).to_have_text("Done")

    agent.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    panel = agent.locator("#collab")
    expect(panel).to_contain_text("Update the customer?")
    expect(panel.locator(".handoff-progress")).to_contain_text("Deployed: exports finish in 12 s now")
    panel.locator("text=Tell the customer").click()
    expect(agent.locator("#reply-body")).to_have_value(
        re.compile("our engineering team has finished their part")
    )
    agent.fill("#reply-body", "Good news: the export works again and finishes in seconds.")
    agent.click("#send-reply")
    expect(agent.locator(".msg-reply").last).to_contain_text("the export works again")
    expect(agent.locator("#collab")).not_to_contain_text("Update the customer?")
    handoff.refresh_from_db()
    assert handoff.status == "done" and handoff.assignee == people.collaborator


def test_a_break_is_suggested_after_a_hostile_run_and_taken(
    new_context: Callable[[], Any], live_server: Any, people: Personas, settings: Any
) -> None:
    settings.WELLBEING_BREAK_AFTER = 2
    for subject in ("Refund now", "Still broken"):
        ticket = factories.make_ticket(
            people.customer, subject=subject, team=people.support, assignee=people.agent
        )
        do_add_customer_message(
            ticket, "What the hell is wrong with you people? Fix it!", customer=people.customer
        )
    page = new_context().new_page()
    sign_in(page, live_server.url, people.agent.email, PASSWORD)
    suggestion = page.locator(".break-suggestion")
    expect(suggestion).to_contain_text("2 hostile conversations")
    page.click("#take-break")
    expect(page.locator(".on-break")).to_contain_text("You're on a break")
    assert AgentAvailability.objects.get(user=people.agent).away
    assert Break.objects.get().state == "taken"

    page.reload()  # the banner stays while the break lasts
    expect(page.locator(".on-break")).to_be_visible()
    page.click("#end-break")
    expect(page.locator(".on-break")).to_have_count(0)
    assert not AgentAvailability.objects.get(user=people.agent).away
    assert Break.objects.get().state == "ended"
