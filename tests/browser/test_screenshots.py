"""The README's screenshots, taken from a demo help desk at a laptop's size.

A normal run takes them into a temporary folder, so `make test` leaves the tree clean;
`UPDATE_SCREENSHOTS=1 make pytest PYTEST_ARGS=tests/browser/test_screenshots.py` refreshes
the README's pictures in docs/screenshots.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count, Q
from playwright.sync_api import expect

from anchordesk.accounts.models import User
from anchordesk.demo.loader import DEMO_DOMAIN, PASSWORD, load_demo
from anchordesk.tickets import presence
from anchordesk.tickets.choices import ACTIVE_STATUSES, MessageKind
from anchordesk.tickets.models import Ticket
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = DOCS_SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _showcase_ticket() -> Ticket:
    """An open ticket with a real conversation: a few messages, a reply among them."""
    candidates = (
        Ticket.objects.filter(status__in=ACTIVE_STATUSES, merged_into__isnull=True)
        .annotate(
            shown=Count("messages"),
            replies=Count("messages", filter=Q(messages__kind=MessageKind.REPLY)),
        )
        .filter(shown__gte=3, shown__lte=5, replies__gte=1)
        .order_by("-shown", "-updated_at")
    )
    ticket = candidates.first()
    assert ticket is not None, "the demo data has an open ticket with a conversation"
    return ticket


def test_screenshots_of_the_inbox_and_a_ticket(
    new_context: Callable[[], Any], live_server: Any, screenshots: Path
) -> None:
    load_demo(tickets=60, seed=7)
    page = new_context().new_page()
    sign_in(page, live_server.url, f"agent@{DEMO_DOMAIN}", PASSWORD)

    rows = page.locator("tr.ticket-row")
    expect(rows.nth(9)).to_be_visible()  # a full-looking inbox, not an empty one
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.screenshot(path=str(screenshots / "inbox.png"))

    ticket = _showcase_ticket()
    # A colleague on the same ticket shows the collision notice in the picture.
    colleague = User.objects.exclude(email=f"agent@{DEMO_DOMAIN}").filter(role="agent").order_by("pk").first()
    if colleague is not None:
        presence.ping(ticket, colleague, typing=True)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.locator(".msg")).to_have_count(ticket.messages.count())
    assert page.locator(".msg").count() >= 3
    if colleague is not None:
        expect(page.locator("#presence")).to_contain_text("is typing a reply")
    page.screenshot(path=str(screenshots / "ticket.png"))
    for name in ("inbox.png", "ticket.png"):
        assert (screenshots / name).stat().st_size > 20_000, f"{name} is a real picture, not a blank page"


def test_screenshots_of_settings_and_an_agent_leaving(
    new_context: Callable[[], Any], live_server: Any, screenshots: Path
) -> None:
    load_demo(tickets=60, seed=7)
    page = new_context().new_page()
    sign_in(page, live_server.url, f"admin@{DEMO_DOMAIN}", PASSWORD)

    page.goto(f"{live_server.url}/settings/")
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Mailboxes")).to_be_visible()
    page.screenshot(path=str(screenshots / "settings.png"), full_page=True)

    # The agent with the most open tickets leaves: the page shows every bucket of their work.
    leaving = (
        User.objects.filter(role="agent", is_active=True)
        .annotate(
            open_tickets=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=ACTIVE_STATUSES))
        )
        .order_by("-open_tickets", "pk")
        .first()
    )
    assert leaving is not None
    page.goto(f"{live_server.url}/agents/{leaving.pk}/offboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(leaving.display_name)
    page.screenshot(path=str(screenshots / "offboarding.png"), full_page=True)
    for name in ("settings.png", "offboarding.png"):
        assert (screenshots / name).stat().st_size > 20_000, f"{name} is a real picture, not a blank page"
