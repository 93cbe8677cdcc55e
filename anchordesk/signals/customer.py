"""Customer message analysis: frustration, profanity, abuse, manager demand, thanks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._spans import Span, clip, dedupe, normalize_quotes, rebase, span_from_match
from .frustration import frustration_cues, positive_cues, sentiment
from .manager import find_manager_request
from .profanity import find_abuse, find_profanity


@dataclass(frozen=True, slots=True)
class MessageAnalysis:
    """What one customer message says about how the customer feels.

    ``frustration``: 0 calm, 1 frustrated, 2 angry or hostile (see docs/signals.md).
    ``manager_request``: 0 none, 1 asks now, 2 asked before or threatens escalation.
    """

    frustration: int
    frustration_score: float
    profanity: bool
    abusive: bool
    manager_request: int
    thanks: bool
    sentiment: float = 0.0
    evidence: list[Span] = field(default_factory=list)

    @property
    def hot(self) -> bool:
        return self.frustration >= 2 or self.abusive


_THANKS_RE = re.compile(
    r"\b(?:thank(?:s|\s+you|\s+u|\s+ya|\s+y'?all)?|thx|thnx|thanx|tysm|ty|much\s+appreciated|"
    r"(?:i|we)\s+(?:really\s+|truly\s+|do\s+)?appreciate|appreciate\s+(?:it|you|your|the)|grateful|"
    r"kudos|shout\s*-?\s*out\s+to|great\s+(?:service|job|help|support|work|experience)|"
    r"excellent\s+(?:service|job|help|support|customer\s+service)|(?:you|y'?all|you\s+guys|u)\s+(?:are|r|'re)\s+"
    r"(?:the\s+best|awesome|amazing|great|fantastic|wonderful|stars?|legends?|heroes)|"
    r"(?:so|very)\s+(?:helpful|kind|friendly|nice)|was\s+(?:very\s+|so\s+|super\s+|really\s+)?"
    r"(?:helpful|kind|friendly|nice|great|awesome|amazing)|"
    r"gracias|merci|danke|obrigad[oa]|ありがとう)",
    re.IGNORECASE,
)
_SARCASTIC_THANKS_RE = re.compile(
    r"\b(?:thanks\s+for\s+nothing|thanks\s+a\s+lot\s+for|thanks\s+(?:again\s+)?for\s+(?:wasting|ruining|"
    r"ignoring|nothing|the\s+runaround|making)|great\s+job\s+(?:guys\s+)?(?:not|ruining|losing)|"
    r"no\s+thanks|thanks\s+but\s+no)\b|\bthanks\s+(?:a\s+lot|a\s+bunch|so\s+much)\s*[.!]*\s*$",
    re.IGNORECASE,
)
_YOU_RE = re.compile(r"\b(?:you|your|u|ur|y'?all|you\s+guys)\b", re.IGNORECASE)
# Cue points at which a message counts as frustrated (tuned on the dev sets, see docs/signals.md).
FRUSTRATED_AT = 1.0


def analyze_message(text: str) -> MessageAnalysis:
    """Score one customer message; never raises, bounded work on huge input."""
    if not isinstance(text, str):  # defensive: integrators pass model fields
        text = "" if text is None else str(text)
    text = clip(text)
    if not text.strip():
        return MessageAnalysis(0, 0.0, False, False, 0, False, 0.0, [])

    original = text
    text = normalize_quotes(text)
    profanity = find_profanity(text)
    abuse = find_abuse(text)
    manager_level, manager_spans = find_manager_request(text)
    compound = sentiment(text)
    thanks_spans = [span_from_match("thanks", text, m) for m in _THANKS_RE.finditer(text)]
    sarcasm = [span_from_match("sarcasm", text, m) for m in _SARCASTIC_THANKS_RE.finditer(text)]
    happy = compound >= 0.5 and bool(thanks_spans or positive_cues(text)) and not sarcasm
    raw, hostile, cues = frustration_cues(text, positive=happy)

    if compound <= -0.6:
        raw += 0.75
    elif compound <= -0.3:
        raw += 0.4
    elif compound >= 0.5 and not sarcasm:
        raw -= 0.5
    if sarcasm:
        raw += 1.0
    if thanks_spans and not sarcasm:
        raw -= 0.5 * min(positive_cues(text), 2)
    if profanity:
        raw += 1.0
    if manager_level:
        raw += 1.0

    level = 1 if raw >= FRUSTRATED_AT else 0
    # Swearing in a complaint is aimed at the company or its product (LABELS.md: level 2).
    swearing_at_you = bool(profanity) and (bool(_YOU_RE.search(text)) or raw - 1.0 >= 0.5) and raw >= 1.0
    if hostile or abuse or swearing_at_you:
        level = 2
    elif profanity or manager_level:
        level = max(level, 1)
    # Bands keep the score ordered with the level: 0 -> [0, .33], 1 -> [.34, .66], 2 -> [.67, 1].
    intensity = min(1.0, max(0.0, raw) / 4.0)
    if level == 2:
        intensity = min(1.0, intensity + 0.25 * (hostile + bool(abuse) + swearing_at_you))
    score = (0.0, 0.34, 0.67)[level] + 0.32 * intensity

    thanks = bool(thanks_spans) and not sarcasm and level < 2
    evidence = list(cues) + profanity + abuse + manager_spans + sarcasm
    if thanks:
        evidence += thanks_spans
    return MessageAnalysis(
        frustration=level,
        frustration_score=round(score, 3),
        profanity=bool(profanity),
        abusive=bool(abuse),
        manager_request=manager_level,
        thanks=thanks,
        sentiment=compound,
        evidence=rebase(dedupe(evidence), original),
    )
