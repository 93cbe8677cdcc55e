"""The suggested wording of a decision states the outcome and the reason plainly: the reply
coach (anchordesk.signals.review_reply) must never flag it as an excuse or a non-apology."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anchordesk.policies import engine
from anchordesk.signals.coach import review_reply
from tests.policies.conftest import REFUNDS

TODAY = date(2026, 3, 1)
POLICY = engine.compile_policy(REFUNDS)


def _checked(text: str) -> None:
    for upset in (False, True):
        review = review_reply(text, customer_upset=upset)
        assert review.excuse is False, text
        assert review.apology != "non_apology", text
        kinds = {finding.kind for finding in review.findings}
        assert not kinds & {"excuse", "non_apology"}, (kinds, text)


@pytest.mark.parametrize(
    ("inputs", "outcome"),
    [
        ({"delivered_on": TODAY - timedelta(days=5), "reason": "late"}, "allowed"),
        ({"delivered_on": TODAY - timedelta(days=45), "reason": "damaged"}, "allowed_up_to"),
        ({"delivered_on": TODAY - timedelta(days=200), "reason": "late"}, "not_allowed"),
        ({"reason": "late"}, "not_allowed"),
        ({"delivered_on": TODAY - timedelta(days=5)}, "needs_input"),
    ],
)
def test_the_suggested_wording_is_not_flagged_as_an_excuse(inputs: dict[str, Any], outcome: str) -> None:
    decision = engine.evaluate(POLICY, inputs, today=TODAY)
    assert decision.outcome == outcome
    text = engine.reply_fragment("Refunds", decision, customer_name="Carol")
    _checked(text)


def test_a_review_decision_says_who_decides_without_an_excuse() -> None:
    policy = engine.compile_policy({**REFUNDS, "rules": 'review "A lead checks every refund"'})
    decision = engine.evaluate(policy, {"reason": "late"}, today=TODAY)
    assert decision.outcome == "needs_review"
    text = engine.reply_fragment("Refunds", decision)
    assert "needs a decision from my lead" in text
    _checked(text)


@settings(max_examples=80, deadline=None)
@given(
    delivered=st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2026, 3, 1))),
    reason=st.one_of(st.none(), st.sampled_from(["damaged", "late", "changed_mind"])),
    total=st.one_of(st.none(), st.decimals(0, 5000, places=2)),
    name=st.one_of(st.none(), st.sampled_from(["Carol", "Dr. Ng", "José"])),
)
def test_no_decision_of_the_policy_reads_as_an_excuse(delivered, reason, total, name) -> None:
    inputs = {"delivered_on": delivered, "reason": reason, "order_total": total}
    decision = engine.evaluate(POLICY, inputs, today=TODAY)
    _checked(engine.reply_fragment("Refunds", decision, customer_name=name))
