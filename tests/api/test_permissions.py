"""Who may call what: the API enforces the same roles as the UI, and hides what it forbids."""

from __future__ import annotations

import pytest
from django.test import Client

from anchordesk.accounts.actions import do_revoke_api_token
from anchordesk.accounts.models import ApiToken
from tests import factories
from tests.api.conftest import ApiClient, token_for

ROLES = ["agent", "lead", "admin", "collaborator"]

# persona → expected status for each call; "support ticket" belongs to the support team,
# so the engineering collaborator must not learn it exists.
MATRIX = {
    "list tickets": {"agent": 200, "lead": 200, "admin": 200, "collaborator": 200},
    "get support ticket": {"agent": 200, "lead": 200, "admin": 200, "collaborator": 404},
    "get engineering ticket": {"agent": 200, "lead": 200, "admin": 200, "collaborator": 200},
    "create ticket": {"agent": 201, "lead": 201, "admin": 201, "collaborator": 403},
    "update support ticket": {"agent": 200, "lead": 200, "admin": 200, "collaborator": 404},
    "update engineering ticket": {"agent": 200, "lead": 200, "admin": 200, "collaborator": 403},
    "note on engineering ticket": {"agent": 201, "lead": 201, "admin": 201, "collaborator": 201},
    "reply on engineering ticket": {"agent": 201, "lead": 201, "admin": 201, "collaborator": 403},
    "list customers": {"agent": 200, "lead": 200, "admin": 200, "collaborator": 403},
    "list teams": {"agent": 200, "lead": 200, "admin": 200, "collaborator": 200},
    "create team": {"agent": 403, "lead": 201, "admin": 201, "collaborator": 403},
    "create organization": {"agent": 403, "lead": 201, "admin": 201, "collaborator": 403},
    "update organization": {"agent": 403, "lead": 200, "admin": 200, "collaborator": 403},
    "list webhooks": {"agent": 403, "lead": 403, "admin": 200, "collaborator": 403},
    "create webhook": {"agent": 403, "lead": 403, "admin": 201, "collaborator": 403},
}


@pytest.fixture
def world(people):
    support_ticket = factories.make_ticket(people.customer, subject="Refund please", team=people.support)
    engineering_ticket = factories.make_ticket(
        people.other_customer, subject="API returns 500", team=people.engineering
    )
    return people, support_ticket, engineering_ticket


def _call(api: ApiClient, name: str, people, support, engineering, n: int):
    if name == "list tickets":
        return api.get("/tickets")
    if name == "get support ticket":
        return api.get(f"/tickets/{support.pk}")
    if name == "get engineering ticket":
        return api.get(f"/tickets/{engineering.pk}")
    if name == "create ticket":
        return api.post(
            "/tickets",
            {"customer_email": "new@example.test", "subject": "Printer on fire", "body": "It is on fire."},
        )
    if name == "update support ticket":
        return api.patch(f"/tickets/{support.pk}", {"priority": "high"})
    if name == "update engineering ticket":
        return api.patch(f"/tickets/{engineering.pk}", {"priority": "high"})
    if name == "note on engineering ticket":
        return api.post(f"/tickets/{engineering.pk}/messages", {"kind": "note", "body": "Looking into it."})
    if name == "reply on engineering ticket":
        return api.post(f"/tickets/{engineering.pk}/messages", {"kind": "reply", "body": "We are on it."})
    if name == "list customers":
        return api.get("/customers")
    if name == "list teams":
        return api.get("/teams")
    if name == "create team":
        return api.post("/teams", {"name": f"Network {n}", "kind": "network"})
    if name == "create organization":
        return api.post("/organizations", {"name": f"Initech {n}", "domain": "initech.test"})
    if name == "update organization":
        org = people.customer.organization
        return api.patch(f"/organizations/{org.pk}", {"tier": "premium"})
    if name == "list webhooks":
        return api.get("/webhooks")
    if name == "create webhook":
        return api.post("/webhooks", {"url": "https://hooks.example.test/in", "events": ["ticket.created"]})
    raise AssertionError(name)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_ui_allows(world, role):
    people, support, engineering = world
    api = ApiClient(Client(), token_for(getattr(people, role)))
    got = {}
    for n, name in enumerate(MATRIX):
        got[name] = _call(api, name, people, support, engineering, n).status_code
    assert got == {name: expected[role] for name, expected in MATRIX.items()}


@pytest.mark.parametrize("token", [None, "", "adk_not-a-real-token", "x" * 5000, "Basic abc"])
def test_calls_without_a_valid_token_are_refused_with_401(world, token):
    people, support, engineering = world
    api = ApiClient(Client(), token)
    for n, name in enumerate(MATRIX):
        response = _call(api, name, people, support, engineering, n)
        assert response.status_code == 401, name
        assert "Bearer" in response.json()["detail"]


def test_a_revoked_token_stops_working_at_once(world):
    people, support, _ = world
    raw = token_for(people.agent)
    api = ApiClient(Client(), raw)
    assert api.get(f"/tickets/{support.pk}").status_code == 200
    do_revoke_api_token(ApiToken.objects.get(user=people.agent), actor=people.agent)
    response = api.get(f"/tickets/{support.pk}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_agents_token_stops_working(world):
    people, support, _ = world
    api = ApiClient(Client(), token_for(people.agent))
    people.agent.is_active = False
    people.agent.save()
    assert api.get("/me").status_code == 401


def test_a_collaborator_gets_the_same_404_for_a_hidden_ticket_as_for_a_missing_one(world):
    people, support, _ = world
    api = ApiClient(Client(), token_for(people.collaborator))
    hidden = api.get(f"/tickets/{support.pk}")
    missing = api.get("/tickets/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Not found", "errors": []}
    assert api.get(f"/tickets/{support.pk}/messages").status_code == 404


def test_a_collaborator_lists_only_their_teams_tickets(world):
    people, support, engineering = world
    api = ApiClient(Client(), token_for(people.collaborator))
    ids = [t["id"] for t in api.get("/tickets").json()["items"]]
    assert ids == [engineering.pk]


def test_token_use_is_recorded_at_most_once_a_minute(world):
    people, _, _ = world
    api = ApiClient(Client(), token_for(people.agent))
    api.get("/me")
    first = ApiToken.objects.get(user=people.agent).last_used_at
    assert first is not None
    api.get("/me")
    assert ApiToken.objects.get(user=people.agent).last_used_at == first


def test_the_browser_session_works_and_needs_csrf_for_changes(world):
    people, support, _ = world
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.agent)
    assert client.get(f"/api/v1/tickets/{support.pk}").status_code == 200
    refused = client.patch(
        f"/api/v1/tickets/{support.pk}", data='{"priority": "high"}', content_type="application/json"
    )
    assert refused.status_code == 403
    client.get("/api/v1/docs")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.patch(
        f"/api/v1/tickets/{support.pk}",
        data='{"priority": "high"}',
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 200


@pytest.mark.parametrize("case", ["unknown", "revoked", "deactivated", "none"])
@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_a_bad_token_on_a_change_gets_401_not_a_csrf_403(world, case, method):
    """Real clients send no CSRF cookie; a bad token must be told it is a bad token."""
    people, support, _ = world
    raw: str | None = token_for(people.agent)
    if case == "unknown":
        raw = "adk_not-a-real-token"
    elif case == "revoked":
        do_revoke_api_token(ApiToken.objects.get(user=people.agent), actor=people.agent)
    elif case == "deactivated":
        people.agent.is_active = False
        people.agent.save()
    else:
        raw = None
    client = Client(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {raw}"} if raw is not None else {}
    path = {
        "post": "/api/v1/tickets",
        "patch": f"/api/v1/tickets/{support.pk}",
        "delete": f"/api/v1/tickets/{support.pk}/links/{support.pk}",
    }[method]
    response = getattr(client, method)(path, data="{}", content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "CSRF" not in response.json()["detail"]


def test_a_good_token_needs_no_csrf_even_with_a_session_cookie(world):
    people, support, _ = world
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.lead)
    response = client.patch(
        f"/api/v1/tickets/{support.pk}",
        data='{"priority": "high"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(people.agent)}"},
    )
    assert response.status_code == 200
