"""The keyboard-shortcuts dialog behaves like a dialog for keyboard and screen-reader users: it
takes focus when it opens, keeps Tab inside, and gives focus back when it closes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_inside(page: Any, selector: str) -> bool:
    return bool(page.evaluate(f"document.querySelector({selector!r}).contains(document.activeElement)"))


def test_shortcuts_dialog_takes_traps_and_returns_focus(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    page = new_context().new_page()
    sign_in(page, live_server.url, people.agent.email, PASSWORD)
    search = page.locator("#search")
    search.focus()
    page.keyboard.press("Escape")  # leave the box, so "?" is a shortcut
    page.locator("details.usermenu summary").focus()

    page.keyboard.press("?")
    dialog = page.locator("#shortcuts")
    expect(dialog).to_be_visible()
    expect(page.locator("[data-shortcuts-close]")).to_be_focused()
    for _ in range(3):
        page.keyboard.press("Tab")
        assert focused_inside(page, "#shortcuts")
        page.keyboard.press("Shift+Tab")
        assert focused_inside(page, "#shortcuts")

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("details.usermenu summary")).to_be_focused()
