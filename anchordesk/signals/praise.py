"""Praise of the agent or the service in a customer's message, with the words as evidence.

Kind words for an agent come from praise, not from politeness: "Thanks, Maria", "ok thanks
bye" and "Thanks for the reply but it still doesn't work" thank without praising anyone, and
sarcastic praise ("great service, NOT", "great job losing my parcel") is not praise at all.
Praise says something good about a person or the service: "you were so helpful", "Maria
sorted it in minutes, thank you!", "great service", "so patient with me", "five stars".

Pure Python, no Django; bounded work on any input, like the other analyzers.
"""

from __future__ import annotations

import re

from ._spans import Span, clip, dedupe, normalize_quotes, rebase, sentences, split_words

_INTENSIFIER = (
    r"(?:(?:so|very|really|super|incredibly|extremely|truly|absolutely|amazingly|genuinely|such|"
    r"just|always|particularly|especially)\s+)*"
)
# Good words about a person.
_PERSON_GOOD = (
    r"(?:helpful|kind|patient|friendly|lovely|wonderful|amazing|awesome|brilliant|fantastic|excellent|"
    r"great|superb|outstanding|professional|knowledgeable|understanding|efficient|quick|fast|prompt|"
    r"responsive|clear|polite|nice|incredible|fab|fabulous|terrific|marvellous|marvelous|"
    r"(?:a|an|the)\s+(?:star|legend|gem|hero|lifesaver|life\s+saver|rock\s*star|absolute\s+star|"
    r"best|pleasure\s+to\s+deal\s+with))"
)
# Who the customer can be praising: the agent, a colleague, the team, named by name.
_PERSON = (
    r"(?:you(?:\s+guys|\s+all|\s+folks|\s+people)?|y'all|u|your\s+(?:colleague|agent|team|staff|"
    r"support(?:\s+team)?|engineer|technician|tech|rep|representative|people|guy|lady)|"
    r"the\s+(?:agent|engineer|technician|lady|guy|team|support\s+team)|she|he|they|"
    r"(?-i:[A-Z][a-z]{2,}))"
)
_BE = r"(?:were|are|was|is|'re|'s|have\s+been|'ve\s+been|has\s+been)"

_PERSON_PRAISE_RE = re.compile(
    rf"\b{_PERSON}\s+{_BE}\s+(?:{_INTENSIFIER})?(?:an?\s+)?{_INTENSIFIER}{_PERSON_GOOD}\b", re.IGNORECASE
)
# "So patient with me.", "really helpful": a good word about how we helped, said on its own.
_HELP_WORDS_RE = re.compile(
    r"\b(?:so|very|really|super|incredibly|extremely|truly|most)\s+(?:helpful|patient|kind|friendly|"
    r"understanding|professional|efficient|knowledgeable)\b",
    re.IGNORECASE,
)
_SERVICE_PRAISE_RE = re.compile(
    r"\b(?:great|excellent|amazing|fantastic|brilliant|outstanding|superb|wonderful|exceptional|terrific|"
    r"awesome|top|first[-\s]class|top[-\s]notch|fab|fabulous|impressive|stellar|perfect)\s+"
    r"(?:customer\s+)?(?:service|support|help|job|work|experience|care|team)\b",
    re.IGNORECASE,
)
_RATING_RE = re.compile(r"\b(?:five|5)\s+stars?\b|\b10\s*/\s*10\b|\b10\s+out\s+of\s+10\b", re.IGNORECASE)
# A person got it done, and well: "Maria sorted it in minutes", "you fixed it straight away".
_DONE_WELL_RE = re.compile(
    rf"\b{_PERSON}\s+(?:(?:had|has|'d|'ve|have)\s+)?(?:sorted|fixed|solved|resolved|handled|cracked|nailed|"
    r"sorted\s+out|figured\s+out|got\s+(?:it|this|everything)\s+(?:sorted|fixed|working))\b[^.!?\n]{0,40}?"
    r"(?:\bin\s+(?:minutes|seconds|no\s+time|a\s+flash|a\s+few\s+minutes|(?:\w+|\d+)\s+minutes)|"
    r"\b(?:so\s+)?(?:quickly|fast|promptly)\b|\bright\s+away\b|\bstraight\s+away\b|\bimmediately\b|"
    r"\bperfectly\b|\bbrilliantly\b|\bfirst\s+time\b|\bin\s+one\s+go\b)",
    re.IGNORECASE,
)
_OTHER_PRAISE_RE = re.compile(
    r"\b(?:went|going|go)\s+(?:above\s+and\s+beyond|the\s+extra\s+mile)\b|"
    r"\bmade\s+(?:it|this|everything|the\s+whole\s+thing)\s+(?:so\s+|really\s+|very\s+)?(?:easy|painless|simple)\b|"
    r"\bmaking\s+(?:it|this|everything)\s+(?:so\s+|really\s+|very\s+)?(?:easy|painless|simple)\b|"
    r"\b(?:you\s+)?saved\s+(?:the\s+day|my\s+(?:day|life|bacon|weekend))\b|\blifesaver\b|"
    r"\bcouldn'?t\s+have\s+asked\s+for\s+(?:better|more)\b|\bbest\s+(?:customer\s+)?(?:service|support)\b",
    re.IGNORECASE,
)
_PATTERNS = (
    _PERSON_PRAISE_RE,
    _HELP_WORDS_RE,
    _SERVICE_PRAISE_RE,
    _RATING_RE,
    _DONE_WELL_RE,
    _OTHER_PRAISE_RE,
)

# A capitalised word that is not a name: "It was great" praises a thing, not a person.
_NOT_A_NAME = frozenset(
    split_words(
        "it this that there here everything everyone nothing something which what who delivery shipping "
        "price product order parcel package app website site router device phone item service support "
        "setup installation update"
    )
)
# Negation just before the praise: "not very helpful", "wasn't great service", "never so patient".
_NEGATED_RE = re.compile(
    r"(?:\bnot|n't|\bnever|\bhardly|\bno|\bfar\s+from|\banything\s+but|\bless\s+than)\s+"
    r"(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# Sarcasm or a complaint in the same sentence turns praise around.
_SENTENCE_TURN_RE = re.compile(
    r"\bbut\b|\bhowever\b|\bthough\b|\bstill\b|\byet\s+again\b|\bas\s+usual\b|\byeah\s+right\b|"
    r"\bnot\b|\(?/s\)?|\blol\b|\bsmh\b|🙄|😒|😡|😤|\b(?:losing|lost|ruining|ruined|breaking|broke|ignoring|"
    r"wasting|wasted)\b|\bfor\s+nothing\b|\bthanks\s+a\s+lot\b|\bwhat\s+a\s+joke\b",
    re.IGNORECASE,
)
# A complaint anywhere in the message makes praise of the service sarcastic ("Wow, great service.
# Three weeks and still no refund."); praise of a person needs the turn in its own sentence.
_MESSAGE_TURN_RE = re.compile(
    r"\bstill\s+(?:no|not|waiting|nothing|broken|doesn'?t|don'?t|hasn'?t|haven'?t|isn'?t|can'?t)\b|"
    r"\bfor\s+nothing\b|\byet\s+again\b|\bas\s+usual\b|(?-i:\bNOT\b)|\bworst\b|\bridiculous\b|"
    r"\bunacceptable\b|\buseless\b|\bjoke\b|\bpathetic\b|\bdisgrace(?:ful)?\b|\bnever\s+again\b",
    re.IGNORECASE,
)


# Marks the whole message as sarcastic, wherever they stand ("You were so helpful. NOT.").
_SARCASM_RE = re.compile(r"(?-i:\bNOT\b)|(?:^|\s)/s\b|#sarcasm|\bthanks\s+for\s+nothing\b", re.IGNORECASE)


def _is_name_slot_ok(text: str, start: int, end: int) -> bool:
    first = text[start:end].split()[0].lower().strip("'")
    return first not in _NOT_A_NAME


def find_praise(text: str) -> list[Span]:
    """Spans of praise of the agent or the service (label ``praise``); empty when there is none.

    ``text[span.start:span.end] == span.text`` for the text given.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    original = clip(text)
    norm = normalize_quotes(original)
    if _SARCASM_RE.search(norm):
        return []
    message_turn = bool(_MESSAGE_TURN_RE.search(norm))
    found: list[Span] = []
    for s_start, s_end in sentences(norm):
        sentence = norm[s_start:s_end]
        if _SENTENCE_TURN_RE.search(sentence):
            continue
        for pattern in _PATTERNS:
            for m in pattern.finditer(norm, s_start, s_end):
                start, end = m.span()
                if _NEGATED_RE.search(norm, max(s_start, start - 30), start):
                    continue
                if pattern in (_PERSON_PRAISE_RE, _DONE_WELL_RE) and not _is_name_slot_ok(norm, start, end):
                    continue
                about_a_person = pattern in (_PERSON_PRAISE_RE, _DONE_WELL_RE, _HELP_WORDS_RE)
                if message_turn and not about_a_person:
                    continue
                if message_turn and _MESSAGE_TURN_RE.search(sentence):
                    continue
                found.append(Span("praise", start, end, norm[start:end]))
    return rebase(dedupe(found), original)
