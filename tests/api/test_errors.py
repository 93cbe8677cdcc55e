"""Bad input never gets a 500: it gets a 4xx JSON answer naming the field and the reason."""

from __future__ import annotations

import json

import pytest

from tests import factories
from tests.api.conftest import field_errors

JUNK = [
    None,
    True,
    0,
    -1,
    2**70,
    1.5,
    "",
    "x" * 300_000,
    "\x00",
    "\ud800",
    [],
    [1, [2]],
    {},
    {"a": {"b": None}},
]


@pytest.fixture
def setup(people, as_user):
    ticket = factories.make_ticket(people.customer, team=people.support)
    return as_user(people.admin), ticket


def test_not_json_at_all_is_a_400(setup):
    api, ticket = setup
    for raw in ["{", "not json", "\xff\xfe", "[1,2", '{"subject": }']:
        response = api.post("/tickets", raw)
        assert response.status_code == 400, raw
        assert "detail" in response.json()


def test_a_body_of_the_wrong_shape_is_a_422(setup):
    api, ticket = setup
    for body in [[], "a string", 42, None]:
        response = api.post("/tickets", body)
        assert response.status_code in (400, 422), body
        assert "detail" in response.json()


@pytest.mark.parametrize(
    "field",
    [
        "subject",
        "body",
        "priority",
        "customer_id",
        "customer_email",
        "team_id",
        "assignee_id",
        "tags",
        "fields",
        "channel",
        "html",
    ],
)
def test_junk_in_any_ticket_field_never_crashes(setup, field):
    api, ticket = setup
    for value in JUNK:
        payload = {"customer_email": "j@example.test", "subject": "s", "body": "b", field: value}
        create = api.post("/tickets", payload)
        assert create.status_code < 500, (field, value)
        update = api.patch(f"/tickets/{ticket.pk}", {field.replace("customer_email", "subject"): value})
        assert update.status_code < 500, (field, value)
        if create.status_code >= 400:
            assert create.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/tickets/0",
        "/tickets/-1",
        "/tickets/abc",
        "/tickets/99999999999999999999999",
        "/tickets/1.5",
        "/customers/99999999999999999999",
        "/teams/0",
        "/organizations/x",
        "/attachments/1e9",
    ],
)
def test_bad_ids_in_the_path_never_crash(setup, path):
    api, _ = setup
    response = api.get(path)
    assert response.status_code in (404, 422), path
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": "ten"},
        {"limit": 2**70},
        {"status": "lost"},
        {"priority": 3},
        {"team": "support"},
        {"assignee": -5},
        {"q": "x" * 5000},
        {"tag": "t" * 500},
        {"updated_since": "2026-13-45"},
        {"sort": "random"},
        {"cursor": "\x00"},
        {"customer": 2**64},
    ],
)
def test_bad_list_parameters_name_the_parameter(setup, params):
    api, _ = setup
    response = api.get("/tickets", params)
    assert response.status_code == 422, (params, response.content)
    assert {f.split(".")[0] for f in field_errors(response)} & set(params), response.json()


def test_unknown_fields_are_refused_rather_than_silently_ignored(setup):
    api, ticket = setup
    response = api.patch(f"/tickets/{ticket.pk}", {"asignee_id": 1})
    assert response.status_code == 422
    assert field_errors(response) == {"asignee_id": "Unknown field."}


def test_the_error_shape_is_the_same_everywhere(setup):
    api, ticket = setup
    response = api.post("/tickets", {"subject": "", "body": "x", "customer_email": "a@b.test"})
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["errors"] == [{"field": "subject", "reason": "A subject is required."}]
    assert json.loads(api.get("/tickets/424242").content) == {"detail": "Not found", "errors": []}


def test_an_unknown_api_path_is_a_json_404(setup):
    api, _ = setup
    assert api.get("/nothing-here").status_code == 404


def test_a_body_over_the_size_limit_is_a_json_413(setup, settings):
    api, _ = setup
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/tickets", {"subject": "x" * 2000, "body": "b", "customer_email": "a@b.test"})
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
