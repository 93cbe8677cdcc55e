"""The insights dashboards in headless Chromium: a lead sees figures and charts drawn from real
facts, moves between dashboards, filters, and the page breaks no content-security rule."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from anchordesk.recovery import actions as recovery
from anchordesk.tickets.actions import do_reply
from tests import factories
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _a_day_of_work(people: Personas) -> None:
    tickets = [
        factories.make_ticket(people.customer, team=people.support, assignee=people.agent, channel=channel)
        for channel in ("email", "email", "web")
    ]
    for ticket in tickets[:2]:
        do_reply(ticket, "All sorted, sorry for the trouble.", actor=people.agent, status="solved")
    promise = recovery.do_add_promise(tickets[2], actor=people.agent, action="Send the label", due_at=None)
    recovery.do_complete_promise(promise, actor=people.agent)
    recovery.do_log_mistake(
        tickets[2],
        actor=people.agent,
        category="shipping_error",
        what_happened="Sent the parcel to the old address",
        impact="The customer waited a week",
        why_it_made_sense="The old address was still the default in the order form",
    )


def test_a_lead_reads_the_dashboards_and_filters_them(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    _a_day_of_work(people)
    page = new_context().new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    sign_in(page, live_server.url, "lena@example.test", PASSWORD)

    page.click("nav.topnav >> text=Insights")
    page.wait_for_url(f"{live_server.url}/insights/overview/")
    created = page.locator(".ins-stat", has_text="Tickets created").locator(".ins-value")
    expect(created).to_have_text("3")
    expect(page.locator(".ins-stat", has_text="First-contact resolution").locator(".ins-value")).to_have_text(
        "100%"
    )
    expect(page.locator("figure svg.chart")).to_have_count(2)
    assert page.locator("figure svg.chart polyline").count() >= 1  # the volume line is drawn
    expect(page.locator("#table-by-team")).to_contain_text("Support")

    page.select_option("#id_channel", "web")
    page.click("form.ins-filters button[type=submit]")
    page.wait_for_url("**channel=web**")
    expect(created).to_have_text("1")

    page.click("nav.ins-tabs >> text=Mistakes")
    page.wait_for_url("**/insights/mistakes/**")
    expect(page.locator("figure", has_text="By category").locator("svg")).to_contain_text("Shipping error")
    page.click("nav.ins-tabs >> text=Promises")
    expect(page.locator(".ins-stat", has_text="Kept on time").locator(".ins-value")).to_have_text("1")

    page.click("nav.ins-tabs >> text=Blameless review")
    expect(page.locator(".review-group")).to_contain_text("The old address was still the default")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_screenshot_of_the_overview_from_the_demo(
    new_context: Callable[[], Any], live_server: Any, tmp_path: Path
) -> None:

    from anchordesk.demo.loader import DEMO_DOMAIN, load_demo
    from anchordesk.demo.loader import PASSWORD as DEMO_PASSWORD

    load_demo(tickets=120, seed=7)
    page = new_context().new_page()
    sign_in(page, live_server.url, f"lead@{DEMO_DOMAIN}", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/insights/overview/?range=90")
    value = page.locator(".ins-stat", has_text="Tickets created").locator(".ins-value")
    expect(value).not_to_have_text("0")  # the demo's history is on the dashboard, not an empty one
    expect(page.locator("figure svg.chart polyline").first).to_be_visible()
    # Into docs/screenshots only when asked (UPDATE_SCREENSHOTS=1), so `make test` leaves the tree clean.
    docs = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    shots = docs if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "insights.png"), full_page=False)
    assert (shots / "insights.png").stat().st_size > 20_000, "a real picture, not a blank page"
