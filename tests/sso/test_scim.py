"""The SCIM 2.0 Users endpoint: finding people, deprovisioning and reactivating them, and SCIM errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from anchordesk.accounts.actions import do_create_api_token
from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import User
from anchordesk.core.models import AuditEvent
from anchordesk.sso.models import Deprovisioning
from tests import factories
from tests.conftest import Personas

pytestmark = pytest.mark.django_db
TOKEN = "scim-secret-" + "t" * 24
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture(autouse=True)
def scim_on(settings: Any) -> None:
    settings.SCIM_TOKEN = TOKEN


def call(client: Client, method: str, path: str, body: Any = None, token: str = TOKEN) -> Any:
    data = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
    return client.generic(
        method,
        f"/scim/v2/{path}",
        data,
        content_type="application/scim+json",
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )


def deactivate(value: Any, **op: Any) -> dict:
    return {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": value, **op}]}


def test_a_user_is_found_by_user_name_case_insensitively(client: Client, people: Personas) -> None:
    answer = call(client, "GET", 'Users?filter=userName eq "Alice@Example.test"')
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/scim+json"
    body = answer.json()
    assert body["totalResults"] == 1
    found = body["Resources"][0]
    assert (found["id"], found["userName"], found["active"]) == (
        str(people.agent.pk),
        "alice@example.test",
        True,
    )
    assert call(client, "GET", 'Users?filter=userName eq "nobody@example.test"').json()["totalResults"] == 0


def test_an_unsupported_filter_is_a_scim_400(client: Client, people: Personas) -> None:
    answer = call(client, "GET", 'Users?filter=name.familyName co "x"')
    assert answer.status_code == 400
    assert answer.json()["scimType"] == "invalidFilter"


def test_patch_active_false_deprovisions_and_active_true_reactivates(
    client: Client, people: Personas
) -> None:
    ticket = factories.make_ticket(people.customer, assignee=people.agent)
    answer = call(client, "PATCH", f"Users/{people.agent.pk}", deactivate(False))
    assert answer.status_code == 200 and answer.json()["active"] is False
    ticket.refresh_from_db()
    people.agent.refresh_from_db()
    assert not people.agent.is_active and ticket.assignee_id is None
    assert Deprovisioning.objects.get(user=people.agent).source == "scim"

    # Entra ID's form: no path, a value object with "True" as a string.
    back = {"schemas": [PATCH], "Operations": [{"op": "Replace", "value": {"active": "True"}}]}
    answer = call(client, "PATCH", f"Users/{people.agent.pk}", back)
    assert answer.status_code == 200 and answer.json()["active"] is True
    assert AuditEvent.objects.filter(kind="agent.reactivated", object_id=people.agent.pk).exists()


def test_a_deprovisioned_agents_session_and_api_token_stop_at_once(client: Client, people: Personas) -> None:
    _token, secret = do_create_api_token(people.agent, "laptop", actor=people.agent)
    browser = Client()
    browser.force_login(people.agent)
    api = {"Authorization": f"Bearer {secret}"}
    assert browser.get("/").status_code == 200
    assert client.get("/api/v1/tickets", headers=api).status_code == 200

    call(client, "PATCH", f"Users/{people.agent.pk}", deactivate(False))

    assert browser.get("/").status_code == 302
    assert client.get("/api/v1/tickets", headers=api).status_code == 401


def test_put_with_active_false_and_delete_deprovision(client: Client, people: Personas) -> None:
    assert (
        call(
            client, "PUT", f"Users/{people.agent.pk}", {"userName": "alice@example.test", "active": False}
        ).json()["active"]
        is False
    )
    assert call(client, "DELETE", f"Users/{people.agent2.pk}").status_code == 204
    people.agent2.refresh_from_db()
    assert not people.agent2.is_active
    assert AuditEvent.objects.filter(kind="agent.deprovisioned").count() == 2


def test_patching_other_attributes_changes_nothing(client: Client, people: Personas) -> None:
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "displayName", "value": "Al"}]}
    answer = call(client, "PATCH", f"Users/{people.agent.pk}", body)
    assert answer.status_code == 200 and answer.json()["active"] is True


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        ("{not json", "invalidSyntax"),
        ({"Operations": "replace"}, "invalidSyntax"),
        ({"Operations": [{"op": "move", "path": "active", "value": False}]}, "invalidSyntax"),
        (deactivate("maybe"), "invalidValue"),
    ],
)
def test_a_malformed_patch_is_a_scim_400_and_changes_nothing(
    client: Client, people: Personas, body: Any, scim_type: str
) -> None:
    answer = call(client, "PATCH", f"Users/{people.agent.pk}", body)
    assert answer.status_code == 400
    assert answer.json()["scimType"] == scim_type
    people.agent.refresh_from_db()
    assert people.agent.is_active


def test_an_unknown_user_is_a_scim_404(client: Client, people: Personas) -> None:
    for path in ["Users/999999", "Users/not-a-number"]:
        answer = call(client, "GET", path)
        assert answer.status_code == 404
        assert answer.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


@pytest.mark.parametrize("token", ["", "wrong-token"])
def test_a_missing_or_wrong_token_is_a_401_and_changes_nothing(
    client: Client, people: Personas, token: str
) -> None:
    answer = call(client, "PATCH", f"Users/{people.agent.pk}", deactivate(False), token=token)
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert answer.json()["status"] == "401"
    assert call(client, "GET", "Users", token=token).status_code == 401
    people.agent.refresh_from_db()
    assert people.agent.is_active


def test_scim_is_off_without_a_token_setting(client: Client, people: Personas, settings: Any) -> None:
    settings.SCIM_TOKEN = ""
    answer = call(client, "GET", "Users", token="")
    assert answer.status_code == 404
    assert "SCIM_TOKEN" in answer.json()["detail"]


def test_the_provider_can_create_someone_before_their_first_sign_in(client: Client, people: Personas) -> None:
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "nina@corp.test",
        "name": {"givenName": "Nina", "familyName": "New"},
        "active": True,
    }
    answer = call(client, "POST", "Users", body)
    assert answer.status_code == 201
    created = answer.json()
    assert (created["userName"], created["displayName"], created["active"]) == (
        "nina@corp.test",
        "Nina New",
        True,
    )
    assert answer["Location"].endswith(f"/scim/v2/Users/{created['id']}")
    nina = User.objects.get(pk=created["id"])
    assert nina.role == Role.AGENT and not nina.has_usable_password()

    again = call(client, "POST", "Users", body)
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"
    bad = call(client, "POST", "Users", {"userName": "not an address"})
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidValue"


def test_an_external_id_filter_matches_nobody(client: Client, people: Personas) -> None:
    answer = call(client, "GET", 'Users?filter=externalId eq "alice@example.test"')
    assert answer.status_code == 200 and answer.json()["totalResults"] == 0


def test_other_methods_on_the_list_are_a_scim_405(client: Client, people: Personas) -> None:
    assert call(client, "DELETE", "Users").status_code == 405
