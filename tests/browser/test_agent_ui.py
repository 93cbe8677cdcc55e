"""The agent UI in headless Chromium: sign in, keyboard, reply with status, search, collision notice,
hostile HTML, live refresh."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from anchordesk.tickets.actions import do_assign_ticket
from anchordesk.tickets.models import Message, Ticket
from tests import factories
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def agent_page(new_context: Callable[[], Any], live_server: Any, email: str) -> Any:
    page = new_context().new_page()
    sign_in(page, live_server.url, email, PASSWORD)
    return page


def test_agent_opens_a_ticket_with_the_keyboard_and_replies_with_a_status_change(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    older = factories.make_ticket(people.customer, subject="Printer is on fire")
    newest = factories.make_ticket(people.other_customer, subject="Invoice shows the wrong VAT")
    page = agent_page(new_context, live_server, "alice@example.test")
    expect(page.locator("tr.ticket-row")).to_have_count(2)

    page.keyboard.press("j")
    expect(page.locator("tr.ticket-row.is-selected")).to_have_attribute("data-ticket-id", str(newest.pk))
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("o")
    page.wait_for_url(f"{live_server.url}/tickets/{newest.pk}/")
    expect(page.locator("h1.ticket-subject")).to_have_text("Invoice shows the wrong VAT")

    page.keyboard.press("r")
    expect(page.locator("#reply-body")).to_be_focused()
    page.keyboard.type("Sorry about that. A corrected invoice is attached to your account now.")
    page.select_option("#reply-status", "pending")
    page.click("#send-reply")
    page.wait_for_url(f"{live_server.url}/tickets/{newest.pk}/")

    reply = page.locator(".msg-reply").last
    expect(reply).to_contain_text("A corrected invoice is attached")
    expect(page.locator(".ticket-head .badge-pending")).to_have_text("Pending")
    expect(page.locator(".event").last).to_contain_text("changed the status from New to Pending")
    assert older.pk != newest.pk


def test_shortcuts_do_not_fire_while_typing_and_question_mark_lists_them(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    ticket = factories.make_ticket(people.customer, subject="Keyboard check")
    page = agent_page(new_context, live_server, "alice@example.test")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.click("#reply-body")
    page.keyboard.type("nor ?")
    expect(page.locator("#reply-body")).to_have_value("nor ?")
    expect(page.locator("#shortcuts")).to_be_hidden()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("Open the selected ticket")
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()
    page.keyboard.press("n")
    expect(page.locator("#note-body")).to_be_focused()


def test_search_finds_a_ticket_by_words_in_its_messages(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    hit = factories.make_ticket(
        people.customer, subject="Strange noise", body="The fan makes a grinding sound."
    )
    factories.make_ticket(people.customer, subject="Password reset", body="I forgot my password.")
    page = agent_page(new_context, live_server, "alice@example.test")
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.type("grinding")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*q=grinding.*"))
    rows = page.locator("tr.ticket-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Strange noise")
    assert rows.first.get_attribute("data-ticket-id") == str(hit.pk)


def test_two_agents_on_one_ticket_see_each_other_and_who_is_typing(
    new_context: Callable[[], Any], live_server: Any, people: Personas, settings: Any
) -> None:
    settings.PRESENCE_PING_SECONDS = 1
    ticket = factories.make_ticket(people.customer, subject="Double refund request")
    alice = agent_page(new_context, live_server, "alice@example.test")
    bob = agent_page(new_context, live_server, "bob@example.test")
    alice.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    bob.goto(f"{live_server.url}/tickets/{ticket.pk}/")

    expect(alice.locator("#presence")).to_contain_text("Bob is viewing", timeout=8000)
    expect(bob.locator("#presence")).to_contain_text("Alice is viewing", timeout=8000)

    bob.click("#reply-body")
    bob.keyboard.type("Hi Carol, I have refunded")
    expect(alice.locator("#presence")).to_contain_text("Bob is typing a reply", timeout=8000)

    # Bob sends; Alice's page learns the ticket changed, and her own reply warns before sending.
    bob.click("#send-reply")
    bob.wait_for_url(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(alice.locator("#changed-notice")).to_be_visible(timeout=8000)
    alice.click("#reply-body")
    alice.keyboard.type("Refund sent twice?")
    alice.click("#send-reply")
    expect(alice.locator("#stale-warning")).to_contain_text("Bob")
    expect(alice.locator("#reply-body")).to_have_value("Refund sent twice?")
    alice.click("#stale-warning button[name=force]")
    expect(alice.locator(".msg-reply").last).to_contain_text("Refund sent twice?")


def test_hostile_html_in_a_message_never_runs(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    payload = (
        '<p>Hello</p><img src=x onerror="window.pwned=1;alert(1)">'
        '<script>window.pwned=2;alert(2)</script><svg onload="window.pwned=3"></svg>'
        '<a href="javascript:window.pwned=4">click me</a>'
    )
    sanitized = factories.make_ticket(people.customer, subject="Sanitized", body="Hello", html=payload)
    # Even HTML that slipped past the sanitizer must not run: the page forbids inline script.
    raw = factories.make_ticket(people.customer, subject="Unsanitized", body="Hello")
    Message.objects.filter(ticket=raw).update(body_html=payload)

    page = agent_page(new_context, live_server, "alice@example.test")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for ticket in (sanitized, raw):
        page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
        expect(page.locator(".msg-customer .msg-body")).to_contain_text("Hello")
        link = page.locator(".msg-body a", has_text="click me")
        if link.count():
            link.click()
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.pwned") == "undefined"
    assert dialogs == []


def test_inbox_shows_a_new_ticket_by_itself_without_a_reload(
    new_context: Callable[[], Any], live_server: Any, people: Personas, settings: Any
) -> None:
    settings.INBOX_REFRESH_SECONDS = 1
    factories.make_ticket(people.customer, subject="Already here")
    page = agent_page(new_context, live_server, "alice@example.test")
    expect(page.locator("tr.ticket-row")).to_have_count(1)
    page.evaluate("window.__sameDocument = true")

    arrived = factories.make_ticket(people.other_customer, subject="Arrived while you watched")
    row = page.locator(f'tr.ticket-row[data-ticket-id="{arrived.pk}"]')
    expect(row).to_contain_text("Arrived while you watched", timeout=8000)
    assert page.evaluate("window.__sameDocument") is True


def test_live_refresh_waits_while_tickets_are_checked(
    new_context: Callable[[], Any], live_server: Any, people: Personas, settings: Any
) -> None:
    settings.INBOX_REFRESH_SECONDS = 1
    first = factories.make_ticket(people.customer, subject="First")
    page = agent_page(new_context, live_server, "alice@example.test")
    page.check(f'input[name="ticket"][value="{first.pk}"]')
    expect(page.locator("[data-selected-count]")).to_have_text("1 selected")
    factories.make_ticket(people.customer, subject="Second")
    page.wait_for_timeout(2500)
    expect(page.locator("tr.ticket-row")).to_have_count(1)
    expect(page.locator(f'input[name="ticket"][value="{first.pk}"]')).to_be_checked()

    # Bulk assign the checked ticket, then the list catches up.
    page.select_option("#bulk-assignee", str(people.agent2.pk))
    page.click("button[name=op][value=assign]")
    expect(page.locator(".flash-success")).to_contain_text("Updated 1 ticket.")
    expect(page.locator("tr.ticket-row")).to_have_count(2)
    assert Ticket.objects.get(pk=first.pk).assignee == people.agent2


def test_my_view_and_assignment_show_up_for_the_agent(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    ticket = factories.make_ticket(people.customer, subject="For Alice")
    do_assign_ticket(ticket, people.agent, actor=people.lead)
    page = agent_page(new_context, live_server, "alice@example.test")
    page.click("a.view-link:has-text('Mine')")
    expect(page.locator("#count-mine")).to_have_text("1")
    expect(page.locator("tr.ticket-row")).to_contain_text("For Alice")
