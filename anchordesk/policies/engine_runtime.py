"""Evaluating checked rule trees: input coercion, three-valued evaluation and the plain-words
explanation of why a condition held. Pure Python.

An input that was not given makes every value computed from it *unknown*. Conditions use
Kleene logic, so `false and unknown` is false and `true or unknown` is true: a rule is only
undecidable when the missing input could really change whether it applies.
"""

from __future__ import annotations

import decimal
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from anchordesk.policies.engine_language import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Const,
    Expr,
    InList,
    InputSpec,
    IsMissing,
    Neg,
    Not,
    Ref,
    Rule,
)

__all__ = [
    "DECIMAL_CONTEXT",
    "Env",
    "Unknown",
    "coerce_input",
    "describe_rule",
    "evaluate_expr",
    "explain",
    "phrase",
]

# Every evaluation runs in this context, whatever the caller's thread has set, so the same
# inputs give the same decision everywhere; overflow and 0 division raise, and are caught.
DECIMAL_CONTEXT = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
MAX_AMOUNT = Decimal(10) ** 15
MAX_COUNT = 10**9
_TRUE_WORDS = {"true", "yes", "y", "1", "on"}
_FALSE_WORDS = {"false", "no", "n", "0", "off"}


@dataclass(frozen=True)
class Unknown:
    """The value of an expression that depends on inputs that were not given."""

    names: frozenset[str]


Value = object  # date | Decimal | int | bool | str | Unknown


@dataclass(frozen=True)
class Env:
    values: Mapping[str, object]  # coerced inputs; None when not given
    specs: Mapping[str, InputSpec]
    today: date


# --- coercion --------------------------------------------------------------------------


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def coerce_input(spec: InputSpec, raw: object) -> tuple[object, str | None]:
    """(value, None) or (None, reason the value was refused). Blank values are the caller's."""
    try:
        return _coerce(spec, raw), None
    except _Refused as refused:
        return None, str(refused)


class _Refused(Exception):
    pass


def _coerce(spec: InputSpec, raw: object) -> object:
    text = raw.strip() if isinstance(raw, str) else None
    if spec.type == "date":
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if text is not None:
            try:
                return date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)
            except ValueError:
                pass
        raise _Refused(f"{_show(raw)} is not a date; expected YYYY-MM-DD")
    if spec.type == "amount":
        amount: Decimal | None = None
        if isinstance(raw, Decimal):
            amount = raw
        elif isinstance(raw, int) and not isinstance(raw, bool):
            amount = Decimal(raw)
        elif isinstance(raw, float):
            amount = Decimal(repr(raw))
        elif text is not None:
            try:
                amount = Decimal(text)
            except decimal.InvalidOperation:
                amount = None
        if amount is None or not amount.is_finite():
            raise _Refused(f"{_show(raw)} is not an amount; expected a number such as 12.50")
        if abs(amount) >= MAX_AMOUNT:
            raise _Refused(f"{_show(raw)} is too large for an amount")
        return amount
    if spec.type == "count":
        count: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            count = raw
        elif isinstance(raw, Decimal | float) and _is_whole(raw):
            count = int(raw)
        elif text is not None and text.lstrip("+-").isdigit() and text.isascii():
            count = int(text) if len(text) < 20 else MAX_COUNT + 1
        if count is None:
            raise _Refused(f"{_show(raw)} is not a whole number")
        if not 0 <= count <= MAX_COUNT:
            raise _Refused(f"{_show(raw)} is out of range; expected a whole number from 0 to {MAX_COUNT}")
        return count
    if spec.type == "boolean":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) and raw in (0, 1):
            return raw == 1
        if text is not None and text.lower() in _TRUE_WORDS | _FALSE_WORDS:
            return text.lower() in _TRUE_WORDS
        raise _Refused(f"{_show(raw)} is not yes or no")
    if spec.type == "choice":
        if text is not None:
            if text in spec.options:
                return text
            folded = [o for o in spec.options if o.casefold() == text.casefold()]
            if folded:
                return folded[0]
        raise _Refused(f"{_show(raw)} is not one of the options: {', '.join(spec.options)}")
    if text is None:
        raise _Refused(f"{_show(raw)} is not text")
    return text


def _is_whole(raw: Decimal | float) -> bool:
    try:
        number = Decimal(repr(raw)) if isinstance(raw, float) else raw
        return bool(number % 1 == 0 and abs(number) <= MAX_COUNT)
    except (decimal.InvalidOperation, ValueError, OverflowError):
        return False


def _show(raw: object) -> str:
    shown = repr(raw) if not isinstance(raw, str) else f'"{raw}"'
    return shown if len(shown) <= 40 else shown[:37] + "..."


# --- evaluation ------------------------------------------------------------------------


def evaluate_expr(node: Expr, env: Env) -> Value:
    """The value of `node`, or Unknown. Raises ArithmeticError/OverflowError/ValueError when
    the rule cannot be worked out (a 0 division, a date past year 9999); the caller turns
    that into a decision for a lead to review."""
    with decimal.localcontext(DECIMAL_CONTEXT):
        return _eval(node, env)


def _eval(node: Expr, env: Env) -> Value:
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Ref):
        value = env.values.get(node.name)
        return Unknown(frozenset({node.name})) if value is None else value
    if isinstance(node, IsMissing):
        return (env.values.get(node.ref.name) is None) != node.negated
    if isinstance(node, BoolOp):
        return _eval_bool(node, env)
    if isinstance(node, Not):
        inner = _eval(node.operand, env)
        return inner if isinstance(inner, Unknown) else not inner
    if isinstance(node, Call) and node.func == "today":
        return env.today
    if isinstance(node, Neg):
        operand = _eval(node.operand, env)
        return operand if isinstance(operand, Unknown) else -_num(operand)
    children: list[Expr]
    if isinstance(node, Call):
        children = list(node.args)
    elif isinstance(node, InList):
        children = [node.left, *node.items]
    else:
        children = [node.left, node.right]
    values = [_eval(child, env) for child in children]
    unknown = _unknown_of(values)
    if unknown is not None:
        return unknown
    if isinstance(node, Call):
        return _call(node.func, values, env.today)
    if isinstance(node, InList):
        return any(_equal(values[0], item) for item in values[1:]) != node.negated
    if isinstance(node, Compare):
        return _compare(node.op, values[0], values[1])
    return _arith(node.op, values[0], values[1])


def _eval_bool(node: BoolOp, env: Env) -> Value:
    decisive = node.op == "or"  # the value that settles the whole chain
    missing: set[str] = set()
    for operand in node.operands:
        value = _eval(operand, env)
        if isinstance(value, Unknown):
            missing |= value.names
        elif value == decisive:
            return decisive
    return Unknown(frozenset(missing)) if missing else not decisive


def _unknown_of(values: list[Value]) -> Unknown | None:
    names: set[str] = set()
    for value in values:
        if isinstance(value, Unknown):
            names |= value.names
    return Unknown(frozenset(names)) if names else None


def _num(value: Value) -> Decimal | int:
    assert isinstance(value, Decimal | int)
    return value


def _day(value: Value) -> date:
    assert isinstance(value, date)
    return value


def _call(func: str, args: list[Value], today: date) -> Value:
    if func == "days_since":
        return (today - _day(args[0])).days
    if func == "days_until":
        return (_day(args[0]) - today).days
    if func == "days_between":
        return (_day(args[1]) - _day(args[0])).days
    if func == "min":
        return min(_num(a) for a in args)
    if func == "max":
        return max(_num(a) for a in args)
    if func == "abs":
        return abs(_num(args[0]))
    raise ValueError(f"unknown function {func}")


def _arith(op: str, left: Value, right: Value) -> Value:
    if isinstance(left, date):
        if isinstance(right, date):
            return (left - right).days
        days = timedelta(days=int(_num(right)))
        return left + days if op == "+" else left - days
    a, b = _num(left), _num(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return Decimal(a) / Decimal(b)


def _equal(left: Value, right: Value) -> bool:
    return left == right


def _compare(op: str, left: Value, right: Value) -> bool:
    if op == "=":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    compare = _ORDER[op]
    if isinstance(left, date) and isinstance(right, date):
        return bool(compare(left, right))
    return bool(compare(_num(left), _num(right)))


_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


# --- plain words -----------------------------------------------------------------------

_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "!=", "!=": "="}
_DAYS_WORDS = {
    "<": "fewer than {n} since {what}",
    "<=": "{n} or fewer since {what}",
    ">": "more than {n} since {what}",
    ">=": "{n} or more since {what}",
    "=": "exactly {n} since {what}",
    "!=": "not exactly {n} since {what}",
}
_NUMBER_WORDS = {
    "<": "{left} is less than {right}",
    "<=": "{left} is {right} or less",
    ">": "{left} is more than {right}",
    ">=": "{left} is {right} or more",
    "=": "{left} is {right}",
    "!=": "{left} is not {right}",
}
_DATE_WORDS = {
    "<": "{left} is before {right}",
    "<=": "{left} is on or before {right}",
    ">": "{left} is after {right}",
    ">=": "{left} is on or after {right}",
    "=": "{left} is {right}",
    "!=": "{left} is not {right}",
}


def show_value(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def label_words(spec: InputSpec) -> str:
    """A label as it reads inside a sentence: "Delivered on" -> "delivered on", "VIP" stays."""
    label = spec.label
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def phrase(node: Expr, specs: Mapping[str, InputSpec]) -> str:
    """An expression in words, without values: "days since delivered on", "order total * 0.5"."""
    if isinstance(node, Const):
        return show_value(node.value) if not isinstance(node.value, str) else node.value
    if isinstance(node, Ref):
        return label_words(specs[node.name])
    if isinstance(node, Call):
        args = [phrase(arg, specs) for arg in node.args]
        if node.func == "today":
            return "today"
        if node.func == "days_since":
            return f"days since {args[0]}"
        if node.func == "days_until":
            return f"days until {args[0]}"
        if node.func == "days_between":
            return f"days from {args[0]} to {args[1]}"
        if node.func == "abs":
            return f"the size of {args[0]}"
        word = "the smaller" if node.func == "min" else "the larger"
        return f"{word} of {', '.join(args[:-1])} and {args[-1]}"
    if isinstance(node, Neg):
        return f"-{phrase(node.operand, specs)}"
    if isinstance(node, Arith):
        return f"{_grouped(node.left, specs)} {node.op} {_grouped(node.right, specs)}"
    return explain(node, None, True)


def _grouped(node: Expr, specs: Mapping[str, InputSpec]) -> str:
    text = phrase(node, specs)
    return f"({text})" if isinstance(node, Arith) else text


def _days(n: object) -> str:
    return "1 day" if n in (1, -1) else f"{n} days"


def explain(node: Expr, env: Env | None, truth: bool, specs: Mapping[str, InputSpec] | None = None) -> str:
    """Why `node` is `truth`, in plain words, with the actual values when `env` is given
    ("30 days or fewer since delivered on (12 days)"). Without `env` it describes the
    condition itself, for announcements."""
    specs = env.specs if env is not None else (specs or {})
    return _explain(node, env, truth, specs)


def _explain(node: Expr, env: Env | None, truth: bool, specs: Mapping[str, InputSpec]) -> str:
    if isinstance(node, Not):
        return _explain(node.operand, env, not truth, specs)
    if isinstance(node, BoolOp):
        return _explain_bool(node, env, truth, specs)
    if isinstance(node, IsMissing):
        given = node.negated == truth
        return f"{label_words(specs[node.ref.name])} is {'given' if given else 'not given'}"
    if isinstance(node, Ref):  # a yes/no input on its own
        return f"{label_words(specs[node.name])}: {'yes' if truth else 'no'}"
    if isinstance(node, Const):
        return "always" if node.value == truth else "never"
    if isinstance(node, InList):
        inside = node.negated != truth
        items = ", ".join(phrase(item, specs) for item in node.items)
        words = f"{phrase(node.left, specs)} is {'one' if inside else 'none'} of {items}"
        return words + _actual(node.left, env)
    if isinstance(node, Compare):
        return _explain_compare(node, env, truth, specs)
    return phrase(node, specs)


def _explain_bool(node: BoolOp, env: Env | None, truth: bool, specs: Mapping[str, InputSpec]) -> str:
    decisive = node.op == "or"
    if env is None:
        joiner = f" {node.op} "
        return joiner.join(_wrap(op, _explain(op, None, True, specs)) for op in node.operands)
    if truth == decisive:  # one operand settled it: name that one
        for operand in node.operands:
            if _safe_eval(operand, env) == decisive:
                return _explain(operand, env, truth, specs)
    return " and ".join(_explain(operand, env, truth, specs) for operand in node.operands)


def _wrap(node: Expr, text: str) -> str:
    return f"({text})" if isinstance(node, BoolOp) else text


def _explain_compare(node: Compare, env: Env | None, truth: bool, specs: Mapping[str, InputSpec]) -> str:
    op = node.op if truth else _NEGATED[node.op]
    left, right = node.left, node.right
    if isinstance(left, Call) and left.func == "days_since" and isinstance(right, Const):
        words = _DAYS_WORDS[op].format(n=_days(right.value), what=phrase(left.args[0], specs))
        actual = _safe_eval(left, env) if env is not None else None
        return words + (f" ({_days(actual)})" if isinstance(actual, int) else "")
    table = _DATE_WORDS if left.type == "date" else _NUMBER_WORDS
    if left.type == "boolean" and isinstance(right, Const) and isinstance(right.value, bool):
        return f"{phrase(left, specs)}: {'yes' if right.value == (op == '=') else 'no'}"
    words = table[op].format(left=phrase(left, specs), right=phrase(right, specs))
    if isinstance(right, Const) and op == "=":
        return words  # the value is the one named
    return words + _actual(left, env)


def _actual(node: Expr, env: Env | None) -> str:
    if env is None or isinstance(node, Const):
        return ""
    value = _safe_eval(node, env)
    if value is None or isinstance(value, Unknown):
        return ""
    if isinstance(node, Call) and node.func.startswith("days_"):
        return f" ({_days(value)})"
    return f" ({show_value(value)})"


def _safe_eval(node: Expr, env: Env | None) -> Value | None:
    if env is None:
        return None
    try:
        return evaluate_expr(node, env)
    except (ArithmeticError, OverflowError, ValueError):
        return None


def describe_rule(rule: Rule, specs: Mapping[str, InputSpec]) -> str:
    """A rule in plain words without values: 'Allowed up to 50.00 when ...'."""
    if rule.kind == "allow_up_to" and rule.limit is not None:
        head = f"Allowed up to {phrase(rule.limit, specs)}"
    else:
        head = {"allow": "Allowed", "deny": "Not allowed", "review": "Needs a lead's review"}[rule.kind]
    if rule.condition is None:
        text = f"Otherwise: {head[0].lower()}{head[1:]}"
    else:
        text = f"{head} when {explain(rule.condition, None, True, specs)}"
    return text + (f' ("{rule.reason}")' if rule.reason else "")
