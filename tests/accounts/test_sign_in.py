"""Agent sign in and out: email and password, rate limited, sign out by POST only."""

from __future__ import annotations

import pytest
from django.test import Client

from anchordesk.accounts.models import LoginAttempt
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_agent_signs_in_with_email_and_password_and_lands_in_the_inbox(
    client: Client, people: Personas
) -> None:
    response = client.post("/signin/", {"email": "ALICE@example.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "All open" in client.get("/").content.decode()


def test_sign_in_returns_to_the_page_asked_for_but_never_another_site(
    client: Client, people: Personas
) -> None:
    response = client.post(
        "/signin/", {"email": "alice@example.test", "password": PASSWORD, "next": "/tickets/5/"}
    )
    assert response["Location"] == "/tickets/5/"
    client.logout()
    response = client.post(
        "/signin/", {"email": "alice@example.test", "password": PASSWORD, "next": "https://evil.test/"}
    )
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_message(client: Client, people: Personas) -> None:
    response = client.post("/signin/", {"email": "alice@example.test", "password": "wrong-password"})
    assert response.status_code == 400
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_missing_fields_answer_400_naming_them(client: Client, db: None) -> None:
    response = client.post("/signin/", {"email": "", "password": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-field="email"' in body and 'data-field="password"' in body


def test_deactivated_agent_cannot_sign_in(client: Client, people: Personas) -> None:
    people.agent.is_active = False
    people.agent.save()
    response = client.post("/signin/", {"email": "alice@example.test", "password": PASSWORD})
    assert response.status_code == 400


def test_sign_in_is_rate_limited_after_repeated_failures(client: Client, people: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_RATE_LIMIT = 3
    for _ in range(3):
        assert (
            client.post("/signin/", {"email": "alice@example.test", "password": "guess"}).status_code == 400
        )
    # Even the right password waits now: a guesser must not learn when they hit it.
    response = client.post("/signin/", {"email": "alice@example.test", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked out by Alice's attempts.
    assert client.post("/signin/", {"email": "bob@example.test", "password": PASSWORD}).status_code == 302


def test_failures_outside_the_window_do_not_count(client: Client, people: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    import time_machine

    settings.LOGIN_RATE_LIMIT = 2
    settings.LOGIN_RATE_WINDOW = 60
    with time_machine.travel("2026-01-01 10:00:00+00:00", tick=False):
        client.post("/signin/", {"email": "alice@example.test", "password": "guess"})
        client.post("/signin/", {"email": "alice@example.test", "password": "guess"})
    with time_machine.travel("2026-01-01 10:05:00+00:00", tick=False):
        response = client.post("/signin/", {"email": "alice@example.test", "password": PASSWORD})
    assert response.status_code == 302


def test_successful_sign_in_clears_the_failures(client: Client, people: Personas) -> None:
    client.post("/signin/", {"email": "alice@example.test", "password": "guess"})
    assert LoginAttempt.objects.count() == 1
    client.post("/signin/", {"email": "alice@example.test", "password": PASSWORD})
    assert LoginAttempt.objects.count() == 0


def test_sign_out_needs_post(client: Client, people: Personas) -> None:
    client.force_login(people.agent)
    assert client.get("/signout/").status_code == 405
    assert client.get("/").status_code == 200
    response = client.post("/signout/")
    assert response["Location"] == "/signin/"
    assert client.get("/").status_code == 302


def test_customers_have_no_agent_account(client: Client, people: Personas) -> None:
    response = client.post("/signin/", {"email": "carol@acme.test", "password": PASSWORD})
    assert response.status_code == 400
