"""On a phone (390×844) the menu button reaches every main section from any page, and wide
tables scroll inside their own box instead of pushing the page sideways."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anchordesk.recovery.actions import do_add_promise
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD, make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SECTIONS = ["Inbox", "Promises", "Handoffs", "Escalations", "Policies", "Training", "Insights"]


def page_overflows_sideways(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"))


def test_every_section_is_reachable_on_a_phone_and_tables_stay_inside_the_page(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    ticket = make_ticket(people.customer, subject="Router keeps dropping the connection every evening")
    for n in range(3):
        do_add_promise(
            ticket,
            actor=people.lead,
            action=f"Send the replacement router with tracking number and the courier's pickup window ({n})",
            due_at=timezone.now() + timedelta(days=n + 1),
            owner=people.lead,
        )
    base = live_server.url
    context = new_context()
    page = context.new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, base, people.lead.email, PASSWORD)

    page.goto(f"{base}/promises/")
    nav = page.locator("nav.topnav")
    expect(nav).to_be_hidden()  # folded away until asked for
    page.click("[data-nav-toggle]")
    expect(page.locator("[data-nav-toggle]")).to_have_attribute("aria-expanded", "true")
    for name in SECTIONS:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_attached()
    nav.get_by_role("link", name="Insights", exact=True).click()
    page.wait_for_url(f"{base}/insights/**")

    for path in ("/promises/", "/escalations/", "/wellbeing/exposure/", "/insights/"):
        page.goto(f"{base}{path}")
        expect(page.locator("main h1").first).to_be_visible()
        assert not page_overflows_sideways(page), f"{path} scrolls sideways on a phone"
