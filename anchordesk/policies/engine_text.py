"""Words around a policy: what changed between two versions, and the suggested reply
fragment that tells a customer the outcome plainly. Pure Python."""

from __future__ import annotations

import decimal
import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from anchordesk.policies.engine_runtime import describe_rule

if TYPE_CHECKING:
    from anchordesk.policies.engine import CompiledPolicy, Decision

__all__ = ["GENERIC_HEADLINES", "PolicyDiff", "diff_compiled", "format_amount", "reply_fragment"]

NO_RULE_ALLOWS = "no rule in this policy allows this request"
NO_RULE_COVERS = "no rule in this policy covers this request"
# Headlines the engine writes when the rule had no reason of its own; a reply then states
# the facts behind them instead, which is what the customer needs to hear.
GENERIC_HEADLINES = frozenset({NO_RULE_ALLOWS, NO_RULE_COVERS})


def format_amount(amount: Decimal) -> str:
    """Two decimals, rounded down, so a shown limit is never more than the real one."""
    try:
        with decimal.localcontext(decimal.Context(prec=60)):
            return str(amount.quantize(Decimal("0.01"), rounding=decimal.ROUND_DOWN))
    except decimal.InvalidOperation:
        return str(amount)


# --- diffs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyDiff:
    summary: list[str]  # plain sentences for the announcement, most important first
    rules_diff: list[str]  # unified diff of the rules text
    rules_added: list[str] = field(default_factory=list)  # canonical rule texts
    rules_removed: list[str] = field(default_factory=list)
    rules_reordered: bool = False
    inputs_added: list[str] = field(default_factory=list)
    inputs_removed: list[str] = field(default_factory=list)
    inputs_changed: list[str] = field(default_factory=list)
    exception_reasons_added: list[str] = field(default_factory=list)
    exception_reasons_removed: list[str] = field(default_factory=list)
    exception_reasons_changed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """False when the versions decide every request alike and read alike (only
        comments or spacing in the rules changed)."""
        return bool(self.summary)


def diff_compiled(old: CompiledPolicy, new: CompiledPolicy) -> PolicyDiff:
    summary: list[str] = []
    if old.name != new.name:
        summary.append(f'The policy is now called "{new.name}" (was "{old.name}").')
    added, removed, reordered = _diff_rules(old, new, summary)
    inputs = _diff_inputs(old, new, summary)
    reasons = _diff_exception_reasons(old, new, summary)
    if old.description != new.description:
        summary.append("The description changed.")
    gone = [a for a in old.alternatives if a not in new.alternatives]
    came = [a for a in new.alternatives if a not in old.alternatives]
    summary += [f"New alternative to offer: {a}." for a in came]
    summary += [f"No longer offered as an alternative: {a}." for a in gone]
    rules_diff = list(
        difflib.unified_diff(
            old.rules_text.splitlines(), new.rules_text.splitlines(), "before", "after", n=1, lineterm=""
        )
    )
    return PolicyDiff(
        summary=summary,
        rules_diff=rules_diff,
        rules_added=added,
        rules_removed=removed,
        rules_reordered=reordered,
        inputs_added=inputs[0],
        inputs_removed=inputs[1],
        inputs_changed=inputs[2],
        exception_reasons_added=reasons[0],
        exception_reasons_removed=reasons[1],
        exception_reasons_changed=reasons[2],
    )


def _diff_rules(
    old: CompiledPolicy, new: CompiledPolicy, summary: list[str]
) -> tuple[list[str], list[str], bool]:
    before = [rule.text for rule in old.rules]
    after = [rule.text for rule in new.rules]
    if before != after and sorted(before) == sorted(after):
        summary.append("The rules are the same but in a new order, and the first rule that matches decides:")
        summary += [f"  {i}. {text}" for i, text in enumerate(new.describe_rules(), start=1)]
        return [], [], True
    added: list[str] = []
    removed: list[str] = []
    old_specs, new_specs = old.input_specs, new.input_specs
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = old.rules[i1:i2], new.rules[j1:j2]
        removed += [r.text for r in olds]
        added += [r.text for r in news]
        for k in range(max(len(olds), len(news))):
            if k < len(olds) and k < len(news):
                summary.append(
                    f"Rule changed (line {news[k].line}): {describe_rule(news[k], new_specs)}; "
                    f"before: {describe_rule(olds[k], old_specs)}."
                )
            elif k < len(news):
                summary.append(f"New rule (line {news[k].line}): {describe_rule(news[k], new_specs)}.")
            else:
                summary.append(f"Rule removed: {describe_rule(olds[k], old_specs)}.")
    return added, removed, False


def _diff_inputs(
    old: CompiledPolicy, new: CompiledPolicy, summary: list[str]
) -> tuple[list[str], list[str], list[str]]:
    before, after = old.input_specs, new.input_specs
    added = [name for name in after if name not in before]
    removed = [name for name in before if name not in after]
    changed: list[str] = []
    for name in added:
        spec = after[name]
        summary.append(
            f"New input: {spec.label} ({spec.type}, {'required' if spec.required else 'optional'})."
        )
    summary += [f"Input removed: {before[name].label}." for name in removed]
    for name, spec in after.items():
        was = before.get(name)
        if was is None or was == spec:
            continue
        changed.append(name)
        notes: list[str] = []
        if was.label != spec.label:
            notes.append(f'now labelled "{spec.label}" (was "{was.label}")')
        if was.type != spec.type:
            notes.append(f"now {spec.type} (was {was.type})")
        if was.required != spec.required:
            notes.append("now required" if spec.required else "now optional")
        new_options = [o for o in spec.options if o not in was.options]
        old_options = [o for o in was.options if o not in spec.options]
        if new_options and was.type == spec.type:
            notes.append(f"new options: {', '.join(new_options)}")
        if old_options and was.type == spec.type:
            notes.append(f"options removed: {', '.join(old_options)}")
        if not notes:
            notes.append("options reordered")
        summary.append(f"Input {spec.label}: {'; '.join(notes)}.")
    return added, removed, changed


def _diff_exception_reasons(
    old: CompiledPolicy, new: CompiledPolicy, summary: list[str]
) -> tuple[list[str], list[str], list[str]]:
    before = {r.code: r for r in old.exception_reasons}
    after = {r.code: r for r in new.exception_reasons}
    added = [code for code in after if code not in before]
    removed = [code for code in before if code not in after]
    changed: list[str] = []
    for code in added:
        reason = after[code]
        who = "an agent may grant it" if reason.outside_customer_control else "a lead grants it"
        summary.append(f"New exception reason: {reason.label} ({who}).")
    summary += [f"Exception reason removed: {before[code].label}." for code in removed]
    for code, reason in after.items():
        was = before.get(code)
        if was is None or was == reason:
            continue
        changed.append(code)
        if was.label != reason.label:
            summary.append(f'Exception reason "{was.label}" is now called "{reason.label}".')
        if was.outside_customer_control != reason.outside_customer_control:
            summary.append(
                f"Exception reason {reason.label}: now outside the customer's control, so an agent may grant it."
                if reason.outside_customer_control
                else f"Exception reason {reason.label}: no longer outside the customer's control; a lead grants it."
            )
    return added, removed, changed


# --- reply fragments -------------------------------------------------------------------


def _clause(reason: str) -> str:
    """A reason as it reads inside a sentence: no capital unless an acronym, no full stop."""
    text = reason.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


def _join(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _reason_for_customer(decision: Decision) -> str:
    reasons = list(decision.reasons)
    if reasons and reasons[0] in GENERIC_HEADLINES and len(reasons) > 1:
        return "; ".join(_clause(r) for r in reasons[1:3])
    # A rule's own reason is what the customer hears; the facts behind it are for the agent.
    return _clause(reasons[0]) if reasons else ""


def reply_fragment(policy_name: str, decision: Decision, *, customer_name: str | None = None) -> str:
    """A suggested reply: the outcome, the rule and its reason said plainly, in the agent's
    own voice; when declined, what the customer can do instead. Agents edit it before sending."""
    name = " ".join(policy_name.split()) or "refund"
    policy = f"our {name}" if name.lower().endswith("policy") else f"our {name} policy"
    greeting = f"Hi {customer_name.strip()},\n\n" if customer_name and customer_name.strip() else ""
    reason = _reason_for_customer(decision)
    because = f": {reason}" if reason else ""
    outcome = decision.outcome
    confirm = " You'll receive a confirmation by email once it's processed."
    if outcome == "allowed":
        body = f"I checked your request against {policy}, and I can approve it{because}." + confirm
    elif outcome == "allowed_up_to":
        limit = format_amount(decision.limit if decision.limit is not None else Decimal(0))
        body = f"I checked your request against {policy}, and I can approve up to {limit}{because}." + confirm
    elif outcome == "not_allowed":
        body = f"I checked your request against {policy}, and I can't approve it{because}."
        alternatives = [_clause(a) for a in decision.alternatives]
        if alternatives:
            body += f" What I can offer instead: {_join(alternatives, 'or')}."
        body += (
            " If something outside your control got in the way, tell me what happened and I'll look at it "
            "again within 1 working day."
        )
    elif outcome == "needs_input":
        labels = [_clause(label) for label in decision.missing_labels]
        wanted = _join(labels) or "a few more details"
        them = "it" if len(labels) == 1 else "them"
        body = (
            f"To check your request against {policy}, I need {wanted}. "
            f"Could you send {them} to me? Once I have {them}, I'll give you an answer within 1 working day."
        )
    else:
        body = (
            f"I checked your request against {policy}, and it needs a decision from my lead{because}. "
            "I've passed it to my lead, and I'll come back to you with the answer within 2 working days."
        )
    return greeting + body
