"""What counts toward an agent's exposure: abuse and hostility aimed at staff. Pure Python.

A customer angry with a product, a delay or the company ("This is RIDICULOUS!!! Worst company
ever.", "this f***ing router") is upset, and the reply coach helps the agent answer that; it is
not aimed at the person answering, so it does not count toward their wellbeing. What counts:

- **abusive**: the language analysis found insults, threats, harassment or slurs aimed at staff
  ("you are useless idiots", "shut up");
- **hostile**: swearing at the person ("What the hell is wrong with you people?", "are you
  f***ing kidding me"): a profane word in a sentence that addresses "you".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

Kind = Literal["abusive", "hostile"]

_YOU_RE = re.compile(r"\b(?:you|u|ya|y'all|youse)\b", re.IGNORECASE)
# "you" that does not address the agent: thanks, a filler, a generic "you".
_NOT_ADDRESSED_RE = re.compile(
    r"\b(?:thank|thanks|see|if|when)\s+(?:you|u|ya)\b|\b(?:you|ya)\s+know\b|\bmind\s+you\b", re.IGNORECASE
)
_SENTENCE_END = ".!?\n"


def _sentence(text: str, start: int, end: int) -> str:
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i != -1]
    return text[left : min(rights) if rights else len(text)]


def _addresses_you(sentence: str) -> bool:
    return bool(_YOU_RE.search(_NOT_ADDRESSED_RE.sub(" ", sentence)))


def exposure_kind(
    text: str, *, abusive: bool, profanity: bool, evidence: Iterable[Mapping[str, Any]] = ()
) -> Kind | None:
    """The kind of exposure one scored customer message is for the agent who reads it, or None.

    ``evidence`` is the message's stored evidence (``label``, ``start``, ``end``), with offsets
    into ``text``.
    """
    if abusive:
        return "abusive"
    if not profanity:
        return None
    for item in evidence:
        if item.get("label") != "profanity":
            continue
        start, end = int(item.get("start") or 0), int(item.get("end") or 0)
        if 0 <= start <= end <= len(text) and _addresses_you(_sentence(text, start, end)):
            return "hostile"
    return None
