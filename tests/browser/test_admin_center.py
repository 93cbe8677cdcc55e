"""The admin center in headless Chromium: from the account menu to Settings and Mailboxes, a mailbox
with a wrong password against a real Dovecot, a Test connection that says why in plain words, the
fix, and a password that never reaches the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from anchordesk.mail.models import Mailbox
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD
from tests.mail.conftest import Dovecot
from tests.mail.conftest import dovecot as dovecot  # the real IMAP server, as a fixture here
from tests.mail.mailfactory import raw_email
from tests.mail.test_imap import _client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_adds_a_mailbox_tests_it_fixes_the_password_and_never_sees_it(
    new_context: Callable[[], Any], live_server: Any, people: Personas, dovecot: Dovecot
) -> None:
    with _client(dovecot) as imap:
        for i in range(3):
            imap.append("INBOX", raw_email(subject=f"Waiting {i}"))
    wrong = "wrong-password-123"
    base = live_server.url
    page = new_context().new_page()
    sign_in(page, base, people.admin.email, PASSWORD)

    page.click(".usermenu summary")
    page.get_by_role("link", name="Settings", exact=True).click()
    page.wait_for_url(f"{base}/settings/")
    expect(page.locator("#settings-mailboxes")).to_contain_text("0 mailboxes")
    page.get_by_role("link", name="Mailboxes", exact=True).click()
    page.wait_for_url(f"{base}/mail/mailboxes/")
    page.get_by_role("link", name="New mailbox", exact=True).click()

    page.fill("#id_name", "Support")
    page.fill("#id_address", dovecot.user)
    page.select_option("#id_team", label="Support")
    page.fill("#id_host", dovecot.host)
    page.fill("#id_port", str(dovecot.port))
    page.select_option("#id_security", "plain")
    page.fill("#id_username", dovecot.user)
    page.fill("#id_password_new", wrong)
    page.click("main form.card button[type=submit]")
    box = Mailbox.objects.get()
    page.wait_for_url(f"{base}/mail/mailboxes/{box.pk}/")
    expect(page.locator('[data-secret="password"] .secret-state')).to_have_text("set")

    page.click("#test-connection")
    diagnosis = page.locator("#diagnosis .diagnosis")
    expect(diagnosis).to_have_attribute("data-stage", "credentials")
    expect(diagnosis).to_contain_text(
        f"The server refused the user name “{dovecot.user}” or the password. Check both."
    )

    page.fill("#id_password_new", dovecot.password)
    page.click("main form.card button[type=submit]")
    expect(page.locator(".flash-success").first).to_contain_text("Mailbox “Support” saved")
    page.click("#test-connection")
    expect(page.locator("#diagnosis .diagnosis")).to_have_attribute("data-stage", "ok")
    expect(page.locator("#diagnosis")).to_contain_text("Connected; INBOX has 3 messages.")

    source = page.content()
    assert dovecot.password not in source and wrong not in source
    assert page.input_value("#id_password_new") == ""
    page.goto(f"{base}/mail/mailboxes/{box.pk}/")
    assert dovecot.password not in page.content()
    box.refresh_from_db()
    assert box.password == dovecot.password
