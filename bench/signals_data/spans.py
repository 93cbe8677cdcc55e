"""Commitment labels on non-commercial rows point into the text instead of quoting it.

The validation sets label TWCS replies, whose text may not be copied into the project (CC BY-NC-SA;
see ../shared/data/pool/README.md). A commitment's `action` and `due_text` are therefore stored as
character offsets into the row's text in the pool, `{"action_at": [start, end], "due_text_at": [start,
end] | null, "due": "YYYY-MM-DD" | ""}`, and turned back into words when the text is read from
../shared/data at measuring time.

    python bench/signals_data/spans.py to-offsets FILE...   # rewrite files that still quote the text
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

POOL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pool" / "agent_replies.csv"


def _find(text: str, part: str, start: int) -> list[int] | None:
    if not part:
        return None
    at = text.find(part, start)
    if at < 0:
        at = text.find(part)
    if at < 0:
        raise ValueError(f"span not in the text: {len(part)} characters")
    return [at, at + len(part)]


def to_offsets(commitments: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Quoted spans -> offsets, each searched from the end of the previous action (labels follow the text)."""
    out: list[dict[str, Any]] = []
    cursor = 0
    for c in commitments:
        if "action_at" in c:
            out.append(c)
            continue
        action = _find(text, c["action"], cursor)
        assert action is not None
        cursor = action[1]
        due_text = _find(text, c.get("due_text") or "", action[0])
        out.append({"action_at": action, "due_text_at": due_text, "due": c.get("due") or ""})
    return out


def to_text(commitments: list[dict[str, Any]], text: str) -> list[dict[str, str]]:
    """Offsets -> {"action", "due_text", "due"} as LABELS.md writes them; quoted labels pass through."""
    out = []
    for c in commitments:
        if "action_at" not in c:
            out.append(
                {"action": c["action"], "due_text": c.get("due_text") or "", "due": c.get("due") or ""}
            )
            continue
        a0, a1 = c["action_at"]
        span = c.get("due_text_at")
        out.append(
            {
                "action": text[a0:a1],
                "due_text": text[span[0] : span[1]] if span else "",
                "due": c.get("due") or "",
            }
        )
    return out


def pool_texts(path: Path = POOL) -> dict[tuple[str, str], str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["source"], r["id"]): r["text"] for r in csv.DictReader(fh)}


def rewrite_to_offsets(label_file: Path, texts: dict[tuple[str, str], str]) -> int:
    with label_file.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    changed = 0
    for row in rows:
        cell = (row.get("commitments") or "").strip()
        if not cell or cell == "[]":
            continue
        quoted = json.loads(cell)
        offsets = to_offsets(quoted, texts[(row["source"], row["id"])])
        if offsets != quoted:
            row["commitments"] = json.dumps(offsets)
            changed += 1
    with label_file.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return changed


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[0] != "to-offsets":
        raise SystemExit(__doc__)
    texts = pool_texts()
    for name in argv[1:]:
        print(f"{name}: {rewrite_to_offsets(Path(name), texts)} rows rewritten")


if __name__ == "__main__":
    main(sys.argv[1:])
