"""The pure rule evaluator, without Django."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anchordesk.automation.conditions import FIELDS, OPERATORS, Change, RuleError, describe, matches, validate
from anchordesk.automation.placeholders import render, unknown_placeholders

FACTS = {
    "status": "open",
    "priority": 4,
    "tags": ["vip", "billing"],
    "subject": "Refund for order 12",
    "channel": "email",
}


def test_all_conditions_must_hold():
    rule = {
        "all": [
            {"field": "priority", "op": "is", "value": 4},
            {"field": "tags", "op": "contains", "value": "VIP"},
        ]
    }
    assert matches(rule, FACTS)
    assert not matches(rule, {**FACTS, "priority": 2})


def test_any_needs_one_of_its_conditions():
    rule = {
        "any": [
            {"field": "channel", "op": "is", "value": "web"},
            {"field": "subject", "op": "contains", "value": "refund"},
        ]
    }
    assert matches(rule, FACTS)
    assert not matches(rule, {**FACTS, "subject": "Password reset"})


def test_changed_to_only_matches_the_change_itself():
    rule = {"all": [{"field": "status", "op": "changed_to", "value": "solved"}]}
    assert matches(rule, FACTS, Change("status", "open", "solved"))
    assert not matches(rule, FACTS, Change("priority", 2, 3))
    assert not matches(rule, FACTS, None)


def test_missing_facts_never_match():
    assert not matches({"all": [{"field": "temperature", "op": "gt", "value": 50}]}, FACTS)
    assert matches({"all": [{"field": "temperature", "op": "gt", "value": 50}]}, {"temperature": 80})


def test_malformed_rules_are_refused_with_the_place_and_reason():
    with pytest.raises(RuleError, match="all #2: unknown field 'colour'"):
        validate(
            {
                "all": [
                    {"field": "status", "op": "is", "value": "open"},
                    {"field": "colour", "op": "is", "value": 1},
                ]
            }
        )
    with pytest.raises(RuleError, match="needs a list"):
        validate({"any": [{"field": "status", "op": "in", "value": "open"}]})
    with pytest.raises(RuleError, match="not a number"):
        validate({"all": [{"field": "status", "op": "gt", "value": 3}]})


def test_rules_are_described_in_plain_words():
    text = describe(
        {
            "all": [{"field": "priority", "op": "is", "value": 4}],
            "any": [{"field": "tags", "op": "contains", "value": "vip"}],
        }
    )
    assert text == "priority is 4 and (tags contains vip)"


@given(
    field=st.sampled_from(sorted(FIELDS)),
    op=st.sampled_from(sorted(OPERATORS)),
    value=st.one_of(
        st.none(), st.integers(), st.text(max_size=10), st.lists(st.text(max_size=5), max_size=3)
    ),
    fact=st.one_of(
        st.none(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=10),
        st.lists(st.text(max_size=5)),
    ),
)
def test_evaluation_never_raises_and_is_deterministic(field, op, value, fact):
    rule = {"all": [{"field": field, "op": op, "value": value}]}
    first = matches(rule, {field: fact}, Change(field, fact, value))
    assert first == matches(rule, {field: fact}, Change(field, fact, value))


def test_macro_placeholders_fill_known_names_and_leave_the_rest():
    text = "Hi {{ customer.first_name }}, about ticket #{{ticket.number}} — {{agent.name}} {{ secret.key }}"
    assert render(text, {"customer.first_name": "Dana", "ticket.number": "42", "agent.name": "Alice"}) == (
        "Hi Dana, about ticket #42 — Alice {{ secret.key }}"
    )
    assert unknown_placeholders(text) == ["secret.key"]
