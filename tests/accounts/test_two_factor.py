"""Two-factor sign-in: enrolment with a QR code, the code step after the password, recovery
codes, the per-role requirement, an admin's reset, and API tokens unaffected."""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from anchordesk.accounts.actions import do_create_api_token
from anchordesk.accounts.models import RecoveryCode, SecurityPolicy, TOTPDevice, User
from anchordesk.accounts.two_factor import do_enable_totp, do_update_security_policy, new_secret
from anchordesk.core.models import AuditEvent
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def enrol(user: User) -> tuple[str, list[str]]:
    secret = new_secret()
    codes = do_enable_totp(user, secret=secret, code=pyotp.TOTP(secret).now())
    return secret, codes


def password_step(client: Client, user: User, next_url: str = "") -> None:
    data = {"email": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post("/signin/", data)
    assert response.status_code == 302 and response["Location"] == "/signin/code/"


def signed_in(client: Client) -> bool:
    return bool(client.get("/account/tokens/").wsgi_request.user.is_authenticated)


# Enrolment ------------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_then_recovery_codes_once(
    client: Client, people: Personas
) -> None:
    client.force_login(people.agent)
    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page and "QR code for your authenticator app" in page
    secret = re.search(r'id="totp-secret" class="token-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    wrong = client.post("/account/two-factor/", {"code": "000000"})
    assert wrong.status_code == 400
    assert 'data-field="code"' in wrong.content.decode() and "does not match" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()
    done = client.post("/account/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", done.content.decode())
    assert len(codes) == 10
    device = TOTPDevice.objects.get(user=people.agent)
    assert device.secret == secret and device.confirmed_at is not None
    stored = set(RecoveryCode.objects.filter(user=people.agent).values_list("code_hash", flat=True))
    assert not stored & set(codes)  # hashed, never the codes themselves
    assert AuditEvent.objects.filter(kind="two_factor.enabled", object_id=people.agent.pk).exists()
    status = client.get("/account/two-factor/").content.decode()
    assert 'id="two-factor-state">On' in status and codes[0] not in status


def test_new_recovery_codes_replace_the_old(client: Client, people: Personas) -> None:
    _, old = enrol(people.agent)
    client.force_login(people.agent)
    page = client.post("/account/two-factor/recovery-codes").content.decode()
    new = re.findall(r"<li><code>([a-z0-9-]{11})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    client.logout()
    password_step(client, people.agent)
    assert client.post("/signin/code/", {"code": old[0]}).status_code == 400
    assert client.post("/signin/code/", {"code": new[0]}).status_code == 302


# The second step ------------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_after_the_password(client: Client, people: Personas) -> None:
    secret, _ = enrol(people.agent)
    password_step(client, people.agent, next_url="/account/tokens/")
    assert not signed_in(client)  # the password alone signs nobody in
    page = client.get("/signin/code/")
    assert page.status_code == 200 and "Enter your code" in page.content.decode()
    wrong = client.post("/signin/code/", {"code": "123456"})
    assert wrong.status_code == 400
    assert (
        "That code is not right" in wrong.content.decode() and 'data-field="code"' in wrong.content.decode()
    )
    assert client.post("/signin/code/", {"code": ""}).status_code == 400
    # The code of the enrolment's 30-second step is spent; the app's next code is accepted (clock drift).
    right = client.post("/signin/code/", {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert right.status_code == 302 and right["Location"] == "/account/tokens/"
    assert signed_in(client)


def test_a_code_is_never_accepted_twice(people: Personas) -> None:
    secret, _ = enrol(people.agent)
    with time_machine.travel(timezone.now() + timedelta(seconds=90)):
        code = pyotp.TOTP(secret).now()
        first, second = Client(), Client()
        password_step(first, people.agent)
        assert first.post("/signin/code/", {"code": code}).status_code == 302
        password_step(second, people.agent)
        assert second.post("/signin/code/", {"code": code}).status_code == 400


def test_a_recovery_code_works_once(client: Client, people: Personas) -> None:
    _, codes = enrol(people.agent)
    password_step(client, people.agent)
    response = client.post("/signin/code/", {"code": codes[3].upper().replace("-", " ")}, follow=True)
    assert (
        "You signed in with a recovery code" in response.content.decode()
        and "9 left" in response.content.decode()
    )
    assert AuditEvent.objects.filter(kind="two_factor.recovery_code_used").exists()
    client.logout()
    password_step(client, people.agent)
    assert client.post("/signin/code/", {"code": codes[3]}).status_code == 400
    assert not signed_in(client)


def test_code_step_is_rate_limited(client: Client, people: Personas, settings: object) -> None:
    settings.LOGIN_RATE_LIMIT = 3  # type: ignore[attr-defined]
    secret, _ = enrol(people.agent)
    password_step(client, people.agent)
    for _ in range(3):
        assert client.post("/signin/code/", {"code": "000000"}).status_code == 400
    blocked = client.post("/signin/code/", {"code": pyotp.TOTP(secret).now()})
    assert blocked.status_code == 429 and "Too many wrong codes" in blocked.content.decode()
    assert not signed_in(client)


def test_the_code_step_times_out_and_needs_a_password_first(client: Client, people: Personas) -> None:
    assert client.get("/signin/code/")["Location"] == "/signin/"
    secret, _ = enrol(people.agent)
    password_step(client, people.agent)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.post("/signin/code/", {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == "/signin/" and not signed_in(client)


def test_without_an_authenticator_the_password_is_enough(client: Client, people: Personas) -> None:
    response = client.post("/signin/", {"email": people.agent.email, "password": PASSWORD})
    assert response["Location"] == "/"
    assert signed_in(client)


# The requirement per role ---------------------------------------------------------------------


def test_security_page_is_for_admins_and_saves_per_role(client: Client, people: Personas) -> None:
    for who in (people.agent, people.lead):
        client.force_login(who)
        assert client.get("/settings/security/").status_code == 403
        assert client.post("/settings/security/", {"require_2fa_agent": "on"}).status_code == 403
    client.force_login(people.admin)
    assert client.get("/settings/security/").status_code == 200
    response = client.post("/settings/security/", {"require_2fa_agent": "on"}, follow=True)
    assert "Saved" in response.content.decode()
    policy = SecurityPolicy.current()
    assert (policy.require_2fa_agent, policy.require_2fa_lead, policy.require_2fa_admin) == (
        True,
        False,
        False,
    )
    event = AuditEvent.objects.get(kind="security.two_factor_required")
    assert event.actor == people.admin and event.after == {"agent": True, "lead": False, "admin": False}


def test_someone_in_an_enforced_role_reaches_only_enrolment(client: Client, people: Personas) -> None:
    do_update_security_policy(actor=people.admin, agent=True, lead=False, admin=False)
    response = client.post("/signin/", {"email": people.agent.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == ("/account/two-factor/", 302)
    assert "Your role must use two-factor sign-in" in response.content.decode()
    for path in ("/", "/account/tokens/", "/settings/agents/"):
        assert client.get(path)["Location"] == "/account/two-factor/"
    assert client.post("/account/tokens/", {"name": "sneaky"}).status_code == 403
    assert client.get("/api/v1/me").status_code == 403
    # The enrolment page's own background loads (the wellbeing banner) are refused, not
    # redirected: htmx would swap a second copy of the enrolment page into the first.
    page = response.content.decode()
    banner = re.search(r'hx-get="([^"]+)"', page)
    assert banner is not None and "/wellbeing/" in banner.group(1)
    refused = client.get(html.unescape(banner.group(1)), HTTP_HX_REQUEST="true")
    assert refused.status_code == 403 and "Location" not in refused
    assert "Set up two-factor sign-in" not in refused.content.decode()
    secret = client.session["two_factor_enrol_secret"]
    client.post("/account/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/account/tokens/").status_code == 200


def test_roles_not_enforced_are_not_asked(client: Client, people: Personas) -> None:
    do_update_security_policy(actor=people.admin, agent=True, lead=False, admin=False)
    client.force_login(people.lead)
    assert client.get("/account/tokens/").status_code == 200


def test_enforcement_also_applies_to_sessions_open_before(client: Client, people: Personas) -> None:
    client.force_login(people.lead)
    assert client.get("/account/tokens/").status_code == 200
    do_update_security_policy(actor=people.admin, agent=False, lead=True, admin=False)
    assert client.get("/account/tokens/")["Location"] == "/account/two-factor/"


def test_api_tokens_keep_working_when_two_factor_is_required(client: Client, people: Personas) -> None:
    _, raw = do_create_api_token(people.agent, "script", actor=people.agent)
    do_update_security_policy(actor=people.admin, agent=True, lead=True, admin=True)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["email"] == people.agent.email


# An admin's reset -----------------------------------------------------------------------------


def test_admin_resets_someones_two_factor(client: Client, people: Personas) -> None:
    enrol(people.agent)
    client.force_login(people.lead)
    assert client.post(f"/settings/agents/{people.agent.pk}/reset-two-factor").status_code == 403
    assert TOTPDevice.objects.filter(user=people.agent).exists()
    client.force_login(people.admin)
    assert "Reset two-factor" in client.get(f"/settings/agents/{people.agent.pk}/").content.decode()
    response = client.post(f"/settings/agents/{people.agent.pk}/reset-two-factor", follow=True)
    assert "is reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=people.agent).exists()
    assert not RecoveryCode.objects.filter(user=people.agent).exists()
    event = AuditEvent.objects.get(kind="two_factor.reset")
    assert event.actor == people.admin and event.object_id == people.agent.pk
    other = Client()
    assert other.post("/signin/", {"email": people.agent.email, "password": PASSWORD})["Location"] == "/"
