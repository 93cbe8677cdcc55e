"""The decision form is prefilled from what the ticket and its customer already tell, so a
"once per 12 months" policy sees the customer's history without the agent looking it up."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anchordesk.policies import actions
from anchordesk.policies.models import Policy
from tests.factories import make_ticket

FEE_WAIVER = {
    "name": "Late fee waiver",
    "inputs": [
        {"name": "customer_tier", "type": "choice", "options": ["standard", "premium", "enterprise"]},
        {"name": "customer_since", "type": "date", "required": False},
        {"name": "allowed_last_12_months", "label": "Waivers in the last 12 months", "type": "count"},
        {"name": "exceptions_last_12_months", "type": "count", "required": False},
    ],
    "rules": 'deny "One waiver per 12 months" when allowed_last_12_months >= 1\nallow',
    "exception_reasons": [{"code": "our_outage", "label": "Our outage", "outside_customer_control": True}],
}


@pytest.fixture
def waiver(people) -> Policy:
    version = actions.do_create_policy(actions.PolicyDraft(definition=FEE_WAIVER), actor=people.admin)
    actions.do_publish_version(version, actor=people.admin)
    return Policy.objects.get(pk=version.policy_id)


def test_the_form_is_prefilled_with_the_customers_tier_age_and_history(people, client, waiver, ticket):
    client.force_login(people.agent)
    page = client.get(f"/policies/tickets/{ticket.pk}/decide?policy={waiver.pk}")
    assert page.context["form"].initial == {
        "customer_tier": "standard",
        "customer_since": timezone.localdate(people.customer.created_at).isoformat(),
        "allowed_last_12_months": 0,
        "exceptions_last_12_months": 0,
    }
    decided = client.post(
        f"/policies/tickets/{ticket.pk}/decide", {"policy": waiver.pk, **page.context["form"].initial}
    )
    assert decided.status_code == 302

    later = make_ticket(people.customer, subject="Another late fee", team=people.support)
    page = client.get(f"/policies/tickets/{later.pk}/decide?policy={waiver.pk}")
    assert page.context["form"].initial["allowed_last_12_months"] == 1
    client.post(f"/policies/tickets/{later.pk}/decide", {"policy": waiver.pk, **page.context["form"].initial})
    assert later.policy_decisions.get().reasons[0] == "One waiver per 12 months"


def test_another_customers_history_does_not_count(people, client, waiver, ticket):
    actions.do_decide(
        ticket, waiver, {"customer_tier": "standard", "allowed_last_12_months": 0}, actor=people.agent
    )
    other = make_ticket(people.other_customer, team=people.support)
    client.force_login(people.agent)
    page = client.get(f"/policies/tickets/{other.pk}/decide?policy={waiver.pk}")
    assert page.context["form"].initial["allowed_last_12_months"] == 0


def test_a_ticket_field_of_the_same_name_wins(people, client, waiver, ticket):
    ticket.fields = {"customer_tier": "enterprise"}
    ticket.save(update_fields=["fields"])
    client.force_login(people.agent)
    page = client.get(f"/policies/tickets/{ticket.pk}/decide?policy={waiver.pk}")
    assert page.context["form"].initial["customer_tier"] == "enterprise"
