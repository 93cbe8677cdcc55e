"""Rebuild reply links between messages: pure, works on anything shaped like a ParsedMessage.

Exact when the threading headers are there (In-Reply-To, then References from the
newest); otherwise a best guess from what survives when a client or a forwarder strips
them: the normalized subject ("Re: AW: [list] Foo" is "foo"), the text the reply quotes,
the name in its attribution line, and date order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_PREFIX = re.compile(
    r"^\s*((re|aw|sv|vs|wg|fw|fwd|tr|rv|r|antw|antwort|odp|ynt|vá|rif|ref|res|enc|doorst|回复|回覆|答复|转发|返信|転送)"
    r"(\[\d+\]|\(\d+\))?\s*[:：]|\[[^\]]{1,60}\]|\(fwd\))\s*",
    re.IGNORECASE,
)
_QUOTE_LINE = re.compile(r"^[ \t]*>[> \t]*(.*)$", re.MULTILINE)
_WORDS = re.compile(r"\w+")


def normalize_subject(subject: str) -> str:
    """The subject without reply/forward prefixes and [list] tags, lowercased, spaces collapsed."""
    text = subject or ""
    for _ in range(20):
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return " ".join(text.lower().split())


def is_reply_subject(subject: str) -> bool:
    return bool(re.match(r"^\s*(\[[^\]]{1,60}\]\s*)*(re|aw|sv|vs|antw|odp|ynt|rif|res|r|回复|答复|返信)\s*[:：]",
                         subject or "", re.IGNORECASE))  # fmt: skip


@dataclass
class _Item:
    index: int
    message_id: str
    subject: str
    date: datetime | None
    in_reply_to: str
    references: list[str]
    text: str
    from_name: str
    from_address: str


def _item(index: int, m: Any) -> _Item:
    return _Item(
        index=index,
        message_id=getattr(m, "message_id", "") or "",
        subject=getattr(m, "subject", "") or "",
        date=getattr(m, "date", None),
        in_reply_to=getattr(m, "in_reply_to", "") or "",
        references=list(getattr(m, "references", None) or []),
        text=getattr(m, "text", "") or "",
        from_name=getattr(m, "from_name", "") or "",
        from_address=getattr(m, "from_address", "") or "",
    )


def _sort_key(item: _Item) -> tuple[float, int]:
    stamp = item.date.timestamp() if item.date is not None else float("inf")
    return (stamp, item.index)


def _line_set(text: str) -> set[str]:
    out = set()
    for line in text.splitlines():
        words = " ".join(_WORDS.findall(line.lower()))
        if len(words) >= 12:
            out.add(words)
    return out


def _quoted_set(text: str) -> set[str]:
    out = set()
    for match in _QUOTE_LINE.finditer(text):
        inner = match.group(1)
        if inner.lstrip().startswith(">"):
            continue  # deeper quotes belong to older messages
        words = " ".join(_WORDS.findall(inner.lower()))
        if len(words) >= 12:
            out.add(words)
    return out


def rebuild_parents(messages: Sequence[Any], *, use_headers: bool = True) -> dict[str, str | None]:
    """Message-ID -> the Message-ID of its parent (or None for a thread start).

    `messages` are ParsedMessage objects or anything with message_id, subject, date,
    in_reply_to, references and text (from_name helps). With use_headers=False the
    threading headers are ignored, as if a relay had stripped them.
    """
    items = [_item(i, m) for i, m in enumerate(messages)]
    by_id = {item.message_id: item for item in items if item.message_id}
    parents: dict[str, str | None] = {}
    groups: dict[str, list[_Item]] = defaultdict(list)
    for item in sorted(items, key=_sort_key):
        groups[normalize_subject(item.subject)].append(item)
    line_cache: dict[int, set[str]] = {}

    for item in items:
        if not item.message_id:
            continue
        parent: str | None = None
        if use_headers:
            for candidate in [item.in_reply_to, *reversed(item.references)]:
                if candidate and candidate in by_id and candidate != item.message_id:
                    parent = candidate
                    break
        if parent is None:
            parent = _guess_parent(item, groups, line_cache)
        parents[item.message_id] = parent
    return parents


def _guess_parent(item: _Item, groups: dict[str, list[_Item]], cache: dict[int, set[str]]) -> str | None:
    key = normalize_subject(item.subject)
    quoted = _quoted_set(item.text)
    if not key and not quoted:
        return None
    earlier = [
        other
        for other in groups.get(key, [])
        if other is not item and other.message_id and _sort_key(other) < _sort_key(item)
    ]
    if not earlier:
        return None
    if not quoted and not is_reply_subject(item.subject):
        return None  # a new message that happens to share a subject
    attribution = item.text[:4000].lower()
    best: _Item | None = None
    best_score = -1.0
    for position, other in enumerate(earlier):
        if other.index not in cache:
            cache[other.index] = _line_set(other.text)
        overlap = len(quoted & cache[other.index]) if quoted else 0
        score = overlap * 10.0
        name = other.from_name.lower().strip()
        if name and len(name) > 2 and f"{name} wrote" in attribution:
            score += 5.0
        if other.from_address and other.from_address.lower() in attribution:
            score += 3.0
        score += position / (len(earlier) + 1)  # later is likelier, all else equal
        if score > best_score:
            best, best_score = other, score
    return best.message_id if best else None
