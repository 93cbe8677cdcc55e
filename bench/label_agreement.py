"""Inter-annotator agreement between two labellers of the same validation rows.

    python bench/label_agreement.py                              # both default pairs below
    python bench/label_agreement.py --first A.csv --second B.csv # one pair, kind read from the header

Defaults (repo-relative, under bench/signals_data/validation/):
customer_twcs.csv vs customer_twcs_second.csv and replies_twcs.csv vs replies_twcs_second.csv.
Rows are joined on (source, id); rows present in only one file are counted, not scored.

Per label it prints n, raw agreement and Cohen's kappa (unweighted; for multi-class labels over
all classes, plus the binary readings the metrics use: frustration>=1, manager_request==1,
manager_request>=1, apology==non_apology, apology!=none). For commitments: agreement and kappa
on "has at least one commitment", how many commitments the two labellers matched (same row,
overlapping action wording), and agreement on the due date of the matched ones.
Label definitions: ../shared/data/LABELS.md. Pure Python; reads label files only, never texts.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.signals_data import spans

ROOT = Path(__file__).resolve().parents[1]
VALIDATION = Path("bench/signals_data/validation")
DEFAULT_PAIRS = [
    (VALIDATION / "customer_twcs.csv", VALIDATION / "customer_twcs_second.csv"),
    (VALIDATION / "replies_twcs.csv", VALIDATION / "replies_twcs_second.csv"),
]

Key = tuple[str, str]
Row = dict[str, str]


FRUSTRATION = ("0", "1", "2")
MANAGER = ("0", "1", "2")
APOLOGY = ("none", "sincere", "formulaic", "non_apology")
NEXT_STEP = ("none", "vague", "concrete")
YES_NO = ("0", "1")


class LabelFileError(ValueError):
    """A label file that cannot be scored: the message names the file, row, column and reason."""


@dataclass(frozen=True)
class Label:
    """One scored reading of a column: its classes, and how a raw value maps onto them."""

    name: str
    column: str
    classes: tuple[str, ...]
    read: Callable[[str], str] = str


def _binary(column: str, name: str, positive: Callable[[str], bool]) -> Label:
    return Label(name, column, YES_NO, read=lambda v: "1" if positive(v) else "0")


# Columns each kind must have, with their allowed values ("commitments" is checked as JSON).
CUSTOMER_COLUMNS = {
    "frustration": FRUSTRATION,
    "profanity": YES_NO,
    "abusive": YES_NO,
    "manager_request": MANAGER,
}
REPLY_COLUMNS = {"apology": APOLOGY, "excuse": YES_NO, "next_step": NEXT_STEP, "has_date": YES_NO}

CUSTOMER_LABELS = [
    Label("frustration (0/1/2)", "frustration", FRUSTRATION),
    _binary("frustration", "frustration>=1", lambda v: v in {"1", "2"}),
    Label("profanity", "profanity", YES_NO),
    Label("abusive", "abusive", YES_NO),
    Label("manager_request (0/1/2)", "manager_request", MANAGER),
    _binary("manager_request", "manager_request==1", lambda v: v == "1"),
    _binary("manager_request", "manager_request>=1", lambda v: v in {"1", "2"}),
]
REPLY_LABELS = [
    Label("apology (4 classes)", "apology", APOLOGY),
    _binary("apology", "apology==non_apology", lambda v: v == "non_apology"),
    _binary("apology", "apology!=none", lambda v: v != "none"),
    Label("excuse", "excuse", YES_NO),
    Label("next_step (3 classes)", "next_step", NEXT_STEP),
    Label("has_date", "has_date", YES_NO),
]


def read_labels(path: Path) -> tuple[str, dict[Key, Row]]:
    """Rows of a label file keyed by (source, id), and its kind ("customer" or "replies")."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = set(reader.fieldnames or [])
        if {"source", "id"} - header:
            raise LabelFileError(f"{path}: header needs the columns source and id")
        if set(CUSTOMER_COLUMNS) <= header:
            kind, columns = "customer", CUSTOMER_COLUMNS
        elif set(REPLY_COLUMNS) | {"commitments"} <= header:
            kind, columns = "replies", REPLY_COLUMNS
        else:
            raise LabelFileError(
                f"{path}: header has neither the customer columns ({', '.join(CUSTOMER_COLUMNS)}) "
                f"nor the reply columns ({', '.join(REPLY_COLUMNS)}, commitments)"
            )
        rows: dict[Key, Row] = {}
        for line, row in enumerate(reader, start=2):
            key = (row["source"], row["id"])
            where = f"{path}, line {line} ({key[0]},{key[1]})"
            if key in rows:
                raise LabelFileError(f"{where}: duplicate (source, id)")
            for column, allowed in columns.items():
                value = (row.get(column) or "").strip()
                if value not in allowed:
                    raise LabelFileError(
                        f"{where}: column {column} is {value!r}, expected one of {', '.join(allowed)}"
                    )
                row[column] = value
            if kind == "replies":
                parse_commitments(row.get("commitments") or "", where, row)
            rows[key] = row
    return kind, rows


_POOL_TEXTS: dict[tuple[str, str], str] = {}


def _pool_text(row: Row) -> str:
    """The reply's text from ../shared/data, for labels that point into it (bench/signals_data/spans.py)."""
    if not _POOL_TEXTS:
        _POOL_TEXTS.update(spans.pool_texts())
    return _POOL_TEXTS.get((row["source"], row["id"]), "")


def parse_commitments(raw: str, where: str = "", row: Row | None = None) -> list[dict[str, str]]:
    """The commitments cell: a JSON list of {"action", "due_text", "due"}, or of offsets into the
    text ({"action_at", "due_text_at", "due"}) for rows whose text stays in the pool; empty means none."""
    if not raw.strip():
        return []
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LabelFileError(f"{where}: column commitments is not JSON ({exc.msg})") from exc
    if (
        isinstance(value, list)
        and row is not None
        and any(isinstance(c, dict) and "action_at" in c for c in value)
    ):
        value = spans.to_text(value, _pool_text(row))
    if not isinstance(value, list) or not all(
        isinstance(c, dict) and isinstance(c.get("action"), str) for c in value
    ):
        raise LabelFileError(f"{where}: column commitments must be a list of objects with an action")
    return [
        {"action": c["action"], "due_text": str(c.get("due_text") or ""), "due": str(c.get("due") or "")}
        for c in value
    ]


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Unweighted Cohen's kappa; None when chance agreement is 1 (both labellers used one class)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


@dataclass
class Score:
    name: str
    n: int
    agreement: float | None
    kappa: float | None
    first: str = ""
    second: str = ""


def _distribution(values: list[str], classes: Sequence[str]) -> str:
    counts = Counter(values)
    return " ".join(f"{c}:{counts[c]}" for c in classes if counts[c]) or "-"


def score_label(pairs: Sequence[tuple[str, str]], name: str, classes: Sequence[str]) -> Score:
    n = len(pairs)
    return Score(
        name,
        n,
        sum(a == b for a, b in pairs) / n if n else None,
        cohen_kappa(pairs),
        _distribution([a for a, _ in pairs], classes),
        _distribution([b for _, b in pairs], classes),
    )


_WORD = re.compile(r"[a-z0-9']+")


def _words(action: str) -> set[str]:
    return set(_WORD.findall(action.lower()))


def match_commitments(
    first: list[dict[str, str]], second: list[dict[str, str]]
) -> list[tuple[dict[str, str], dict[str, str]]]:
    """Pair the two labellers' commitments in one row: greedily by word overlap of the action.

    Two actions match when the words they share are at least half of the shorter one's words, so
    "take a look" and "take a look backstage" are the same promise whatever span each one chose.
    """
    candidates = []
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            wa, wb = _words(a["action"]), _words(b["action"])
            if not wa or not wb:
                continue
            overlap = len(wa & wb) / min(len(wa), len(wb))
            if overlap >= 0.5:
                candidates.append((overlap, -i, -j, i, j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    matched = []
    for _, _, _, i, j in sorted(candidates, reverse=True):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            matched.append((first[i], second[j]))
    return matched


def score_commitments(pairs: Sequence[tuple[Row, Row]]) -> list[Score]:
    lists = [
        (parse_commitments(a["commitments"], row=a), parse_commitments(b["commitments"], row=b))
        for a, b in pairs
    ]
    has = [("1" if a else "0", "1" if b else "0") for a, b in lists]
    scores = [score_label(has, "has a commitment", YES_NO)]
    matched = [m for a, b in lists for m in match_commitments(a, b)]
    n_first, n_second = sum(len(a) for a, _ in lists), sum(len(b) for _, b in lists)
    scores.append(
        Score(
            "commitments matched",
            len(matched),
            None,
            None,
            f"{len(matched)} of {n_first}",
            f"{len(matched)} of {n_second}",
        )
    )
    dues = [(a["due"], b["due"]) for a, b in matched]
    scores.append(
        Score(
            "due of matched commitments",
            len(dues),
            sum(a == b for a, b in dues) / len(dues) if dues else None,
            None,
        )
    )
    dated = [(a, b) for a, b in dues if a or b]
    scores.append(
        Score(
            "due, where either gave one",
            len(dated),
            sum(a == b for a, b in dated) / len(dated) if dated else None,
            None,
            str(sum(bool(a) for a, _ in dated)),
            str(sum(bool(b) for _, b in dated)),
        )
    )
    return scores


@dataclass
class Comparison:
    kind: str
    first_path: Path
    second_path: Path
    joined: int
    only_first: int
    only_second: int
    scores: list[Score]
    disagreements: dict[str, list[tuple[Key, str, str]]]


def compare(first_path: Path, second_path: Path) -> Comparison:
    kind_a, first = read_labels(first_path)
    kind_b, second = read_labels(second_path)
    if kind_a != kind_b:
        raise LabelFileError(f"{first_path} holds {kind_a} labels but {second_path} holds {kind_b} labels")
    keys = [k for k in second if k in first]
    rows = [(first[k], second[k]) for k in keys]
    labels = CUSTOMER_LABELS if kind_a == "customer" else REPLY_LABELS
    scores = []
    disagreements: dict[str, list[tuple[Key, str, str]]] = {}
    for label in labels:
        pairs = [(label.read(a[label.column]), label.read(b[label.column])) for a, b in rows]
        scores.append(score_label(pairs, label.name, label.classes))
        disagreements[label.name] = [(k, a, b) for k, (a, b) in zip(keys, pairs, strict=True) if a != b]
    if kind_a == "replies":
        scores.extend(score_commitments(rows))
        for k, (a, b) in zip(keys, rows, strict=True):
            ca, cb = parse_commitments(a["commitments"], row=a), parse_commitments(b["commitments"], row=b)
            if bool(ca) != bool(cb):
                disagreements.setdefault("has a commitment", []).append((k, str(len(ca)), str(len(cb))))
            for ma, mb in match_commitments(ca, cb):
                if ma["due"] != mb["due"]:
                    disagreements.setdefault("due of matched commitments", []).append(
                        (k, ma["due"] or "-", mb["due"] or "-")
                    )
    return Comparison(
        kind_a,
        first_path,
        second_path,
        len(keys),
        len(first.keys() - second.keys()),
        len(second.keys() - first.keys()),
        scores,
        disagreements,
    )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def render(comparison: Comparison, disagreements: bool = False) -> str:
    c = comparison
    lines = [
        f"### {c.kind}: {_shown(c.first_path)} (first) vs {_shown(c.second_path)} (second)",
        "",
        f"Joined on (source, id): {c.joined} rows; only in first: {c.only_first}; only in second: {c.only_second}.",
        "",
        "| label | n | agreement | kappa | first | second |",
        "|---|---:|---:|---:|---|---|",
    ]
    for s in c.scores:
        lines.append(f"| {s.name} | {s.n} | {_fmt(s.agreement)} | {_fmt(s.kappa)} | {s.first} | {s.second} |")
    if disagreements:
        lines += ["", "Disagreements (source,id: first -> second):"]
        for name, items in c.disagreements.items():
            if items:
                shown = ", ".join(f"{k[0]},{k[1]}: {a} -> {b}" for k, a, b in items)
                lines.append(f"- {name} ({len(items)}): {shown}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--first", type=Path, help="first labeller's CSV (default: both default pairs)")
    parser.add_argument("--second", type=Path, help="second labeller's CSV")
    parser.add_argument(
        "--disagreements", action="store_true", help="also list the (source, id) of each disagreement"
    )
    args = parser.parse_args(argv)
    if (args.first is None) != (args.second is None):
        parser.error("--first and --second go together")
    pairs = [(args.first, args.second)] if args.first else [(ROOT / a, ROOT / b) for a, b in DEFAULT_PAIRS]
    try:
        comparisons = [compare(a, b) for a, b in pairs]
    except (LabelFileError, OSError) as exc:
        print(f"label_agreement: {exc}", file=sys.stderr)
        return 2
    print("\n".join(render(c, args.disagreements) for c in comparisons), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
