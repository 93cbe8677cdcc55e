"""The reply coach in headless Chromium: findings appear as the agent types, can be dismissed,
never block sending; the promises in the sent reply come back to keep or drop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from anchordesk.recovery.choices import PromiseState
from anchordesk.recovery.models import Promise
from anchordesk.tickets.models import Message
from tests import factories
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coach_reviews_the_draft_as_the_agent_types_and_never_blocks_sending(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    ticket = factories.make_ticket(
        people.customer,
        subject="Charged twice",
        body="This is RIDICULOUS!!! You charged me twice and nobody answers. Worst service ever.",
    )
    page = new_context().new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, live_server.url, "alice@example.test", PASSWORD)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.locator(".hint")).to_contain_text("apologize")  # the de-escalation hint on a hot ticket

    page.click("#reply-body")
    page.keyboard.type("I'm sorry if you feel that way, but we are experiencing a high volume of requests.")
    findings = page.locator("#coach-findings .coach-finding")
    expect(page.locator('#coach-findings [data-kind="non_apology"]')).to_be_visible()
    expect(page.locator('#coach-findings [data-kind="excuse"]')).to_contain_text("Drop the excuse")
    expect(page.locator('#coach-findings [data-kind="empathy"]')).to_be_visible()

    # The agent waves the empathy finding away; it stays away as they type on.
    page.locator('#coach-findings [data-kind="empathy"] .coach-dismiss').click()
    expect(page.locator('#coach-findings [data-kind="empathy"]')).to_have_count(0)
    page.click("#reply-body")
    page.keyboard.press("End")
    page.keyboard.type(" We will fix it.")
    expect(page.locator('#coach-findings [data-kind="no_date"]')).to_be_visible()
    expect(page.locator('#coach-findings [data-kind="empathy"]')).to_have_count(0)

    # The agent rewrites the reply: the findings clear and the promise is previewed.
    page.fill("#reply-body", "")
    page.keyboard.type(
        "I'm sorry we charged you twice, that's on us. I can see how frustrating this has been. "
        "I'll refund the second charge by Friday."
    )
    expect(page.locator("#coach-findings .coach-ok")).to_contain_text("nothing to suggest")
    expect(findings).to_have_count(0)
    expect(page.locator("#coach-findings .coach-promises")).to_contain_text("refund the second charge")

    page.click("#send-reply")
    page.wait_for_url(f"{live_server.url}/tickets/{ticket.pk}/")
    assert Message.objects.filter(ticket=ticket, kind="reply").count() == 1
    card = page.locator("#promises-found")
    expect(card).to_contain_text("Your reply made 1 promise.")
    card.locator('input[name="action"]').fill("Refund the second charge of $40")
    card.locator('button[value="confirm"]').click()
    expect(page.locator("#promises-found")).to_have_count(0)
    promise = Promise.objects.get(ticket=ticket)
    assert promise.state == PromiseState.OPEN and promise.action == "Refund the second charge of $40"
    assert promise.due_at is not None
    # No CSP violation or script error on the way (htmx reports a request it aborted itself
    # when a newer keystroke replaces it; that is the debounce working, not an error).
    assert not [e for e in errors if not e.startswith("htmx:")], errors


def test_sending_with_open_findings_is_never_blocked(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    ticket = factories.make_ticket(people.customer, subject="Where is my parcel?")
    page = new_context().new_page()
    sign_in(page, live_server.url, "alice@example.test", PASSWORD)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.click("#reply-body")
    page.keyboard.type("Sorry for any inconvenience.")
    expect(page.locator('#coach-findings [data-kind="formulaic_apology"]')).to_be_visible()
    page.click("#send-reply")
    page.wait_for_url(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.locator(".msg-reply").last).to_contain_text("Sorry for any inconvenience.")
