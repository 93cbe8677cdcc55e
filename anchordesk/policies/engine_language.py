"""The policy rule language: tokens, syntax tree, parser and type checker. Pure Python.

A rules text is a list of rules, one per line; a line indented further than the line that
starts its rule continues that rule. `#` starts a comment. docs/policies-rules.md is the
reference for admins; this module only turns text into a checked tree or refuses it with
the line, the column and a plain reason.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, NoReturn

__all__ = [
    "FUNCTIONS",
    "KEYWORDS",
    "Arith",
    "BoolOp",
    "Call",
    "Compare",
    "Const",
    "Expr",
    "InList",
    "InputSpec",
    "IsMissing",
    "Neg",
    "Not",
    "PolicySyntaxError",
    "Ref",
    "Rule",
    "RuleKind",
    "ValueType",
    "parse_rules",
]

# The types an expression can have. "choice" and "text" inputs are both text here.
ValueType = Literal["date", "amount", "count", "boolean", "text"]
RuleKind = Literal["allow", "deny", "review", "allow_up_to"]
InputType = Literal["date", "amount", "count", "boolean", "choice", "text"]

KEYWORDS = frozenset(
    {
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
        "false",
    }
)
# name -> (argument types, result type); None arguments means "two or more numbers".
FUNCTIONS: dict[str, tuple[tuple[ValueType, ...] | None, ValueType | None]] = {
    "today": ((), "date"),
    "days_since": (("date",), "count"),
    "days_until": (("date",), "count"),
    "days_between": (("date", "date"), "count"),
    "date": (("text",), "date"),
    "min": (None, None),
    "max": (None, None),
    "abs": (("amount",), None),
}
# A rule this long is better written as two rules, and the cap keeps every recursive walk
# of the tree far from Python's recursion limit.
MAX_RULE_TOKENS = 300
MAX_NESTING = 30

_TYPE_WORDS: dict[str, str] = {
    "date": "a date",
    "amount": "an amount",
    "count": "a count",
    "boolean": "a yes/no value",
    "text": "text",
}
_NUMERIC = ("amount", "count")


class PolicySyntaxError(ValueError):
    """A policy the engine refuses. `line`/`column` are 1-based within the rules text;
    both are None for a problem in the definition itself, which `field` names."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None, field: str = "rules"):
        self.reason = reason
        self.line = line
        self.column = column
        self.field = field
        where = f"line {line}, column {column}: " if line is not None else f"{field}: "
        super().__init__(where + reason)


@dataclass(frozen=True)
class InputSpec:
    name: str
    label: str
    type: InputType
    required: bool
    options: tuple[str, ...] = ()

    @property
    def value_type(self) -> ValueType:
        return "text" if self.type == "choice" else self.type


# --- the syntax tree -------------------------------------------------------------------


@dataclass(frozen=True)
class Const:
    value: object
    type: ValueType
    text: str
    line: int
    column: int


@dataclass(frozen=True)
class Ref:
    name: str
    type: ValueType
    line: int
    column: int


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Expr, ...]
    type: ValueType
    line: int
    column: int


@dataclass(frozen=True)
class Neg:
    operand: Expr
    type: ValueType
    line: int
    column: int


@dataclass(frozen=True)
class Arith:
    op: str
    left: Expr
    right: Expr
    type: ValueType
    line: int
    column: int


@dataclass(frozen=True)
class Compare:
    op: str  # one of < <= > >= = !=
    left: Expr
    right: Expr
    line: int
    column: int
    type: ValueType = "boolean"


@dataclass(frozen=True)
class InList:
    left: Expr
    items: tuple[Expr, ...]
    negated: bool
    line: int
    column: int
    type: ValueType = "boolean"


@dataclass(frozen=True)
class IsMissing:
    ref: Ref
    negated: bool
    line: int
    column: int
    type: ValueType = "boolean"


@dataclass(frozen=True)
class Not:
    operand: Expr
    line: int
    column: int
    type: ValueType = "boolean"


@dataclass(frozen=True)
class BoolOp:
    op: Literal["and", "or"]
    operands: tuple[Expr, ...]
    line: int
    column: int
    type: ValueType = "boolean"


Expr = Const | Ref | Call | Neg | Arith | Compare | InList | IsMissing | Not | BoolOp


@dataclass(frozen=True)
class Rule:
    line: int
    kind: RuleKind
    condition: Expr | None
    limit: Expr | None
    reason: str | None
    text: str  # the rule in canonical spelling, for diffs and announcements


# --- tokens ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: Literal["name", "number", "string", "op", "end"]
    text: str
    line: int
    column: int
    width: int = 0  # characters in the source, when not len(text) (a quoted text)

    @property
    def word(self) -> str:
        """The keyword this token spells (keywords are case-insensitive), or ''."""
        return self.text.lower() if self.kind == "name" and self.text.lower() in KEYWORDS else ""

    def describe(self) -> str:
        if self.kind == "end":
            return "the end of the rule"
        if self.kind == "string":
            return "a quoted text"
        return f"'{self.text}'"


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_OPS = ("<=", ">=", "==", "!=", "<>", "<", ">", "=", "(", ")", ",", "+", "-", "*", "/")
_CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u00ab\u00bb"


def _tokenize_line(text: str, line: int) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        col = i + 1
        if ch in " \t\r\f\v":
            i += 1
        elif ch == "#":
            break
        elif m := _NAME.match(text, i):
            tokens.append(_Token("name", m.group(), line, col))
            i = m.end()
        elif m := _NUMBER.match(text, i):
            tokens.append(_Token("number", m.group(), line, col))
            i = m.end()
        elif ch in "\"'":
            value, end = _read_string(text, i, line)
            tokens.append(_Token("string", value, line, col, end - i))
            i = end
        elif op := next((op for op in _OPS if text.startswith(op, i)), ""):
            tokens.append(_Token("op", op, line, col))
            i += len(op)
        elif ch in _CURLY_QUOTES:
            raise PolicySyntaxError(f'use straight quotes (") instead of {ch}', line, col)
        else:
            raise PolicySyntaxError(f"unexpected character {ch!r}", line, col)
    return tokens


def _read_string(text: str, start: int, line: int) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in (quote, "\\"):
            out.append(text[i + 1])
            i += 2
        elif ch == quote:
            return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise PolicySyntaxError(f"the text starting here is not closed with {quote}", line, start + 1)


def _split_rules(text: str) -> list[list[_Token]]:
    """Group tokens into rules: a new rule starts on a line indented no further than the
    line that started the current rule."""
    rules: list[list[_Token]] = []
    indent = -1
    for number, raw in enumerate(text.splitlines(), start=1):
        tokens = _tokenize_line(raw, number)
        if not tokens:
            continue
        line_indent = len(raw) - len(raw.lstrip())
        if rules and line_indent > indent:
            rules[-1].extend(tokens)
        else:
            rules.append(tokens)
            indent = line_indent
    return rules


# --- the parser ------------------------------------------------------------------------


def _suggest(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type_word(node: Expr) -> str:
    return _TYPE_WORDS[node.type]


class _Parser:
    def __init__(self, tokens: list[_Token], inputs: Mapping[str, InputSpec]):
        last = tokens[-1]
        self.tokens = [*tokens, _Token("end", "", last.line, last.column + (last.width or len(last.text)))]
        self.pos = 0
        self.inputs = inputs
        self.depth = 0

    # token helpers

    @property
    def tok(self) -> _Token:
        return self.tokens[self.pos]

    def advance(self) -> _Token:
        tok = self.tokens[self.pos]
        if tok.kind != "end":
            self.pos += 1
        return tok

    def at_word(self, *words: str) -> bool:
        return self.tok.word in words

    def at_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    def expect_word(self, word: str, context: str) -> _Token:
        if not self.at_word(word):
            self.fail(f"expected '{word}' {context}, found {self.tok.describe()}")
        return self.advance()

    def fail(self, reason: str, tok: _Token | None = None) -> NoReturn:
        at = tok or self.tok
        raise PolicySyntaxError(reason, at.line, at.column)

    # rules

    def rule(self) -> Rule:
        first = self.tok
        kind: RuleKind
        limit: Expr | None = None
        if self.at_word("allow"):
            self.advance()
            kind = "allow"
            if self.at_word("up"):
                self.advance()
                self.expect_word("to", "after 'allow up'")
                if self.at_word("when") or self.tok.kind in ("end", "string"):
                    self.fail("'allow up to' needs an amount, such as 'allow up to 50.00'")
                limit_tok = self.tok
                limit = self.expression()
                if limit.type not in _NUMERIC:
                    self.fail(f"'allow up to' needs an amount, not {_type_word(limit)}", limit_tok)
                kind = "allow_up_to"
        elif self.at_word("deny", "review"):
            kind = "deny" if self.advance().word == "deny" else "review"
        else:
            self.fail(f"a rule starts with 'allow', 'deny' or 'review', found {first.describe()}")
        reason: str | None = None
        if self.tok.kind == "string":
            reason_tok = self.advance()
            reason = " ".join(reason_tok.text.split())
            if not reason:
                self.fail("the reason in quotes is empty", reason_tok)
        condition: Expr | None = None
        if self.at_word("when"):
            self.advance()
            if self.tok.kind == "end":
                self.fail("'when' needs a condition after it")
            cond_tok = self.tok
            condition = self.expression()
            if condition.type != "boolean":
                self.fail(
                    f"the condition after 'when' must be true or false, not {_type_word(condition)}",
                    cond_tok,
                )
        if self.tok.kind != "end":
            if self.tok.kind == "string":
                self.fail("put the reason in quotes right after the outcome, before 'when'")
            if self.at_op(")"):
                self.fail("')' has no matching '('")
            expected = "'when' or the end of the rule" if condition is None else "the end of the rule"
            self.fail(f"expected {expected}, found {self.tok.describe()}")
        text = _canonical(self.tokens[:-1])
        return Rule(first.line, kind, condition, limit, reason, text)

    # expressions, lowest precedence first

    def expression(self) -> Expr:
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.fail("the rule is nested too deeply; split it into several rules")
        try:
            return self.or_expr()
        finally:
            self.depth -= 1

    def or_expr(self) -> Expr:
        return self.bool_chain("or", self.and_expr)

    def and_expr(self) -> Expr:
        return self.bool_chain("and", self.not_expr)

    def bool_chain(self, op: Literal["and", "or"], operand: Callable[[], Expr]) -> Expr:
        first_tok = self.tok
        parts = [operand()]
        while self.at_word(op):
            op_tok = self.advance()
            parts.append(operand())
            for part in (parts[0], parts[-1]):
                if part.type != "boolean":
                    self.fail(
                        f"'{op}' joins conditions that are true or false, not {_type_word(part)}", op_tok
                    )
        if len(parts) == 1:
            return parts[0]
        return BoolOp(op, tuple(parts), first_tok.line, first_tok.column)

    def not_expr(self) -> Expr:
        if self.at_word("not"):
            tok = self.advance()
            operand = self.not_expr()
            if operand.type != "boolean":
                self.fail(f"'not' applies to a condition, not {_type_word(operand)}", tok)
            return Not(operand, tok.line, tok.column)
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.additive()
        tok = self.tok
        if self.at_op("<", "<=", ">", ">=", "=", "==", "!=", "<>"):
            self.advance()
            op = {"==": "=", "<>": "!="}.get(tok.text, tok.text)
            right = self.additive()
            self.check_comparable(op, left, right, tok)
            node: Expr = Compare(op, left, right, tok.line, tok.column)
        elif self.at_word("in") or (self.at_word("not") and self.tokens[self.pos + 1].word == "in"):
            negated = self.advance().word == "not"
            if negated:
                self.advance()
            node = InList(left, self.in_items(left), negated, tok.line, tok.column)
        elif self.at_word("is"):
            self.advance()
            negated = self.at_word("not")
            if negated:
                self.advance()
            if not self.at_word("missing"):
                self.fail("after 'is' write 'missing' or 'not missing'; to compare values use '='")
            self.advance()
            if not isinstance(left, Ref):
                self.fail("'is missing' applies to an input name, such as 'delivered_on is missing'", tok)
            node = IsMissing(left, negated, tok.line, tok.column)
        else:
            return left
        if self.at_op("<", "<=", ">", ">=", "=", "==", "!=", "<>") or self.at_word("in", "is"):
            self.fail("comparisons cannot be chained; join them with 'and'")
        return node

    def in_items(self, left: Expr) -> tuple[Expr, ...]:
        if not self.at_op("("):
            self.fail('\'in\' needs a list in parentheses, such as in ("damaged", "late")')
        open_tok = self.advance()
        items: list[Expr] = []
        while True:
            if self.at_op(")") and not items:
                self.fail("the list after 'in' is empty")
            item_tok = self.tok
            item = self.expression()
            self.check_comparable("=", left, item, item_tok)
            items.append(item)
            if self.at_op(","):
                self.advance()
                continue
            if self.at_op(")"):
                self.advance()
                return tuple(items)
            self.unclosed(open_tok)

    def unclosed(self, open_tok: _Token) -> NoReturn:
        if self.tok.kind == "end":
            self.fail(f"missing ')' to close the '(' at column {open_tok.column}")
        self.fail(f"expected ',' or ')' in the list, found {self.tok.describe()}")

    def additive(self) -> Expr:
        left = self.term()
        while self.at_op("+", "-"):
            tok = self.advance()
            left = self.arith(tok, left, self.term())
        return left

    def term(self) -> Expr:
        left = self.unary()
        while self.at_op("*", "/"):
            tok = self.advance()
            left = self.arith(tok, left, self.unary())
        return left

    def unary(self) -> Expr:
        if self.at_op("-"):
            tok = self.advance()
            operand = self.unary()
            if operand.type not in _NUMERIC:
                self.fail(f"'-' applies to a number, not {_type_word(operand)}", tok)
            return Neg(operand, operand.type, tok.line, tok.column)
        return self.primary()

    def primary(self) -> Expr:
        tok = self.tok
        if tok.kind == "number":
            self.advance()
            value = Decimal(tok.text) if "." in tok.text else int(tok.text)
            return Const(value, "amount" if "." in tok.text else "count", tok.text, tok.line, tok.column)
        if tok.kind == "string":
            self.advance()
            return Const(tok.text, "text", _quote(tok.text), tok.line, tok.column)
        if tok.word in ("true", "false"):
            self.advance()
            return Const(tok.word == "true", "boolean", tok.word, tok.line, tok.column)
        if self.at_op("("):
            self.advance()
            inner = self.expression()
            if not self.at_op(")"):
                self.unclosed_group(tok)
            self.advance()
            return inner
        if tok.kind == "name" and not tok.word:
            self.advance()
            if self.at_op("("):
                return self.call(tok)
            spec = self.inputs.get(tok.text)
            if spec is None:
                known = sorted(self.inputs)
                hint = _suggest(tok.text, known) or (
                    f"; inputs: {', '.join(known)}" if known else "; this policy declares no inputs"
                )
                self.fail(f"unknown input '{tok.text}'{hint}", tok)
            return Ref(spec.name, spec.value_type, tok.line, tok.column)
        if self.at_op(")"):
            self.fail("')' has no matching '('")
        self.fail(f"expected a value, found {tok.describe()}")

    def unclosed_group(self, open_tok: _Token) -> NoReturn:
        if self.tok.kind == "end":
            self.fail(f"missing ')' to close the '(' at column {open_tok.column}")
        self.fail(f"expected ')' to close the '(' at column {open_tok.column}, found {self.tok.describe()}")

    def call(self, name_tok: _Token) -> Expr:
        func = name_tok.text.lower()
        if func not in FUNCTIONS:
            hint = _suggest(func, list(FUNCTIONS))
            self.fail(
                f"unknown function '{name_tok.text}'{hint}; functions: {', '.join(FUNCTIONS)}", name_tok
            )
        open_tok = self.advance()
        args: list[Expr] = []
        arg_toks: list[_Token] = []
        if not self.at_op(")"):
            while True:
                arg_toks.append(self.tok)
                args.append(self.expression())
                if self.at_op(","):
                    self.advance()
                    continue
                if self.at_op(")"):
                    break
                self.unclosed_group(open_tok)
        self.advance()
        return self.check_call(func, name_tok, args, arg_toks)

    def check_call(self, func: str, name_tok: _Token, args: list[Expr], arg_toks: list[_Token]) -> Expr:
        params, result = FUNCTIONS[func]
        line, col = name_tok.line, name_tok.column
        if params is None:  # min, max
            if len(args) < 2:
                self.fail(f"{func}() needs at least two numbers", name_tok)
            for arg, tok in zip(args, arg_toks, strict=True):
                if arg.type not in _NUMERIC:
                    self.fail(f"{func}() takes numbers, not {_type_word(arg)}", tok)
            kind: ValueType = "amount" if any(a.type == "amount" for a in args) else "count"
            return Call(func, tuple(args), kind, line, col)
        if len(args) != len(params):
            wanted = {0: "no values", 1: "one value", 2: "two values"}[len(params)]
            self.fail(f"{func}() takes {wanted}, got {len(args)}", name_tok)
        for arg, tok, want in zip(args, arg_toks, params, strict=True):
            ok = arg.type in _NUMERIC if want == "amount" else arg.type == want
            if not ok:
                self.fail(f"{func}() takes {_TYPE_WORDS[want]}, not {_type_word(arg)}", tok)
        if func == "date":
            arg = args[0]
            if not isinstance(arg, Const) or not isinstance(arg.value, str):
                self.fail('date() takes a date in quotes, such as date("2026-01-31")', arg_toks[0])
            try:
                day = date.fromisoformat(arg.value.strip())
            except ValueError:
                self.fail(f"{arg.text} is not a date; write it as YYYY-MM-DD", arg_toks[0])
            return Const(day, "date", f"date({arg.text})", line, col)
        return Call(func, tuple(args), result or args[0].type, line, col)

    # type checks

    def arith(self, tok: _Token, left: Expr, right: Expr) -> Expr:
        op = tok.text
        lt, rt = left.type, right.type
        kind: ValueType | None = None
        if lt in _NUMERIC and rt in _NUMERIC:
            kind = "amount" if "amount" in (lt, rt) or op == "/" else "count"
        elif op == "-" and lt == "date" and rt == "date":
            kind = "count"  # days between
        elif op in "+-" and lt == "date" and rt == "count":
            kind = "date"
        if kind is None:
            self.fail(f"cannot use '{op}' on {_type_word(left)} and {_type_word(right)}", tok)
        return Arith(op, left, right, kind, tok.line, tok.column)

    def check_comparable(self, op: str, left: Expr, right: Expr, tok: _Token) -> None:
        lt, rt = left.type, right.type
        same = lt == rt or (lt in _NUMERIC and rt in _NUMERIC)
        if not same:
            self.fail(f"cannot compare {_type_word(left)} with {_type_word(right)}", tok)
        if op not in ("=", "!=") and lt not in ("date", "amount", "count"):
            self.fail(f"'{op}' compares numbers or dates; {_type_word(left)} can only use = or !=", tok)
        for ref, other in ((left, right), (right, left)):
            if isinstance(ref, Ref) and isinstance(other, Const) and isinstance(other.value, str):
                spec = self.inputs[ref.name]
                if spec.type == "choice" and other.value not in spec.options:
                    self.fail(
                        f"{other.text} is not an option of {spec.name} (options: {', '.join(spec.options)})",
                        _Token("string", other.text, other.line, other.column),
                    )


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _canonical(tokens: Sequence[_Token]) -> str:
    out: list[str] = []
    prev: _Token | None = None
    for tok in tokens:
        piece = _quote(tok.text) if tok.kind == "string" else (tok.word or tok.text)
        glue = " "
        if (
            prev is None
            or (tok.kind == "op" and tok.text in "),")
            or (prev.kind == "op" and prev.text == "(")
        ):
            glue = ""
        elif tok.kind == "op" and tok.text == "(" and prev.kind == "name" and not prev.word:
            glue = ""  # a function call
        elif prev.kind == "op" and prev.text == "-" and _is_unary_minus(out):
            glue = ""
        out.append(glue + piece)
        prev = tok
    return "".join(out)


def _is_unary_minus(out: list[str]) -> bool:
    before = out[-2].strip() if len(out) >= 2 else ""
    return before in ("", "(", ",", "<", "<=", ">", ">=", "=", "==", "!=", "<>", "+", "-", "*", "/") or (
        before.lower() in KEYWORDS
    )


def parse_rules(text: str, inputs: Mapping[str, InputSpec]) -> tuple[Rule, ...]:
    """Parse and type-check a rules text; raise PolicySyntaxError at the first problem."""
    rules: list[Rule] = []
    catch_all: Rule | None = None
    for tokens in _split_rules(text):
        if len(tokens) > MAX_RULE_TOKENS:
            raise PolicySyntaxError(
                "this rule is too long; split it into several rules", tokens[0].line, tokens[0].column
            )
        rule = _Parser(tokens, inputs).rule()
        if catch_all is not None:
            raise PolicySyntaxError(
                f"this rule can never apply: the rule on line {catch_all.line} has no 'when' and "
                "decides every request that reaches it",
                rule.line,
                tokens[0].column,
            )
        if rule.condition is None:
            catch_all = rule
        rules.append(rule)
    return tuple(rules)
