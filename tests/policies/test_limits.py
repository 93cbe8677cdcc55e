"""The authority limits page: admins set each role's amount and count per period, leads read
them, and the limits decide which exceptions need an approval."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from anchordesk.accounts.choices import Role
from anchordesk.core.models import AuditEvent
from anchordesk.policies import actions, queries
from anchordesk.policies.choices import ExceptionState
from anchordesk.policies.models import AuthorityLimit, PolicyException

TODAY = date(2026, 3, 1)


def _form(**changes: str) -> dict[str, str]:
    form = {
        "agent-max_amount": "50",
        "agent-max_count": "5",
        "agent-period_days": "30",
        "lead-max_amount": "500",
        "lead-max_count": "50",
        "lead-period_days": "30",
        "admin-max_amount": "",
        "admin-max_count": "",
        "admin-period_days": "30",
    }
    form.update(changes)
    return form


@pytest.fixture
def denied(people, refunds, ticket):
    inputs = {"delivered_on": "2025-10-01", "reason": "late"}
    return actions.do_decide(ticket, refunds, inputs, actor=people.agent, today=TODAY)


def test_the_page_shows_the_default_limits_to_an_admin(people, client):
    client.force_login(people.admin)
    page = client.get("/policies/limits")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="agent-max_amount"' in html and 'value="50"' in html
    assert 'name="lead-max_count"' in html and 'value="500"' in html


def test_an_admin_lowers_the_agents_limit_and_the_next_exception_needs_a_lead(people, client, denied):
    client.force_login(people.admin)
    response = client.post("/policies/limits", _form(**{"agent-max_amount": "20", "agent-max_count": ""}))
    assert response.status_code == 302
    limit = queries.get_authority_limit(Role.AGENT)
    assert limit.max_amount == Decimal("20.00") and limit.max_count is None
    event = AuditEvent.objects.get(kind="policy.authority_limit_changed")
    assert event.actor == people.admin
    assert event.before["max_amount"] == "50" and event.after["max_amount"] == "20"
    exception = actions.do_request_exception(
        denied, actor=people.agent, reason_code="carrier_lost", amount="30"
    )
    assert exception.state == ExceptionState.PENDING
    assert "30.00 is above the limit of 20.00" in exception.approval.why


def test_saving_unchanged_limits_writes_no_audit_event(people, client):
    client.force_login(people.admin)
    assert client.post("/policies/limits", _form()).status_code == 302
    assert not AuditEvent.objects.filter(kind="policy.authority_limit_changed").exists()
    assert AuthorityLimit.objects.count() == 3


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("agent-max_amount", "-5", "greater than or equal to 0"),
        ("agent-max_amount", "ten", "Enter a number."),
        ("agent-max_amount", "1.234", "no more than 2 decimal places"),
        ("lead-max_count", "-1", "greater than or equal to 0"),
        ("agent-period_days", "0", "greater than or equal to 1"),
        ("agent-period_days", "", "This field is required."),
        ("admin-period_days", "400", "less than or equal to 366"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_field_and_nothing_is_saved(people, client, field, value, reason):
    client.force_login(people.admin)
    response = client.post("/policies/limits", _form(**{field: value}))
    assert response.status_code == 400
    assert reason in " ".join(response.context["form"].errors[field])
    assert f'data-field="{field}"' in response.content.decode()
    assert not AuthorityLimit.objects.exists()


def test_a_lead_may_not_be_limited_below_an_agent(people, client):
    client.force_login(people.admin)
    response = client.post("/policies/limits", _form(**{"lead-max_amount": "40"}))
    assert response.status_code == 400
    assert response.context["form"].errors["lead-max_amount"] == [
        "A lead's amount must be at least an agent's (50.00)."
    ]
    response = client.post("/policies/limits", _form(**{"admin-max_amount": "100"}))
    assert response.context["form"].errors["admin-max_amount"] == [
        "An admin's amount must be at least a lead's (500.00)."
    ]
    assert not AuthorityLimit.objects.exists()


def test_leads_read_the_limits_but_only_admins_change_them(people, client):
    client.force_login(people.lead)
    page = client.get("/policies/limits")
    assert page.status_code == 200
    assert "Only admins change these limits." in page.content.decode()
    assert 'name="agent-max_amount"' not in page.content.decode()
    assert client.post("/policies/limits", _form(**{"agent-max_amount": "999"})).status_code == 403
    assert not AuthorityLimit.objects.exists()


@pytest.mark.parametrize("who", ["agent", "collaborator"])
def test_agents_and_collaborators_get_403(people, client, who):
    client.force_login(getattr(people, who))
    assert client.get("/policies/limits").status_code == 403
    assert client.post("/policies/limits", _form()).status_code == 403
    assert not AuthorityLimit.objects.exists()


def test_the_count_limit_counts_over_the_roles_own_period(people, denied):
    actions.do_set_authority_limits([queries.RoleLimit(Role.AGENT, Decimal("50"), 1, 7)], actor=people.admin)
    first = actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost")
    assert first.state == ExceptionState.GRANTED
    # Ten days ago is outside a 7-day period, so the agent may grant another one.
    PolicyException.objects.filter(pk=first.pk).update(decided_at=timezone.now() - timedelta(days=10))
    second = actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost")
    assert second.state == ExceptionState.GRANTED
    third = actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost")
    assert third.state == ExceptionState.PENDING
    assert "1 exception already granted in the last 7 days; the limit is 1" in third.approval.why


def test_only_admins_may_set_limits_through_the_action(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.do_set_authority_limits([queries.RoleLimit(Role.AGENT, None, None, 30)], actor=people.lead)
