from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anchordesk.accounts.choices import Role
from anchordesk.core.models import AuditEvent
from anchordesk.policies import actions, queries
from anchordesk.policies.choices import ApprovalState, ExceptionState
from anchordesk.policies.models import ApprovalRequest, AuthorityLimit, Decision
from tests.policies.conftest import refunds_definition

TODAY = date(2026, 3, 1)


def _stored(decision: Decision) -> tuple:
    return (decision.outcome, decision.limit, decision.reasons, decision.result, decision.suggested_reply)


def test_an_agent_a_lead_and_an_admin_get_the_same_stored_answer(people, refunds, ticket):
    inputs = {"delivered_on": "2026-01-15", "reason": "late", "order_total": "80"}
    stored = [
        _stored(actions.do_decide(ticket, refunds, inputs, actor=who, today=TODAY))
        for who in (people.agent, people.lead, people.admin)
    ]
    assert stored[0] == stored[1] == stored[2]
    assert stored[0][0] == "allowed_up_to" and stored[0][1] == Decimal("50.00")


_values = {
    "delivered_on": st.one_of(
        st.none(), st.dates(date(2020, 1, 1), date(2027, 1, 1)).map(str), st.text(max_size=5)
    ),
    "reason": st.one_of(st.none(), st.sampled_from(["damaged", "late", "changed_mind", "LATE", "lost"])),
    "order_total": st.one_of(st.none(), st.decimals(-10, 10_000, places=2).map(str), st.text(max_size=4)),
    "vip": st.one_of(st.none(), st.sampled_from(["yes", "no", "true", "maybe"])),
    "refunds_this_year": st.one_of(st.none(), st.integers(-2, 20).map(str)),
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inputs=st.fixed_dictionaries(_values))
def test_any_inputs_get_one_answer_whoever_asks(people, refunds, ticket, inputs):
    given_inputs = {k: v for k, v in inputs.items() if v is not None}
    answers = {
        _stored(actions.do_decide(ticket, refunds, given_inputs, actor=who, today=TODAY))[:4].__repr__()
        for who in (people.agent, people.lead, people.admin)
    }
    assert len(answers) == 1


def test_a_missing_input_gives_needs_input_rather_than_a_guess(people, refunds, ticket):
    decision = actions.do_decide(
        ticket, refunds, {"delivered_on": "2026-02-01"}, actor=people.agent, today=TODAY
    )
    assert decision.outcome == "needs_input"
    assert decision.reasons == ["needs reason"]
    assert "I need reason" in decision.suggested_reply


def test_a_decision_is_audited_on_the_ticket_with_a_suggested_reply(people, refunds, ticket):
    inputs = {"delivered_on": "2025-10-01", "reason": "late"}
    decision = actions.do_decide(ticket, refunds, inputs, actor=people.agent, today=TODAY)
    assert decision.outcome == "not_allowed"
    assert decision.suggested_reply.startswith("Hi Carol,")
    assert "a replacement at no cost" in decision.suggested_reply
    event = AuditEvent.objects.get(kind="policy.decided")
    assert event.ticket == ticket and event.after["outcome"] == "not_allowed"


@pytest.fixture
def denied(people, refunds, ticket):
    inputs = {"delivered_on": "2025-10-01", "reason": "late"}
    return actions.do_decide(ticket, refunds, inputs, actor=people.agent, today=TODAY)


def test_a_reason_outside_the_customers_control_within_the_limit_is_granted_at_once(people, denied):
    exception = actions.do_request_exception(
        denied, actor=people.agent, reason_code="carrier_lost", amount="40"
    )
    assert exception.state == ExceptionState.GRANTED and exception.granted_by == people.agent
    assert not ApprovalRequest.objects.exists()
    assert AuditEvent.objects.get(kind="policy.exception_requested").ticket == denied.ticket


def test_an_amount_above_the_agents_limit_goes_to_a_lead(people, denied):
    exception = actions.do_request_exception(
        denied, actor=people.agent, reason_code="carrier_lost", amount="80"
    )
    assert exception.state == ExceptionState.PENDING
    assert exception.approval.needs_role == Role.LEAD
    assert "80.00 is above the limit of 50.00" in exception.approval.why


def test_a_reason_within_the_customers_control_needs_a_lead_whatever_the_amount(people, denied):
    exception = actions.do_request_exception(denied, actor=people.agent, reason_code="changed_mind")
    assert exception.state == ExceptionState.PENDING
    assert "not outside the customer's control" in exception.approval.why


def test_a_lead_may_grant_any_listed_reason_within_their_own_limit(people, denied):
    exception = actions.do_request_exception(
        denied, actor=people.lead, reason_code="changed_mind", amount="100"
    )
    assert exception.state == ExceptionState.GRANTED


def test_above_a_leads_limit_the_request_goes_to_an_admin(people, denied):
    exception = actions.do_request_exception(
        denied, actor=people.agent, reason_code="carrier_lost", amount="900"
    )
    approval = exception.approval
    assert approval.needs_role == Role.ADMIN
    assert not queries.approvals_for(people.lead).exists()
    with pytest.raises(ValidationError):
        actions.do_decide_approval(approval, actor=people.lead, approve=True)
    actions.do_decide_approval(approval, actor=people.admin, approve=True, note="Lost twice; make it right")
    exception.refresh_from_db()
    assert exception.state == ExceptionState.GRANTED and exception.granted_by == people.admin


def test_the_agents_count_limit_sends_the_sixth_exception_in_30_days_to_a_lead(people, denied):
    states = [
        actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost").state
        for _ in range(6)
    ]
    assert states == [ExceptionState.GRANTED] * 5 + [ExceptionState.PENDING]
    assert (
        "5 exceptions already granted in the last 30 days; the limit is 5"
        in ApprovalRequest.objects.get().why
    )


def test_authority_limits_can_be_changed_per_role(people, denied):
    AuthorityLimit.objects.create(role=Role.AGENT, max_amount=Decimal("10"), max_count=None)
    exception = actions.do_request_exception(
        denied, actor=people.agent, reason_code="carrier_lost", amount="20"
    )
    assert exception.state == ExceptionState.PENDING


def test_a_lead_approves_with_a_note_and_the_ticket_shows_it(people, denied):
    exception = actions.do_request_exception(
        denied, actor=people.agent, reason_code="changed_mind", amount="30"
    )
    actions.do_decide_approval(exception.approval, actor=people.lead, approve=True, note="Fine this once")
    exception.refresh_from_db()
    assert exception.state == ExceptionState.GRANTED and exception.granted_by == people.lead
    assert exception.approval.note == "Fine this once"
    event = AuditEvent.objects.get(kind="policy.exception_approved")
    assert event.ticket == denied.ticket and event.note == "Fine this once"


def test_declining_needs_a_note(people, denied):
    exception = actions.do_request_exception(denied, actor=people.agent, reason_code="changed_mind")
    with pytest.raises(ValidationError) as caught:
        actions.do_decide_approval(exception.approval, actor=people.lead, approve=False)
    assert "note" in caught.value.message_dict
    actions.do_decide_approval(
        exception.approval, actor=people.lead, approve=False, note="Outside the window"
    )
    exception.refresh_from_db()
    assert exception.state == ExceptionState.DECLINED and exception.approval.state == ApprovalState.DECLINED


def test_a_lead_over_their_own_count_passes_the_approval_to_an_admin(people, denied):
    AuthorityLimit.objects.create(role=Role.LEAD, max_amount=Decimal("500"), max_count=0)
    exception = actions.do_request_exception(denied, actor=people.agent, reason_code="changed_mind")
    approval = actions.do_decide_approval(exception.approval, actor=people.lead, approve=True)
    assert approval.state == ApprovalState.PENDING and approval.needs_role == Role.ADMIN
    exception.refresh_from_db()
    assert exception.state == ExceptionState.PENDING


def test_an_exception_needs_a_reason_from_the_policys_list(people, denied):
    with pytest.raises(ValidationError) as caught:
        actions.do_request_exception(denied, actor=people.agent, reason_code="felt_like_it")
    assert "carrier_lost, changed_mind" in caught.value.message_dict["reason_code"][0]


def test_a_bad_amount_is_refused_by_field(people, denied):
    for bad in ("12,50", "-3", "NaN"):
        with pytest.raises(ValidationError) as caught:
            actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost", amount=bad)
        assert "amount" in caught.value.message_dict


def test_an_allowed_request_needs_no_exception(people, refunds, ticket):
    allowed = actions.do_decide(
        ticket, refunds, {"delivered_on": "2026-02-20", "reason": "late"}, actor=people.agent, today=TODAY
    )
    with pytest.raises(ValidationError) as caught:
        actions.do_request_exception(allowed, actor=people.agent, reason_code="carrier_lost")
    assert "decision" in caught.value.message_dict


def test_the_exception_report_counts_per_policy_reason_and_agent(people, denied):
    actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost", amount="20")
    actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost", amount="10")
    actions.do_request_exception(denied, actor=people.agent2, reason_code="changed_mind")
    rows = {(r.policy, r.reason_code, r.agent): r for r in queries.exception_report()}
    alice = rows[("Refunds", "carrier_lost", "Alice")]
    assert (alice.granted, alice.pending, alice.total_amount) == (2, 0, Decimal("30.00"))
    assert rows[("Refunds", "changed_mind", "Bob")].pending == 1


def test_a_decision_by_an_agent_who_has_not_acknowledged_the_change_is_marked(people, refunds, ticket):
    draft = actions.do_save_draft(
        refunds, actions.PolicyDraft(definition=refunds_definition(alternatives=[])), actor=people.lead
    )
    announcement = actions.do_publish_version(draft, actor=people.lead)
    refunds.refresh_from_db()
    inputs = {"delivered_on": "2026-02-20", "reason": "late"}
    assert actions.do_decide(ticket, refunds, inputs, actor=people.agent, today=TODAY).unacknowledged
    assert not actions.do_decide(ticket, refunds, inputs, actor=people.lead, today=TODAY).unacknowledged
    assert people.agent in queries.not_acknowledged(announcement)
    actions.do_acknowledge(announcement, actor=people.agent)
    actions.do_acknowledge(announcement, actor=people.agent)  # twice is harmless
    assert people.agent not in queries.not_acknowledged(announcement)
    assert people.collaborator not in queries.not_acknowledged(announcement)
    assert not actions.do_decide(ticket, refunds, inputs, actor=people.agent, today=TODAY).unacknowledged


def test_exceptions_granted_over_30_days_ago_do_not_count(people, denied):
    for _ in range(5):
        actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost")
    from anchordesk.policies.models import PolicyException

    PolicyException.objects.update(decided_at=denied.created_at - timedelta(days=31))
    exception = actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost")
    assert exception.state == ExceptionState.GRANTED


def test_native_dates_and_amounts_are_stored_as_text_and_decide_the_same(people, refunds, ticket):
    native = actions.do_decide(
        ticket,
        refunds,
        {"delivered_on": date(2026, 1, 15), "reason": "late", "order_total": Decimal("80.00"), "vip": True},
        actor=people.agent,
        today=TODAY,
    )
    native.refresh_from_db()
    assert native.inputs == {
        "delivered_on": "2026-01-15",
        "reason": "late",
        "order_total": "80.00",
        "vip": True,
    }
    text = actions.do_decide(
        ticket,
        refunds,
        {"delivered_on": "2026-01-15", "reason": "late", "order_total": "80.00", "vip": "yes"},
        actor=people.agent,
        today=TODAY,
    )
    assert (native.outcome, native.limit, native.reasons) == (text.outcome, text.limit, text.reasons)


def test_a_lead_does_not_decide_their_own_request(people, denied):
    AuthorityLimit.objects.create(role=Role.LEAD, max_amount=Decimal("500"), max_count=0)
    exception = actions.do_request_exception(
        denied, actor=people.lead, reason_code="carrier_lost", amount="20"
    )
    assert exception.state == ExceptionState.PENDING and exception.approval.needs_role == Role.LEAD
    with pytest.raises(ValidationError) as caught:
        actions.do_decide_approval(exception.approval, actor=people.lead, approve=True)
    assert caught.value.message_dict == {"approval": ["Someone else decides on your own request."]}
    actions.do_decide_approval(exception.approval, actor=people.admin, approve=True)
    exception.refresh_from_db()
    assert exception.state == ExceptionState.GRANTED and exception.granted_by == people.admin
