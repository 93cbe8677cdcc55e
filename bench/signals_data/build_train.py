"""Turn compact annotation batches into the agent-reply training CSVs, and check them.

Annotation lines (one row per line, fields separated by " | "):

    enron:    <sample index> | apology | excuse | next_step | has_date | commitments | notes
    written:  <text> | apology | excuse | next_step | has_date | commitments | notes

apology: n(one) s(incere) f(ormulaic) x (non_apology); next_step: n(one) v(ague) c(oncrete);
commitments: "action ~ due_text[ ~ YYYY-MM-DD]" joined by " ;; " (empty: none). The due
date is resolved from due_text and created_at by `resolve_due` unless given explicitly;
an unresolvable due_text is an error, so every date is either computed by the rules in
the brief or written by hand. Numeric dates follow `locale=UK` / `locale=US` in notes
(Enron writers default to US).

    python bench/signals_data/build_train.py enron /tmp/batch.txt
    python bench/signals_data/build_train.py written /tmp/batch.txt
    python bench/signals_data/build_train.py check
    python bench/signals_data/build_train.py twcs    # licence check against all TWCS text
"""

from __future__ import annotations

import argparse
import calendar
import csv
import hashlib
import json
import re
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENRON_CSV = HERE / "train" / "replies_enron.csv"
WRITTEN_CSV = HERE / "train" / "replies_written.csv"
FIELDS = [
    "source", "id", "created_at", "text", "apology", "excuse", "next_step", "has_date",
    "commitments", "notes",
]  # fmt: skip
APOLOGY = {"n": "none", "s": "sincere", "f": "formulaic", "x": "non_apology"}
NEXT = {"n": "none", "v": "vague", "c": "concrete"}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "a couple of": 2, "couple of": 2,
}  # fmt: skip
NUM = r"(\d+|a couple of|couple of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty)"
SAME_DAY = re.compile(
    r"right away|right now|\bnow\b|shortly|immediately|straight away|in a (few|couple of) "
    r"(minutes|mins)|\bminutes?\b|\bmins?\b|today|tonight|this (afternoon|evening|morning)|"
    r"end of (the )?day|\beod\b|close of business|\bcob\b|later|\d{1,2}(:\d\d)? ?(am|pm)|"
    r"\d{1,2}:\d\d|o'clock|noon|midnight|in a (moment|bit|sec)|momentarily|this hour"
)


def number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[word]


def add_business_days(start: date, n: int) -> date:
    d = start
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def next_month_day(d: date, month: int, day: int | None) -> date:
    """The next `month` (`day` or its last day) that is not in the past."""
    for year in (d.year, d.year + 1):
        target = date(year, month, day) if day else last_day(year, month)
        if target >= d:
            return target
    raise ValueError("unreachable")


def resolve_due(due_text: str, created: datetime, locale: str = "US") -> date | None:
    """The ISO date `due_text` means when written at `created` (UTC), or None."""
    t = due_text.lower().strip()
    d = created.date()
    if not t:
        return None
    m = re.search(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?\b", t)
    if m and ":" not in t[max(0, m.start() - 1) : m.end() + 1]:
        a, b = int(m.group(1)), int(m.group(2))
        day, month = (a, b) if locale == "UK" else (b, a)
        if m.group(3):
            year = int(m.group(3))
            return date(year + 2000 if year < 100 else year, month, day)
        return next_month_day(d, month, day)
    mon = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"
    m = re.search(r"(\d{1,2})(?:st|nd|rd|th)?(?: of)? " + mon, t) or None
    if m:
        return next_month_day(d, MONTHS[m.group(2)], int(m.group(1)))
    m = re.search(mon + r",? (\d{1,2})(?:st|nd|rd|th)?\b", t)
    if m:
        return next_month_day(d, MONTHS[m.group(1)], int(m.group(2)))
    m = re.search(r"mid[- ]" + mon, t)
    if m:
        return next_month_day(d, MONTHS[m.group(1)], 15)
    m = re.search(r"(?:^|in |by |end of |until |before |during |through )" + mon, t)
    if m:
        return next_month_day(d, MONTHS[m.group(1)], None)
    m = re.search(r"\bthe (\d{1,2})(?:st|nd|rd|th)\b", t)
    if m:
        day = int(m.group(1))
        x = d + timedelta(days=1)
        while x.day != day:
            x += timedelta(days=1)
        return x
    if "day after tomorrow" in t:
        return d + timedelta(days=2)
    if "tomorrow" in t or "tmrw" in t or "tmw" in t or "overnight" in t:
        return d + timedelta(days=1)
    if "end of next week" in t or "end of the following week" in t:
        return d + timedelta(days=7 - d.weekday() + 4)
    if re.search(r"end of (the |this )?week|this week", t):
        return d + timedelta(days=(4 - d.weekday()) % 7)
    if "next week" in t:  # a deadline "next week" is met by the Friday of next week
        return d + timedelta(days=7 - d.weekday() + 4)
    if "end of next month" in t:
        y, mo = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
        return last_day(y, mo)
    if re.search(r"end of (the |this )?month", t):
        return last_day(d.year, d.month)
    for name, wd in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", t):
            ahead = (wd - d.weekday()) % 7 or 7
            return d + timedelta(days=ahead)
    m = re.search(NUM + r"(?:\s*(?:-|to|–)\s*" + NUM + r")? (business|working) days?", t)
    if m:
        return add_business_days(d, number(m.group(2) or m.group(1)))
    m = re.search(NUM + r"(?:\s*(?:-|to|–)\s*" + NUM + r")? (days?|weeks?)\b", t)
    if m:
        n = number(m.group(2) or m.group(1))
        return d + timedelta(days=n * (7 if m.group(3).startswith("week") else 1))
    if "fortnight" in t:
        return d + timedelta(days=14)
    m = re.search(NUM + r"(?:\s*(?:-|to|–)\s*" + NUM + r")? ?(hours?|hrs?|h)\b", t)
    if m:
        return (created + timedelta(hours=number(m.group(2) or m.group(1)))).date()
    if "the hour" in t or "next hour" in t:
        return (created + timedelta(hours=1)).date()
    if SAME_DAY.search(t):
        return d
    return None


def parse_commitments(field: str, text: str, created: datetime, locale: str) -> list[dict[str, str]]:
    out = []
    for part in filter(None, (p.strip() for p in field.split(" ;; "))):
        bits = [b.strip() for b in part.split(" ~ ")]
        action, due_text = bits[0], bits[1] if len(bits) > 1 else ""
        if action not in text:
            raise ValueError(f"action not in text: {action!r}")
        if due_text and due_text not in text:
            raise ValueError(f"due_text not in text: {due_text!r}")
        if len(bits) > 2 and bits[2]:
            due = bits[2]
            date.fromisoformat(due)
        elif due_text:
            resolved = resolve_due(due_text, created, locale)
            if resolved is None:
                raise ValueError(f"cannot resolve {due_text!r}; give the date")
            due = resolved.isoformat()
        else:
            due = ""
        out.append({"action": action, "due_text": due_text, "due": due})
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    csv.field_size_limit(10_000_000)
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def labels(fields: list[str], text: str, created: datetime) -> dict[str, str]:
    apo, exc, nxt, has_date, commits, notes = (f.strip() for f in fields)
    locale = "UK" if "locale=UK" in notes else "US"
    parsed = parse_commitments(commits, text, created, locale)
    if exc not in ("0", "1") or has_date not in ("0", "1"):
        raise ValueError("excuse and has_date are 0 or 1")
    if any(c["due_text"] for c in parsed) and has_date != "1":
        raise ValueError("a commitment has a date but has_date is 0")
    return {
        "apology": APOLOGY[apo],
        "excuse": exc,
        "next_step": NEXT[nxt],
        "has_date": has_date,
        "commitments": json.dumps(parsed),
        "notes": notes,
    }


def add_enron(batch: Path) -> None:
    sys.path.insert(0, str(HERE))
    from sample_enron import created_at_utc, sample

    drawn = sample()
    rows = {r["id"]: r for r in read_csv(ENRON_CSV)}
    for n, line in enumerate(batch.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split(" | ")
        half, src = drawn[int(fields[0])]
        created = created_at_utc(src["date"])
        try:
            lab = labels(fields[1:], src["text"], datetime.fromisoformat(created))
        except (ValueError, KeyError) as exc:
            raise SystemExit(f"line {n} ({fields[0]}): {exc}") from None
        lab["notes"] = f"{half}; {lab['notes']}".rstrip("; ")
        rows[src["id"]] = {"source": "enron_cmu", "id": src["id"], "created_at": created}
        rows[src["id"]].update(text=src["text"], **lab)
    write_csv(ENRON_CSV, list(rows.values()))
    print(f"{len(rows)} Enron rows")


def written_created_at(row_id: str) -> str:
    """A fixed, spread-out timestamp for a written row: 2016-01-01 .. 2026-11-30, any hour."""
    h = int(hashlib.sha256(row_id.encode()).hexdigest(), 16)
    start = datetime(2016, 1, 1, tzinfo=UTC)
    span = int((datetime(2026, 11, 30, tzinfo=UTC) - start).total_seconds())
    return (start + timedelta(seconds=h % span)).strftime("%Y-%m-%d %H:%M:%S+00:00")


def add_written(batch: Path) -> None:
    rows = read_csv(WRITTEN_CSV)
    seen = {norm(r["text"]) for r in rows}
    new = []
    for n, line in enumerate(batch.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split(" | ")
        if len(fields) != 7:
            raise SystemExit(f"line {n}: {len(fields)} fields: {line[:60]}")
        text = fields[0].strip()
        if norm(text) in seen:
            raise SystemExit(f"line {n}: duplicate text")
        seen.add(norm(text))
        row_id = f"w{len(rows) + len(new) + 1:04d}"
        created = written_created_at(row_id)
        try:
            lab = labels(fields[1:], text, datetime.fromisoformat(created))
        except (ValueError, KeyError) as exc:
            raise SystemExit(f"line {n}: {exc}: {text[:60]}") from None
        new.append({"source": "written", "id": row_id, "created_at": created, "text": text, **lab})
    write_csv(WRITTEN_CSV, rows + new)
    print(f"{len(rows) + len(new)} written rows (+{len(new)})")


def norm(text: str) -> str:
    text = re.sub(r"@\w+|[\^/-]\w+\s*$", " ", text.lower())
    return " ".join(re.findall(r"[a-z0-9']+", text))


def shingles(text: str) -> set[tuple[str, ...]]:
    words = norm(text).split()
    return {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def check() -> None:
    """Re-validate both files, flag near-copies among written rows, print the counts."""
    ok = True
    written = read_csv(WRITTEN_CSV)
    sh = [shingles(r["text"]) for r in written]
    for i in range(len(written)):
        for j in range(i):
            inter = len(sh[i] & sh[j])
            if inter and inter / len(sh[i] | sh[j]) > 0.5:
                ok = False
                print("near-copy:", written[j]["id"], written[i]["id"], written[i]["text"][:60])
    for path in (ENRON_CSV, WRITTEN_CSV):
        rows = read_csv(path)
        for r in rows:
            created = datetime.fromisoformat(r["created_at"])
            locale = "UK" if "locale=UK" in r["notes"] else "US"
            for c in json.loads(r["commitments"]):
                if c["action"] not in r["text"] or c["due_text"] not in r["text"]:
                    ok, _ = False, print("span not in text:", r["id"])
                auto = resolve_due(c["due_text"], created, locale) if c["due_text"] else None
                if auto and c["due"] != auto.isoformat():
                    print(f"note: {r['id']} due {c['due']} by hand, rules say {auto}")
        print(f"\n{path.name}: {len(rows)} rows")
        for col in ("apology", "excuse", "next_step", "has_date"):
            print(
                f"  {col}: " + ", ".join(f"{k}={v}" for k, v in sorted(Counter(r[col] for r in rows).items()))
            )
        commits = [c for r in rows for c in json.loads(r["commitments"])]
        with_due = sum(1 for c in commits if c["due"])
        rows_c = sum(1 for r in rows if json.loads(r["commitments"]))
        rows_cd = sum(1 for r in rows if any(c["due"] for c in json.loads(r["commitments"])))
        print(
            f"  commitments: {len(commits)} in {rows_c} rows; {with_due} with a due date (in {rows_cd} rows)"
        )
        if path == ENRON_CSV:
            print("  halves:", dict(Counter(r["notes"].split(";")[0] for r in rows)))
    sys.exit(0 if ok else 1)


def twcs_overlap(shared: Path = Path("/work/shared/data")) -> None:
    """Licence check: no written row equals, or shares a 40+ character span with, a TWCS text."""
    csv.field_size_limit(10_000_000)
    texts: set[str] = set()
    files = [shared / "pool" / "agent_replies.csv", *sorted((shared / "sets").glob("*.csv"))]
    for path in files:
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("source", "").startswith("twcs"):
                    texts.update(norm(v) for k, v in row.items() if k.endswith("text") and v)
    texts.discard("")
    long_texts = [t for t in texts if len(t) >= 40]
    bad = []
    for row in read_csv(WRITTEN_CSV):
        n = norm(row["text"])
        if (
            n in texts
            or (len(n) >= 40 and any(n in t for t in long_texts))
            or any(t in n for t in long_texts if len(t) <= len(n))
        ):
            bad.append(row["id"])
    print(f"{len(texts)} TWCS texts; written rows equal to or overlapping one: {len(bad)} {bad[:20]}")
    sys.exit(1 if bad else 0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("kind", choices=["enron", "written", "check", "twcs"])
    parser.add_argument("batch", nargs="?", type=Path)
    args = parser.parse_args()
    if args.kind == "check":
        check()
    elif args.kind == "twcs":
        twcs_overlap()
    elif args.batch is None:
        parser.error("a batch file is needed")
    else:
        (add_enron if args.kind == "enron" else add_written)(args.batch)


if __name__ == "__main__":
    main()
