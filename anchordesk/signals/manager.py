"""Demand for a manager: 1 = asks now, 2 = asked before or threatens escalation."""

from __future__ import annotations

import re

from ._spans import Span, span_from_match

# Who a customer escalates to.
_TARGET = (
    r"(?:(?:a|an|the|your|ur|ya|some|someone'?s|his|her|their|that|this|my\s+agent'?s)\s+)?"
    r"(?:(?:senior|higher|upper|floor|shift|duty|store|customer\s+service|customer\s+care|cs|reservations?|"
    r"call\s+center|call\s+centre|branch|general|area|regional|district|site|team|department|station|gate)\s+)?"
    r"(?:manager|managers|supervisor|supervisors|supervisr|superviser|sup|mgr|management|team\s+lead(?:er)?|"
    r"boss|ceo|president|head\s+office|corporate(?:\s+office)?|executive(?:\s+team)?|exec|"
    r"someone\s+(?:in\s+charge|higher\s+up|higher|senior|more\s+senior|above\s+(?:you|them|him|her)|"
    r"with\s+(?:authority|more\s+authority)|that\s+matters|who\s+(?:can|could|will)\s+(?:actually\s+)?help|"
    r"who\s+matters|competent)|"
    r"somebody\s+(?:in\s+charge|higher\s+up|senior)|"
    r"(?:a\s+|an\s+)?(?:real|actual|live|living)\s+(?:person|human|human\s+being|agent|rep|representative|"
    r"people)|"
    r"(?:a\s+)?human(?:\s+being)?|the\s+person\s+in\s+charge|person\s+in\s+charge|your\s+superiors?|"
    r"(?:the\s+)?higher[-\s]ups?|the\s+top|the\s+(?:executive|escalations?)\s+team|escalations?\s+team|"
    r"your\s+(?:boss|superior|supervisor|manager))"
)
_ASK = (
    r"(?:(?:speak|talk|chat|spk)\s+(?:to|with)|(?:let|get)\s+me\s+(?:speak|talk|through)\s+(?:to|with)?|"
    r"(?:transfer|escalate|put|pass|connect|forward)\s+(?:me|this|it|us|my\s+(?:call|case|complaint|issue|ticket))\s+"
    r"(?:to|through\s+to|up\s+to|with)|escalated?\s+to|get\s+(?:me\s+)?(?:a|an|the|your|some|someone)|"
    r"(?:get|give)\s+me|(?:need|want|demand|request|require|like|requesting|demanding|wanting)\s+(?:to\s+(?:speak|talk|"
    r"chat)\s+(?:to|with)\s+)?|(?:contact|reach|call|email|e-mail|message|dm|tweet|write\s+to|get\s+in\s+touch\s+with|"
    r"get\s+a\s*hold\s+of|get\s+ahold\s+of|get\s+hold\s+of|reach\s+out\s+to|"
    r"hear\s+from|send\s+(?:(?:a|an)\s+(?:letter|email|e-mail|complaint|message)\s+)?(?:to\s+)?)|"
    r"(?:bring\s+in|involve|loop\s+in)|where\s+is|is\s+there)"
)
_ASK_RE = re.compile(r"\b" + _ASK + r"\s*" + _TARGET + r"(?![\w-])", re.IGNORECASE)
_DIRECT_RE = re.compile(
    r"\b(?:(?:please\s+)?escalate\s+(?:this|it|my\s+\w+)|can\s+(?:this|it|you)\s+(?:please\s+)?(?:be\s+)?escalate(?:d)?|"
    r"i(?:\s+(?:want|need|would\s+like)|\s*'d\s+like)\s+(?:this|it|my\s+\w+)\s+escalated|"
    r"(?:manager|supervisor|human|real\s+person)\s*(?:,\s*)?(?:please|now|asap|immediately)\b|"
    r"(?:have|get)\s+(?:a|the|your)\s+(?:manager|supervisor)\s+(?:call|contact|email|reach)|"
    r"(?:stop|quit|enough\s+with)\s+(?:the\s+)?(?:bot|automated|canned|copy[- ]paste)\w*)",
    re.IGNORECASE,
)
# Earlier requests or a threat to go higher.
_PAST_RE = re.compile(
    r"\b(?:(?:i|we)\s+(?:have\s+|had\s+|'ve\s+|already\s+|even\s+|then\s+|also\s+)*(?:asked|requested|demanded|begged|"
    r"called|emailed|wrote|written|tried|tweeted|contacted|escalated|reached\s+out)\s+(?:(?:it|this|that|my\s+\w+)\s+)?"
    r"(?:for\s+|to\s+(?:speak|talk)\s+"
    r"(?:to|with)\s+|to\s+|with\s+)?" + _TARGET + r"(?![\w-])|"
    r"(?:asked|requested|begged|demanded)\s+(?:for|to\s+(?:speak|talk)\s+(?:to|with))\s+"
    + _TARGET
    + r"(?![\w-])|"
    r"(?:can'?t|cannot|couldn'?t|could\s+not|won'?t|wouldn'?t|refused\s+to|refuses\s+to|unable\s+to)\s+"
    r"(?:find|get|give\s+me|let\s+me\s+(?:speak|talk)\s+(?:to|with)|transfer\s+me\s+to|connect\s+me\s+(?:to|with)|"
    r"put\s+me\s+through\s+to)\s+" + _TARGET + r"(?![\w-])|"
    r"no\s+(?:manager|supervisor)s?\s+(?:was\s+|is\s+|were\s+)?(?:available|around|on\s+duty|to\s+be\s+found)|"
    r"(?:waiting|waited|still\s+waiting)\s+(?:for|on)\s+(?:a|the|my)\s+(?:manager|supervisor|call\s*back\s+from)|"
    r"(?:manager|supervisor)\s+(?:never|didn'?t|did\s+not|still\s+hasn'?t|has\s+not|hasn'?t)\s+(?:called|got|gotten|"
    r"returned|contacted|responded|reached)|"
    r"(?:did\s+not|didn'?t|never)\s+(?:afford|offer|provide|get)\s+(?:me\s+)?(?:a|the)\s+(?:manager|supervisor)|"
    r"(?:told|said)\s+(?:me\s+)?(?:he|she|they)\s+(?:didn'?t|did\s+not|don'?t|won'?t)\s+want\s+to\s+talk|"
    r"still\s+no\s+(?:response|reply|answer|word)\s+from\s+(?:your\s+|the\s+)?(?:ceo|corporate|manager|supervisor|"
    r"management)|"
    r"(?:finally|eventually)\s+got\s+(?:a|the)\s+(?:team\s+lead|manager|supervisor)|"
    r"(?:take|taking|escalate|escalating|bring|bringing)\s+(?:this|it|my\s+\w+|the\s+matter)\s+(?:further|higher(?:\s+up)?|"
    r"up\s+the\s+(?:chain|ladder)|to\s+(?:the\s+top|corporate|your\s+(?:ceo|boss|superiors?|management|managers?|"
    r"supervisors?)|(?:a|the)\s+(?:manager|supervisor)|"
    r"management|head\s+office|the\s+ceo))|"
    r"(?:will|i'?ll|going\s+to|gonna|about\s+to)\s+(?:be\s+)?(?:contact|contacting|call|calling|email|emailing|write|"
    r"writing|complain|complaining)\s+(?:to\s+)?(?:your\s+|the\s+)?(?:corporate|ceo|head\s+office|management|"
    r"executive)|"
    r"(?:i'?ll|i\s+will|i'?m\s+going\s+to|going\s+to|gonna)\s+(?:go|write|complain|escalate\s+(?:this|it)|take\s+(?:this|it))"
    r"\s+(?:straight\s+|directly\s+)?(?:to|up\s+with)\s+(?:your\s+|the\s+)?(?:ceo|corporate|head\s+office|management|"
    r"manager|supervisor|boss|executives?|higher[-\s]ups?|the\s+top)|"
    r"(?:over\s+your\s+head|go\s+above\s+(?:you|your\s+head)|going\s+above\s+(?:you|your\s+head)))",
    re.IGNORECASE,
)
# Job titles and third-party mentions that name a manager without asking for one.
_NEGATIVE_RE = re.compile(
    r"\b(?:device|task|file|package|password|download|account|accounts|project|product|program|property|"
    r"community|sales|marketing|brand|social\s+media|office|hr|it|network|asset|window|display|boot|"
    r"profile|plugin|extension|ad|ads|campaign|content|cache|fund|investment|portfolio|wealth|relationship|"
    r"night|day|assistant|asst|branch|campaign|stage|tour|talent|band|team|football|club|baseball|"
    r"crisis|case|event|general|credit|key|media|connection|(?<!customer )service|power|print|disk|partition|version|"
    r"library|source|window|work|former|old|ex|previous|new)\s+(?:manager|supervisor)s?\b|"
    r"\bmy\s+(?:(?:old|former|ex|new|current|work|line|direct|own|account)\s+)?(?:manager|supervisor|boss)\b|"
    r"\b(?:manager|supervisor)\s+(?:of\s+the\s+(?:year|month))\b",
    re.IGNORECASE,
)
_NOT_WANT_RE = re.compile(
    r"\b(?:don'?t|do\s+not|no\s+need\s+to|not)\s+(?:want|need|wish|asking)\s+(?:to\s+(?:speak|talk)\s+(?:to|with)\s+)?"
    r"(?:a\s+|the\s+|your\s+)?(?:manager|supervisor)",
    re.IGNORECASE,
)
_THIRD_PERSON_RE = re.compile(
    r"\b(?:he|she|they|who)\s+(?:wants?|asks?|asked|demands?)\s+to\s+speak", re.IGNORECASE
)


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start < e or s < end <= e for s, e in spans)


# Cheap gate: without one of these words no pattern below can match.
_KEYWORDS_RE = re.compile(
    r"manag|supervis|\bsup\b|mgr|lead|boss|ceo|president|office|corporate|exec|someone|somebody|person|human|"
    r"people|higher|\btop\b|escalat|superior|agent|\brep\b|representative|bot|automated|canned|copy|"
    r"charge|matters|authority|competent|senior|call\s*back|further|chain|ladder|above|over\s+your|want\s+to\s+talk",
    re.IGNORECASE,
)


def find_manager_request(text: str) -> tuple[int, list[Span]]:
    """Return (level, evidence) for a customer message."""
    if _KEYWORDS_RE.search(text) is None:
        return 0, []
    negatives = [m.span() for m in _NEGATIVE_RE.finditer(text)]
    negatives += [m.span() for m in _NOT_WANT_RE.finditer(text)]
    negatives += [m.span() for m in _THIRD_PERSON_RE.finditer(text)]
    past = [span_from_match("manager_request_before", text, m) for m in _PAST_RE.finditer(text)]
    past = [
        s
        for s in past
        if not _inside(s.start, s.end, negatives) or "have to" in text[max(0, s.start - 20) : s.start]
    ]
    now: list[Span] = []
    # "Escalate this to corporate" / "please take it higher": the imperative asks now.
    for s_ in [s_ for s_ in past if _ESCALATE_VERB_RE.match(s_.text) and _imperative(text, s_.start)]:
        past.remove(s_)
        now.append(Span("manager_request", s_.start, s_.end, s_.text))
    past_ranges = [(s.start, s.end) for s in past]
    for rx in (_ASK_RE, _DIRECT_RE):
        for m in rx.finditer(text):
            if _inside(m.start(), m.end(), negatives) or _inside(m.start(), m.end(), past_ranges):
                continue
            if _is_past_context(text, m.start()):
                continue
            if _ESCALATE_VERB_RE.match(m.group(0)) and _FUTURE_SELF_RE.search(
                text, max(0, m.start() - 30), m.start()
            ):
                # "I will escalate this if...": a threat to go higher, not a request (level 2).
                past.append(span_from_match("manager_request_before", text, m))
                continue
            now.append(span_from_match("manager_request", text, m))
    if now:
        return 1, now + past
    if past:
        return 2, past
    return 0, []


_ESCALATE_VERB_RE = re.compile(r"(?:please\s+)?(?:escalate|take|bring)\b", re.IGNORECASE)
_FUTURE_SELF_RE = re.compile(
    r"\b(?:i|we)\s*(?:'ll|’ll|\s+will|\s+shall|'m\s+going\s+to|\s+am\s+going\s+to|\s+are\s+going\s+to|"
    r"'re\s+going\s+to|\s+gonna|\s+might|\s+may|\s+would|'d)\s+(?:have\s+to\s+|need\s+to\s+|just\s+)?$",
    re.IGNORECASE,
)
_IMPERATIVE_LEAD_RE = re.compile(
    r"(?:^|[.!?\n]\s*|(?:,|\band|\bso)\s+)(?:(?:@\w+\s+)*)(?:(?:please|pls|plz|kindly|just|can\s+you|could\s+you|would\s+you|"
    r"will\s+you)\s+)*$",
    re.IGNORECASE,
)


def _imperative(text: str, start: int) -> bool:
    return bool(_IMPERATIVE_LEAD_RE.search(text[max(0, start - 60) : start]))


_PAST_CUE_RE = re.compile(
    r"\b(?:asked|requested|demanded|told|said|was|were|had|tried|when|after|finally|once|before|spoke|talked|"
    r"got)\b[^.!?\n]{0,25}$",
    re.IGNORECASE,
)
_HYPOTHETICAL_RE = re.compile(r"\b(?:if|whether|unless|wants?\s+to\s+know)\b[^.!?\n]{0,40}$", re.IGNORECASE)


def _is_past_context(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start]
    return bool(_PAST_CUE_RE.search(before) or _HYPOTHETICAL_RE.search(before))
