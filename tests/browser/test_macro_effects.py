"""A macro's effects are in sight before sending: its status shows in the reply's status picker,
its actions stay listed as a chip after the picker closes, and removing the chip sends the
text without them. The status the agent finally picks is the one the ticket gets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from anchordesk.automation.actions import do_save_macro
from anchordesk.tickets.choices import Status
from anchordesk.tickets.models import Ticket
from tests import factories
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_macro_status_and_actions_are_visible_and_removable_before_sending(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    do_save_macro(
        actor=people.admin,
        name="Waiting for the customer",
        body="Could you send me a photo of the label? I'll take it from there.",
        actions=[{"type": "set_status", "value": "pending"}, {"type": "add_tags", "value": ["needs-photo"]}],
    )
    first = factories.make_ticket(people.customer, subject="Parcel arrived crushed")
    second = factories.make_ticket(people.other_customer, subject="Wrong colour delivered")
    page = new_context().new_page()
    sign_in(page, live_server.url, people.agent.email, PASSWORD)

    def insert_macro() -> None:
        page.click("#macro-picker summary")
        page.fill("#macro-search", "photo")
        page.locator(".macro-insert", has_text="Waiting for the customer").click()
        expect(page.locator("#reply-body")).to_have_value(
            "Could you send me a photo of the label? I'll take it from there."
        )

    # Inserted and kept: the picker shows Pending and the chip says what happens on send.
    page.goto(f"{live_server.url}/tickets/{first.pk}/")
    insert_macro()
    expect(page.locator("#reply-status")).to_have_value("pending")
    chip = page.locator("#macro-used [data-macro-id]")
    expect(chip).to_be_visible()  # the picker closed; the chip did not go with it
    expect(chip).to_contain_text("set status: Pending")
    expect(chip).to_contain_text("needs-photo")
    page.click("#send-reply")
    expect(page.locator(".flash-success")).to_contain_text("The ticket is pending")
    first = Ticket.objects.get(pk=first.pk)
    assert first.status == Status.PENDING and "needs-photo" in first.tags.values_list("name", flat=True)

    # Inserted, then the agent picks Open and removes the chip: the text goes, the actions do not.
    page.goto(f"{live_server.url}/tickets/{second.pk}/")
    insert_macro()
    page.select_option("#reply-status", "open")
    page.locator("#macro-used .tag-remove").click()
    expect(page.locator("#macro-used [data-macro-id]")).to_have_count(0)
    page.click("#send-reply")
    expect(page.locator(".flash-success")).to_contain_text("The ticket is open")
    second = Ticket.objects.get(pk=second.pk)
    assert second.status == Status.OPEN and "needs-photo" not in second.tags.values_list("name", flat=True)
