"""Invitation and two-factor sign-in in headless Chromium: an admin invites an agent, who sets a
password from the emailed link, turns on an authenticator, and signs in again with a code; a
wrong code is refused in words and a recovery code works once."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pyotp
import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from anchordesk.accounts.models import Invitation, TOTPDevice, User
from anchordesk.accounts.two_factor import POLICY_CACHE_KEY
from tests.accounts.test_invitations import emailed_invitation_token
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _forget_cached_policy() -> Iterator[None]:
    """The two-factor policy is cached; a test's policy must not outlive its database."""
    cache.delete(POLICY_CACHE_KEY)
    yield
    cache.delete(POLICY_CACHE_KEY)


NEW_PASSWORD = "tide-pools-at-dawn-42"


def sign_out(page: Any, base_url: str) -> None:
    page.click("details.usermenu summary")
    page.click("form[action='/signout/'] button")
    page.wait_for_url(f"{base_url}/signin/")


def password_step(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/signin/")
    page.fill("#id_email", "nina@example.test")
    page.fill("#id_password", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/signin/code/")


def test_invited_agent_joins_turns_on_two_factor_and_signs_in_with_a_code(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    base = live_server.url
    console_errors: list[str] = []

    # The admin invites Nina into Support.
    admin = new_context().new_page()
    admin.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    sign_in(admin, base, people.admin.email, PASSWORD)
    admin.goto(f"{base}/settings/agents/")
    admin.fill("#id_email", "nina@example.test")
    admin.fill("#id_name", "Nina North")
    admin.select_option("#id_role", "agent")
    admin.check(f"#invite-form input[name=teams][value='{people.support.pk}']")
    admin.click("#invite-form button[type=submit]")
    expect(admin.locator(".flash-success")).to_contain_text("Invitation sent to nina@example.test")
    expect(admin.locator("tr.invitation")).to_contain_text("Invited")
    assert Invitation.objects.get().email == "nina@example.test"

    # Nina opens the emailed link and chooses her password.
    token = emailed_invitation_token("nina@example.test")
    page = new_context().new_page()
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{base}/invitation/{token}/")
    expect(page.locator("h1")).to_have_text("Join Anchordesk")
    expect(page.locator("#id_name")).to_have_value("Nina North")
    page.fill("#id_password", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    expect(page.locator(".flash-success")).to_contain_text("Welcome, Nina North")
    nina = User.objects.get(email="nina@example.test")
    assert list(nina.teams.all()) == [people.support]

    # She turns on two-factor: a QR code, and the secret as text for the test's "app".
    page.goto(f"{base}/account/two-factor/")
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    app = pyotp.TOTP(secret)
    page.fill("#id_code", app.now())
    page.click("button:has-text('Turn on two-factor')")
    expect(page.locator("h1")).to_have_text("Two-factor sign-in is on")
    codes = [c.strip() for c in page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z0-9]{5}-[a-z0-9]{5}", c) for c in codes)
    assert TOTPDevice.objects.get(user=nina).confirmed_at is not None

    # Signing in again takes the password, then a code; a wrong code is refused in words.
    sign_out(page, base)
    password_step(page, base)
    page.fill("#id_code", "000000")
    page.click("button[type=submit]")
    expect(page.locator(".field-error[data-field=code]")).to_contain_text("That code is not right")
    # The enrolment's code is spent; the app's next one is accepted (one step of clock drift).
    page.fill("#id_code", app.at(time.time() + 30))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    expect(page.locator(".usermenu-name")).to_have_text("Nina North")

    # A recovery code signs her in once, and never again.
    sign_out(page, base)
    password_step(page, base)
    page.fill("#id_code", codes[0])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    expect(page.locator(".flash-warning")).to_contain_text("You signed in with a recovery code")
    sign_out(page, base)
    password_step(page, base)
    page.fill("#id_code", codes[0])
    page.click("button[type=submit]")
    expect(page.locator(".field-error[data-field=code]")).to_contain_text("That code is not right")
    assert page.url == f"{base}/signin/code/"

    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_an_agent_whose_role_requires_two_factor_is_taken_to_enrolment(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    base = live_server.url
    admin = new_context().new_page()
    sign_in(admin, base, people.admin.email, PASSWORD)
    admin.goto(f"{base}/settings/security/")
    admin.check("#id_require_2fa_agent")
    admin.click("button:has-text('Save')")
    expect(admin.locator(".flash-success")).to_contain_text("Saved")

    page = new_context().new_page()
    page.goto(f"{base}/signin/")
    page.fill("#id_email", people.agent.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/account/two-factor/")
    expect(page.locator(".flash-warning")).to_contain_text("Your role must use two-factor sign-in")
    page.goto(f"{base}/")  # nothing else is reachable until enrolled
    page.wait_for_url(f"{base}/account/two-factor/")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("button:has-text('Turn on two-factor')")
    page.click("text=I saved them, continue")
    page.wait_for_url(f"{base}/")
