"""The rule evaluator: conditions over a ticket's facts. Pure Python, no Django.

A rule's conditions are data an admin writes in the UI, never code:

    {"all": [{"field": "priority", "op": "is", "value": 4},
             {"field": "tags", "op": "contains", "value": "vip"}],
     "any": [{"field": "channel", "op": "is", "value": "email"}]}

`all` must all hold and, if `any` is non-empty, at least one of `any` must hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

OPERATORS = {
    "is": "is",
    "is_not": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "contains": "contains",
    "not_contains": "does not contain",
    "gt": "is more than",
    "lt": "is less than",
    "changed": "changed",
    "changed_to": "changed to",
    "changed_from": "changed from",
}

# Facts a rule may test, with the type their values have.
FIELDS = {
    "event": "text",
    "status": "text",
    "priority": "number",
    "channel": "text",
    "team": "number",
    "assignee": "number",
    "tags": "list",
    "subject": "text",
    "organization": "number",
    "tier": "text",
    "hours_since_update": "number",
    "hours_since_created": "number",
    "hours_since_customer_message": "number",
    "temperature": "number",
}


class RuleError(ValueError):
    """A condition an admin wrote that cannot be evaluated; the message names the problem."""


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


def validate(conditions: Mapping[str, Any]) -> None:
    if not isinstance(conditions, Mapping):
        raise RuleError("Conditions must be an object with 'all' and/or 'any' lists.")
    unknown = set(conditions) - {"all", "any"}
    if unknown:
        raise RuleError(f"Unknown condition group: {', '.join(sorted(unknown))}.")
    for group in ("all", "any"):
        items = conditions.get(group, [])
        if not isinstance(items, list):
            raise RuleError(f"'{group}' must be a list of conditions.")
        for index, item in enumerate(items, 1):
            _validate_one(item, f"{group} #{index}")


def _validate_one(item: Any, where: str) -> None:
    if not isinstance(item, Mapping):
        raise RuleError(f"Condition {where} must be an object.")
    field, op = item.get("field"), item.get("op")
    if field not in FIELDS:
        raise RuleError(f"Condition {where}: unknown field {field!r}.")
    if op not in OPERATORS:
        raise RuleError(f"Condition {where}: unknown operator {op!r}.")
    if op in {"in", "not_in"} and not isinstance(item.get("value"), list):
        raise RuleError(f"Condition {where}: '{OPERATORS[op]}' needs a list of values.")
    if op in {"gt", "lt"} and FIELDS[field] != "number":
        raise RuleError(f"Condition {where}: {field} is not a number.")
    if op in {"gt", "lt"} and not isinstance(item.get("value"), int | float):
        raise RuleError(f"Condition {where}: '{OPERATORS[op]}' needs a number.")


def matches(conditions: Mapping[str, Any], facts: Mapping[str, Any], change: Change | None = None) -> bool:
    """Whether the facts satisfy the conditions. Unknown or missing facts never match."""
    all_items = conditions.get("all", []) or []
    any_items = conditions.get("any", []) or []
    if not all(_holds(c, facts, change) for c in all_items):
        return False
    return not any_items or any(_holds(c, facts, change) for c in any_items)


def _norm(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _holds(condition: Mapping[str, Any], facts: Mapping[str, Any], change: Change | None) -> bool:
    field, op, value = str(condition.get("field")), condition.get("op"), condition.get("value")
    if op in {"changed", "changed_to", "changed_from"}:
        if change is None or change.field != field:
            return False
        if op == "changed":
            return change.before != change.after
        if op == "changed_to":
            return _norm(change.after) == _norm(value) and change.before != change.after
        return _norm(change.before) == _norm(value) and change.before != change.after
    if field not in facts:
        return False
    fact = facts[field]
    if op == "is":
        return _norm(fact) == _norm(value)
    if op == "is_not":
        return _norm(fact) != _norm(value)
    if op in {"in", "not_in"}:
        if not isinstance(value, list):
            return False
        found = _norm(fact) in [_norm(v) for v in value]
        return found if op == "in" else not found
    if op in {"contains", "not_contains"}:
        if isinstance(fact, str):
            found = str(value).lower() in fact.lower()
        elif isinstance(fact, Sequence):
            found = _norm(value) in [_norm(v) for v in fact]
        else:
            found = False
        return found if op == "contains" else not found
    if op in {"gt", "lt"}:
        if not isinstance(fact, int | float) or isinstance(fact, bool) or not isinstance(value, int | float):
            return False
        return fact > value if op == "gt" else fact < value
    return False


def describe(conditions: Mapping[str, Any]) -> str:
    """Plain words for a rule's conditions, for the UI and the audit note."""

    def one(c: Mapping[str, Any]) -> str:
        value = c.get("value")
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        return f"{c.get('field')} {OPERATORS.get(str(c.get('op')), c.get('op'))}" + (
            "" if c.get("op") == "changed" else f" {shown}"
        )

    parts = []
    if conditions.get("all"):
        parts.append(" and ".join(one(c) for c in conditions["all"]))
    if conditions.get("any"):
        parts.append("(" + " or ".join(one(c) for c in conditions["any"]) + ")")
    return " and ".join(parts) or "always"
