"""Promises in agent replies ("I'll refund you by Friday") with their due dates."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from ._spans import Span, clip, normalize_quotes, sentences
from .dates import BusinessCalendar, DueExpression, find_due_expressions, find_vague_times, to_local
from .model import Features, binary_prob, featurize, load_group


@dataclass(frozen=True, slots=True)
class Commitment:
    """One promise. ``due`` is an aware datetime in the customer's time zone, or None."""

    action: str
    due_text: str
    due: datetime | None
    span: Span
    action_span: Span | None = None
    due_span: Span | None = None
    # Calibrated probability 0..1 that this clause is a promise (the learned "commitment" head;
    # 1.0 when no weights ship and the rules alone decided).
    score: float = 1.0


_SUBJ = (
    r"(?:I|we|they|someone|somebody|(?:our|my|the)\s+(?:[\w-]+\s+){0,2}(?:team|department|specialists?|"
    r"experts?|agents?|technicians?|engineers?|colleagues?|staff|folks|people|carrier|courier)|"
    r"(?:a|an|one\s+of\s+our)\s+(?:[\w-]+\s+)?(?:specialist|expert|agent|advisor|adviser|representative|rep|"
    r"technician|engineer|colleague|member|manager|supervisor|lead)(?:\s+(?:from|of|on|in)\s+(?:our|my|the)\s+"
    r"(?:[\w-]+\s+)?team)?)"
)
_MODAL = (
    r"(?:\s*['’]ll|\s+will|\s+shall|\s*['’]m\s+going\s+to|\s+am\s+going\s+to|\s*['’]re\s+going\s+to|\s+are\s+going\s+to|"
    r"\s+is\s+going\s+to|\s*['’]m\s+gonna|\s+am\s+gonna|\s*['’]re\s+gonna|\s+are\s+gonna|\s+should|\s+will\s+also|"
    r"\s+can\s+promise\s+(?:you\s+)?(?:that\s+)?(?:I|we)(?:['’]ll|\s+will))"
)
_TRIGGER_RE = re.compile(r"\b(?P<subj>" + _SUBJ + r")(?P<modal>" + _MODAL + r")\s+", re.IGNORECASE)
# "We've got your details and will be in touch": the subject is carried over.
_AND_WILL_RE = re.compile(r"(?<=\s)(?P<subj>and|&)(?P<modal>\s+will|\s+shall|\s+should)\s+", re.IGNORECASE)
# "Expect a call from us": a promise phrased as what the customer will get.
_EXPECT_RE = re.compile(
    r"\b(?:you\s+can\s+|please\s+)?expect\s+(?:a|an|our|the|your|to\s+(?:hear|receive|get))\s+(?:\w+\s+)?(?:call|email|"
    r"e-mail|reply|update|response|refund|replacement|visit|message|text|confirmation|credit|back|from)",
    re.IGNORECASE,
)
# "until it's fixed in a future software update": a promise of a fix without a subject.
_FUTURE_FIX_RE = re.compile(
    r"\b(?:fixed|resolved|addressed|corrected|available)\s+in\s+(?:a|an|the)\s+(?:future|upcoming|next|later)\s+"
    r"(?:software\s+|app\s+|ios\s+)?(?:update|release|version|build|patch)\b",
    re.IGNORECASE,
)
_WE_RE = re.compile(r"\b(?:we|i)\b", re.IGNORECASE)
_YOU_RE = re.compile(
    r"\byou(?P<modal>\s*['’]ll|\s+will|\s+should|\s+are\s+going\s+to)\s+(?:also\s+)?(?=(?:receive|hear\s+(?:from|back)|"
    r"(?:get|see|have)\s+(?:a|an|the|your|our|my|it|them|this)?\s*(?:\w+\s+)?(?:email|e-mail|refund|call|text|reply|update|"
    r"message|confirmation|credit|notification|response|replacement|package|parcel|order|money|code|link|voucher)s?\b|"
    r"be\s+(?:contacted|refunded|credited|reimbursed|notified|emailed|called|updated|sent|receiving|getting|hearing)))",
    re.IGNORECASE,
)
_LET_RE = re.compile(
    r"\blet\s+(?:me|us)\s+(?=(?:look|check|investigate|find\s+out|see|get|escalate|follow\s+up|reach\s+out|contact|"
    r"review|dig|confirm|pass|forward|request|loop|send|call|email|fix|sort|refund|arrange|raise|flag|take\s+a\s+look|"
    r"look\s+into|double-check|verify)\b)",
    re.IGNORECASE,
)
_PASSIVE_RE = re.compile(
    r"\b(?:it|this|that|(?:your|the)\s+(?:[\w-]+\s+){0,2}(?:order|refund|replacement|item|product|package|parcel|"
    r"account|case|ticket|issue|credit|payment|conversation|service|feature|app|update|fix|bill|charge\s+reversal|"
    r"money|email|confirmation|return|exchange|request|feedback)|conversation)"
    r"(?:\s*['’]ll|\s+will)\s+(?:definitely\s+|certainly\s+|absolutely\s+)?be\s+(?=(?:back|fixed|updated|resolved|sent|"
    r"shipped|refunded|credited|processed|delivered|picked\s+up|replaced|restored|reviewed|escalated|continued|"
    r"reinstated|reactivated|reversed|cancell?ed|removed|corrected|investigated|repaired|dispatched|issued|"
    r"passed\s+on|passed\s+along|shared|forwarded|considered|"
    r"followed\s+up|looked\s+into|available\s+again|up\s+and\s+running|working\s+again)\b)",
    re.IGNORECASE,
)
# "Your order ships today", "the right one goes out this afternoon", "it'll be with you by 6pm": something
# of ours on its way at a stated time. Only with a due date in the sentence (see _build).
_SHIP_RE = re.compile(
    r"\b(?:it|this|that|they|(?:your|the|our|a|an)\s+(?:[\w£$€-]+(?:[,.]\d+)*\s+){0,3}?[\w-]+)(?:\s*['’]ll|\s+will|\s+is\s+going\s+to|"
    r"\s+are\s+going\s+to|\s+is|\s+are)?\s+(?=(?:ship|ships|shipping|go(?:es)?\s+out|going\s+out|leaves?|leaving|"
    r"dispatch(?:es)?|be\s+(?:with\s+you|there|ready|on\s+(?:its|their|the)\s+way|delivered|sent|shipped|"
    r"dispatched|posted|paid|credited|refunded|installed|collected|repaired|replaced|reconnected|restored|fixed|"
    r"back\s+(?:on|up|online))|arrives?\s+(?!within|in\s+\d))\b)",
    re.IGNORECASE,
)
_SKIP_RE = re.compile(
    r"^(?:(?:definitely|certainly|absolutely|surely|also|still|now|then|gladly|personally|immediately|actually|"
    r"really|happily|promptly|quickly|just|be\s+sure\s+to|make\s+sure\s+to|be\s+certain\s+to|"
    r"go\s+ahead\s+and)\s+)+",
    re.IGNORECASE,
)
# What follows the modal when it is not a promise.
_NOT_PROMISE_RE = re.compile(
    r"^(?:not|never|n't|be\s+(?:glad|happy|delighted|pleased|more\s+than\s+happy|able|unable|here|there|around|"
    r"right\s+here|right\s+there|in\s+(?!touch|contact)|at\s+the|"
    r"available|waiting|with\s+you)|try|need|require|have\s+to|want|like|love|hate|do\s+(?:all|everything|our\s+best|"
    r"what)|probably|likely|possibly|maybe|perhaps|see\s+you|get\s+there|continue\s+to\s+(?:strive|aim|try)|"
    r"always|also\s+need|receive\s+(?:a\s+)?charge|apply|charge|cost|find\s+(?:that|it)|notice|know|understand|"
    r"agree|appreciate|hope|wish|be\s+(?:a|an|the)\b|be\s+(?:charged|billed|required)|look\s+forward|"
    r"have\s+(?:been|received|gotten|got|seen|sent|had|to)\b|"
    # what comes next, said with nothing in it: "here's what we'll do next", "we'll take it from there"
    # ("we'll go from there" after "DM us" stays a promise to act on what the customer sends)
    r"do\s+next\b|take\s+(?:it|things|this)\s+from\s+there\b)",
    re.IGNORECASE,
)
_HEDGE_RE = re.compile(
    r"\b(?:hopefully|if\s+all\s+goes|fingers\s+crossed|might|maybe|perhaps|possibly|i\s+hope|we\s+hope|i\s+think|"
    r"i\s+believe|not\s+sure|if\s+you(?:'d|\s+would)?\s+(?:like|prefer|want|wish|rather)|should\s+you\s+(?:wish|"
    r"want|prefer|like|need)|if\s+(?:that'?s|this\s+is|it'?s)\s+(?:ok|okay|fine|alright|easier)|if\s+you\s+need)\b",
    re.IGNORECASE,
)
_WH_BEFORE_RE = re.compile(r"\b(?:when|where|what|which|how|why|whether)\s+$", re.IGNORECASE)
_ACTION_END_RE = re.compile(
    r"[.!?;:\n(]|\s[-–—]\s|https?://|\s[\^*/][A-Z]{1,3}\b|\s\^|,\s*(?:but|and\s+(?:we|i|you|they)|so|please|as|"
    r"thanks|thank|if)\b|\s+(?:and|but|so|because|since|once|when|if|as\s+soon\s+as|as\s+we|until|while|"
    r"so\s+that|in\s+order\s+to|compared\s+to)\s+(?!get\s+back|contact|reach|let|call|email|update|send|check)|"
    r"\s+(?:and|&)\s+(?:we|i|you|they|our)\b",
    re.IGNORECASE,
)


def _cut_action(text: str, start: int, limit: int) -> tuple[int, int]:
    limit = min(limit, start + 300)
    m = _ACTION_END_RE.search(text, start, limit)
    end = m.start() if m else limit
    while end > start and text[end - 1] in " ,\t\"'":
        end -= 1
    return start, end


def find_commitments(
    text: str,
    *,
    sent_at: datetime,
    tz: str | tzinfo = "UTC",
    calendar: BusinessCalendar | None = None,
    locale: str | None = None,
) -> list[Commitment]:
    """Promises by the writer (or their company) to do something, with resolved due dates.

    ``locale`` ("en-US", the default, or "en-GB", "de", ...) says how numeric dates are read."""
    if not isinstance(text, str) or not text.strip():
        return []
    original = clip(text)
    text = normalize_quotes(original)
    now = to_local(sent_at, tz)
    dues = find_due_expressions(text, now=now, calendar=calendar, locale=locale)
    vague = find_vague_times(text)
    out = [c for c, _ in _candidates(text, dues, vague)]
    out.sort(key=lambda c: c.span.start)
    return [_rebase(c, original) for c in out]


def commitment_candidates(
    text: str,
    *,
    sent_at: datetime,
    tz: str | tzinfo = "UTC",
    calendar: BusinessCalendar | None = None,
) -> list[tuple[Commitment, Features]]:
    """Every clause the rules propose as a promise, with the features the model scores
    (unfiltered; for the training script). Spans refer to the straight-quoted text."""
    if not isinstance(text, str) or not text.strip():
        return []
    text = normalize_quotes(clip(text))
    now = to_local(sent_at, tz)
    dues = find_due_expressions(text, now=now, calendar=calendar)
    return [(c, f) for c, f, _ in _proposals(text, dues, find_vague_times(text))]


def _candidates(text: str, dues: list[DueExpression], vague: list[Span]) -> list[tuple[Commitment, Features]]:
    group = load_group("clause")
    head = group.heads.get("commitment") if group is not None else None
    if group is None or head is None:
        return [
            (c, f) for c, f, kind in _proposals(text, dues, vague, featurize_them=False) if kind != "due_only"
        ]
    out: list[tuple[Commitment, Features]] = []
    for c, f, _ in _proposals(text, dues, vague):
        p = binary_prob(head, group.logits(f))
        if p >= head.threshold:
            out.append((replace(c, score=round(p, 3)), f))
    return out


_NO_FEATURES = featurize("")


def _proposals(
    text: str, dues: list[DueExpression], vague: list[Span], *, featurize_them: bool = True
) -> list[tuple[Commitment, Features, str]]:
    found: list[tuple[Commitment, str, int, int]] = []
    out: list[Commitment] = []
    spans = sentences(text)
    for s_start, s_end in spans:
        sentence = text[s_start:s_end]
        if sentence.rstrip().endswith("?") and re.match(
            r"\s*(?:will|shall|would|should|can|could)\b", sentence, re.I
        ):
            continue
        for kind, rx in (
            ("modal", _TRIGGER_RE),
            ("and", _AND_WILL_RE),
            ("fix", _FUTURE_FIX_RE),
            ("you", _YOU_RE),
            ("expect", _EXPECT_RE),
            ("let", _LET_RE),
            ("passive", _PASSIVE_RE),
            ("ship", _SHIP_RE),
        ):
            for m in rx.finditer(text, s_start, s_end):
                if any(c.span.start <= m.start() < c.span.end for c in out):
                    continue
                commitment = _build(text, m, kind, s_start, s_end, dues, vague)
                if commitment is not None:
                    out.append(commitment)
                    found.append((commitment, kind, s_start, s_end))
    for c in _continuations(text, out, dues):
        sent = next(((a, b) for a, b in spans if a <= c.span.start < b), (c.span.start, c.span.end))
        found.append((c, "and_date", sent[0], sent[1]))
    # Clauses the rules do not take but that give a time for an action ("ships today",
    # "call you today at 16:00"): the model decides whether they promise something.
    for s_start, s_end in spans:
        if any(s_start <= c.span.start < s_end for c in out):
            continue
        due = next((d for d in dues if s_start <= d.span.start < s_end), None)
        if due is None or text[s_start:s_end].rstrip().endswith("?"):
            continue
        a_start = s_start
        a_end = due.span.start
        while a_end > a_start and text[a_end - 1] in " ,":
            a_end -= 1
        if a_end - a_start < 3 or a_end - a_start > 200 or not re.search(r"[A-Za-z]", text[a_start:a_end]):
            continue
        action = text[a_start:a_end]
        span = Span("commitment", a_start, due.span.end, text[a_start : due.span.end])
        c = Commitment(action, due.span.text, due.due, span, Span("action", a_start, a_end, action), due.span)
        found.append((c, "due_only", s_start, s_end))
    return [
        (c, _clause_features(text, c, kind, s, e) if featurize_them else _NO_FEATURES, kind)
        for c, kind, s, e in found
    ]


def _clause_features(text: str, c: Commitment, kind: str, s_start: int, s_end: int) -> Features:
    before = text[max(s_start, c.span.start - 40) : c.span.start].lower().split()[-2:]
    cues = [f"k:kind={kind}", "k:pre=" + " ".join(before)]
    if c.due_text:
        cues.append("k:due" if c.due is not None else "k:due_vague")
    if text[s_start:s_end].rstrip().endswith("?"):
        cues.append("k:question")
    return featurize(text[s_start:s_end], cues)


def _rebase(c: Commitment, original: str) -> Commitment:
    """Texts from the caller's string (curly quotes were straightened for matching only)."""

    def cut(sp: Span | None) -> Span | None:
        return None if sp is None else Span(sp.label, sp.start, sp.end, original[sp.start : sp.end])

    action_span, due_span, span = cut(c.action_span), cut(c.due_span), cut(c.span)
    assert span is not None
    return Commitment(
        action=action_span.text if action_span else c.action,
        due_text=due_span.text if due_span else c.due_text,
        due=c.due,
        span=span,
        action_span=action_span,
        due_span=due_span,
        score=c.score,
    )


_AND_VERB_RE = re.compile(r"\s+(?:and|&)\s+(?:then\s+|also\s+)?(?=[a-z]+\b)", re.IGNORECASE)


def _continuations(text: str, found: list[Commitment], dues: list[DueExpression]) -> list[Commitment]:
    """ "I'll refund you by Friday and send a replacement within 3 days" holds two promises with two dates."""
    extra: list[Commitment] = []
    for c in found:
        if not c.due_text:
            continue
        m = _AND_VERB_RE.match(text, c.span.end)
        if m is None:
            continue
        rest_end = len(text)
        stop = re.compile(r"[.!?;\n]").search(text, m.end())
        if stop:
            rest_end = stop.start()
        due_exp = next((d for d in dues if m.end() < d.span.start < rest_end), None)
        if due_exp is None:
            continue
        a_end = due_exp.span.start
        while a_end > m.end() and text[a_end - 1] in " ,":
            a_end -= 1
        if a_end <= m.end():
            continue
        span = Span("commitment", m.end(), due_exp.span.end, text[m.end() : due_exp.span.end])
        action_span = Span("action", m.end(), a_end, text[m.end() : a_end])
        extra.append(
            Commitment(action_span.text, due_exp.span.text, due_exp.due, span, action_span, due_exp.span)
        )
    return extra


def _build(
    text: str,
    m: re.Match[str],
    kind: str,
    s_start: int,
    s_end: int,
    dues: list[DueExpression],
    vague: list[Span],
) -> Commitment | None:
    clause_before = text[s_start : m.start()]
    if _HEDGE_RE.search(clause_before) or _HEDGE_RE.search(text[m.start() : m.end()]):
        return None
    if _WH_BEFORE_RE.search(text, max(s_start, m.start() - 12), m.start()):
        return None  # "what we'll do", "how we will fix it": a description, not the promise itself
    if kind == "modal":
        modal = m.group("modal").lower()
        if "should" in modal and m.group("subj").lower() not in ("we", "i"):
            return None
    pos = m.end()
    skip = _SKIP_RE.match(text[pos:s_end])
    if skip:
        pos += skip.end()
    if kind == "and" and not _WE_RE.search(clause_before):
        return None
    if kind in ("modal", "and") and _NOT_PROMISE_RE.match(text[pos:s_end]):
        return None
    if kind == "let" and re.search(r"\bplease\s+$", text[max(0, m.start() - 8) : m.start()], re.I):
        return None  # "please let us look into this": asks the customer's permission
    if (
        kind in ("modal", "and")
        and "should" in m.group("modal").lower()
        and not re.match(r"(?:have|get|be\s+(?:up|back|able\s+to\s+\w+))\b", text[pos:s_end], re.I)
    ):
        return None
    if (
        kind in ("modal", "and")
        and "should" in m.group("modal").lower()
        and re.match(r"have\s+(?!(?:it|this|that|them|your|the|a|an)\b)\w+", text[pos:s_end], re.I)
    ):  # "we should have warned you": a regret about the past, not a promise
        return None
    if kind == "ship" and _pick_due(dues, s_start, s_end, m.start()) is None:
        return None
    if kind == "fix":
        a_start, a_end = m.start(), m.end()
    else:
        a_start, a_end = _cut_action(
            text, m.start() if kind in ("you", "passive", "expect", "ship") else pos, s_end
        )
    # Due text: a date in the same sentence (after the promise first), else a vague time.
    due_exp = _pick_due(dues, s_start, s_end, m.start())
    if due_exp is not None and a_start < due_exp.span.start < a_end:
        a_end = due_exp.span.start
        while a_end > a_start and text[a_end - 1] in " ,":
            a_end -= 1
    for vt in vague:
        if a_start < vt.start < a_end:
            a_end = vt.start
            while a_end > a_start and text[a_end - 1] in " ,":
                a_end -= 1
            break
    action = text[a_start:a_end]
    if len(action.split()) < 1 or not re.search(r"[A-Za-z]", action):
        return None
    due_span: Span | None = None
    due: datetime | None = None
    if due_exp is not None:
        due_span, due = due_exp.span, due_exp.due
    else:
        v = [s for s in vague if s_start <= s.start < s_end and s.start >= m.start()]
        if v:
            due_span = v[0]
    end = max(a_end, due_exp.span.end if due_exp and due_exp.span.start >= m.start() else a_end)
    return Commitment(
        action=action,
        due_text=due_span.text if due_span else "",
        due=due,
        span=Span("commitment", m.start(), end, text[m.start() : end]),
        action_span=Span("action", a_start, a_end, action),
        due_span=due_span,
    )


def _pick_due(dues: list[DueExpression], s_start: int, s_end: int, anchor: int) -> DueExpression | None:
    same = [d for d in dues if s_start <= d.span.start < s_end]
    after = [d for d in same if d.span.start >= anchor]
    if after:
        return after[0]
    return same[-1] if same else None
