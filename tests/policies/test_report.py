"""The exceptions report: per policy, reason and agent, narrowed to a policy and a period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from anchordesk.policies import actions
from anchordesk.policies.models import Policy, PolicyException
from tests.api.conftest import ApiClient, field_errors, token_for
from tests.policies.conftest import refunds_definition

TODAY = date(2026, 3, 1)


@pytest.fixture
def history(people, refunds, ticket):
    other = actions.do_create_policy(
        actions.PolicyDraft(definition=refunds_definition(name="Replacements")), actor=people.admin
    )
    actions.do_publish_version(other, actor=people.admin)
    replacements = Policy.objects.get(pk=other.policy_id)
    denied = {"delivered_on": "2025-10-01", "reason": "late"}
    for policy, who in ((refunds, people.agent), (refunds, people.agent2), (replacements, people.agent)):
        decision = actions.do_decide(ticket, policy, denied, actor=who, today=TODAY)
        actions.do_request_exception(decision, actor=who, reason_code="carrier_lost", amount="10")
    old = PolicyException.objects.get(requested_by=people.agent2)
    PolicyException.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=100))
    return refunds, replacements


def test_the_report_counts_per_policy_reason_and_agent(people, client, history):
    client.force_login(people.lead)
    page = client.get("/policies/exceptions/")
    rows = [(r.policy, r.agent, r.granted) for r in page.context["rows"]]
    assert rows == [("Refunds", "Alice", 1), ("Refunds", "Bob", 1), ("Replacements", "Alice", 1)]


def test_the_report_narrows_to_a_policy_and_a_period(people, client, history):
    refunds, _ = history
    client.force_login(people.lead)
    page = client.get("/policies/exceptions/", {"policy": refunds.pk, "days": 90})
    assert [(r.policy, r.agent) for r in page.context["rows"]] == [("Refunds", "Alice")]
    assert "selected>Last 90 days" in page.content.decode()


@pytest.mark.parametrize(
    ("params", "field"), [({"days": "0"}, "days"), ({"days": "x"}, "days"), ({"policy": "999"}, "policy")]
)
def test_a_bad_filter_is_a_400_naming_it(people, client, history, params, field):
    client.force_login(people.lead)
    response = client.get("/policies/exceptions/", params)
    assert response.status_code == 400 and f"{field}:" in response.content.decode()


def test_the_api_report_takes_the_same_filters(people, history):
    refunds, _ = history
    lead = ApiClient(Client(), token_for(people.lead))
    rows = lead.get("/policy-exceptions/report", {"policy_id": refunds.pk, "days": 90}).json()
    assert [(r["policy"], r["agent"]) for r in rows] == [("Refunds", "Alice")]
    bad = lead.get("/policy-exceptions/report", {"days": 0})
    assert bad.status_code == 422 and "days" in field_errors(bad)
    missing = lead.get("/policy-exceptions/report", {"policy_id": 999})
    assert missing.status_code == 422 and "policy_id" in field_errors(missing)
