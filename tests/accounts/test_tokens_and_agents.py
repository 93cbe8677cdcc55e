"""API tokens page (create shows the secret once, revoke) and the agents list for leads."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from anchordesk.accounts.actions import do_create_api_token
from anchordesk.accounts.models import ApiToken, hash_token
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client: Client, db: None) -> None:
    assert client.get("/account/tokens/")["Location"].startswith("/signin/")
    assert client.get("/agents/")["Location"].startswith("/signin/")


def test_creating_a_token_shows_its_secret_once(client: Client, people: Personas) -> None:
    client.force_login(people.agent)
    response = client.post("/account/tokens/", {"name": "CRM sync"})
    assert response.status_code == 201
    secret = re.search(r'id="token-secret">([^<]+)<', response.content.decode()).group(1)  # type: ignore[union-attr]
    token = ApiToken.objects.get(user=people.agent)
    assert token.name == "CRM sync"
    assert token.key_hash == hash_token(secret)
    again = client.get("/account/tokens/").content.decode()
    assert "CRM sync" in again and token.prefix in again
    assert secret not in again


def test_token_without_a_name_answers_400(client: Client, people: Personas) -> None:
    client.force_login(people.agent)
    response = client.post("/account/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert 'data-field="name"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_marks_it_revoked(client: Client, people: Personas) -> None:
    client.force_login(people.agent)
    token, _ = do_create_api_token(people.agent, "Old script", actor=people.agent)
    response = client.post(f"/account/tokens/{token.pk}/revoke", follow=True)
    token.refresh_from_db()
    assert token.revoked_at is not None
    body = response.content.decode()
    assert 'class="is-revoked"' in body and "Revoked" in body


def test_revoking_needs_post(client: Client, people: Personas) -> None:
    client.force_login(people.agent)
    token, _ = do_create_api_token(people.agent, "Script", actor=people.agent)
    assert client.get(f"/account/tokens/{token.pk}/revoke").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_nobody_revokes_or_sees_another_agents_token(client: Client, people: Personas) -> None:
    token, _ = do_create_api_token(people.agent2, "Bob's script", actor=people.agent2)
    client.force_login(people.lead)
    assert "Bob&#x27;s script" not in client.get("/account/tokens/").content.decode()
    assert client.post(f"/account/tokens/{token.pk}/revoke").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_agents_list_is_for_leads_and_admins(client: Client, people: Personas) -> None:
    client.force_login(people.agent)
    assert client.get("/agents/", follow=True).status_code == 403
    client.force_login(people.lead)
    response = client.get("/agents/", follow=True)
    assert response.redirect_chain == [("/settings/agents/", 302)]
    assert response.status_code == 200
    body = response.content.decode()
    assert "eve@example.test" in body and "Collaborator" in body
    client.force_login(people.admin)
    assert client.get("/agents/", follow=True).status_code == 200
