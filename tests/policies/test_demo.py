"""`anchordesk demo` shows the policies at work: published policies, a change not everyone has
read, decisions on tickets, an exception granted and one waiting for the lead."""

from __future__ import annotations

from anchordesk.demo.loader import load_demo
from anchordesk.policies import queries
from anchordesk.policies.choices import ExceptionState
from anchordesk.policies.models import Decision, Policy, PolicyException


def test_the_demo_has_policies_decisions_and_an_approval_waiting_for_the_lead(db):
    cast = load_demo(tickets=30, seed=7)
    assert sorted(Policy.objects.values_list("name", flat=True)) == [
        "Late fee waiver",
        "Refunds",
        "Replacements for damaged items",
    ]
    refunds = Policy.objects.get(name="Refunds")
    assert refunds.current_version.number == 2
    unread = [u.email for u in queries.not_acknowledged(queries.current_announcement(refunds))]
    assert "priya.shah@demo.anchordesk.test" in unread and "agent@demo.anchordesk.test" not in unread
    assert Decision.objects.count() == 4
    states = sorted(PolicyException.objects.values_list("state", flat=True))
    assert states == [ExceptionState.GRANTED, ExceptionState.PENDING]
    assert queries.pending_approval_count(cast.lead) == 1
