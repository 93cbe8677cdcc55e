"""Demand for a manager: 1 = asks now, 2 = asked before or threatens escalation."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    r"\b(?:he|she|they|who|my\s+(?:husband|wife|partner|dad|father|mum|mom|mother|sister|brother|son|daughter|"
    r"friend|neighbou?r|landlord|boss))\s+(?:wants?|asks?|asked|demands?)\s+to\s+(?:speak|talk)",
    re.IGNORECASE,
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


# ---------------------------------------------------------------------------- sentence reading
#
# The patterns above need a request verb right in front of a target ("speak to a manager").
# People also ask with a question ("who is your boss?", "is there anyone above you?"), name
# whoever decides ("someone who can actually make a decision"), or ask without a verb
# ("Supervisor. Now."). This reading takes each sentence that names someone to escalate to,
# then looks at how the sentence is said: a request, a report of an earlier one, a threat, or
# a mention (a job title, "my manager", a third party, praise).

_WHO = (
    r"(?:manager|managers|manger|mngr|mgr|management|supervisor|supervisors|supervisior|superviser|supervisr|"
    r"boss|bosses|superior|superiors|ceo|president|owner|director|directors|chairman|leadership|"
    r"head\s+office|headquarters|hq|corporate|executives?|exec|higher[-\s]?ups?|team\s+lead(?:er)?|"
    r"line\s+manager|head\s+of\s+\w+(?:\s+\w+)?|(?:someone|somebody|anyone|anybody|person|people)\s+(?:higher|senior|"
    r"more\s+senior|in\s+charge|above\s+you|at\s+a\s+higher\s+level|with\s+(?:more\s+)?(?:authority|clout|power))|"
    r"(?:someone|somebody|anyone|anybody|whoever)\s+(?:who|that)\s+(?:can|could|has|is\s+able)\s+(?:actually\s+)?"
    r"(?:decide|make\s+(?:a|the)\s+decision|override|authori[sz]e|approve|help)|"
    r"(?:who|whoever)(?:'s|\s+is)?\s+(?:above\s+you|in\s+charge|running|runs|makes\s+the\s+decisions)|"
    r"(?:real|actual|live)\s+(?:person|human|agent)|a\s+human|a\s+person|human\s+please|humans?|"
    r"(?:next|higher|another)\s+level|tier\s*[23]|level\s*[23]|escalat\w*)"
)
_WHO_RE = re.compile(r"\b" + _WHO + r"\b", re.IGNORECASE)
_SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]*", re.IGNORECASE)
_REQUEST_RE = re.compile(
    r"\b(?:speak|talk|chat|spk|put\s+(?:me|them|him|her|a|your|this)|transfer|connect|pass|forward|send|route|hand|"
    r"escalate|bump|raise|flag|loop\s+in|involve|get\s+(?:me|a|the|your|someone|somebody)|find\s+me|give\s+me|"
    r"have\s+(?:a|the|your|someone)|let\s+me|lemme|can\s+i|could\s+i|may\s+i|i'?d\s+like|i\s+would\s+like|i\s+want|"
    r"i\s+wanna|i\s+need|we\s+need|i'?m\s+asking|i\s+am\s+asking|request(?:ing)?|please|pls|plz|kindly|"
    r"who(?:'s|\s+is|s)\s+(?:your|the|ur)|who\s+(?:do|can|should)\s+i|what(?:'s|\s+is)\s+(?:your|the)|"
    r"where\s+(?:do|can|is)|how\s+do\s+i|is\s+there|are\s+there|is\s+(?:your|the|a)\s+\w+(?:\s+\w+)?\s+"
    r"(?:there|around|in|available|on)|call\s+me|contact\s+me|email\s+me|ring\s+me|reach\s+out|get\s+back\s+to\s+me|"
    r"respond|review|look\s+(?:at|over)|confirm|sign\s+off|approve|appeal|ask\s+(?:your|whoever)|run\s+it\s+past|"
    r"check\s+with|go\s+up|now|asap|immediately)\b|\?",
    re.IGNORECASE,
)
_REPORT_RE = re.compile(
    r"\b(?:asked|requested|demanded|begged|already|again|twice|three\s+times|promised|assured|told|said|was|were|"
    r"spoke|spoken|talked|escalated|emailed|e-mailed|wrote|called|tried|tagged|contacted|reached|still|never|"
    r"last\s+(?:week|time|month|year)|yesterday|hasn'?t|haven'?t|didn'?t|did\s+not|refused|wouldn'?t|won'?t\s+let|"
    r"couldn'?t|went|gone|got|had|chasing|following\s+up|any\s+update|has\s+the|did\s+your|every\s+time)\b",
    re.IGNORECASE,
)
_THREAT_RE = re.compile(
    r"\b(?:i\s*'?ll|i\s+will|i\s*'?m\s+(?:going|about|prepared)\s+to|i\s+am\s+(?:going|about|prepared)\s+to|gonna|"
    r"next\s+(?:step|stop|email|time)|if\s+(?:this|it|i|the|you|no)|or\s+i|unless|don'?t\s+make\s+me|have\s+to|"
    r"no\s+choice|i\s+intend|i\s+might|i\s+may|this\s+will\s+be\s+going|you'?ll\s+be\s+hearing|i'?d\s+(?:hate|rather\s+not)|"
    r"do\s+i\s+(?:need|have)|will\s+i\s+have|am\s+i\s+going\s+to|should\s+i)\b",
    re.IGNORECASE,
)
_MENTION_RE = re.compile(
    r"\b(?:my|our)\s+(?:\w+\s+)?(?:manager|boss|supervisor|director|head\s+office|team|corporate|ceo|principal)\b|"
    r"\b(?:he|she|they|my\s+(?:husband|wife|partner|dad|mum|mom|sister|brother|son|daughter|landlord))\s+"
    r"(?:wants?|asked|says?|said|keeps|is\s+threatening)\b|"
    r"\b(?:no\s+need|don'?t\s+(?:need|want)|do\s+not\s+(?:need|want)|not\s+asking|please\s+don'?t)\b|"
    r"\b(?:thank|thanks|helpful|lovely|kind|brilliant|legend|compliment|shout-?out|above\s+and\s+beyond|"
    r"went\s+above|credit\s+to|well\s+done)\b|"
    r"\bescalated\s+quickly\b|"
    # on-site staff described, and a manager reached who then did something (an incidental
    # report, not a request: LABELS.md's "store manager was rude")
    r"\b(?:store|shop|branch|restaurant|hotel|airport|gate|flight|cabin|train|station|site|shift|floor|night|duty)\s+"
    r"(?:manager|supervisor)s?\s+(?:was|were|is|are|said|told|gave|offered|helped|let|did|seemed)\b|"
    r"\b(?:talked|spoke|chatted)\s+(?:to|with)\s+(?:a|the|your|one)\s+(?:manager|supervisor)s?\s+(?:and|who)\b"
    r"[^.!?]{0,40}\b(?:offered|gave|refunded|sorted|fixed|explained)\b|\b(?:i'?m|i\s+am|as)\s+(?:a|the)\s+\w*\s*(?:manager|supervisor|owner|director)\b|"
    r"\b(?:human|humans)[-\s](?:error|resources|readable|grade|being\s+error)|"
    r"\b(?:corporate|executive)\s+(?:account|card|rate|discount|code|client|package|gift|lounge|suite|club|class|"
    r"chair|room|summary|assistant)s?\b|\bsenior\s+(?:discount|fare|railcard|plan|living|citizen)s?\b|"
    r"\bhigher\s+(?:tier|plan|price|bill|limit|resolution|interest|data|rate)s?\b|"
    r"\b(?:is|are)\s+(?:this|you|it)\s+(?:a\s+)?(?:bot|human|real)\b[^.!?]*(?:curious|wondering|either\s+way|great|helpful)",
    re.IGNORECASE,
)
_GO_TO_RE = re.compile(
    r"\b(?:go|going|take|taking|escalate|escalating|write|writing|contact|contacting|call|calling|email|emailing|"
    r"message|complain|raise|involve|mention|bring|report|ask\s+for|asking\s+for|get\s+\w+\s+involved)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ManagerReading:
    """What the sentence reading found: ``level`` (0, 1 asks now, 2 earlier or a threat), the
    target words as evidence, and ``only_mentions``: every sentence naming an escalation target
    only mentions one (a job title, "my manager", a third party's request, praise or thanks
    passed on, "no need for a manager"). That last is a hard constraint on the manager heads:
    such a message asks for no one unless the strict patterns above find a request."""

    level: int
    spans: list[Span]
    only_mentions: bool


def read_manager_sentences(text: str) -> ManagerReading:
    """How each sentence naming an escalation target is said (one pass over the text)."""
    now: list[Span] = []
    before: list[Span] = []
    named = mentions_only = False
    titles: list[tuple[int, int]] | None = None
    for sm in _SENTENCE_RE.finditer(text[:MAX_SENTENCE_SCAN]):
        sentence = sm.group(0)
        who = _WHO_RE.search(sentence)
        if who is None:
            continue
        if not named:
            named = mentions_only = True
        start, end = sm.start() + who.start(), sm.start() + who.end()
        if titles is None:  # the job-title pattern is slow; only texts that name someone need it
            titles = [m.span() for m in _NEGATIVE_RE.finditer(text)]
        if _inside(start, end, titles) or _MENTION_RE.search(sentence):
            continue
        mentions_only = False
        span = Span("manager_request", start, end, text[start:end])
        threat = _THREAT_RE.search(sentence) and _GO_TO_RE.search(sentence)
        if threat or _REPORT_RE.search(sentence):
            before.append(Span("manager_request_before", span.start, span.end, span.text))
        elif _REQUEST_RE.search(sentence) or len(sentence.split()) <= 3:
            now.append(span)
    if now:
        return ManagerReading(1, now + before, mentions_only)
    if before:
        return ManagerReading(2, before, mentions_only)
    return ManagerReading(0, [], mentions_only)


MAX_SENTENCE_SCAN = 20_000
