"""Customer message analysis: frustration, profanity, abuse, manager demand, thanks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._spans import Span, clip, dedupe, normalize_quotes, rebase, span_from_match
from .frustration import frustration_cues, positive_cues, sentiment
from .manager import ManagerReading, find_manager_request, read_manager_sentences
from .model import Features, Group, Head, binary_prob, featurize, load_group
from .model import evidence as model_evidence
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
    # Calibrated probabilities 0..1 from the learned heads (docs/signals.md); when no weights
    # ship for a head, the rule decides and its score is 0.0 or 1.0.
    profanity_score: float = 0.0
    abusive_score: float = 0.0
    manager_request_score: float = 0.0

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
    rp = _rule_pass(text)
    rule, raw, hostile, swearing_at_you = rp.rule, rp.raw, rp.hostile, rp.swearing_at_you
    profanity, abuse, manager_spans, thanks_spans, sarcasm = (
        rp.profanity,
        rp.abuse,
        rp.manager_spans,
        rp.thanks_spans,
        rp.sarcasm,
    )
    cues = rule.cues

    thanks = bool(thanks_spans) and not sarcasm
    evidence = list(cues) + profanity + abuse + manager_spans + sarcasm
    group = load_group("customer")
    by_rule = _rule_decision(rule, raw, hostile, bool(abuse), swearing_at_you)
    if group is None:
        decided = by_rule
    else:
        feats = customer_features(text, rule)
        decided = _model_decision(group, feats, text, rule, evidence, by_rule.frustration_score)
        _manager_decision(decided, text, rule, evidence)
    thanks = thanks and decided.frustration < 2
    if thanks:
        evidence += thanks_spans
    return MessageAnalysis(
        frustration=decided.frustration,
        frustration_score=round(decided.frustration_score, 3),
        profanity=decided.profanity,
        abusive=decided.abusive,
        manager_request=decided.manager_request,
        thanks=thanks,
        sentiment=rule.sentiment,
        evidence=rebase(dedupe(evidence), original),
        profanity_score=round(decided.profanity_score, 3),
        abusive_score=round(decided.abusive_score, 3),
        manager_request_score=round(decided.manager_request_score, 3),
    )


@dataclass(frozen=True, slots=True)
class _RuleVerdict:
    frustration: int
    profanity: bool
    abusive: bool
    manager_request: int
    sarcasm: bool
    sentiment: float
    cues: list[Span]


@dataclass(slots=True)
class _Decision:
    frustration: int
    frustration_score: float
    profanity: bool
    profanity_score: float
    abusive: bool
    abusive_score: float
    manager_request: int
    manager_request_score: float


def customer_cues(rule: _RuleVerdict) -> list[str]:
    """The rules' verdicts as indicator features for the learned heads."""
    out = [
        f"c:frustration={rule.frustration}",
        f"c:manager={rule.manager_request}",
        "c:vader="
        + (
            "--"
            if rule.sentiment <= -0.6
            else "-"
            if rule.sentiment <= -0.3
            else "+"
            if rule.sentiment >= 0.5
            else "0"
        ),
    ]
    if rule.profanity:
        out.append("c:profanity")
    if rule.abusive:
        out.append("c:abuse")
    if rule.sarcasm:
        out.append("c:sarcasm")
    out.extend(sorted({"c:cue=" + sp.label for sp in rule.cues}))
    return out


def customer_features(text: str, rule: _RuleVerdict) -> Features:
    return featurize(text, customer_cues(rule))


def message_features(text: str) -> tuple[Features, Features | None]:
    """Features of a customer message exactly as analyze_message computes them (for training):
    the whole message, and the windows around escalation targets (None when there is none)."""
    text = normalize_quotes(clip(text if isinstance(text, str) else ""))
    rule = _rules(text)
    return customer_features(text, rule), manager_features(text, rule)


# Words naming someone to escalate to. A message without one asks for no manager (a hard
# constraint); the manager heads read only the text around these words, so what they learn is
# how people ask, not how a whole complaint is written.
_ESCALATION_TARGET_RE = re.compile(
    r"\b(?:manager|managers|management|supervisor|supervisors|supervis\w*|mgr|sup|boss|bosses|ceo|president|"
    r"head\s+office|corporate|executives?|exec|superiors?|higher[-\s]?ups?|higher|in\s+charge|senior|"
    r"human|humans|real\s+person|live\s+person|actual\s+person|real\s+people|live\s+agent|real\s+agent|"
    r"escalat\w*|above\s+(?:you|your)|chain\s+of\s+command|team\s+lead(?:er)?|bot|robot|automated|someone\s+else|"
    r"somebody\s+else|authority|"
    # Misspellings, other titles and ways of naming whoever decides (the heads tell a request
    # from a mention; without one of these words a message asks for no one).
    r"manger|mangers|mngr|manag(?:ment|ement)|supervisior|superviser|supervisr|owner|director|directors|"
    r"leadership|chairman|chairwoman|vp|hq|headquarters|principal|operator|tier\s*[23]|level\s*[23]|"
    r"(?:next|higher|another)\s+level|line\s+manager|head\s+of|managing\s+director|"
    r"(?:someone|somebody|anyone|anybody|person|whoever)\s+(?:who|that)\s+(?:can|could|has|have|is\s+able)|"
    r"who\s+can|who\s+(?:decides|makes\s+(?:the\s+)?decisions)|decision|decide|override|authori[sz]e|"
    r"sign(?:ed)?\s+off|approved?|over\s+(?:your|his|her|their|anyone'?s)\s+head|up\s+the\s+(?:chain|line|ladder)|"
    r"the\s+top|gerente|responsable|vorgesetzt\w*)\b",
    re.IGNORECASE,
)
_WINDOW_BEFORE, _WINDOW_AFTER, _MAX_WINDOWS = 90, 50, 6


# Every escalation target contains one of these (lower-case) pieces: a cheap test that lets
# most messages skip the long pattern above.
_TARGET_PIECES = (
    "manag", "mang", "mngr", "mgr", "superv", "sup", "boss", "ceo", "presid", "office", "corporat", "exec",
    "superior", "higher", "charge", "senior", "human", "person", "people", "agent", "escalat", "above", "chain",
    "lead", "bot", "automat", "else", "author", "owner", "director", "chair", "vp", "hq", "headquarter",
    "principal", "operator", "tier", "level", "head", "who", "decid", "decision", "overrid", "approv", "sign",
    "top", "gerente", "respons", "vorgesetzt", "line", "over",
)  # fmt: skip


def manager_window(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text around escalation targets (merged windows joined by " | "), and the windows."""
    windows: list[tuple[int, int]] = []
    low = text.lower()
    if not any(piece in low for piece in _TARGET_PIECES):
        return "", windows
    for m in _ESCALATION_TARGET_RE.finditer(text):
        s, e = max(0, m.start() - _WINDOW_BEFORE), min(len(text), m.end() + _WINDOW_AFTER)
        if windows and s <= windows[-1][1]:
            windows[-1] = (windows[-1][0], e)
        else:
            if len(windows) == _MAX_WINDOWS:
                break
            windows.append((s, e))
    return " | ".join(text[s:e] for s, e in windows), windows


def manager_features(text: str, rule: _RuleVerdict) -> Features | None:
    window, spans = manager_window(text)
    if not spans:
        return None
    return featurize(window, manager_cues(window, rule.manager_request, read_manager_sentences(window)))


# A few cues about how the escalation words are used, so a head learns "asks" / "reports" /
# "threatens" / "mentions" as kinds rather than as the exact words of its training rows.
_MANAGER_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("question", re.compile(r"\?")),
    (
        "ask_verb",
        re.compile(
            r"\b(?:speak|talk|chat|transfer|connect|put\s+(?:me|this)|pass|escalate|forward|get\s+me|give\s+me|"
            r"let\s+me|contact|reach|call\s+me|email\s+me|loop\s+in|involve|raise|bump|send|route|hand|review|"
            r"appeal|ask\s+(?:your|whoever)|run\s+it\s+past|check\s+with)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "want",
        re.compile(
            r"\b(?:i\s*'?d\s+like|i\s+would\s+like|i\s+want|i\s+need|need|want|wanna|please|pls|plz|"
            r"may\s+i|can\s+i|could\s+i|is\s+there|who(?:'s|\s+is)|where\s+is)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "your",
        re.compile(
            r"\b(?:your|ur|you(?:r)?\s+guys'?|the\s+person\s+above|above\s+you|whoever)\b", re.IGNORECASE
        ),
    ),
    (
        "mine",
        re.compile(
            r"\b(?:my|our)\s+(?:\w+\s+)?(?:manager|boss|supervisor|director|head\s+office|team)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "past",
        re.compile(
            r"\b(?:asked|requested|already|again|twice|promised|told|said|was|were|spoke|talked|escalated|emailed|"
            r"wrote|called|tried|still|never|last\s+(?:week|time|month)|yesterday|hasn'?t|didn'?t|refused|wouldn'?t)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "threat",
        re.compile(
            r"\b(?:i\s*'?ll|i\s+will|i\s*'?m\s+(?:going|about)\s+to|gonna|next\s+(?:step|stop|email)|if\s+(?:this|it|i)|"
            r"or\s+i|unless|don'?t\s+make\s+me|have\s+to|no\s+choice)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "third_party",
        re.compile(
            r"\b(?:he|she|they|my\s+(?:husband|wife|dad|mum|mom|sister|brother|son|daughter))\s+"
            r"(?:wants?|asked|says?|said|keeps)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "negated",
        re.compile(r"\b(?:no\s+need|don'?t\s+(?:need|want)|not\s+asking|please\s+don'?t)\b", re.IGNORECASE),
    ),
    (
        "praise",
        re.compile(
            r"\b(?:thank|thanks|helpful|lovely|kind|great|brilliant|legend|star|above\s+and\s+beyond|"
            r"compliment|shout-?out)\b",
            re.IGNORECASE,
        ),
    ),
)


def manager_cues(window: str, level: int, reading: ManagerReading) -> list[str]:
    """The rule's level, the sentence reading's level and the usage cues of a manager window
    (features of the manager heads)."""
    return [
        f"m:rule={level}",
        f"m:read={reading.level}",
        *("m:" + name for name, rx in _MANAGER_CUES if rx.search(window)),
    ]


@dataclass(frozen=True, slots=True)
class _RulePass:
    """Everything the rules find in one message: their verdict and the spans behind it."""

    rule: _RuleVerdict
    raw: float
    hostile: bool
    swearing_at_you: bool
    profanity: list[Span]
    abuse: list[Span]
    manager_spans: list[Span]
    thanks_spans: list[Span]
    sarcasm: list[Span]


def _rule_pass(text: str) -> _RulePass:
    """The rules over a normalized message: one place, so training features equal run-time ones."""
    profanity = find_profanity(text)
    abuse = find_abuse(text)
    manager_level, manager_spans = find_manager_request(text)
    compound = sentiment(text)
    thanks_spans = [span_from_match("thanks", text, m) for m in _THANKS_RE.finditer(text)]
    sarcasm = [span_from_match("sarcasm", text, m) for m in _SARCASTIC_THANKS_RE.finditer(text)]
    happy = compound >= 0.5 and bool(thanks_spans or positive_cues(text)) and not sarcasm
    raw, hostile, cues = frustration_cues(text, positive=happy)
    raw += _raw_adjust(text, compound, bool(sarcasm), bool(thanks_spans), bool(profanity), manager_level)
    level = 1 if raw >= FRUSTRATED_AT else 0
    # Swearing in a complaint is aimed at the company or its product (LABELS.md: level 2).
    swearing_at_you = bool(profanity) and (bool(_YOU_RE.search(text)) or raw - 1.0 >= 0.5) and raw >= 1.0
    if hostile or abuse or swearing_at_you:
        level = 2
    elif profanity or manager_level:
        level = max(level, 1)
    rule = _RuleVerdict(level, bool(profanity), bool(abuse), manager_level, bool(sarcasm), compound, cues)
    return _RulePass(
        rule, raw, hostile, swearing_at_you, profanity, abuse, manager_spans, thanks_spans, sarcasm
    )


def _rules(text: str) -> _RuleVerdict:
    return _rule_pass(text).rule


def _raw_adjust(
    text: str, compound: float, sarcasm: bool, thanks: bool, profanity: bool, manager_level: int
) -> float:
    raw = 0.0
    if compound <= -0.6:
        raw += 0.75
    elif compound <= -0.3:
        raw += 0.4
    elif compound >= 0.5 and not sarcasm:
        raw -= 0.5
    if sarcasm:
        raw += 1.0
    if thanks and not sarcasm:
        raw -= 0.5 * min(positive_cues(text), 2)
    if profanity:
        raw += 1.0
    if manager_level:
        raw += 1.0
    return raw


def _rule_decision(rule: _RuleVerdict, raw: float, hostile: bool, abuse: bool, swearing: bool) -> _Decision:
    level = rule.frustration
    # Bands keep the score ordered with the level: 0 -> [0, .33], 1 -> [.34, .66], 2 -> [.67, 1].
    intensity = min(1.0, max(0.0, raw) / 4.0)
    if level == 2:
        intensity = min(1.0, intensity + 0.25 * (hostile + abuse + swearing))
    score = (0.0, 0.34, 0.67)[level] + 0.32 * intensity
    return _Decision(
        level,
        score,
        rule.profanity,
        float(rule.profanity),
        rule.abusive,
        float(rule.abusive),
        rule.manager_request,
        float(bool(rule.manager_request)),
    )


def _prob(group: Group, name: str, logits: object) -> tuple[Head | None, float]:
    head = group.heads.get(name)
    if head is None:
        return None, 0.0
    return head, binary_prob(head, logits)  # type: ignore[arg-type]


def _model_decision(
    group: Group, feats: Features, text: str, rule: _RuleVerdict, evidence: list[Span], rule_score: float
) -> _Decision:
    z = group.logits(feats)
    have = {sp.label for sp in evidence}

    def decide(name: str, fallback: bool, label: str) -> tuple[bool, float]:
        head, p = _prob(group, name, z)
        if head is None:
            return fallback, float(fallback)
        yes = p >= head.threshold
        if yes and label not in have:
            evidence.extend(model_evidence(group, head, feats, text, label))
        return yes, p

    profane, p_prof = decide("profanity", rule.profanity, "profanity")
    abusive, p_abuse = decide("abusive", rule.abusive, "abuse")
    level_mgr, p_mgr = rule.manager_request, float(bool(rule.manager_request))
    frustrated, p_any = decide("frustration", rule.frustration >= 1, "frustration")
    hot_head, p_hot = _prob(group, "frustration_hot", z)
    hot = (rule.frustration == 2) if hot_head is None else p_hot >= hot_head.threshold
    # Hard constraint from LABELS.md: insults and threats at staff are level 2.
    level = 2 if (frustrated and hot) or abusive else 1 if frustrated else 0
    if "frustration" not in group.heads and hot_head is None and not (abusive and not rule.abusive):
        score = rule_score  # the rules decide frustration: keep their intensity within the level's band
    elif level == 0:
        score = 0.33 * min(p_any, 1.0)
    elif level == 1:
        score = 0.34 + 0.32 * min(p_hot, 1.0)
    else:
        score = 0.67 + 0.33 * max(p_hot, p_abuse)
    return _Decision(level, score, profane, p_prof, abusive, p_abuse, level_mgr, p_mgr)


def _manager_decision(decided: _Decision, text: str, rule: _RuleVerdict, evidence: list[Span]) -> None:
    """Manager request from the "manager" heads, which read the windows around escalation targets."""
    group = load_group("manager")
    head = group.heads.get("manager_request") if group is not None else None
    if group is None or head is None:
        return  # the rule's verdict stands
    window, spans = manager_window(text)
    if not spans:
        decided.manager_request, decided.manager_request_score = 0, 0.0
        return
    reading = read_manager_sentences(window)
    if rule.manager_request == 0 and reading.only_mentions:
        decided.manager_request, decided.manager_request_score = 0, 0.0
        return
    feats = featurize(window, manager_cues(window, rule.manager_request, reading))
    z = group.logits(feats)
    p = binary_prob(head, z)
    decided.manager_request_score = p
    if p < head.threshold:
        decided.manager_request = 0
        return
    before = group.heads.get("manager_before")
    if before is None:
        decided.manager_request = rule.manager_request or 1
    else:
        decided.manager_request = 2 if binary_prob(before, z) >= before.threshold else 1
    if not any(sp.label.startswith("manager_request") for sp in evidence):
        # The sentence reading names the words when it agrees; otherwise the n-grams that
        # pushed the head up most.
        read_spans = read_manager_sentences(text).spans
        if read_spans:
            label = "manager_request" if decided.manager_request == 1 else "manager_request_before"
            evidence.extend(Span(label, sp.start, sp.end, sp.text) for sp in read_spans)
            return
        # Model spans point into the window text; map them back to the message.
        offsets: list[tuple[int, int]] = []
        pos = 0
        for s, e in spans:
            offsets.append((pos, s))
            pos += (e - s) + 3
        for sp in model_evidence(group, head, feats, window, "manager_request"):
            base = next(((w0, s0) for w0, s0 in reversed(offsets) if w0 <= sp.start), None)
            if base is not None:
                start = base[1] + sp.start - base[0]
                end = start + (sp.end - sp.start)
                evidence.append(Span("manager_request", start, end, text[start:end]))
