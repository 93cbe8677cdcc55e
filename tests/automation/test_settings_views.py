"""The automation settings pages: triggers, time rules, macros and assignment in the web UI.

Leads and admins configure; agents keep personal macros only; bad input answers 400 with
the reason beside its field, never a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from anchordesk.automation.actions import do_save_macro, do_save_trigger
from anchordesk.automation.models import AgentAvailability, AssignmentPolicy, Macro, TimeRule, Trigger
from anchordesk.automation.timerules import run_time_rules
from anchordesk.core.models import AuditEvent
from anchordesk.tickets import actions
from anchordesk.tickets.choices import Priority, Status
from tests.factories import make_ticket

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LEAD_PAGES = [
    "automation-home",
    "automation-trigger-new",
    "automation-time-rule-new",
    "automation-assignment",
]


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(MONDAY_9, tick=False)


def rows(prefix: str, items: list[dict[str, str]], extra: int = 3) -> dict[str, Any]:
    """The POST data of a formset of rows, with empty rows after the filled ones, as a browser sends."""
    total = len(items) + extra
    data: dict[str, Any] = {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}
    for index in range(total):
        item = items[index] if index < len(items) else {}
        for key in ("group", "field", "op", "value", "type"):
            data[f"{prefix}-{index}-{key}"] = item.get(key, "all" if key == "group" else "")
    return data


def trigger_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Outages are urgent",
        "events": ["ticket.created", "ticket.customer_message"],
        "position": "0",
        "active": "on",
        **rows("cond", [{"field": "subject", "op": "contains", "value": "outage"}]),
        **rows(
            "act",
            [
                {"type": "set_priority", "value": "Urgent"},
                {"type": "add_tags", "value": "outage, Network"},
                {"type": "set_team", "value": "support"},
            ],
        ),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("page", LEAD_PAGES)
def test_agents_and_collaborators_cannot_open_the_automation_pages(people, client, page):
    for user in (people.agent, people.collaborator):
        client.force_login(user)
        assert client.get(reverse(page)).status_code == 403


@pytest.mark.parametrize("page", LEAD_PAGES)
def test_leads_and_admins_open_the_automation_pages(people, client, page):
    for user in (people.lead, people.admin):
        client.force_login(user)
        assert client.get(reverse(page)).status_code == 200


def test_the_sla_page_links_to_automation(people, client):
    client.force_login(people.lead)
    page = client.get(reverse("sla-home")).content.decode()
    assert reverse("automation-home") in page and reverse("automation-macros") in page


def test_agents_cannot_post_a_trigger(people, client):
    client.force_login(people.agent)
    assert client.post(reverse("automation-trigger-new"), trigger_post()).status_code == 403
    assert not Trigger.objects.exists()


def test_a_lead_creates_a_trigger_in_words_and_it_acts_with_its_name(people, client):
    client.force_login(people.lead)
    response = client.post(reverse("automation-trigger-new"), trigger_post())
    assert response.status_code == 302, response.content.decode()[:2000]
    trigger = Trigger.objects.get()
    assert trigger.events == ["ticket.created", "ticket.customer_message"]
    assert trigger.conditions == {"all": [{"field": "subject", "op": "contains", "value": "outage"}]}
    assert trigger.actions == [
        {"type": "set_priority", "value": Priority.URGENT},
        {"type": "add_tags", "value": ["network", "outage"]},
        {"type": "set_team", "value": people.support.pk},
    ]
    listing = client.get(reverse("automation-home")).content.decode()
    assert "Outages are urgent" in listing and "subject contains outage" in listing

    ticket = make_ticket(people.customer, subject="Network outage in Berlin")
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT and ticket.team == people.support
    assert AuditEvent.objects.get(ticket=ticket, kind="ticket.priority").note == "rule: Outages are urgent"


def test_the_edit_form_shows_the_rule_in_words_and_saves_changes(people, client):
    client.force_login(people.lead)
    client.post(reverse("automation-trigger-new"), trigger_post())
    trigger = Trigger.objects.get()
    page = client.get(reverse("automation-trigger-edit", args=[trigger.pk])).content.decode()
    assert 'value="Urgent"' in page and 'value="network, outage"' in page and 'value="Support"' in page
    changed = trigger_post(
        name="Outages are high", **rows("act", [{"type": "set_priority", "value": "high"}])
    )
    assert client.post(reverse("automation-trigger-edit", args=[trigger.pk]), changed).status_code == 302
    trigger.refresh_from_db()
    assert trigger.name == "Outages are high" and trigger.actions == [{"type": "set_priority", "value": 3}]
    saved = AuditEvent.objects.filter(kind="automation.trigger_saved").order_by("pk").last()
    assert saved is not None and saved.before["name"] == "Outages are urgent" and saved.actor == people.lead


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"events": []}, "events"),
        (rows("cond", [{"field": "priority", "op": "is", "value": "whenever"}]), "cond-0-value"),
        (rows("cond", [{"field": "subject", "op": "gt", "value": "3"}]), "cond-0-op"),
        (rows("cond", [{"field": "team", "op": "is", "value": "Nobody's team"}]), "cond-0-value"),
        (rows("cond", [{"field": "status", "op": "is", "value": ""}]), "cond-0-value"),
        (rows("cond", [{"field": "nonsense", "op": "is", "value": "1"}]), "cond-0-field"),
        (rows("act", [{"type": "set_assignee", "value": "ghost@example.test"}]), "act-0-value"),
        (rows("act", [{"type": "set_status", "value": "finished"}]), "act-0-value"),
        (rows("act", [{"type": "call_webhook", "value": "https://nowhere.example.test/"}]), "act-0-value"),
        (rows("act", [{"type": "email_customer", "value": "Hi {{customer.shoe_size}}"}]), "actions"),
        (rows("act", []), "actions"),
        ({"cond-TOTAL_FORMS": "many"}, None),
    ],
)
def test_trigger_errors_are_shown_on_their_fields_never_a_500(people, client, overrides, field):
    client.force_login(people.admin)
    response = client.post(reverse("automation-trigger-new"), trigger_post(**overrides))
    assert response.status_code == 400
    if field:
        assert f'data-field="{field}"' in response.content.decode()
    assert not Trigger.objects.exists()


def test_a_duplicate_trigger_name_is_refused_on_the_name(people, client):
    do_save_trigger(
        actor=people.admin,
        name="Outages are urgent",
        events=["ticket.created"],
        conditions={},
        actions=[{"type": "add_tags", "value": ["x"]}],
    )
    client.force_login(people.lead)
    response = client.post(reverse("automation-trigger-new"), trigger_post())
    assert response.status_code == 400
    assert "Another trigger has this name" in response.content.decode()


def test_a_disabled_trigger_stops_acting_and_can_be_enabled_again(people, client):
    client.force_login(people.lead)
    client.post(reverse("automation-trigger-new"), trigger_post())
    trigger = Trigger.objects.get()
    assert client.post(reverse("automation-trigger-toggle", args=[trigger.pk])).status_code == 302
    trigger.refresh_from_db()
    assert not trigger.active
    quiet = make_ticket(people.customer, subject="Outage again")
    quiet.refresh_from_db()
    assert quiet.priority == Priority.NORMAL
    assert AuditEvent.objects.filter(kind="automation.trigger_disabled", actor=people.lead).exists()
    client.post(reverse("automation-trigger-toggle", args=[trigger.pk]))
    trigger.refresh_from_db()
    assert trigger.active
    # Toggling is a POST only: a link followed by a crawler changes nothing.
    assert client.get(reverse("automation-trigger-toggle", args=[trigger.pk])).status_code == 405


def time_rule_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Solve after a week pending",
        "active": "on",
        **rows(
            "cond",
            [
                {"field": "status", "op": "is", "value": "Pending"},
                {"field": "hours_since_update", "op": "gt", "value": "168"},
            ],
        ),
        **rows("act", [{"type": "set_status", "value": "solved"}, {"type": "add_note", "value": "Closed."}]),
    }
    data.update(overrides)
    return data


def test_a_lead_creates_a_time_rule_that_the_schedule_applies(people, client, time_machine):
    client.force_login(people.lead)
    response = client.post(reverse("automation-time-rule-new"), time_rule_post())
    assert response.status_code == 302
    rule = TimeRule.objects.get()
    assert rule.conditions["all"][0] == {"field": "status", "op": "is", "value": "pending"}
    ticket = make_ticket(people.customer)
    actions.do_reply(ticket, "Does it work now?", actor=people.agent, status=Status.PENDING)
    time_machine.move_to(MONDAY_9 + timedelta(days=8), tick=False)
    assert run_time_rules() == {"Solve after a week pending": 1}
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_a_time_rule_without_conditions_is_refused(people, client):
    client.force_login(people.lead)
    response = client.post(reverse("automation-time-rule-new"), time_rule_post(**rows("cond", [])))
    assert response.status_code == 400
    assert 'data-field="conditions"' in response.content.decode()
    assert not TimeRule.objects.exists()


def test_a_time_rule_is_disabled_from_the_list(people, client):
    client.force_login(people.lead)
    client.post(reverse("automation-time-rule-new"), time_rule_post())
    rule = TimeRule.objects.get()
    client.post(reverse("automation-time-rule-toggle", args=[rule.pk]))
    rule.refresh_from_db()
    assert not rule.active
    assert "disabled" in client.get(reverse("automation-home")).content.decode()


def macro_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Refund sent",
        "body": "Hi {{customer.first_name}}, your refund for #{{ticket.number}} is on its way. {{agent.first_name}}",
        "scope": "personal",
        "active": "on",
        **rows("act", [{"type": "add_tags", "value": "refund"}]),
    }
    data.update(overrides)
    return data


def test_an_agent_keeps_personal_macros_but_cannot_share_them(people, client):
    client.force_login(people.agent)
    assert client.post(reverse("automation-macro-new"), macro_post()).status_code == 302
    macro = Macro.objects.get()
    assert macro.owner == people.agent and macro.actions == [{"type": "add_tags", "value": ["refund"]}]
    shared = client.post(reverse("automation-macro-new"), macro_post(name="Shared", scope="shared"))
    assert shared.status_code == 400 and 'data-field="scope"' in shared.content.decode()
    assert Macro.objects.count() == 1


def test_someone_elses_personal_macro_is_not_found(people, client):
    mine = do_save_macro(actor=people.agent, name="Mine", body="Hello", personal=True)
    shared = do_save_macro(actor=people.lead, name="Shared", body="Hello all")
    client.force_login(people.agent2)
    assert client.get(reverse("automation-macro-edit", args=[mine.pk])).status_code == 404
    assert client.post(reverse("automation-macro-toggle", args=[mine.pk])).status_code == 404
    # agents use shared macros but only leads change them
    assert client.get(reverse("automation-macro-edit", args=[shared.pk])).status_code == 404
    listing = client.get(reverse("automation-macros")).content.decode()
    assert "Shared" in listing and "Mine" not in listing


def test_a_lead_makes_a_team_macro_and_placeholder_errors_are_shown(people, client):
    client.force_login(people.lead)
    bad = client.post(reverse("automation-macro-new"), macro_post(body="Hi {{customer.shoe_size}}"))
    assert bad.status_code == 400 and 'data-field="body"' in bad.content.decode()
    assert "customer.shoe_size" in bad.content.decode()
    ok = client.post(reverse("automation-macro-new"), macro_post(scope=f"team:{people.support.pk}"))
    assert ok.status_code == 302
    macro = Macro.objects.get()
    assert macro.team == people.support and macro.owner is None


def test_a_lead_sets_a_teams_assignment_and_an_agents_capacity_and_skills(people, client):
    client.force_login(people.lead)
    url = reverse("automation-assignment-team", args=[people.support.pk])
    assert client.post(url, {f"team-{people.support.pk}-strategy": "skills"}).status_code == 302
    assert AssignmentPolicy.objects.get(team=people.support).strategy == "skills"
    prefix = f"agent-{people.agent2.pk}"
    agent_url = reverse("automation-assignment-agent", args=[people.agent2.pk])
    saved = client.post(
        agent_url,
        {f"{prefix}-on_shift": "on", f"{prefix}-capacity": "5", f"{prefix}-skills": "Spanish, billing"},
    )
    assert saved.status_code == 302
    people.agent2.refresh_from_db()
    assert people.agent2.skills == ["billing", "spanish"]
    assert AgentAvailability.objects.get(user=people.agent2).capacity == 5
    ticket = make_ticket(people.customer, team=people.support, tags=["spanish"])
    assert ticket.assignee == people.agent2
    assert AuditEvent.objects.filter(kind="agent.skills", actor=people.lead).exists()
    page = client.get(reverse("automation-assignment")).content.decode()
    assert 'value="billing, spanish"' in page


def test_assignment_errors_are_400_with_the_field(people, client):
    client.force_login(people.lead)
    url = reverse("automation-assignment-team", args=[people.support.pk])
    bad = client.post(url, {f"team-{people.support.pk}-strategy": "coin_toss"})
    assert bad.status_code == 400 and 'data-field="strategy"' in bad.content.decode()
    prefix = f"agent-{people.agent.pk}"
    bad = client.post(
        reverse("automation-assignment-agent", args=[people.agent.pk]), {f"{prefix}-capacity": "-3"}
    )
    assert bad.status_code == 400 and 'data-field="capacity"' in bad.content.decode()
    assert not AgentAvailability.objects.filter(user=people.agent).exists()
    assert (
        client.post(reverse("automation-assignment-agent", args=[people.customer.pk + 999])).status_code
        == 404
    )
