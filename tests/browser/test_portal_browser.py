"""The customer portal in headless Chromium: sign in by emailed link, open a ticket with a file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from anchordesk.tickets.models import Attachment, Ticket
from tests.conftest import Personas
from tests.portal.conftest import emailed_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_signs_in_by_link_and_opens_a_ticket_with_an_attachment(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    cache.clear()  # rate-limit counters from other tests
    page = new_context().new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/portal/")
    page.fill("#id_email", "carol@acme.test")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check your inbox")

    page.goto(f"{live_server.url}/portal/sign-in/{emailed_token('carol@acme.test')}")
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{live_server.url}/portal/tickets/")
    expect(page.locator("h1")).to_have_text("My tickets")

    page.click(".p-titlebar >> text=New ticket")
    page.fill("#id_subject", "Charged twice for order 5521")
    page.fill("#id_message", "My card statement shows two charges. The receipt is attached.")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 receipt"}],
    )
    page.click("button:has-text('Send my request')")

    ticket = Ticket.objects.get(subject="Charged twice for order 5521")
    page.wait_for_url(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    expect(page.locator(".p-ticket-title")).to_have_text("Charged twice for order 5521")
    expect(page.locator(".p-status")).to_have_text("Open")
    expect(page.locator(".p-files")).to_contain_text("receipt.pdf")
    assert ticket.customer == people.customer
    assert Attachment.objects.get(message__ticket=ticket).filename == "receipt.pdf"
    assert len(mail.outbox) == 1

    with page.expect_download() as download_info:
        page.click(".p-files a")
    download = download_info.value
    assert download.suggested_filename == "receipt.pdf"
    with open(download.path(), "rb") as fh:
        assert fh.read() == b"%PDF-1.4 receipt"

    # Nothing was blocked by the Content-Security-Policy (no inline script or style).
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
