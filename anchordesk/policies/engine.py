"""The policy engine: compile a policy definition, evaluate a request against it. Pure Python.

A policy definition is data (the Django side stores it per version as JSON):

    {"name": "Refunds", "description": "...",
     "inputs": [{"name": "delivered_on", "label": "Delivered on", "type": "date", "required": false}],
     "rules": "deny \\"Not delivered yet\\" when delivered_on is missing\\nallow when ...",
     "exception_reasons": [{"code": "carrier_lost", "label": "...", "outside_customer_control": true}],
     "alternatives": ["a replacement instead of a refund"]}

The decision depends only on the policy, the inputs and `today`: there is deliberately no
actor or role, so an agent and a manager get the same answer. Authority limits and
approvals live on the Django side; `needs_approval` is the pure check it can use.
docs/policies-rules.md is the reference for the rule language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, DivisionByZero
from enum import StrEnum
from typing import Any, cast

from anchordesk.policies.engine_language import (
    KEYWORDS,
    BoolOp,
    Const,
    InputSpec,
    InputType,
    IsMissing,
    Not,
    PolicySyntaxError,
    Rule,
    parse_rules,
)
from anchordesk.policies.engine_runtime import (
    Env,
    Unknown,
    coerce_input,
    describe_rule,
    evaluate_expr,
    explain,
    is_blank,
    label_words,
    phrase,
    show_value,
)
from anchordesk.policies.engine_text import (
    NO_RULE_ALLOWS,
    NO_RULE_COVERS,
    PolicyDiff,
    diff_compiled,
    format_amount,
    reply_fragment,
)

__all__ = [
    "CompiledPolicy",
    "Decision",
    "ExceptionReason",
    "InputSpec",
    "Outcome",
    "PolicyDiff",
    "PolicySyntaxError",
    "Rule",
    "compile_policy",
    "diff_policies",
    "evaluate",
    "needs_approval",
    "reply_fragment",
]

_INPUT_TYPES: tuple[InputType, ...] = ("date", "amount", "count", "boolean", "choice", "text")
_TOP_KEYS = ("name", "description", "inputs", "rules", "exception_reasons", "alternatives")
_INPUT_KEYS = ("name", "label", "type", "required", "options")
_REASON_KEYS = ("code", "label", "outside_customer_control")
MAX_RULES_CHARS = 100_000


class Outcome(StrEnum):
    ALLOWED = "allowed"
    NOT_ALLOWED = "not_allowed"
    ALLOWED_UP_TO = "allowed_up_to"
    NEEDS_INPUT = "needs_input"
    # No rule decided (no catch-all matched, or a rule could not be worked out): a lead looks.
    NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class ExceptionReason:
    code: str
    label: str
    outside_customer_control: bool

    @property
    def needs_lead(self) -> bool:
        """Only reasons outside the customer's control may be granted by an agent."""
        return not self.outside_customer_control


@dataclass(frozen=True)
class CompiledPolicy:
    name: str
    description: str
    inputs: tuple[InputSpec, ...]
    rules: tuple[Rule, ...]
    rules_text: str
    exception_reasons: tuple[ExceptionReason, ...]
    alternatives: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    @property
    def input_specs(self) -> dict[str, InputSpec]:
        return {spec.name: spec for spec in self.inputs}

    def exception_reason(self, code: str) -> ExceptionReason | None:
        return next((r for r in self.exception_reasons if r.code == code), None)

    def describe_rules(self) -> list[str]:
        """Each rule in plain words, for the policy page and change announcements."""
        return [describe_rule(rule, self.input_specs) for rule in self.rules]

    def to_dict(self) -> dict[str, Any]:
        """The definition in the shape compile_policy reads, for storage."""
        return {
            "name": self.name,
            "description": self.description,
            "inputs": [
                {"name": s.name, "label": s.label, "type": s.type, "required": s.required}
                | ({"options": list(s.options)} if s.type == "choice" else {})
                for s in self.inputs
            ],
            "rules": self.rules_text,
            "exception_reasons": [
                {"code": r.code, "label": r.label, "outside_customer_control": r.outside_customer_control}
                for r in self.exception_reasons
            ],
            "alternatives": list(self.alternatives),
        }


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    limit: Decimal | None
    reasons: list[str]  # the first is the headline; the rest are the facts behind it
    matched_rule: int | None  # line of the rule that decided, in the rules text
    missing: list[str] = field(default_factory=list)  # inputs needed (absent or refused)
    errors: dict[str, str] = field(default_factory=dict)  # input name -> why its value was refused
    inputs: dict[str, object] = field(default_factory=dict)  # coerced; None when not given
    missing_labels: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return self.outcome in (Outcome.ALLOWED, Outcome.ALLOWED_UP_TO)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for storing the decision next to the ticket."""
        return {
            "outcome": str(self.outcome),
            "limit": None if self.limit is None else str(self.limit),
            "reasons": list(self.reasons),
            "matched_rule": self.matched_rule,
            "missing": list(self.missing),
            "errors": dict(self.errors),
            "inputs": {k: None if v is None else _jsonable(v) for k, v in self.inputs.items()},
            "missing_labels": list(self.missing_labels),
            "alternatives": list(self.alternatives),
        }


def _jsonable(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- compiling -------------------------------------------------------------------------


def compile_policy(source: str | Mapping[str, Any] | CompiledPolicy) -> CompiledPolicy:
    """Check a definition (a dict, or its JSON text) and compile its rules.

    Raises PolicySyntaxError: with `line`/`column` in the rules text for a malformed rule,
    or with `field` (line None) for a malformed definition.
    """
    if isinstance(source, CompiledPolicy):
        return source
    if isinstance(source, str):
        try:
            loaded = json.loads(source)
        except json.JSONDecodeError as exc:
            raise PolicySyntaxError(
                f"the definition is not valid JSON: {exc.msg} (JSON line {exc.lineno}, column {exc.colno})",
                field="definition",
            ) from None
        except RecursionError:
            raise PolicySyntaxError("the definition is nested too deeply", field="definition") from None
        source = loaded
    if not isinstance(source, Mapping):
        raise PolicySyntaxError("the definition must be an object with inputs and rules", field="definition")
    unknown = [k for k in source if k not in _TOP_KEYS]
    if unknown:
        raise PolicySyntaxError(
            f"unknown key {unknown[0]!r}; a definition has {', '.join(_TOP_KEYS)}", field="definition"
        )
    name = _text(source.get("name", ""), "name", allow_empty=True)
    description = _text(source.get("description", ""), "description", allow_empty=True)
    inputs = _inputs(source.get("inputs", []))
    reasons = _exception_reasons(source.get("exception_reasons", []))
    alternatives = tuple(
        _text(a, f"alternatives[{i}]")
        for i, a in enumerate(_list(source.get("alternatives", []), "alternatives"))
    )
    raw_rules = source.get("rules", "")
    if isinstance(raw_rules, list) and all(isinstance(r, str) for r in raw_rules):
        raw_rules = "\n".join(raw_rules)
    if not isinstance(raw_rules, str):
        raise PolicySyntaxError("rules must be text, one rule per line", field="rules")
    if len(raw_rules) > MAX_RULES_CHARS:
        raise PolicySyntaxError(f"the rules are longer than {MAX_RULES_CHARS} characters", field="rules")
    specs = {spec.name: spec for spec in inputs}
    try:
        rules = parse_rules(raw_rules, specs)
    except RecursionError:  # unreachable with the parser's caps; kept so save never crashes
        raise PolicySyntaxError("the rules are nested too deeply", field="rules") from None
    return CompiledPolicy(
        name=name,
        description=description,
        inputs=inputs,
        rules=rules,
        rules_text=raw_rules,
        exception_reasons=reasons,
        alternatives=alternatives,
        warnings=_warnings(rules, specs),
    )


def _warnings(rules: tuple[Rule, ...], specs: Mapping[str, InputSpec]) -> tuple[str, ...]:
    warnings: list[str] = []
    if not rules:
        warnings.append("the policy has no rules, so every request needs review")
    elif rules[-1].condition is not None:
        warnings.append(
            "the last rule has a 'when', so a request no rule matches needs review; "
            "end with a rule without 'when' (such as deny \"...\") to decide every request"
        )
    for rule in rules:
        for name in _missing_checks(rule):
            if specs[name].required:
                warnings.append(
                    f"line {rule.line}: {name} is required, so 'is missing' never applies to it "
                    "(a request without it needs input first)"
                )
    return tuple(dict.fromkeys(warnings))


def _missing_checks(rule: Rule) -> list[str]:
    found: list[str] = []
    stack = [rule.condition] if rule.condition is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, IsMissing):
            found.append(node.ref.name)
        elif isinstance(node, BoolOp):
            stack.extend(node.operands)
        elif isinstance(node, Not):
            stack.append(node.operand)
    return found


def _list(raw: object, where: str) -> list[Any]:
    if not isinstance(raw, list):
        raise PolicySyntaxError("must be a list", field=where)
    return raw


def _text(raw: object, where: str, *, allow_empty: bool = False) -> str:
    if not isinstance(raw, str) or (not allow_empty and not raw.strip()):
        raise PolicySyntaxError("must be non-empty text" if not allow_empty else "must be text", field=where)
    return raw.strip()


def _entry(raw: object, where: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise PolicySyntaxError("must be an object", field=where)
    unknown = [k for k in raw if k not in keys]
    if unknown:
        raise PolicySyntaxError(f"unknown key {unknown[0]!r}; allowed: {', '.join(keys)}", field=where)
    return cast(Mapping[str, Any], raw)


def _identifier(raw: object, where: str) -> str:
    text = _text(raw, where)
    if not (text.isascii() and text.isidentifier()):
        raise PolicySyntaxError(
            f"{text!r} is not a valid name; use letters, digits and _ (delivered_on)", field=where
        )
    return text


def _inputs(raw: object) -> tuple[InputSpec, ...]:
    specs: list[InputSpec] = []
    for i, item in enumerate(_list(raw, "inputs")):
        where = f"inputs[{i}]"
        entry = _entry(item, where, _INPUT_KEYS)
        name = _identifier(entry.get("name"), f"{where}.name")
        if name.lower() in KEYWORDS:
            raise PolicySyntaxError(
                f"{name!r} is a word of the rule language; pick another name", field=where
            )
        if any(s.name == name for s in specs):
            raise PolicySyntaxError(f"the input {name!r} is declared twice", field=where)
        kind = entry.get("type")
        if kind not in _INPUT_TYPES:
            raise PolicySyntaxError(
                f"type must be one of {', '.join(_INPUT_TYPES)}, not {kind!r}", field=f"{where}.type"
            )
        label = _text(entry.get("label", name.replace("_", " ").capitalize()), f"{where}.label")
        required = entry.get("required", True)
        if not isinstance(required, bool):
            raise PolicySyntaxError("required must be true or false", field=f"{where}.required")
        options: tuple[str, ...] = ()
        if kind == "choice":
            raw_options = _list(entry.get("options"), f"{where}.options")
            options = tuple(_text(o, f"{where}.options[{j}]") for j, o in enumerate(raw_options))
            if not options or len(set(options)) != len(options):
                raise PolicySyntaxError("a choice needs a list of distinct options", field=f"{where}.options")
        elif "options" in entry:
            raise PolicySyntaxError("only a choice input has options", field=f"{where}.options")
        specs.append(InputSpec(name, label, cast(InputType, kind), required, options))
    return tuple(specs)


def _exception_reasons(raw: object) -> tuple[ExceptionReason, ...]:
    reasons: list[ExceptionReason] = []
    for i, item in enumerate(_list(raw, "exception_reasons")):
        where = f"exception_reasons[{i}]"
        entry = _entry(item, where, _REASON_KEYS)
        code = _identifier(entry.get("code"), f"{where}.code")
        if any(r.code == code for r in reasons):
            raise PolicySyntaxError(f"the exception reason {code!r} is declared twice", field=where)
        outside = entry.get("outside_customer_control", False)
        if not isinstance(outside, bool):
            raise PolicySyntaxError("must be true or false", field=f"{where}.outside_customer_control")
        reasons.append(ExceptionReason(code, _text(entry.get("label"), f"{where}.label"), outside))
    return tuple(reasons)


# --- evaluating ------------------------------------------------------------------------


def evaluate(
    policy: CompiledPolicy | str | Mapping[str, Any], inputs: Mapping[str, object], *, today: date
) -> Decision:
    """Decide a request. Never raises for any input values; raises PolicySyntaxError only
    when `policy` is an uncompiled definition that does not compile."""
    compiled = compile_policy(policy)
    if isinstance(today, datetime):
        today = today.date()
    specs = compiled.input_specs
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for spec in compiled.inputs:  # declared order, so the caller's dict order never matters
        raw = inputs.get(spec.name)
        if is_blank(raw):
            values[spec.name] = None
            continue
        value, error = coerce_input(spec, raw)
        values[spec.name] = value
        if error is not None:
            errors[spec.name] = error
    base = _Base(compiled, values, errors)
    absent = [
        s.name for s in compiled.inputs if s.required and values[s.name] is None and s.name not in errors
    ]
    if absent or errors:
        needed = [s.name for s in compiled.inputs if s.name in errors or s.name in absent]
        reasons = [f"needs {label_words(specs[n])}" for n in absent]
        reasons += [f"{label_words(specs[n])}: {errors[n]}" for n in errors]
        return base.decision(Outcome.NEEDS_INPUT, reasons, None, missing=needed)
    env = Env(values, specs, today)
    passed: list[Rule] = []
    for rule in compiled.rules:
        try:
            decision = _apply(rule, env, base, passed)
        except (ArithmeticError, OverflowError, ValueError) as exc:
            return base.decision(
                Outcome.NEEDS_REVIEW,
                [f"the rule on line {rule.line} could not be worked out for these inputs ({_problem(exc)})"],
                rule.line,
            )
        if decision is not None:
            return decision
        passed.append(rule)
    return base.decision(Outcome.NEEDS_REVIEW, [NO_RULE_COVERS, *_why_not(passed, env)], None)


@dataclass(frozen=True)
class _Base:
    policy: CompiledPolicy
    values: dict[str, object]
    errors: dict[str, str]

    def decision(
        self,
        outcome: Outcome,
        reasons: list[str],
        line: int | None,
        *,
        limit: Decimal | None = None,
        missing: Sequence[str] = (),
    ) -> Decision:
        specs = self.policy.input_specs
        return Decision(
            outcome=outcome,
            limit=limit,
            reasons=list(dict.fromkeys(reasons)),
            matched_rule=line,
            missing=list(missing),
            errors=dict(self.errors),
            inputs=dict(self.values),
            missing_labels=[specs[n].label for n in missing],
            alternatives=list(self.policy.alternatives),
        )


_OUTCOMES = {
    "allow": Outcome.ALLOWED,
    "allow_up_to": Outcome.ALLOWED_UP_TO,
    "deny": Outcome.NOT_ALLOWED,
    "review": Outcome.NEEDS_REVIEW,
}


def _apply(rule: Rule, env: Env, base: _Base, passed: list[Rule]) -> Decision | None:
    held = True if rule.condition is None else evaluate_expr(rule.condition, env)
    if isinstance(held, Unknown):
        return _needs(held, rule, env, base)
    if not held:
        return None
    limit: Decimal | None = None
    facts: list[str] = []
    if rule.limit is not None:
        raw_limit = evaluate_expr(rule.limit, env)
        if isinstance(raw_limit, Unknown):
            return _needs(raw_limit, rule, env, base)
        assert isinstance(raw_limit, Decimal | int)
        limit = Decimal(raw_limit)
        if limit < 0:
            return base.decision(
                Outcome.NEEDS_REVIEW,
                [f"the limit of the rule on line {rule.line} works out below zero ({show_value(limit)})"],
                rule.line,
            )
        if not _is_literal(rule):
            facts.append(f"the limit is {phrase(rule.limit, env.specs)}: {format_amount(limit)}")
    if rule.condition is not None:
        facts.insert(0, explain(rule.condition, env, True))
    outcome = _OUTCOMES[rule.kind]
    if outcome in (Outcome.NOT_ALLOWED, Outcome.NEEDS_REVIEW):
        facts += _why_not(passed, env)
    if rule.reason is not None and (rule.condition is not None or not facts):
        reasons = [rule.reason, *facts]
    elif rule.reason is not None:
        # A closing rule's own text ("More than 60 days since delivery") is the author's summary,
        # checked against nothing: for a 45-day-old order it would be false. What decided is that
        # no earlier rule allowed the request, and the facts say why each did not.
        reasons = [NO_RULE_ALLOWS, *facts]
    elif facts and rule.condition is not None:
        reasons = facts
    else:
        reasons = [_default_headline(rule, limit), *facts]
    return base.decision(outcome, reasons, rule.line, limit=limit)


def _is_literal(rule: Rule) -> bool:
    return isinstance(rule.limit, Const)


def _needs(unknown: Unknown, rule: Rule, env: Env, base: _Base) -> Decision:
    order = [s.name for s in base.policy.inputs if s.name in unknown.names]
    words = " and ".join(label_words(env.specs[n]) for n in order)
    return base.decision(
        Outcome.NEEDS_INPUT,
        [f"needs {words} to check the rule on line {rule.line}"],
        rule.line,
        missing=order,
    )


def _why_not(passed: list[Rule], env: Env) -> list[str]:
    """Why the rules that would have allowed the request did not apply."""
    reasons: list[str] = []
    for rule in passed:
        if rule.kind in ("allow", "allow_up_to") and rule.condition is not None:
            reasons.append(explain(rule.condition, env, False))
    return reasons


def _default_headline(rule: Rule, limit: Decimal | None) -> str:
    if rule.kind == "allow":
        return "every request that reaches this rule is allowed"
    if rule.kind == "allow_up_to":
        return f"allowed up to {format_amount(limit or Decimal(0))}"
    if rule.kind == "deny":
        return NO_RULE_ALLOWS
    return "this request needs a lead's review"


def _problem(exc: Exception) -> str:
    if isinstance(exc, DivisionByZero | ZeroDivisionError):
        return "a division by zero"
    if isinstance(exc, OverflowError):
        return "a date or number out of range"
    return "a number out of range"


def diff_policies(
    old: CompiledPolicy | str | Mapping[str, Any], new: CompiledPolicy | str | Mapping[str, Any]
) -> PolicyDiff:
    """What changed between two versions of a policy, for the change announcement."""
    return diff_compiled(compile_policy(old), compile_policy(new))


def needs_approval(
    amount: Decimal | None,
    count_in_period: int,
    limit_amount: Decimal | None,
    limit_count: int | None,
    period_days: int | None = None,
) -> str | None:
    """Whether an exception needs a lead: None when it is within the authority limits, else
    the plain reason. `count_in_period` counts the exceptions already granted in the period,
    not this one; a None limit means no limit."""
    if limit_amount is not None and amount is not None and amount > limit_amount:
        return f"{format_amount(amount)} is above the limit of {format_amount(limit_amount)}"
    if limit_count is not None and count_in_period >= limit_count:
        granted = "1 exception" if count_in_period == 1 else f"{count_in_period} exceptions"
        period = "this period" if period_days is None else f"in the last {_days_words(period_days)}"
        return f"{granted} already granted {period}; the limit is {limit_count}"
    return None


def _days_words(days: int) -> str:
    return "day" if days == 1 else f"{days} days"
