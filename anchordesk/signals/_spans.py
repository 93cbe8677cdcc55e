"""Shared span type and small text helpers for the analyzers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Messages are short; a safety cap keeps pathological input (a pasted log, a
# 5 MB email) from costing more than a bounded amount of work.
MAX_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the analysed text that triggered a signal.

    ``text[start:end] == span.text`` always holds for the text that was analysed.
    """

    label: str
    start: int
    end: int
    text: str


def span_from_match(label: str, text: str, m: re.Match[str], group: int | str = 0) -> Span:
    start, end = m.span(group)
    return Span(label, start, end, text[start:end])


def split_words(words: str) -> list[str]:
    """Lexicons are written as one long string of space-separated words."""
    return words.split()


def clip(text: str) -> str:
    """Bound the work done on one message (the evidence offsets stay valid)."""
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS]


_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


def normalize_quotes(text: str) -> str:
    """Curly apostrophes to straight ones, one character for one, so offsets stay valid."""
    return text.translate(_QUOTES)


def rebase(spans: Iterable[Span], original: str) -> list[Span]:
    """Take span texts from the original (un-normalized) text."""
    return [Span(s.label, s.start, s.end, original[s.start : s.end]) for s in spans]


_Trie = dict[str, "_Trie"]


def words_alternation(words: Iterable[str]) -> str:
    """A regex matching any of the literal phrases (case is left to the caller's flags).

    The phrases are folded into a character trie, so the engine does one pass per position
    instead of trying hundreds of alternatives; a space in a phrase matches any run of spaces.
    Longer phrases win over their prefixes, as with a longest-first alternation.
    """
    trie: _Trie = {}
    for word in {w.strip().lower() for w in words if w.strip()}:
        node = trie
        for ch in re.sub(r"\s+", " ", word):
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: _Trie) -> str:
    ends = "" in node
    alts = [
        (r"\s+" if ch == " " else re.escape(ch)) + _trie_pattern(child)
        for ch, child in sorted(node.items())
        if ch != ""
    ]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 and not ends else "(?:" + "|".join(alts) + ")"
    if ends:
        body += "?"
    return body


_SENTENCE_RE = re.compile(r"[^.!?\n;]+[.!?;]*|[.!?;]+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Rough sentence boundaries as (start, end) offsets, punctuation included."""
    out: list[tuple[int, int]] = []
    for m in _SENTENCE_RE.finditer(text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            out.append((s, e))
    return out


def dedupe(spans: Iterable[Span]) -> list[Span]:
    """Sort spans and drop ones that sit inside an earlier span of the same label (linear after sorting)."""
    out: list[Span] = []
    reach: dict[str, int] = {}
    for sp in sorted(spans, key=lambda s: (s.start, -s.end)):
        if reach.get(sp.label, -1) >= sp.end:
            continue
        reach[sp.label] = max(reach.get(sp.label, -1), sp.end)
        out.append(sp)
    return out
