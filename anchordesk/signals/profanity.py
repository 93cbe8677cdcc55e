"""Profanity, masked profanity ("f***", "sh!t") and abuse aimed at staff."""

from __future__ import annotations

import re
from functools import lru_cache

from ._spans import Span, span_from_match, words_alternation

# Stems match any word that starts with them ("fuck" -> "fucking", "fucked").
_PROFANE_STEMS = (
    "fuck", "fucc", "fuk", "fuq", "fck", "fcuk", "nicca", "niglet", "wigga", "whigger", "feckin", "fecking",
    "freakin", "freaking", "frickin", "fricking", "friggin", "effing", "smfh", "idgaf", "phuck", "motherf", "muthaf", "mothaf", "shit", "shyt", "bullshit",
    "bitch", "biatch", "asshole", "arsehole", "dumbass", "jackass", "smartass", "badass", "dickhead", "cunt",
    "bastard", "whore", "slut", "nigg", "faggot", "fagg", "retard", "pussies", "twat", "wanker", "wank",
    "bollock", "douche", "cocksuck", "dipshit", "goddamn", "godamn", "dammit", "damnit", "horseshit",
    "piss", "crap", "skank", "hoes", "thot", "prick", "tits", "titties", "cum", "jizz", "clit", "dildo",
    "blowjob", "handjob", "nutsack", "bellend", "tosser",
)  # fmt: skip
# Exact words only (too short or too common as prefixes of innocent words).
_PROFANE_WORDS = (
    "ass", "asses", "arse", "damn", "damned", "dick", "dicks", "cock", "cocks", "pussy", "hoe", "fag", "fags",
    "wtf", "stfu", "gtfo", "ffs", "fml", "ho", "hos", "rufkm", "wth", "af", "lmfao", "mf", "mfs", "mofo", "bs", "sob", "hell", "bloody", "feck",
    "tit", "boob", "boobs", "negro", "nig", "coon", "coons", "spic", "chink", "kike", "wetback", "dyke",
    "tranny", "beaner", "beaners", "cracker", "crackers", "redneck", "rednecks", "hillbilly", "queer",
    "queers", "homo", "homos",
)  # fmt: skip
# Words above that only count in a profane phrase, not alone ("hell" in "Hell's Kitchen").
_PHRASE_ONLY = {"hell", "bloody", "af", "sob", "cracker", "crackers", "queer", "queers", "homo",
                "homos", "coon", "coons", "redneck", "rednecks", "hillbilly", "tit"}  # fmt: skip
_PHRASE_RE = re.compile(
    r"\b(?:tf\s+(?:is|are|was|were|do|does|did|you|u|outta|out)\b|(?:gave|give|gives|giving)\s+(?:me|us|you|him|her)\s+hell"
    r"|eff\s+(?:it|off|you|this|that)\b|the\s+hell|hell\s+(?:no|yeah|out|is|are|was)|go\s+to\s+hell|as\s+hell|from\s+hell|bloody\s+(?:hell|idiots?|ridiculous|useless|joke|disgrace|shambles|nightmare|rubbish|awful|terrible|pathetic|stupid|annoying)"
    r"|\w+\s+af\b|(?:that'?s|this\s+is|such|total|pure|full\s+of)\s+bs|bs\b\s*[.!?]"
    r"|(?:white|dumb|stupid|stoopid|ugly|lazy)\s+(?:crackers?|rednecks?|hillbill(?:y|ies)|queers?|homos?|coons?)"
    r"|(?:crackers?|rednecks?|coons?|homos?|queers?)\s+(?:ass|bitch\w*|nigg\w*|fag\w*))",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'*#@$!1|0]{0,30}")
_STEMS_RE = re.compile(r"(?:" + words_alternation(_PROFANE_STEMS) + r")")
_WORD_SET = frozenset(_PROFANE_WORDS) - _PHRASE_ONLY
# Innocent words that start with a profane stem.
_SAFE = frozenset(
    ["cockpit", "cocktail", "cocktails", "cockroach", "peacock", "shitake", "shiitake", "scunthorpe", "crapaud", "cumulative", "cumin", "cucumber", "document", "documents", "circumstance", "circumstances", "cumbersome", "accumulate", "accumulated", "cumbria", "pissarro", "shagreen", "shagbark", "titanic", "titan", "titans", "title", "titles", "titled", "tithe", "titter", "tittle", "prickly", "cumming", "cummings", "assassin", "assistant", "hello", "shell", "shells", "hellenic", "dickens", "dickinson", "cockney", "cockerel"]
)  # fmt: skip
_REPEATS_RE = re.compile(r"(.)\1{2,}")
_ANY_SUFFIX = frozenset({"fuck", "fucc", "nigg", "fagg", "cunt", "twat", "wank", "jizz"})
_SHORT_STEM_SUFFIXES = frozenset(
    [
        "",
        "s",
        "es",
        "ed",
        "ing",
        "in",
        "in'",
        "er",
        "ers",
        "y",
        "ty",
        "tier",
        "ties",
        "iest",
        "ier",
        "head",
        "heads",
        "hole",
        "holes",
        "face",
        "bag",
        "bags",
        "ass",
        "show",
        "storm",
        "ting",
        "tin",
        "ted",
        "ter",
        "ters",
        "z",
        "a",
        "as",
        "az",
        "ah",
        "off",
    ]
)
# Masked forms: letters with symbols standing in ("f***", "sh!t", "b*tch", "a$$").
_MASK_RE = re.compile(r"(?<![\w*#@$!])[A-Za-z][A-Za-z*#@$!%]{1,12}(?![\w*#@$!])")
_LEET = str.maketrans({"!": "i", "1": "i", "|": "i", "$": "s", "@": "a", "0": "o", "3": "e"})
_MASK_TARGETS = ("fuck", "fucking", "fucked", "fucker", "shit", "bitch", "asshole", "ass", "cunt", "dick",
                 "damn", "bastard", "crap", "piss", "pussy", "whore", "slut", "motherfucker", "bullshit")  # fmt: skip
_MASK_PATTERNS = tuple((t, re.compile("^" + "".join(f"[{c}*#%]" for c in t) + "$")) for t in _MASK_TARGETS)

# Abuse: insults, threats or harassment aimed at the person (not at a situation).
_INSULT_NOUNS = (
    "idiot", "idiots", "moron", "morons", "imbecile", "imbeciles", "clown", "clowns", "loser", "losers", "joke",
    "incompetent", "useless", "stupid", "dumb", "retard", "retards", "retarded", "bitch", "bitches", "asshole",
    "assholes", "bastard", "bastards", "scum", "scumbag", "scumbags", "thief", "thieves", "liar", "liars",
    "crook", "crooks", "pathetic", "worthless", "fool", "fools", "cunt", "cunts", "prick", "pricks", "dickhead",
    "dick", "twat", "wanker", "garbage", "trash", "piece of shit", "pos", "jerk", "jerks", "dumbass",
    "dumbasses", "braindead", "brain dead", "halfwit", "halfwits", "ignorant", "clueless", "inept", "muppet",
    "muppets", "numpty", "dimwit", "dimwits", "douche", "douchebag", "hypocrite", "hypocrites", "criminal",
    "criminals", "fraud", "frauds", "parasite", "parasites", "animal", "animals", "pig", "pigs", "rat", "rats",
    "ho", "hoe", "hoes", "slut", "whore", "faggot", "nigger", "niggers", "nigga", "niggas",
)  # fmt: skip
_INSULT_ALT = words_alternation(_INSULT_NOUNS)
_STAFF = (
    r"(?:you|u|ya|y'?all|you\s+guys|you\s+people|your\s+(?:staff|agents?|reps?|representatives?|employees?|"
    r"people|team|support\s+team|customer\s+service(?:\s+(?:reps?|agents?|team))?|manager|supervisor|cs)|"
    r"(?:the|this|that)\s+(?:agent|rep|representative|employee|staff(?:\s+member)?|cashier|manager|supervisor|"
    r"lady|guy|woman|man|girl|dude))"
)
_ABUSE_RES = (
    # "you are idiots", "your staff are useless", "you stupid clowns", "you fucking idiot"
    re.compile(
        r"\b"
        + _STAFF
        + r"(?:\s*['’]re|\s+(?:are|is|r|were|was|re|are\s+all|all\s+are|seem\s+like|sound\s+like|bunch\s+of|"
        r"such|being|acting\s+like))?(?:\s+(?:a|an|the|all|just|such|so|bunch\s+of|a\s+bunch\s+of|total|"
        r"complete|absolute|utter|fucking|fuckin|freaking|bloody|damn|effing|f\*+ing|stupid|dumb|lazy|"
        r"useless|incompetent|pathetic|worthless|clueless|lying|thieving|greedy|corrupt)){0,4}\s+(?:"
        + _INSULT_ALT
        + r")\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:f+u+c*k+|f\*+k?|screw|fk|fuk|fck|eff|damn)\s+(?:you|u|ya|y'?all|off|your\s+(?:staff|agents?|reps?|"
        r"company|team|manager))\b",
        re.IGNORECASE,
    ),
    # "what a bunch of clowns you are"
    re.compile(
        r"\b(?:what|such)\s+(?:a\s+)?(?:bunch\s+of\s+|pack\s+of\s+)?(?:\w+\s+){0,2}(?:"
        + _INSULT_ALT
        + r")\s+"
        r"(?:you|u|y'?all)\s+(?:are|r|guys\s+are|people\s+are)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:go\s+to\s+hell|shut\s+(?:the\s+\w+\s+)?up|stfu|gtfo|kiss\s+my\s+ass|eat\s+shit|die\s+in\s+a|"
        r"kill\s+yoursel(?:f|ves)|kys|get\s+(?:fucked|bent|lost))\b",
        re.IGNORECASE,
    ),
    # Threats against people.
    re.compile(
        r"\b(?:i(?:'ll|\s+will|\s*'?m\s+going\s+to|\s+am\s+going\s+to|\s+gonna)|we(?:'ll|\s+will))\s+"
        r"(?:kill|hurt|beat|punch|find|smack|slap|stab|shoot|destroy|end|come\s+for|come\s+after|hunt\s+down)"
        r"\s+(?:you|u|y'?all|your|him|her|them|that|this|the|every)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:i\s+know\s+where\s+you\s+live|watch\s+your\s+back|you(?:'ll|\s+will)\s+(?:regret|pay\s+for)\s+this"
        r"|you(?:'re|\s+are)\s+(?:dead|gonna\s+die))\b",
        re.IGNORECASE,
    ),
)
_SLUR_RE = re.compile(
    r"\b(?:nigg(?:er|a|ah|az)s?|faggots?|fags?|kikes?|spics?|chinks?|wetbacks?|trann(?:y|ies)|retards?|"
    r"dykes?|beaners?|coons?|towelheads?|sand\s*niggers?|gooks?|raghead\w*|jungle\s+bunn\w+)\b",
    re.IGNORECASE,
)


_TRAILING = "!*#@$%|1'"


def _masked(word: str) -> bool:
    if not any(c in word for c in "*#@$!%") or not any(c.isalpha() for c in word):
        return False
    low = word.lower().translate(_LEET).rstrip("!")
    if low.isalpha():
        return _is_profane_word(low)
    if "*" not in low and "#" not in low and "%" not in low:
        return False
    if low.count("*") + low.count("#") + low.count("%") == len(low) - 1:
        # "f***" / "s***": first letter plus stars; only the letters that start common swear words.
        return low[0] in "fs" and len(low) in (4, 5, 7)
    return any(p.match(low) for _, p in _MASK_PATTERNS)


@lru_cache(maxsize=65536)
def _is_profane_word(w: str) -> bool:
    w = w.strip("'")
    if w in _SAFE:
        return False
    if w in _WORD_SET or (w.endswith("s") and w[:-1] in _WORD_SET and len(w) > 3):
        return True
    m = _STEMS_RE.match(w)
    if m is None:
        squashed = _REPEATS_RE.sub(r"\1", w)  # "fuuuuck", "fagggot"
        if squashed != w:
            return _is_profane_word(squashed)
        return False
    stem = m.group(0)
    if stem in _ANY_SUFFIX:
        return True
    # Short stems must make up most of the word ("cum" in "cumbersome" is not profane).
    return len(stem) > 4 or w[len(stem) :] in _SHORT_STEM_SUFFIXES


def find_profanity(text: str) -> list[Span]:
    spans: list[Span] = []
    for m in _WORD_RE.finditer(text):
        word = m.group(0)
        core = word.rstrip(_TRAILING)
        if not core:
            continue
        if core.replace("'", "").isalpha():
            if _is_profane_word(core.lower()):
                spans.append(Span("profanity", m.start(), m.start() + len(core), core))
        elif _masked(core):
            spans.append(Span("profanity", m.start(), m.start() + len(core), core))
    for m in _MASK_RE.finditer(text):
        w = m.group(0)
        if (
            any(c in w for c in "*#@$%")
            and _masked(w)
            and not any(s.start <= m.start() < s.end for s in spans)
        ):
            spans.append(span_from_match("profanity", text, m))
    for m in _PHRASE_RE.finditer(text):
        spans.append(span_from_match("profanity", text, m))
    return spans


def find_abuse(text: str) -> list[Span]:
    spans = [span_from_match("abuse", text, m) for rx in _ABUSE_RES for m in rx.finditer(text)]
    spans.extend(span_from_match("slur", text, m) for m in _SLUR_RE.finditer(text))
    return spans
