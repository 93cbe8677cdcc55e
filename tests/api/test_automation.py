"""The automation API: macros for agents; triggers, time rules and SLA attainment for leads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from anchordesk.automation.actions import do_save_macro
from anchordesk.automation.models import Trigger
from anchordesk.core.models import AuditEvent
from anchordesk.sla.actions import PolicyData, do_save_policy
from anchordesk.sla.timers import do_scan
from anchordesk.tickets import actions
from anchordesk.tickets.choices import Priority
from tests.api.conftest import field_errors
from tests.factories import make_ticket

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

TRIGGER = {
    "name": "Outages are urgent",
    "events": ["ticket.created"],
    "conditions": {"all": [{"field": "subject", "op": "contains", "value": "outage"}]},
    "actions": [{"type": "set_priority", "value": 4}],
}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(MONDAY_9, tick=False)


def test_an_agent_lists_and_applies_the_macros_they_may_use(people, as_user):
    do_save_macro(
        actor=people.lead,
        name="Refund sent",
        body="Hi {{customer.first_name}}, refund for #{{ticket.number}} sent.",
        actions=[{"type": "add_tags", "value": ["refund"]}],
    )
    bobs = do_save_macro(actor=people.agent2, name="Bob's", body="Bob here", personal=True)
    api = as_user(people.agent)
    listed = api.get("/macros", {"q": "refund"})
    assert listed.status_code == 200
    assert [m["name"] for m in listed.json()] == ["Refund sent"]
    ticket = make_ticket(people.customer)
    macro_id = listed.json()[0]["id"]
    applied = api.post(f"/tickets/{ticket.pk}/macros/{macro_id}/apply")
    assert applied.status_code == 200
    assert applied.json()["text"] == f"Hi Carol, refund for #{ticket.pk} sent."
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    assert api.post(f"/tickets/{ticket.pk}/macros/{bobs.pk}/apply").status_code == 404
    assert as_user(people.collaborator).get("/macros").status_code == 403


def test_a_lead_creates_and_replaces_a_trigger_and_errors_name_the_field(people, as_user):
    api = as_user(people.lead)
    created = api.post("/triggers", TRIGGER)
    assert created.status_code == 201, created.json()
    trigger_id = created.json()["id"]
    ticket = make_ticket(people.customer, subject="Outage in Rome")
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    replaced = api._send("put", f"/triggers/{trigger_id}", {**TRIGGER, "active": False})
    assert replaced.status_code == 200 and replaced.json()["active"] is False
    assert [t["name"] for t in api.get("/triggers").json()] == ["Outages are urgent"]

    bad = api.post(
        "/triggers", {**TRIGGER, "name": "Other", "conditions": {"all": [{"field": "shoe", "op": "is"}]}}
    )
    assert bad.status_code == 422 and "conditions" in field_errors(bad)
    bad = api.post("/triggers", {**TRIGGER, "name": "Other", "events": ["moon.landing"]})
    assert bad.status_code == 422 and "events" in field_errors(bad)
    bad = api.post("/triggers", {**TRIGGER, "name": "Other", "colour": "red"})
    assert bad.status_code == 422
    assert as_user(people.agent).post("/triggers", {**TRIGGER, "name": "Agent's"}).status_code == 403
    assert Trigger.objects.count() == 1


def test_a_lead_creates_a_time_rule_through_the_api(people, as_user):
    api = as_user(people.admin)
    rule = {
        "name": "Solve after a week",
        "conditions": {"all": [{"field": "status", "op": "is", "value": "pending"}]},
        "actions": [{"type": "set_status", "value": "solved"}],
    }
    created = api.post("/time-rules", rule)
    assert created.status_code == 201
    assert api.get("/time-rules").json()[0]["name"] == "Solve after a week"
    empty = api.post("/time-rules", {**rule, "name": "Everything", "conditions": {}})
    assert empty.status_code == 422 and "conditions" in field_errors(empty)
    assert AuditEvent.objects.filter(kind="automation.time_rule_saved", actor=people.admin).count() == 1


def test_sla_attainment_per_policy_for_reports(people, as_user):
    do_save_policy(
        PolicyData(name="Fast", first_response_minutes=30, business_hours=False), actor=people.admin
    )
    met = make_ticket(people.customer)
    actions.do_reply(met, "On it.", actor=people.agent)
    make_ticket(people.customer)
    do_scan(MONDAY_9 + timedelta(hours=1))
    api = as_user(people.lead)
    rows = api.get("/sla/attainment", {"since": (MONDAY_9 - timedelta(days=1)).isoformat()}).json()
    first = next(r for r in rows if r["kind"] == "first_response")
    assert (first["policy"], first["met"], first["breached"], first["share"]) == ("Fast", 1, 1, 0.5)
    assert api.get("/sla/attainment", {"policy": 9999}).status_code == 404
    assert api.get("/sla/attainment", {"since": "yesterday"}).status_code == 422
    assert as_user(people.agent).get("/sla/attainment").status_code == 403
