"""Every settings form answers bad input with a 400 and the reason beside the field, never a 500.

Walks the forms reachable from the settings hub, posting them empty and with malformed values.
"""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.test import Client

from anchordesk.mail.models import Mailbox

pytestmark = pytest.mark.django_db

# (name, url, data posted, the field that must carry an error)
CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("calendar empty", "/sla/calendars/new/", {}, "name"),
    ("calendar bad zone", "/sla/calendars/new/", {"name": "Office", "timezone": "Mars/Olympus"}, "timezone"),
    (
        "calendar bad hours",
        "/sla/calendars/new/",
        {"name": "Office", "timezone": "UTC", "mon": "25:00-99:00"},
        "mon",
    ),
    (
        "calendar bad holiday",
        "/sla/calendars/new/",
        {"name": "Office", "timezone": "UTC", "holidays": "the 32nd of Smarch"},
        "holidays",
    ),
    ("sla policy empty", "/sla/policies/new/", {}, "name"),
    (
        "sla policy negative target",
        "/sla/policies/new/",
        {"name": "Std", "warn_percent": "75", "first_response_minutes": "-5"},
        "first_response_minutes",
    ),
    ("sla policy words", "/sla/policies/new/", {"name": "Std", "warn_percent": "lots"}, "warn_percent"),
    (
        "sla policy unknown calendar",
        "/sla/policies/new/",
        {"name": "Std", "warn_percent": "75", "calendar": "999999"},
        "calendar",
    ),
    ("trigger empty", "/automation/triggers/new/", {}, "name"),
    (
        "trigger unknown event",
        "/automation/triggers/new/",
        {"name": "T", "events": "ticket.exploded", "position": "0"},
        "events",
    ),
    (
        "trigger bad position",
        "/automation/triggers/new/",
        {"name": "T", "events": "ticket.created", "position": "first"},
        "position",
    ),
    ("time rule empty", "/automation/time-rules/new/", {}, "name"),
    ("macro empty", "/automation/macros/new/", {}, "name"),
    ("macro bad scope", "/automation/macros/new/", {"name": "M", "body": "Hi", "scope": "galaxy"}, "scope"),
    ("webhook empty", "/settings/webhooks/new/", {}, "url"),
    ("webhook not a url", "/settings/webhooks/new/", {"url": "not a url", "events": "ticket.created"}, "url"),
    (
        "webhook unknown event",
        "/settings/webhooks/new/",
        {"url": "https://hooks.example.test/in", "events": "ticket.exploded"},
        "events",
    ),
    ("policy empty", "/policies/new", {}, "name"),
    (
        "policy inputs not json",
        "/policies/new",
        {"name": "Refunds", "inputs": "{not json", "rules": "[]"},
        "inputs",
    ),
    ("authority limit words", "/policies/limits", {"agent-max_amount": "a lot"}, "agent-max_amount"),
    ("csat empty", "/automation/csat/", {}, "delay_minutes"),
    ("csat bad delay", "/automation/csat/", {"delay_minutes": "-5", "question": "Q?"}, "delay_minutes"),
    ("csat no question", "/automation/csat/", {"delay_minutes": "5", "question": ""}, "question"),
    ("mailbox empty", "/mail/mailboxes/new/", {}, "name"),
    (
        "mailbox bad port",
        "/mail/mailboxes/new/",
        {"name": "S", "address": "s@example.test", "port": "-1", "security": "ssl", "folder": "INBOX"},
        "port",
    ),
]


def _field_errors(response: Any) -> dict[str, list[str]]:
    for context in response.context or []:
        form = context.get("form")
        if form is not None and hasattr(form, "errors"):
            return {field: list(errors) for field, errors in form.errors.items()}
    return {}


@pytest.mark.parametrize(("url", "data", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_settings_form_is_a_400_with_the_reason_beside_the_field(people, url, data, field):
    client = Client(raise_request_exception=False)
    client.force_login(people.admin)
    response = client.post(url, data)
    assert response.status_code == 400, (url, response.status_code)
    errors = _field_errors(response)
    assert errors.get(field), (url, errors)
    html = unescape(response.content.decode())
    for reason in errors[field]:
        assert reason in html, (url, reason)


def test_team_assignment_and_agent_routing_refuse_bad_values_with_a_400(people):
    client = Client(raise_request_exception=False)
    client.force_login(people.admin)
    team = f"team-{people.support.pk}"
    response = client.post(
        f"/automation/assignment/teams/{people.support.pk}", {f"{team}-strategy": "telepathy"}
    )
    assert response.status_code == 400
    assert "Select a valid choice. telepathy is not one of the available choices." in unescape(
        response.content.decode()
    )
    agent = f"agent-{people.agent.pk}"
    response = client.post(f"/automation/assignment/agents/{people.agent.pk}", {f"{agent}-capacity": "-3"})
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to" in unescape(response.content.decode())


def test_a_bad_edit_of_an_existing_mailbox_is_a_400_too(people):
    box = Mailbox.objects.create(name="Support", address="support@example.test")
    client = Client(raise_request_exception=False)
    client.force_login(people.admin)
    response = client.post(f"/mail/mailboxes/{box.pk}/", {"name": "Support", "address": "nope"})
    assert response.status_code == 400 and "address" in _field_errors(response)
