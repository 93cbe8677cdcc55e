"""Measure anchordesk.signals against labelled CSV sets (see ../shared/data/README.md).

    python bench/signals_eval.py [--sets DIR] [--errors LABEL] [--limit N]

Sets are found by file-name prefix (a1_, a2_, a3_, b_, c_), so any folder of CSVs in the same
format works. Prints precision / recall / F1 per label, per set and per source, due-date
exactness for commitments, and messages per second on one core. Nothing is copied from the
data folder; it is only read.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anchordesk.signals import analyze_message, find_commitments, review_reply
from anchordesk.signals import model as signals_model

DEFAULT_SETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "sets"


def read_set(folder: Path, prefix: str) -> list[dict[str, str]]:
    files = sorted(folder.glob(prefix + "*.csv"))
    rows: list[dict[str, str]] = []
    for f in files:
        with f.open(encoding="utf-8", newline="") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


class Binary:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.tn = 0

    def add(self, gold: bool, pred: bool) -> None:
        if gold and pred:
            self.tp += 1
        elif pred:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    def row(self) -> tuple[str, str, str, int, int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")
        f = 2 * p * r / (p + r) if p + r and p == p and r == r else float("nan")
        return f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", self.tp + self.fn, self.tp + self.fp + self.fn + self.tn


TABLE: list[tuple[str, str, str, str, str, str, int, int]] = []
ERRORS: dict[str, list[str]] = defaultdict(list)


def report(set_name: str, subset: str, label: str, b: Binary) -> None:
    p, r, f, pos, n = b.row()
    TABLE.append((set_name, subset, label, p, r, f, pos, n))


def note_error(key: str, gold: object, pred: object, text: str) -> None:
    ERRORS[key].append(f"gold={gold} pred={pred} | {text[:200]!r}")


def eval_a1(rows: list[dict[str, str]]) -> None:
    by_source: dict[str, Binary] = defaultdict(Binary)
    level2 = Binary()
    confusion: Counter[tuple[str, int]] = Counter()
    for row in rows:
        a = analyze_message(row["text"])
        gold = int(row["label"] or 0)
        by_source[row["source"]].add(gold >= 1, a.frustration >= 1)
        if (gold >= 1) != (a.frustration >= 1):
            note_error(f"frustration:{row['source']}", gold, a.frustration, row["text"])
        if row["source"] == "twcs_head":
            level2.add(gold == 2, a.frustration == 2)
            confusion[(row["label"], a.frustration)] += 1
    for src, b in sorted(by_source.items()):
        report("a1", src, "frustration>=1", b)
    if len(by_source) > 1:
        total = Binary()
        for b in by_source.values():
            total.tp, total.fp, total.fn, total.tn = (
                total.tp + b.tp,
                total.fp + b.fp,
                total.fn + b.fn,
                total.tn + b.tn,
            )
        report("a1", "all", "frustration>=1", total)
    if level2.tp + level2.fn + level2.fp:
        report("a1", "twcs_head", "frustration==2", level2)
        total = sum(confusion.values())
        acc = sum(v for (g, p), v in confusion.items() if int(g) == p) / total
        TABLE.append(("a1", "twcs_head", "3-class accuracy", f"{acc:.3f}", "", "", 0, total))


def eval_a2(rows: list[dict[str, str]]) -> None:
    by_source: dict[str, Binary] = defaultdict(Binary)
    total, abusive = Binary(), Binary()
    for row in rows:
        a = analyze_message(row["text"])
        gold = row["label"] == "1"
        by_source[row["source"]].add(gold, a.profanity)
        total.add(gold, a.profanity)
        if gold != a.profanity:
            note_error(f"profanity:{row['source']}", int(gold), int(a.profanity), row["text"])
        if row.get("abusive", "") != "":
            abusive.add(row["abusive"] == "1", a.abusive)
            if (row["abusive"] == "1") != a.abusive:
                note_error("abusive", row["abusive"], int(a.abusive), row["text"])
    for src, b in sorted(by_source.items()):
        report("a2", src, "profanity", b)
    report("a2", "all", "profanity", total)
    if abusive.tp + abusive.fn + abusive.fp + abusive.tn:
        report("a2", "hand-labelled", "abusive", abusive)


def eval_a3(rows: list[dict[str, str]]) -> None:
    per: dict[str, tuple[Binary, Binary, Binary]] = defaultdict(lambda: (Binary(), Binary(), Binary()))
    for row in rows:
        a = analyze_message(row["text"])
        gold = int(row["label"] or 0)
        for key in ("all", row["source"]):
            one, two, anyb = per[key]
            one.add(gold == 1, a.manager_request == 1)
            two.add(gold == 2, a.manager_request == 2)
            anyb.add(gold >= 1, a.manager_request >= 1)
        if gold != a.manager_request:
            note_error("manager", gold, a.manager_request, row["text"])
    for key in sorted(per, key=lambda k: (k != "all", k)):
        if key != "all" and len(per) == 2:
            continue  # one source: its rows are the "all" rows
        one, two, anyb = per[key]
        report("a3", key, "manager_request==1", one)
        report("a3", key, "manager_request==2", two)
        report("a3", key, "manager_request>=1", anyb)


def parse_when(s: str) -> datetime | None:
    s = s.strip()
    if not s:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S%z", "%a %b %d %H:%M:%S %z %Y", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(s, fmt)
        except ValueError:
            continue
    return None


def _words(s: str) -> set[str]:
    return {
        w
        for w in "".join(c.lower() if c.isalnum() else " " for c in s).split()
        if w not in {"the", "a", "to", "you", "it", "this", "for"}
    }


def _match(gold: str, pred: str) -> bool:
    g, p = _words(gold), _words(pred)
    if not g or not p:
        return gold.strip().lower() == pred.strip().lower()
    return len(g & p) / len(g | p) >= 0.34 or g <= p or p <= g


class CommitmentScore:
    def __init__(self) -> None:
        self.items = Binary()
        self.messages = Binary()
        self.due_pairs = 0
        self.due_exact = 0
        self.dated_pairs = 0
        self.dated_exact = 0

    def add(self, row: dict[str, str], key: str) -> None:
        gold = json.loads(row["commitments"] or "[]")
        sent = parse_when(row.get("created_at", "")) or datetime(2017, 10, 31, 12, tzinfo=UTC)
        preds = find_commitments(row["text"], sent_at=sent, tz="UTC")
        self.messages.add(bool(gold), bool(preds))
        used: set[int] = set()
        for g in gold:
            hit = next(
                (i for i, p in enumerate(preds) if i not in used and _match(g["action"], p.action)), None
            )
            if hit is None:
                self.items.add(True, False)
                note_error(key, g["action"], [p.action for p in preds], row["text"])
                continue
            used.add(hit)
            self.items.add(True, True)
            due = preds[hit].due
            pred_due = due.date().isoformat() if due is not None else ""
            self.due_pairs += 1
            self.due_exact += pred_due == g.get("due", "")
            if g.get("due"):
                self.dated_pairs += 1
                self.dated_exact += pred_due == g["due"]
            if pred_due != g.get("due", ""):
                note_error(key + ":due", g.get("due"), pred_due, row["text"])
        for i, p in enumerate(preds):
            if i not in used:
                self.items.add(False, True)
                note_error(key, "-", p.action, row["text"])

    def report(self, set_name: str, subset: str) -> None:
        report(set_name, subset, "commitment (item)", self.items)
        report(set_name, subset, "commitment (message)", self.messages)
        if self.due_pairs:
            TABLE.append(
                (
                    set_name,
                    subset,
                    "due exact (all matched)",
                    f"{self.due_exact / self.due_pairs:.3f}",
                    "",
                    "",
                    self.due_pairs,
                    self.due_pairs,
                )
            )
        if self.dated_pairs:
            TABLE.append(
                (
                    set_name,
                    subset,
                    "due exact (gold has date)",
                    f"{self.dated_exact / self.dated_pairs:.3f}",
                    "",
                    "",
                    self.dated_pairs,
                    self.dated_pairs,
                )
            )


def eval_b(rows: list[dict[str, str]]) -> None:
    classes = ("none", "sincere", "formulaic", "non_apology")
    apology_cls = {c: Binary() for c in classes}
    correct = 0
    excuse, has_date, ericsson_apology = Binary(), Binary(), Binary()
    steps: Counter[bool] = Counter()
    commit = CommitmentScore()
    by_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    src_excuse: dict[str, Binary] = defaultdict(Binary)
    src_non: dict[str, Binary] = defaultdict(Binary)
    for row in rows:
        r = review_reply(row["text"])
        gold_ap = row["apology"]
        by_source[row["source"]][0] += r.apology == gold_ap
        by_source[row["source"]][1] += 1
        src_excuse[row["source"]].add(row["excuse"] == "1", r.excuse)
        src_non[row["source"]].add(gold_ap == "non_apology", r.apology == "non_apology")
        correct += r.apology == gold_ap
        for c in classes:
            apology_cls[c].add(gold_ap == c, r.apology == c)
        if r.apology != gold_ap:
            note_error("apology", gold_ap, r.apology, row["text"])
        excuse.add(row["excuse"] == "1", r.excuse)
        if (row["excuse"] == "1") != r.excuse:
            note_error("excuse", row["excuse"], int(r.excuse), row["text"])
        has_date.add(row["has_date"] == "1", r.has_date)
        if (row["has_date"] == "1") != r.has_date:
            note_error("has_date", row["has_date"], int(r.has_date), row["text"])
        steps[r.next_step == row["next_step"]] += 1
        if r.next_step != row["next_step"]:
            note_error("next_step", row["next_step"], r.next_step, row["text"])
        if row.get("apologize_gold"):
            ericsson_apology.add(True, r.apology != "none")
        if row.get("commitments", "") != "":
            commit.add(row, "commitment:b")
    n = len(rows)
    TABLE.append(("b", "all", "apology 4-class accuracy", f"{correct / n:.3f}", "", "", 0, n))
    for c in classes:
        report("b", "all", f"apology={c}", apology_cls[c])
    report("b", "all", "excuse", excuse)
    report("b", "all", "has_date", has_date)
    TABLE.append(("b", "all", "next_step 3-class accuracy", f"{steps[True] / n:.3f}", "", "", 0, n))
    commit.report("b", "all")
    if len(by_source) > 1:
        for src in sorted(by_source):
            ok, total = by_source[src]
            TABLE.append(("b", src, "apology 4-class accuracy", f"{ok / total:.3f}", "", "", 0, total))
            report("b", src, "apology=non_apology", src_non[src])
            report("b", src, "excuse", src_excuse[src])


def eval_c(rows: list[dict[str, str]]) -> None:
    commit = CommitmentScore()
    parakweet: dict[str, Binary] = defaultdict(Binary)
    for row in rows:
        if row.get("commitments", "") != "":
            commit.add(row, "commitment:c")
        elif row.get("intent_gold") in ("Yes", "No"):
            preds = find_commitments(row["text"], sent_at=datetime(2001, 5, 1, 12, tzinfo=UTC))
            parakweet[row["source"]].add(row["intent_gold"] == "Yes", bool(preds))
    commit.report("c", "hand-labelled")
    for src, b in parakweet.items():
        report("c", f"{src} (weak: intent incl. requests)", "commitment found", b)


def throughput(texts: list[str], fn: Callable[[str], object], repeat: int = 1) -> float:
    """Items per CPU-second of this single-threaded process (robust on a shared, loaded machine)."""
    start = time.process_time()
    for _ in range(repeat):
        for t in texts:
            fn(t)
    return len(texts) * repeat / (time.process_time() - start)


def _rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def model_stats() -> str:
    """Size of the shipped weights, and the time and memory their first load takes."""
    groups = ("customer", "manager", "reply", "clause")
    folder = signals_model.WEIGHTS_DIR
    size = sum(p.stat().st_size for g in groups for p in folder.glob(g + ".*"))
    signals_model.reset_cache()
    before = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    loaded = [signals_model.load_group(g) for g in groups]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    added = _rss_mb() - before
    present = [g for g, x in zip(groups, loaded, strict=True) if x is not None]
    return (
        f"model: weights {size / 2**20:.1f} MB on disk ({', '.join(present) or 'none'}); "
        f"first load {wall * 1000:.0f} ms wall / {cpu * 1000:.0f} ms CPU; RSS +{added:.1f} MB"
    )


def print_table(rows: Iterable[tuple[str, str, str, str, str, str, int, int]]) -> None:
    print("| set | subset | label | precision | recall | F1 | positives | n |")
    print("|---|---|---|---|---|---|---|---|")
    for s, sub, label, p, r, f, pos, n in rows:
        print(f"| {s} | {sub} | {label} | {p} | {r} | {f} | {pos} | {n} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--errors", default="", help="print misclassified rows whose key starts with this")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument(
        "--weights", type=Path, default=None, help="weights folder (default: the shipped ones)"
    )
    parser.add_argument("--rules-only", action="store_true", help="no learned heads: the rules alone decide")
    args = parser.parse_args(argv)
    if args.weights is not None or args.rules_only:
        signals_model.WEIGHTS_DIR = args.weights if args.weights is not None else Path("/nonexistent")
        signals_model.reset_cache()
    stats = model_stats()  # before anything else loads the weights
    folder: Path = args.sets.resolve()
    sets = {p: read_set(folder, p) for p in ("a1_", "a2_", "a3_", "b_", "c_")}
    evaluators = {"a1_": eval_a1, "a2_": eval_a2, "a3_": eval_a3, "b_": eval_b, "c_": eval_c}
    for prefix, rows in sets.items():
        if rows:
            evaluators[prefix](rows)
    print(stats)
    print(f"sets: {folder}")
    print_table(TABLE)
    customer_texts = [r["text"] for p in ("a1_", "a2_", "a3_") for r in sets[p]]
    reply_texts = [r["text"] for r in sets["b_"]]
    sent = datetime(2017, 10, 31, 12, tzinfo=UTC)
    print()
    if customer_texts:
        analyze_message(customer_texts[0])  # warm the lexicons
        rate = throughput(customer_texts, analyze_message)
        print(
            f"analyze_message: {rate:,.0f} messages per CPU-second on one core ({len(customer_texts)} messages)"
        )
    if reply_texts:
        print(
            f"review_reply: {throughput(reply_texts, review_reply, 3):,.0f} replies per CPU-second on one core"
        )
        print(
            "find_commitments: "
            f"{throughput(reply_texts, lambda t: find_commitments(t, sent_at=sent), 3):,.0f} replies per CPU-second on one core"
        )
    if args.errors:
        for key, errs in sorted(ERRORS.items()):
            if key.startswith(args.errors):
                print(f"\n## errors {key} ({len(errs)})")
                for e in errs[: args.limit]:
                    print(" ", e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
