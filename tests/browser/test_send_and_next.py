"""The agent's day in Chromium: Ctrl+Enter sends from the reply box, and "Send and next" answers
one ticket and opens the next waiting in the Open view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ctrl_enter_sends_and_send_and_next_opens_the_next_ticket(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    waiting = factories.make_ticket(people.other_customer, subject="Invoice shows the wrong VAT")
    first = factories.make_ticket(people.customer, subject="Router drops every evening")
    page = new_context().new_page()
    sign_in(page, live_server.url, people.agent.email, PASSWORD)

    page.goto(f"{live_server.url}/tickets/{first.pk}/")
    page.click("#reply-body")
    page.keyboard.type("Thanks for the details. I'm checking the line now.")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".flash-success")).to_contain_text("Reply sent")
    expect(page.locator(".msg-reply").last).to_contain_text("checking the line now")
    assert first.messages.filter(body_text__contains="checking the line now").count() == 1

    page.click("#reply-body")
    page.keyboard.type("The line is fixed; please try tonight and tell me how it goes.")
    page.select_option("#reply-status", "pending")
    page.click("#send-next")
    page.wait_for_url(f"{live_server.url}/tickets/{waiting.pk}/")
    expect(page.locator("h1.ticket-subject")).to_have_text("Invoice shows the wrong VAT")
    expect(page.locator(".flash-success")).to_contain_text("Reply sent. The ticket is pending")
    assert first.messages.filter(body_text__contains="The line is fixed").count() == 1
