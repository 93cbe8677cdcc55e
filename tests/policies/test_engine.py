"""The policy engine: the rule language, the evaluator, diffs and reply fragments, with
property tests that evaluation is deterministic and that nothing but PolicySyntaxError
ever escapes, whatever an admin types or a request carries. No database."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anchordesk.policies.engine import (
    CompiledPolicy,
    Outcome,
    PolicySyntaxError,
    compile_policy,
    diff_policies,
    evaluate,
    needs_approval,
    reply_fragment,
)

TODAY = date(2026, 3, 1)

REFUND_RULES = """\
# Refunds within 30 days of delivery
deny "Not delivered yet" when delivered_on is missing
allow when days_since(delivered_on) <= 30
allow up to 50.00 when days_since(delivered_on) <= 60 and reason in ("damaged", "late")
deny "More than 60 days since delivery"
"""

INPUTS: list[dict[str, Any]] = [
    {"name": "delivered_on", "label": "Delivered on", "type": "date", "required": False},
    {"name": "reason", "label": "Reason", "type": "choice", "options": ["damaged", "late", "changed_mind"]},
    {"name": "order_total", "label": "Order total", "type": "amount", "required": False},
    {"name": "refunds_this_year", "label": "Refunds this year", "type": "count", "required": False},
    {"name": "vip", "label": "VIP customer", "type": "boolean", "required": False},
    {"name": "note", "label": "Note", "type": "text", "required": False},
]


def refunds(rules: str | list[str] = REFUND_RULES, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Refunds",
        "description": "Refunds for delivered orders.",
        "inputs": INPUTS,
        "rules": rules,
        "exception_reasons": [
            {"code": "carrier_lost", "label": "Carrier lost the parcel", "outside_customer_control": True},
            {
                "code": "changed_mind",
                "label": "Customer changed their mind",
                "outside_customer_control": False,
            },
        ],
        "alternatives": ["a replacement at no cost", "store credit for the full amount"],
    } | extra


def delivered(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


def decide(inputs: dict[str, Any], rules: str = REFUND_RULES) -> Any:
    return evaluate(compile_policy(refunds(rules)), inputs, today=TODAY)


def syntax_error(rules: str) -> PolicySyntaxError:
    with pytest.raises(PolicySyntaxError) as caught:
        compile_policy(refunds(rules))
    return caught.value


# --- the language ----------------------------------------------------------------------


def test_refund_policy_compiles_with_one_rule_per_line_and_comments_skipped() -> None:
    policy = compile_policy(refunds())
    assert [rule.line for rule in policy.rules] == [2, 3, 4, 5]
    assert [rule.kind for rule in policy.rules] == ["deny", "allow", "allow_up_to", "deny"]
    assert policy.rules[0].reason == "Not delivered yet"
    assert policy.rules[3].condition is None
    assert policy.warnings == ()


def test_compile_accepts_the_json_text_of_a_definition() -> None:
    policy = compile_policy(json.dumps(refunds()))
    assert policy.name == "Refunds"
    assert compile_policy(policy) is policy


def test_rules_may_be_given_as_a_list_of_lines() -> None:
    policy = compile_policy(refunds(rules=["allow when vip", 'deny "Not a VIP"']))
    assert [rule.line for rule in policy.rules] == [1, 2]


def test_an_indented_line_continues_the_rule_above() -> None:
    rules = 'allow up to 50.00 "Late or damaged"\n    when reason in ("damaged", "late")\n  and vip\ndeny'
    policy = compile_policy(refunds(rules))
    assert len(policy.rules) == 2
    assert (
        policy.rules[0].text
        == 'allow up to 50.00 "Late or damaged" when reason in ("damaged", "late") and vip'
    )
    assert decide({"reason": "late", "vip": True}, rules).outcome == Outcome.ALLOWED_UP_TO


def test_keywords_are_case_insensitive_and_canonical_text_is_lowercase() -> None:
    policy = compile_policy(refunds("ALLOW When vip AND NOT (refunds_this_year >= 3)\nDeny"))
    assert policy.rules[0].text == "allow when vip and not (refunds_this_year >= 3)"


@pytest.mark.parametrize(
    ("condition", "inputs", "held"),
    [
        ("refunds_this_year < 3", {"refunds_this_year": 2}, True),
        ("refunds_this_year < 3", {"refunds_this_year": 3}, False),
        ("refunds_this_year <= 3", {"refunds_this_year": 3}, True),
        ("refunds_this_year > 3", {"refunds_this_year": 4}, True),
        ("refunds_this_year >= 4", {"refunds_this_year": 3}, False),
        ("refunds_this_year = 3", {"refunds_this_year": 3}, True),
        ("refunds_this_year == 3", {"refunds_this_year": 3}, True),
        ("refunds_this_year != 3", {"refunds_this_year": 3}, False),
        ("refunds_this_year <> 3", {"refunds_this_year": 4}, True),
        ("order_total * 2 - 10 > 90", {"order_total": "50.01"}, True),
        ("order_total * 2 - 10 > 90", {"order_total": "50.00"}, False),
        ("order_total / 4 = 12.5", {"order_total": "50"}, True),
        ("-order_total < -10", {"order_total": "10.01"}, True),
        ("(1 + 2) * 3 = 9", {}, True),
        ("1 + 2 * 3 = 7", {}, True),
        ("order_total = 50", {"order_total": "50.00"}, True),
        ('reason in ("damaged", "late")', {"reason": "late"}, True),
        ('reason not in ("damaged", "late")', {"reason": "late"}, False),
        ('reason = "changed_mind"', {"reason": "changed_mind"}, True),
        ('note = "gift"', {"note": "gift"}, True),
        ("vip", {"vip": True}, True),
        ("not vip", {"vip": True}, False),
        ("vip = false", {"vip": False}, True),
        ("vip or refunds_this_year = 0", {"vip": False, "refunds_this_year": 0}, True),
        ("vip and refunds_this_year = 0", {"vip": True, "refunds_this_year": 1}, False),
        ("not (vip and refunds_this_year = 0)", {"vip": True, "refunds_this_year": 1}, True),
        ("delivered_on is missing", {}, True),
        ("delivered_on is not missing", {"delivered_on": "2026-01-01"}, True),
        ("days_since(delivered_on) = 59", {"delivered_on": "2026-01-01"}, True),
        ("days_until(delivered_on) = 1", {"delivered_on": "2026-03-02"}, True),
        ('days_between(delivered_on, date("2026-01-31")) = 30', {"delivered_on": "2026-01-01"}, True),
        ("today() - delivered_on = 59", {"delivered_on": "2026-01-01"}, True),
        ("delivered_on + 30 < today()", {"delivered_on": "2026-01-01"}, True),
        ('delivered_on >= date("2026-01-01")', {"delivered_on": "2026-01-01"}, True),
        ('delivered_on < date("2026-01-01")', {"delivered_on": "2026-01-01"}, False),
        ("today() = today()", {}, True),
        ("min(order_total, 50) = 20", {"order_total": "20"}, True),
        ("max(order_total, 50, 10) = 50", {"order_total": "20"}, True),
        ("abs(0 - order_total) = 20", {"order_total": "20"}, True),
        ("true", {}, True),
        ("false", {}, False),
        ("'single quoted' = \"single quoted\"", {}, True),
        ('"say \\"hi\\"" != "say hi"', {}, True),
    ],
)
def test_each_construct_of_the_language(condition: str, inputs: dict[str, Any], held: bool) -> None:
    decision = decide({"reason": "late", **inputs}, f"allow when {condition}\ndeny")
    assert decision.outcome == (Outcome.ALLOWED if held else Outcome.NOT_ALLOWED)
    assert decision.matched_rule == (1 if held else 2)


def test_allow_up_to_takes_an_expression_for_the_limit() -> None:
    decision = decide(
        {"reason": "late", "order_total": "80.00"}, "allow up to min(order_total * 0.5, 30) when true"
    )
    assert decision.outcome == Outcome.ALLOWED_UP_TO
    assert decision.limit == Decimal("30")
    decision = decide({"reason": "late", "order_total": "40.00"}, "allow up to min(order_total * 0.5, 30)")
    assert decision.limit == Decimal("20.000")
    assert "the limit is the smaller of order total * 0.5 and 30: 20.00" in decision.reasons


@pytest.mark.parametrize(
    ("rules", "line", "column", "reason"),
    [
        (
            "allow when delivred_on is missing",
            1,
            12,
            "unknown input 'delivred_on' (did you mean 'delivered_on'?)",
        ),
        ("allow\nallow when days_sinse(delivered_on) < 3", 2, 12, "unknown function 'days_sinse'"),
        ("allow when delivered_on > 50.00", 1, 25, "cannot compare a date with an amount"),
        ('allow when order_total = "fifty"', 1, 24, "cannot compare an amount with text"),
        ("allow when (vip and (refunds_this_year < 3)", 1, 44, "missing ')' to close the '(' at column 12"),
        ("allow when vip)", 1, 15, "')' has no matching '('"),
        ("allow when days_since(delivered_on", 1, 35, "missing ')' to close the '(' at column 22"),
        ('allow when reason in ("damaged", "lost")', 1, 34, '"lost" is not an option of reason'),
        ('allow when reason in ("damaged" "late")', 1, 33, "expected ',' or ')' in the list"),
        ("allow when reason in ()", 1, 23, "the list after 'in' is empty"),
        ("allow when reason in damaged", 1, 22, "'in' needs a list in parentheses"),
        ("grant when vip", 1, 1, "a rule starts with 'allow', 'deny' or 'review', found 'grant'"),
        ("allow up to when vip", 1, 13, "'allow up to' needs an amount"),
        ("allow up to delivered_on", 1, 13, "'allow up to' needs an amount, not a date"),
        ("allow up 50", 1, 10, "expected 'to' after 'allow up'"),
        ("allow when", 1, 11, "'when' needs a condition after it"),
        ("allow when order_total", 1, 12, "the condition after 'when' must be true or false, not an amount"),
        ('allow when vip "VIPs get a refund"', 1, 16, "put the reason in quotes right after the outcome"),
        ('deny "" when vip', 1, 6, "the reason in quotes is empty"),
        ("allow when 1 < 2 < 3", 1, 18, "comparisons cannot be chained"),
        ("allow when vip is true", 1, 19, "after 'is' write 'missing' or 'not missing'"),
        ("allow when today() is missing", 1, 20, "'is missing' applies to an input name"),
        (
            "allow when vip and order_total",
            1,
            16,
            "'and' joins conditions that are true or false, not an amount",
        ),
        ("allow when not order_total", 1, 12, "'not' applies to a condition, not an amount"),
        ('allow when reason < "late"', 1, 19, "'<' compares numbers or dates; text can only use = or !="),
        ("allow when delivered_on + delivered_on > today()", 1, 25, "cannot use '+' on a date and a date"),
        ("allow when -vip", 1, 12, "'-' applies to a number, not a yes/no value"),
        ("allow when days_since() > 3", 1, 12, "days_since() takes one value, got 0"),
        ("allow when days_since(order_total) > 3", 1, 23, "days_since() takes a date, not an amount"),
        ("allow when min(order_total) > 3", 1, 12, "min() needs at least two numbers"),
        ("allow when max(vip, 1) > 3", 1, 16, "max() takes numbers, not a yes/no value"),
        ('allow when delivered_on > date("2026-02-30")', 1, 32, '"2026-02-30" is not a date'),
        ("allow when delivered_on > date(note)", 1, 32, "date() takes a date in quotes"),
        ('deny "Not delivered yet\nallow', 1, 6, 'the text starting here is not closed with "'),
        ("allow when order_total > 10 %", 1, 29, "unexpected character '%'"),
        ("deny \u201cNo\u201d", 1, 6, 'use straight quotes (") instead of \u201c'),
        ("deny 'Nope'\nallow when vip", 2, 1, "this rule can never apply: the rule on line 1 has no 'when'"),
        ('allow when reason = "late" and', 1, 31, "expected a value, found the end of the rule"),
        ("allow when vip deny", 1, 16, "expected the end of the rule, found 'deny'"),
        ("allow when missing", 1, 12, "expected a value, found 'missing'"),
        ("allow when " + "(" * 40 + "vip" + ")" * 40, 1, None, "nested too deeply"),
        ("allow when " + " and ".join(["vip"] * 200), 1, 1, "this rule is too long"),
    ],
)
def test_malformed_rules_are_refused_with_line_column_and_reason(
    rules: str, line: int, column: int | None, reason: str
) -> None:
    error = syntax_error(rules)
    assert reason in error.reason
    assert error.line == line
    if column is not None:
        assert error.column == column
    assert str(error).startswith(f"line {line}, column {error.column}: ")


def test_unknown_input_lists_the_inputs_when_nothing_is_close() -> None:
    error = syntax_error("allow when zzz")
    assert "inputs: delivered_on, note, order_total, reason, refunds_this_year, vip" in error.reason


@pytest.mark.parametrize(
    ("definition", "field", "reason"),
    [
        ({"rules": "deny", "inputs": "x"}, "inputs", "must be a list"),
        (
            {"rules": "deny", "inputs": [{"name": "a", "type": "money"}]},
            "inputs[0].type",
            "type must be one of",
        ),
        (
            {"rules": "deny", "inputs": [{"name": "when", "type": "text"}]},
            "inputs[0]",
            "a word of the rule language",
        ),
        (
            {"rules": "deny", "inputs": [{"name": "a b", "type": "text"}]},
            "inputs[0].name",
            "not a valid name",
        ),
        (
            {"rules": "deny", "inputs": [{"name": "a", "type": "text"}, {"name": "a", "type": "date"}]},
            "inputs[1]",
            "declared twice",
        ),
        (
            {"rules": "deny", "inputs": [{"name": "a", "type": "choice"}]},
            "inputs[0].options",
            "must be a list",
        ),
        (
            {"rules": "deny", "inputs": [{"name": "a", "type": "choice", "options": ["x", "x"]}]},
            "inputs[0].options",
            "distinct options",
        ),
        (
            {"rules": "deny", "inputs": [{"name": "a", "type": "text", "options": []}]},
            "inputs[0].options",
            "only a choice",
        ),
        (
            {"rules": "deny", "inputs": [{"name": "a", "type": "text", "required": "yes"}]},
            "inputs[0].required",
            "true",
        ),
        (
            {"rules": "deny", "inputs": [{"name": "a", "type": "text", "hint": 1}]},
            "inputs[0]",
            "unknown key 'hint'",
        ),
        ({"rules": "deny", "exception_reason": []}, "definition", "unknown key 'exception_reason'"),
        ({"rules": 5}, "rules", "rules must be text"),
        (
            {"rules": "deny", "exception_reasons": [{"code": "x"}]},
            "exception_reasons[0].label",
            "non-empty text",
        ),
        ({"rules": "deny", "alternatives": [""]}, "alternatives[0]", "non-empty text"),
        ([1, 2], "definition", "must be an object"),
    ],
)
def test_malformed_definitions_are_refused_naming_the_field(definition: Any, field: str, reason: str) -> None:
    with pytest.raises(PolicySyntaxError) as caught:
        compile_policy(definition)
    assert caught.value.field == field
    assert reason in caught.value.reason
    assert caught.value.line is None


def test_invalid_json_text_is_refused_with_its_position() -> None:
    with pytest.raises(PolicySyntaxError) as caught:
        compile_policy('{"rules": "deny",\n "inputs": [}')
    assert caught.value.field == "definition"
    assert "JSON line 2, column 13" in caught.value.reason


def test_a_policy_without_a_catch_all_compiles_with_a_warning_and_unmatched_requests_need_review() -> None:
    rules = "allow when days_since(delivered_on) <= 30"
    assert "a request no rule matches needs review" in compile_policy(refunds(rules)).warnings[0]
    decision = decide({"reason": "late", "delivered_on": delivered(31)}, rules)
    assert decision.outcome == Outcome.NEEDS_REVIEW
    assert decision.matched_rule is None
    assert decision.reasons == [
        "no rule in this policy covers this request",
        "more than 30 days since delivered on (31 days)",
    ]


def test_is_missing_on_a_required_input_is_warned_about() -> None:
    policy = compile_policy(refunds("deny when reason is missing\nallow"))
    assert policy.warnings == (
        "line 1: reason is required, so 'is missing' never applies to it "
        "(a request without it needs input first)",
    )


def test_describe_rules_reads_each_rule_in_plain_words() -> None:
    assert compile_policy(refunds()).describe_rules() == [
        'Not allowed when delivered on is not given ("Not delivered yet")',
        "Allowed when 30 days or fewer since delivered on",
        "Allowed up to 50.00 when 60 days or fewer since delivered on and reason is one of damaged, late",
        'Otherwise: not allowed ("More than 60 days since delivery")',
    ]


def test_to_dict_round_trips_through_compile() -> None:
    policy = compile_policy(refunds())
    assert compile_policy(policy.to_dict()) == policy


# --- the evaluator ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "outcome", "limit", "line"),
    [
        (0, Outcome.ALLOWED, None, 3),
        (30, Outcome.ALLOWED, None, 3),
        (31, Outcome.ALLOWED_UP_TO, Decimal("50.00"), 4),
        (60, Outcome.ALLOWED_UP_TO, Decimal("50.00"), 4),
        (61, Outcome.NOT_ALLOWED, None, 5),
        (-3, Outcome.ALLOWED, None, 3),  # delivery dated in the future still counts as recent
    ],
)
def test_refund_window_boundaries(days: int, outcome: Outcome, limit: Decimal | None, line: int) -> None:
    decision = decide({"delivered_on": delivered(days), "reason": "damaged"})
    assert (decision.outcome, decision.limit, decision.matched_rule) == (outcome, limit, line)


def test_explanations_give_the_rule_and_the_actual_values() -> None:
    assert decide({"delivered_on": delivered(12), "reason": "late"}).reasons == [
        "30 days or fewer since delivered on (12 days)"
    ]
    assert decide({"delivered_on": delivered(1), "reason": "late"}).reasons == [
        "30 days or fewer since delivered on (1 day)"
    ]
    assert decide({"delivered_on": delivered(45), "reason": "late"}).reasons == [
        "60 days or fewer since delivered on (45 days) and reason is one of damaged, late (late)"
    ]


def test_a_denial_by_the_closing_rule_gives_why_each_allow_rule_did_not_apply() -> None:
    # The closing rule says "More than 60 days since delivery", which is false for a 45-day-old
    # order: what decided is that no rule allowed it, and the facts say why.
    decision = decide({"delivered_on": delivered(45), "reason": "changed_mind"})
    assert decision.outcome == Outcome.NOT_ALLOWED
    assert decision.reasons == [
        "no rule in this policy allows this request",
        "more than 30 days since delivered on (45 days)",
        "reason is none of damaged, late (changed_mind)",
    ]
    text = reply_fragment("Refunds", decision)
    assert "60 days" not in text
    assert "more than 30 days since delivered on (45 days); reason is none of damaged, late" in text


def test_a_closing_rule_with_nothing_before_it_keeps_its_own_reason() -> None:
    decision = decide({"reason": "late"}, 'deny "Refunds are paused during the stock count"')
    assert decision.reasons == ["Refunds are paused during the stock count"]


def test_a_rule_reason_comes_first_then_the_fact_behind_it() -> None:
    decision = decide({"reason": "late"})
    assert decision.outcome == Outcome.NOT_ALLOWED
    assert decision.reasons == ["Not delivered yet", "delivered on is not given"]
    assert decision.matched_rule == 2


def test_a_catch_all_without_reason_gets_a_plain_headline() -> None:
    decision = decide({"reason": "late", "vip": False}, "allow when vip\ndeny")
    assert decision.reasons == ["no rule in this policy allows this request", "VIP customer: no"]
    assert decide({"reason": "late"}, "allow").reasons == ["every request that reaches this rule is allowed"]
    assert decide({"reason": "late"}, "allow up to 20").reasons == ["allowed up to 20.00"]


def test_review_rules_send_the_request_to_a_lead() -> None:
    rules = 'review "Large orders need a lead" when order_total > 500\nallow'
    decision = decide({"reason": "late", "order_total": "500.01"}, rules)
    assert decision.outcome == Outcome.NEEDS_REVIEW
    assert decision.reasons == ["Large orders need a lead", "order total is more than 500 (500.01)"]
    assert decide({"reason": "late", "order_total": "500"}, rules).outcome == Outcome.ALLOWED


def test_missing_required_input_asks_for_it_instead_of_guessing() -> None:
    decision = decide({"delivered_on": delivered(3)})
    assert decision.outcome == Outcome.NEEDS_INPUT
    assert decision.missing == ["reason"]
    assert decision.missing_labels == ["Reason"]
    assert decision.reasons == ["needs reason"]
    assert decision.matched_rule is None


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_values_count_as_not_given(blank: object) -> None:
    assert decide({"reason": "late", "delivered_on": blank}).reasons[0] == "Not delivered yet"


def test_an_optional_input_a_rule_needs_makes_the_decision_wait_for_it() -> None:
    rules = "allow when refunds_this_year < 3\ndeny"
    decision = decide({"reason": "late"}, rules)
    assert decision.outcome == Outcome.NEEDS_INPUT
    assert decision.missing == ["refunds_this_year"]
    assert decision.matched_rule == 1
    assert decision.reasons == ["needs refunds this year to check the rule on line 1"]


def test_a_missing_input_that_cannot_change_the_answer_does_not_block() -> None:
    decision = decide({"reason": "late", "vip": True}, "allow when vip or refunds_this_year < 3\ndeny")
    assert decision.outcome == Outcome.ALLOWED
    decision = decide({"reason": "late", "vip": False}, "allow when vip and refunds_this_year < 3\ndeny")
    assert decision.outcome == Outcome.NOT_ALLOWED


def test_a_limit_that_needs_a_missing_input_asks_for_it() -> None:
    decision = decide({"reason": "late"}, "allow up to order_total * 0.5")
    assert (decision.outcome, decision.missing) == (Outcome.NEEDS_INPUT, ["order_total"])


def test_inputs_are_coerced_and_returned_normalized() -> None:
    decision = decide(
        {
            "delivered_on": "2026-01-03",
            "reason": "LATE",
            "order_total": "12.50",
            "refunds_this_year": "2",
            "vip": "yes",
            "note": "  gift  ",
            "unrelated": "ignored",
        }
    )
    assert decision.inputs == {
        "delivered_on": date(2026, 1, 3),
        "reason": "late",
        "order_total": Decimal("12.50"),
        "refunds_this_year": 2,
        "vip": True,
        "note": "gift",
    }
    assert decision.errors == {}


def test_native_values_and_datetimes_are_accepted() -> None:
    decision = decide(
        {
            "delivered_on": datetime(2026, 2, 20, 15, 30),
            "reason": "late",
            "order_total": 12,
            "refunds_this_year": Decimal("2"),
            "vip": 0,
        }
    )
    assert decision.inputs["delivered_on"] == date(2026, 2, 20)
    assert decision.inputs["order_total"] == Decimal(12)
    assert decision.inputs["refunds_this_year"] == 2
    assert decision.inputs["vip"] is False
    assert decision.outcome == Outcome.ALLOWED


@pytest.mark.parametrize(
    ("field", "raw", "error"),
    [
        ("delivered_on", "2026-13-03", '"2026-13-03" is not a date; expected YYYY-MM-DD'),
        ("delivered_on", 20260103, "20260103 is not a date"),
        ("order_total", "12,50", '"12,50" is not an amount'),
        ("order_total", "NaN", '"NaN" is not an amount'),
        ("order_total", float("inf"), "inf is not an amount"),
        ("order_total", True, "True is not an amount"),
        ("order_total", "1e20", '"1e20" is too large for an amount'),
        ("refunds_this_year", "2.5", '"2.5" is not a whole number'),
        ("refunds_this_year", "-1", '"-1" is out of range'),
        ("refunds_this_year", True, "True is not a whole number"),
        ("vip", "maybe", '"maybe" is not yes or no'),
        ("reason", "lost", '"lost" is not one of the options: damaged, late, changed_mind'),
        ("note", 42, "42 is not text"),
    ],
)
def test_coercion_errors_are_reported_per_field(field: str, raw: object, error: str) -> None:
    inputs: dict[str, Any] = {"reason": "late", field: raw}
    decision = decide(inputs)
    assert decision.outcome == Outcome.NEEDS_INPUT
    assert decision.errors[field].startswith(error)
    assert field in decision.missing
    assert decision.inputs[field] is None


def test_division_by_zero_sends_the_request_for_review_instead_of_raising() -> None:
    decision = decide(
        {"reason": "late", "order_total": "10", "refunds_this_year": 0},
        "allow when order_total / refunds_this_year > 1\ndeny",
    )
    assert decision.outcome == Outcome.NEEDS_REVIEW
    assert decision.matched_rule == 1
    assert decision.reasons == [
        "the rule on line 1 could not be worked out for these inputs (a division by zero)"
    ]


def test_a_date_past_the_calendar_sends_the_request_for_review() -> None:
    decision = decide(
        {"reason": "late", "delivered_on": "9999-12-30"}, "allow when delivered_on + 5 > today()"
    )
    assert decision.outcome == Outcome.NEEDS_REVIEW
    assert "a date or number out of range" in decision.reasons[0]


def test_a_negative_limit_needs_review() -> None:
    decision = decide({"reason": "late", "order_total": "10"}, "allow up to order_total - 20")
    assert decision.outcome == Outcome.NEEDS_REVIEW
    assert "works out below zero" in decision.reasons[0]


def test_today_comes_from_the_argument_never_the_clock() -> None:
    policy = compile_policy(refunds())
    inputs = {"delivered_on": "2026-01-01", "reason": "changed_mind"}
    assert evaluate(policy, inputs, today=date(2026, 1, 31)).outcome == Outcome.ALLOWED
    assert evaluate(policy, inputs, today=date(2026, 2, 1)).outcome == Outcome.NOT_ALLOWED
    assert evaluate(policy, inputs, today=datetime(2026, 1, 31, 23, 59)).outcome == Outcome.ALLOWED


def test_evaluate_compiles_a_raw_definition_and_decisions_serialize() -> None:
    decision = evaluate(refunds(), {"delivered_on": delivered(40), "reason": "late"}, today=TODAY)
    assert decision.allowed
    assert json.loads(json.dumps(decision.to_dict()))["limit"] == "50.00"
    assert decision.to_dict()["inputs"]["delivered_on"] == delivered(40)
    assert decision.alternatives == ["a replacement at no cost", "store credit for the full amount"]


def test_exception_reasons_say_who_may_grant_them() -> None:
    policy = compile_policy(refunds())
    carrier = policy.exception_reason("carrier_lost")
    changed = policy.exception_reason("changed_mind")
    assert carrier is not None and not carrier.needs_lead
    assert changed is not None and changed.needs_lead
    assert policy.exception_reason("nope") is None


@pytest.mark.parametrize(
    ("amount", "count", "limit_amount", "limit_count", "expected"),
    [
        (Decimal("50"), 0, Decimal("50"), 3, None),
        (Decimal("50.01"), 0, Decimal("50"), 3, "50.01 is above the limit of 50.00"),
        (Decimal("10"), 2, Decimal("50"), 3, None),
        (Decimal("10"), 3, Decimal("50"), 3, "3 exceptions already granted this period; the limit is 3"),
        (Decimal("10"), 1, None, 1, "1 exception already granted this period; the limit is 1"),
        (Decimal("1000000"), 100, None, None, None),
        (None, 0, Decimal("5"), None, None),
    ],
)
def test_needs_approval(
    amount: Decimal | None,
    count: int,
    limit_amount: Decimal | None,
    limit_count: int | None,
    expected: str | None,
) -> None:
    assert needs_approval(amount, count, limit_amount, limit_count) == expected


# --- diffs -----------------------------------------------------------------------------


def test_diff_of_a_changed_window_names_the_rule_before_and_after() -> None:
    diff = diff_policies(refunds(), refunds(REFUND_RULES.replace("<= 30", "<= 45")))
    assert diff.changed
    assert diff.summary == [
        "Rule changed (line 3): Allowed when 45 days or fewer since delivered on; "
        "before: Allowed when 30 days or fewer since delivered on."
    ]
    assert diff.rules_added == ["allow when days_since(delivered_on) <= 45"]
    assert diff.rules_removed == ["allow when days_since(delivered_on) <= 30"]
    assert "-allow when days_since(delivered_on) <= 30" in diff.rules_diff
    assert "+allow when days_since(delivered_on) <= 45" in diff.rules_diff


def test_diff_ignores_comments_and_spacing() -> None:
    respaced = "# reworded comment\n" + REFUND_RULES.replace("<= 30", "<=30").replace("when ", "when   ")
    diff = diff_policies(refunds(), refunds(respaced))
    assert not diff.changed
    assert diff.rules_diff  # the text did change, for whoever wants to see it


def test_diff_reports_added_removed_and_reordered_rules() -> None:
    added = diff_policies(refunds("deny"), refunds("allow when vip\ndeny"))
    assert added.summary == ["New rule (line 1): Allowed when VIP customer: yes."]
    removed = diff_policies(refunds("allow when vip\ndeny"), refunds("deny"))
    assert removed.summary == ["Rule removed: Allowed when VIP customer: yes."]
    reordered = diff_policies(
        refunds("allow when vip\ndeny when refunds_this_year > 3\ndeny"),
        refunds("deny when refunds_this_year > 3\nallow when vip\ndeny"),
    )
    assert reordered.rules_reordered
    assert reordered.summary[0].startswith("The rules are the same but in a new order")
    assert reordered.summary[1] == "  1. Not allowed when refunds this year is more than 3"


def test_diff_reports_inputs_exception_reasons_and_alternatives() -> None:
    old = refunds()
    inputs = [dict(i) for i in INPUTS if i["name"] != "note"]
    inputs[1] = inputs[1] | {"options": ["damaged", "late", "wrong_item"], "required": False}
    inputs.append({"name": "channel", "label": "Channel", "type": "text"})
    new = refunds(
        inputs=inputs,
        exception_reasons=[
            {"code": "carrier_lost", "label": "Carrier lost the parcel", "outside_customer_control": False},
            {"code": "storm", "label": "Storm delay", "outside_customer_control": True},
        ],
        alternatives=["a replacement at no cost"],
        description="New wording.",
    )
    diff = diff_policies(old, new)
    assert (diff.inputs_added, diff.inputs_removed, diff.inputs_changed) == (
        ["channel"],
        ["note"],
        ["reason"],
    )
    assert diff.exception_reasons_added == ["storm"]
    assert diff.exception_reasons_removed == ["changed_mind"]
    assert diff.exception_reasons_changed == ["carrier_lost"]
    assert diff.summary == [
        "New input: Channel (text, required).",
        "Input removed: Note.",
        "Input Reason: now optional; new options: wrong_item; options removed: changed_mind.",
        "New exception reason: Storm delay (an agent may grant it).",
        "Exception reason removed: Customer changed their mind.",
        "Exception reason Carrier lost the parcel: no longer outside the customer's control; a lead grants it.",
        "The description changed.",
        "No longer offered as an alternative: store credit for the full amount.",
    ]


def test_diff_of_identical_policies_is_empty() -> None:
    diff = diff_policies(refunds(), json.dumps(refunds()))
    assert not diff.changed
    assert diff.rules_diff == []


# --- reply fragments -------------------------------------------------------------------

BLAME_SHIFTING = (
    "unfortunately",
    "our system",
    "due to policy",
    "we can't",
    "we cannot",
    "i'm afraid",
    "sorry but",
)


def assert_owned(text: str) -> None:
    lowered = text.lower()
    assert not [phrase for phrase in BLAME_SHIFTING if phrase in lowered]
    assert " I " in f" {text}" or text.startswith("I ") or "\n\nI " in text


def test_reply_for_a_denial_states_rule_and_reason_and_offers_alternatives() -> None:
    decision = decide({"delivered_on": delivered(90), "reason": "late"})
    text = reply_fragment("Refunds", decision, customer_name="Ana")
    assert text == (
        "Hi Ana,\n\nI checked your request against our Refunds policy, and I can't approve it: "
        "more than 30 days since delivered on (90 days); more than 60 days since delivered on (90 days). "
        "What I can offer instead: a replacement at no cost or store "
        "credit for the full amount. If something outside your control got in the way, tell me what "
        "happened and I'll look at it again within 1 working day."
    )
    assert_owned(text)


def test_reply_for_a_generic_denial_states_the_facts() -> None:
    decision = decide({"reason": "late", "vip": False}, "allow when vip\ndeny")
    text = reply_fragment("Returns policy", decision)
    assert text.startswith("I checked your request against our Returns policy, and I can't approve it: ")
    assert "VIP customer: no" in text
    assert "no rule in this policy" not in text
    assert_owned(text)


def test_reply_for_an_approval_and_a_partial_approval() -> None:
    allowed = reply_fragment("Refunds", decide({"delivered_on": delivered(2), "reason": "late"}))
    assert allowed == (
        "I checked your request against our Refunds policy, and I can approve it: "
        "30 days or fewer since delivered on (2 days). You'll receive a confirmation by email once it's "
        "processed."
    )
    partial = reply_fragment("Refunds", decide({"delivered_on": delivered(40), "reason": "late"}))
    assert "I can approve up to 50.00: 60 days or fewer since delivered on (40 days)" in partial
    assert_owned(allowed)
    assert_owned(partial)


def test_reply_when_input_is_missing_asks_for_it() -> None:
    text = reply_fragment("Refunds", decide({}), customer_name="Sam")
    assert text == (
        "Hi Sam,\n\nTo check your request against our Refunds policy, I need reason. "
        "Could you send it to me? Once I have it, I'll give you an answer within 1 working day."
    )
    two = reply_fragment(
        "Refunds", decide({"reason": "late"}, "allow when refunds_this_year < 2 and vip\ndeny")
    )
    assert "I need refunds this year and VIP customer. Could you send them to me?" in two


def test_reply_when_a_lead_must_decide_says_what_happens_next() -> None:
    decision = decide(
        {"reason": "late", "order_total": "900"}, 'review "Orders over 500" when order_total > 500'
    )
    text = reply_fragment("Refunds", decision)
    assert "it needs a decision from my lead: orders over 500." in text
    assert "I'll come back to you with the answer" in text
    assert_owned(text)


# --- properties ------------------------------------------------------------------------

POLICY = compile_policy(
    refunds(
        REFUND_RULES.replace(
            'deny "More than 60 days since delivery"',
            "review when order_total / (refunds_this_year - 2) > 10\n"
            'allow up to order_total * 0.5 when vip and note != "x"\n'
            'deny "More than 60 days since delivery"',
        )
    )
)

typed_values = st.fixed_dictionaries(
    {},
    optional={
        "delivered_on": st.dates(),
        "reason": st.sampled_from(["damaged", "late", "changed_mind"]),
        "order_total": st.decimals(allow_nan=False, allow_infinity=False, places=2),
        "refunds_this_year": st.integers(min_value=0, max_value=10**9),
        "vip": st.booleans(),
        "note": st.text(max_size=20),
    },
)
junk = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=2),
)
junk_inputs = st.dictionaries(st.sampled_from([i["name"] for i in INPUTS] + ["other"]), junk)


@settings(max_examples=150, deadline=None)
@given(inputs=typed_values, today=st.dates())
def test_evaluation_is_deterministic_and_order_free(inputs: dict[str, Any], today: date) -> None:
    first = evaluate(POLICY, inputs, today=today)
    again = evaluate(POLICY, dict(reversed(list(inputs.items()))), today=today)
    assert first == again
    assert first == evaluate(POLICY, inputs, today=today)
    assert first.outcome in set(Outcome)
    assert (first.limit is not None) == (first.outcome == Outcome.ALLOWED_UP_TO)
    assert first.reasons and all(isinstance(r, str) and r for r in first.reasons)
    assert reply_fragment("Refunds", first)


@settings(max_examples=150, deadline=None)
@given(inputs=junk_inputs, today=st.dates())
def test_junk_inputs_give_coercion_errors_never_exceptions(inputs: dict[str, Any], today: date) -> None:
    decision = evaluate(POLICY, inputs, today=today)
    assert set(decision.errors) <= set(decision.missing)
    if decision.errors:
        assert decision.outcome == Outcome.NEEDS_INPUT
    assert json.dumps(decision.to_dict())


RULE_WORDS = st.sampled_from(
    [
        "allow",
        "deny",
        "review",
        "up",
        "to",
        "when",
        "and",
        "or",
        "not",
        "in",
        "is",
        "missing",
        "true",
        "delivered_on",
        "reason",
        "order_total",
        "vip",
        "days_since",
        "today",
        "date",
        "min",
        "(",
        ")",
        ",",
        "<=",
        "=",
        "+",
        "/",
        "-",
        '"late"',
        "30",
        "50.00",
        "\n",
        "\n  ",
        "#",
        '"',
        "zzz",
    ]
)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=80), st.lists(RULE_WORDS, max_size=25).map(" ".join)))
def test_the_parser_raises_nothing_but_policy_syntax_errors(text: str) -> None:
    try:
        policy = compile_policy(refunds(text))
    except PolicySyntaxError as error:
        assert error.reason
        assert error.line is None or error.line >= 1
        return
    assert isinstance(policy, CompiledPolicy)
    decision = evaluate(
        policy, {"reason": "late", "delivered_on": "2026-01-01", "order_total": "5"}, today=TODAY
    )
    assert decision.outcome in set(Outcome)
    policy.describe_rules()


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=60))
def test_arbitrary_definition_text_is_refused_cleanly(text: str) -> None:
    try:
        compile_policy(text)
    except PolicySyntaxError as error:
        assert error.field in (
            "definition",
            "rules",
            "inputs",
            "name",
            "description",
            "alternatives",
            "exception_reasons",
        )


# --- every statement is true -------------------------------------------------------------

_DAYS_CLAIM = re.compile(r"^(more than (\d+) days|(\d+) days or fewer) since delivered on \((\d+) days?\)$")
_REASON_CLAIM = re.compile(r"^reason is (none|one) of ([a-z_, ]+) \(([a-z_]+)\)$")


def _claim_is_true(claim: str, days: int, reason: str) -> bool:
    """An oracle written apart from the engine: what each sentence asserts, checked against the
    raw inputs. A sentence it cannot read counts as false, so a new kind of claim fails loudly."""
    if claim == "no rule in this policy allows this request":
        return not (days <= 30 or (days <= 60 and reason in ("damaged", "late")))
    parts = [p.strip() for p in claim.split(" and ")]
    for part in parts:
        if m := _DAYS_CLAIM.match(part):
            said_days = int(m.group(4))
            if said_days != days:
                return False
            if m.group(2) is not None and not days > int(m.group(2)):
                return False
            if m.group(3) is not None and not days <= int(m.group(3)):
                return False
        elif m := _REASON_CLAIM.match(part):
            options = {o.strip() for o in m.group(2).split(",")}
            if m.group(3) != reason or (reason in options) != (m.group(1) == "one"):
                return False
        else:
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(
    days=st.integers(min_value=0, max_value=400), reason=st.sampled_from(["damaged", "late", "changed_mind"])
)
def test_every_reason_and_the_customer_wording_are_true_of_the_inputs(days: int, reason: str) -> None:
    decision = decide({"delivered_on": delivered(days), "reason": reason})
    assert decision.reasons
    for claim in decision.reasons:
        assert _claim_is_true(claim, days, reason), (claim, days, reason)
    # The suggested wording to the customer says only what the reasons say.
    text = reply_fragment("Refunds", decision)
    said = text.split(": ", 1)[1].split(". ", 1)[0] if ": " in text else ""
    for clause in filter(None, said.split("; ")):
        assert _claim_is_true(clause, days, reason), (clause, days, reason, text)
