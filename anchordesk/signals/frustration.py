"""Frustration cues: heat words, repeat-contact phrases, shouting, threats to leave or go public."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

from ._spans import Span, span_from_match, split_words, words_alternation


class _Vader(Protocol):
    def polarity_scores(self, text: str) -> dict[str, float]: ...


@lru_cache(maxsize=1)
def _vader() -> _Vader:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer: _Vader = SentimentIntensityAnalyzer()
    return analyzer


# Frustration words and phrases (level 1 on their own).
_HEAT = (
    # quality complaints
    "worst", "terrible", "horrible", "horrendous", "awful", "atrocious", "appalling", "abysmal", "dreadful",
    "ridiculous", "ridic", "unacceptable", "inexcusable", "outrageous", "pathetic", "useless", "hopeless",
    "incompetent", "incompetence", "disgrace", "disgraceful", "disgusting", "disgusted", "shameful", "shambles",
    "joke", "a joke", "laughable", "absurd", "insane", "nuts", "crazy", "unbelievable", "unreal", "beyond me",
    "sucks", "suck", "sucked", "rubbish", "garbage", "trash", "crap", "crappy", "lousy", "shoddy", "subpar",
    "poor service", "bad service", "poor customer service", "bad customer service", "poor experience",
    "bad experience", "terrible experience", "customer disservice", "not acceptable", "not ok", "not okay",
    "not good enough", "not happy", "unhappy", "so disappointed", "very disappointed", "extremely disappointed",
    "really disappointed", "disappointing", "let down", "let me down", "fail", "fails", "failed", "failing",
    "epic fail", "#fail", "fiasco", "nightmare", "mess", "messed up", "screwed up", "screw up", "dropped the ball",
    "rude", "rudest", "unprofessional", "unhelpful", "not helpful", "no help", "zero help", "lie", "lied",
    "lying", "liar", "liars", "lies", "scam", "scammed", "scammers", "rip off", "ripoff", "ripped off", "robbed",
    "robbery", "stealing", "theft", "fraud", "misleading", "false advertising", "bait and switch",
    "waste of time", "waste of money", "wasted", "wasting", "a waste",
    # feelings
    "frustrated", "frustrating", "frustration", "annoyed", "annoying", "irritated", "irritating", "infuriating",
    "infuriated", "furious", "livid", "angry", "mad", "pissed", "upset", "fed up", "sick of", "sick and tired",
    "tired of", "had enough", "over it", "done with", "enough is enough", "fuming", "seething", "exasperated",
    "smh", "ugh", "ugh.", "argh", "grr", "jeez", "geez", "seriously", "seriously?", "really?", "come on",
    "c'mon", "wtf", "omg", "ffs", "fml", "hate", "hates", "hated", "hating", "sigh", "#fail", "#worst",
    # waiting and repeat contact
    "still waiting", "still not", "still no", "still haven't", "still hasn't", "still can't", "still cannot",
    "still doesn't", "still don't", "still won't", "still broken", "still down", "still nothing",
    "still having", "still getting", "still charging", "still charged", "yet again", "once again", "again!",
    "again?", "again.", "as usual", "every time", "every single time", "third time", "3rd time", "fourth time",
    "4th time", "fifth time", "second time", "2nd time", "multiple times", "several times", "many times",
    "countless times", "numerous times", "so many times", "times now", "for weeks", "for months", "for days",
    "for hours", "for over", "weeks now", "months now", "days now", "hours now", "on hold for", "been on hold",
    "hours on hold", "minutes on hold", "mins on hold", "no one", "nobody", "no response", "no reply",
    "no answer", "no call back", "no callback", "never received", "never got", "never heard back",
    "never called", "ignored", "ignoring", "ignore", "no one is responding", "not responding", "hung up",
    "keep getting", "kept getting", "keeps", "keeps happening", "keep telling", "keep saying", "always broken",
    "always down", "constantly", "constant", "again and again", "over and over", "how many times", "how long",
    "how hard is it", "how is it", "why is it", "why can't", "why won't", "why do i", "why does it", "why should i",
    "what the", "what is going on", "what's going on", "whats going on", "get your act together", "fix your",
    "fix it", "fix this", "sort it out", "sort this out", "do better", "step up", "help already",
    "already??", "anyone?", "hello?", "helloooo", "thanks for nothing", "great job", "good job guys",
    "way to go", "nice one", "thanks a lot", "oh great", "just great", "yeah right", "sure you are",
    "supposedly", "apparently", "magically", "won't even", "doesn't even", "can't even", "cannot even",
    "refuse to", "refused to", "refuses to", "refusing", "charged twice", "double charged", "overcharged",
    "hidden fees", "cut off", "keeps crashing", "keeps dropping", "cuts out", "not working", "doesn't work",
    "does not work", "won't work", "isn't working", "stopped working", "broken", "down again", "no service",
    "no internet", "no signal", "outage", "unusable", "worthless", "lost my", "lost our", "stuck", "wrong again",
    "incorrect information", "wrong information", "misinformation", "misinformed", "sent to the wrong",
    "disappointed", "disappointment", "inconvenienced", "pay for", "paying for", "paying $", "why should",
    "fraudulent", "blame", "blaming", "excuse", "excuses", "bs", "nonsense", "bullshit", "greedy", "greed",
    "poor", "bad", "worse", "sick update",
    # more heat, sarcasm and impatience
    "nasty", "lame", "shame", "shameless", "not cool", "not impressed", "unimpressed", "completely false",
    "false charges", "theft", "ghosted", "runaround", "the runaround", "can't stand", "cannot stand", "ruining",
    "ruined", "ruin", "barely works", "barely working", "even slower", "even worse", "weird", "impossible",
    "nearly impossible", "zero stars", "no stars", "one star", "1 star", "mystery", "no info", "no idea",
    "no way", "urgently", "urgent", "made me cry", "no results", "no answers", "no real reason", "not right",
    "don't appreciate", "do not appreciate", "don't have the patience", "no patience", "losing patience",
    "lost patience", "shouldn't have to", "should not have to", "wouldn't have to", "nothing works",
    "doesn't work anymore", "not fair", "unfair", "is this fair", "bugfest", "buggy", "inconsistent",
    "not intuitive", "too long", "hacked", "couldn't get past", "automated system", "tf", "wth", "rufkm",
    "freaking", "frickin", "friggin", "effing", "gave me hell", "unbelievable", "beyond frustrated", "hassle",
    "headache", "disaster", "catastrophe", "joke of a", "clown", "clowns", "circus", "amateur", "amateurs",
    "laughable", "insulting", "insult", "disrespectful", "disrespect", "patronizing", "condescending",
    "unreliable", "slow", "slowest", "late", "delayed", "delay", "delays", "missing", "damaged", "wrong",
    "incorrect", "error", "errors", "crashes", "crashing", "crashed", "glitch", "glitchy", "problem again",
    "worried", "concerned", "concerning", "annoyance", "rant", "complaint", "complain", "complaining",
    "not acceptable", "not on", "why not", "why wasn't", "why isn't", "why am i", "why is my", "why are you",
    "why would", "why did", "why do you", "why does", "how about you", "how come", "is it really",
    "you need to", "you need better", "you guys need", "you should", "you guys should", "needs to be fixed",
    "just fix", "figure out", "do something", "change your", "sort your", "step your game", "twice",
    "already did", "already done", "already tried", "already contacted", "already called", "already asked",
    "already sent", "done that", "did that", "tried that", "tried everything", "done everything",
    "haven't heard", "have not heard", "haven't received", "have not received", "hasn't been", "as of yet",
    "not yet", "even though", "despite", "instead of", "no longer", "anymore", "any more", "who cares",
    "don't care", "doesn't care", "do you even", "you guys even", "lol so", "smh.", "😡", "😤", "😠", "🤬",
    "😑", "🙄", "😒", "😩", "😫", "😞", "☹", "🙁", "😔", "😢", "🤦", "👎", "💩", "😖", "😣",
    "never", "challenging", "wasn't good enough", "isn't good enough", "as i said", "like i said", "i said",
    "i've explained", "i explained", "i already said", "i already told", "done already", "did already",
    "gotta love", "gotta luv", "got to love", "or nah", "or what?", "or not?", "wanna actually", "want to actually",
    "you actually", "oh, that's nice", "oh that's nice", "oh great", "oh wonderful", "oh lovely", "how nice",
    "how lovely", "how convenient", "how helpful", "very helpful.", "real helpful", "super helpful.",
    "another day without", "another week without", "another month without", "another night without",
    "yet another", "without internet", "without service", "without power", "without signal", "without wifi",
    "without a phone",
    # complaints phrased politely or as idioms; "no one" with a verb is a grievance, not a mention
    "would be nice", "would've been nice", "would have been nice", "it'd be nice", "it would be nice",
    "here we go again", "there it goes again", "not listening", "wasn't listening", "weren't listening",
    "isn't listening", "aren't listening", "don't listen", "doesn't listen", "never listen", "didn't listen", "did not listen",
    "won't listen", "wouldn't listen", "refuse to listen", "ready to listen", "how much longer",
    "how much more", "how much time", "how many more", "no one can", "nobody can", "no one will", "nobody will",
    "no one has", "nobody has", "no one seems", "nobody seems", "no one knows", "nobody knows",
    "no one cares", "nobody cares", "no one answers", "nobody answers", "no one responds", "nobody responds",
    "no one called", "nobody called", "no one bothered", "nobody bothered",
    # disbelief, broken promises, being made to repeat, sarcastic "another"
    "can't believe", "cannot believe", "can not believe", "still no word", "no word yet", "still no update",
    "still no news", "still no sign", "was promised", "were promised", "i was told", "we were told",
    "explain this again", "explain it again", "repeat myself", "repeating myself", "start over again",
    "great, another", "oh good, another", "another delay", "another problem", "another issue", "another outage",
    # unshouted frustration: an unfixed problem, resignation, counting the days (issue 12)
    "still not fixed", "still not resolved", "still not sorted", "still unresolved", "still isn't fixed",
    "still isn't working", "still not working", "still not right", "not fixed yet", "still the same",
    "i give up", "why i bother", "why do i bother", "why i keep", "don't know why i", "what's the point",
    "whats the point", "past caring", "lost all hope", "lost hope", "not worth the hassle", "regret buying",
    "regret switching", "regretting", "another week gone", "another day gone", "another month gone",
    "another week of", "another day of", "day 10", "day 14", "for the third time", "for the fourth time",
    "expected better", "expected more", "used to be good", "used to be a good", "used to be decent",
    "going round in circles", "going around in circles", "talking to a wall", "bounced between",
    "passed from pillar to post", "same answer", "copy-paste", "copy and paste", "read my previous",
    "read my message", "as i explained", "as i've explained", "as i said before", "losing patience",
    "wearing thin", "had it with", "last straw",
)  # fmt: skip
_HEAT_RE = re.compile(r"(?<!\w)#?(?:" + words_alternation(_HEAT) + r")(?!\w)", re.IGNORECASE)
# Words in _HEAT that are weak alone (count half).
_WEAK = frozenset(
    split_words(
        "poor bad worse constant constantly keeps stuck apparently supposedly ignore mad upset omg broken blame excuse "
        "excuses late delayed delay delays missing damaged wrong incorrect error errors crashes crashing crashed "
        "glitch glitchy worried concerned concerning complaint complain complaining slow twice despite anymore "
        "weird urgent urgently hassle hacked seriously seriously? really? never challenging"
    )
) | {
    "pay for", "paying for", "lost my", "lost our", "fix it", "fix this", "how long", "what the", "no one", "nobody",
    "come on", "haven't received", "have not received", "as of yet", "any more", "even though", "instead of",
    "no longer", "not yet", "why does", "why did", "why is my", "why would", "how come", "you should",
    "is it really", "too long", "automated system", "no idea", "no info", "no way", "one star", "1 star",
    "problem again", "already did", "already done", "already tried", "done that", "did that", "tried that",
    "haven't heard", "have not heard", "hasn't been", "not on", "why not", "why am i", "why wasn't", "why isn't",
    "why are you", "why do you", "how about you", "still not", "still no", "still haven't", "still having",
    "still getting", "still down", "not working", "doesn't work", "does not work", "won't work", "isn't working",
    "stopped working", "i said", "done already", "did already",
    "can't believe", "cannot believe", "can not believe", "i was told", "we were told",
    "😞", "☹", "🙁", "😔", "😢", "😑", "😩", "😫", "😖", "😣",
}  # fmt: skip

# Level 2: threats to leave, sue, or go public; shouting is measured separately.
_HOSTILE_RE = re.compile(
    r"\b(?:cancel(?:l?ing|l?ed)?\s+(?:my|our|the)\s+(?:account|membership|subscription|service|contract|plan|order|"
    r"policy|card)|(?:getting\s+rid\s+of|get\s+rid\s+of|ditching|dropping|leaving|leave|quit|quitting|done\s+with)\s+"
    r"(?:my\s+)?(?:you|your|this|the)?\s*(?:membership|subscription|service|company|airline|bank|provider|carrier|"
    r"guys)|switch(?:ing)?\s+(?:to|over\s+to|providers|carriers|banks)|(?:take|taking)\s+my\s+(?:business|money|"
    r"custom)\s+(?:elsewhere|somewhere\s+else|to)|never\s+(?:again\s+)?(?:fly(?:ing)?|buy(?:ing)?|use|using|shop(?:ping)?|"
    r"order(?:ing)?|book(?:ing)?|stay(?:ing)?|recommend(?:ing)?|come|coming|eat(?:ing)?|deal(?:ing)?)\b[^.!?\n]{0,40}"
    r"\b(?:again|anymore|ever)|(?:last|final)\s+time\s+(?:i|we)\s+(?:fly|use|buy|order|book|shop|stay)|"
    r"lawyer|attorney|lawsuit|sue\s+(?:you|your|them)|suing|legal\s+action|small\s+claims|class\s+action|"
    r"\bbbb\b|better\s+business\s+bureau|attorney\s+general|ftc|fcc|ombudsman|trading\s+standards|"
    r"report(?:ing)?\s+(?:you|this|them)\s+to|(?:go(?:ing)?|went)\s+(?:to\s+the\s+)?(?:media|press|public|viral)|"
    r"news\s+station|tell\s+everyone|warn\s+(?:everyone|others|people)|chargeback|charge\s*back|dispute\s+the\s+charge|"
    r"(?:lost|losing)\s+(?:a|my)\s+(?:customer|business)|(?:not|never)\s+(?:going|coming)\s+back|"
    r"(?:i|we)\s*(?:am\s+|'m\s+|are\s+|'re\s+)?(?:not\s+going\s+to|won'?t|will\s+not|never\s+(?:going\s+to\s+)?)"
    r"\s*(?:use|choose|buy|order|fly|shop|book|recommend|renew)\b[^.!?\n]{0,30}?\b(?:again|anymore|ever|you|your)\b|"
    r"(?:i|we)\s+(?:don'?t|do\s+not|wouldn'?t|would\s+not|can'?t|cannot)\s+recommend|"
    r"never\s+again\s*(?:[.!]|$)|"
    r"(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:so\s+|completely\s+|officially\s+)?done(?:\s+with)?\b|"
    r"(?:have\s+to|going\s+to|gonna|i'?ll|i\s+will)\s+(?:cancel|leave|switch)|"
    r"(?:close|cancel|delete|terminate)\s+(?:my|our|this)\s+"
    r"(?:\w+\s+){0,2}account|account\s+(?:closed|cancell?ed|deleted|terminated)\b|you(?:'ve|\s+have|\s+just)\s+lost\s+(?:a|me|my))",
    re.IGNORECASE,
)
_SHOUT_RE = re.compile(r"\b[A-Z][A-Z']{1,}(?:[\s,.!?-]+[A-Z][A-Z']{1,}){1,}\b")
_BANG_RE = re.compile(r"!{3,}|[!?]*!\?[!?]*|\?!|!{2}[^!]")
_QQ_RE = re.compile(r"\?{2,}")
_ACRONYMS = frozenset(
    ["I", "A", "OK", "TV", "PS4", "PS3", "PS", "USA", "US", "UK", "EU", "LTE", "WIFI", "DM", "DMS", "PM", "AM", "ID", "PIN", "SIM", "IOS", "MAC", "PC", "CEO", "FAQ", "URL", "APP", "HD", "HDMI", "CC", "VPN", "ISP", "TSA", "SMS", "MMS", "ATM", "ETA", "ASAP", "AT&T", "LOL", "LMAO", "OMG", "FYI", "BTW", "IMO", "TBH", "NYC", "LA", "SF", "DC", "NFL", "NBA", "NY", "JFK", "LAX", "LGA", "ORD", "DFW", "SFO", "EWR", "BOS", "IAD", "PHL", "MIA", "CLT", "ATL", "DEN", "SEA", "PHX", "IAH", "MCO", "FLL", "TPA", "BWI", "SLC", "MSP", "DTW", "RDU", "SAN", "LAS", "AUS", "BNA", "STL"]
)  # fmt: skip
_POSITIVE_RE = re.compile(
    r"\b(?:thank(?:s|\s+you|\s+u)?|thx|ty|appreciate(?:d)?|great\s+(?:service|job|help|support)|awesome|amazing|"
    r"love\s+(?:it|you|this|the)|you\s+(?:guys\s+)?(?:are|r)\s+(?:the\s+best|great|awesome|amazing)|excellent|"
    r"brilliant|perfect|resolved|fixed\s+it|works\s+now|working\s+now|no\s+worries|no\s+problem|cheers|"
    r"favou?rite|(?:i|we)\s+love)\b|[❤♥💕💖💗😍🥰😊☺]",
    re.IGNORECASE,
)


_REPEAT_RE = re.compile(
    r"\b(?:(?:it'?s|it\s+has|it'?s\s+been|been|over|more\s+than|for\s+the\s+(?:last|past)|in\s+the\s+(?:last|past))\s+"
    r"(?:\d+|a|an|two|three|four|five|six|several|many|a\s+few)\s*(?:\+\s*)?(?:full\s+)?(?:hours?|hrs?|days?|weeks?|months?|years?)"
    r"|x\s?[2-9]\b|\d+\s*(?:-\s*\d+\s*)?times\b|\d+(?:st|nd|rd|th)\s+(?:time|call|email|attempt|tweet|message)"
    r"|in\s+(?:weeks|months|days|ages)\b|(?:days|weeks|months)\s+(?:late|now|later|ago)\b"
    r"|still\s+(?:receiving|being|getting|charging|waiting|having|seeing|showing|no\s+dice|nothing))",
    re.IGNORECASE,
)
# "customer service" in scare quotes, “delivered”: sarcasm about the company.
_SCARE_QUOTES_RE = re.compile(r"[“\"][A-Za-z]+(?:\s[A-Za-z]+)?[”\"]")
_WAIT_RE = re.compile(
    r"\bfor\s+(?:over\s+|almost\s+|nearly\s+)?(?:\d+|a|an|two|three|four|five|six|several|many)\s*\+?\s*"
    r"(?:hours?|hrs?|days?|weeks?|months?)\b",
    re.IGNORECASE,
)
_CAPS_WORD_RE = re.compile(r"\b[A-Z]{4,}\b")


def _single_caps(text: str) -> Span | None:
    """One shouted word ("INCORRECT", "CLOSED") that is not an acronym, in otherwise mixed-case text."""
    first = _CAPS_WORD_RE.search(text)
    if first is None:
        return None
    letters = [c for c in text if c.isalpha()]
    if sum(c.isupper() for c in letters) > 0.6 * max(1, len(letters)):
        return None  # an all-caps message is handled as shouting
    for m in _CAPS_WORD_RE.finditer(text, first.start()):
        w = m.group(0)
        if (
            w not in _ACRONYMS
            and w.lower() not in _CAPS_OK
            and text[max(0, m.start() - 1) : m.start()] != "@"
        ):
            return span_from_match("shouting", text, m)
    return None


_CAPS_OK = frozenset(["http", "https", "covid", "nasa", "nato", "unicef"])


def shouting_spans(text: str) -> list[Span]:
    out: list[Span] = []
    for m in _SHOUT_RE.finditer(text):
        words = re.findall(r"[A-Z][A-Z']+", m.group(0))
        real = [w for w in words if w not in _ACRONYMS and len(w) >= 2]
        if len(real) >= 2 and sum(len(w) for w in real) >= 7:
            # Two capitalized words are often a product name ("PLAYERUNKNOWN'S BATTLEGROUNDS").
            label = "shouting" if len(real) >= 3 else "shouting_short"
            out.append(span_from_match(label, text, m))
    return out


def frustration_cues(text: str, *, positive: bool = False) -> tuple[float, bool, list[Span]]:
    """Return (score, hostile, evidence) before profanity and abuse are added.

    ``positive`` (a clearly happy message) keeps capitals and "!!!" from counting as anger.
    """
    evidence: list[Span] = []
    score = 0.0
    for m in _HEAT_RE.finditer(text):
        word = m.group(0).lower()
        score += 0.5 if word in _WEAK else 1.0
        evidence.append(span_from_match("frustration", text, m))
    hostile = False
    for m in _HOSTILE_RE.finditer(text):
        hostile = True
        evidence.append(span_from_match("threat_to_leave", text, m))
    loud = shouting_spans(text)
    for m in _BANG_RE.finditer(text):
        if m.group(0).startswith("!!!") or "?!" in m.group(0) or "!?" in m.group(0):
            loud.append(span_from_match("shouting", text, m))
            break
    if any(s.label == "shouting_short" for s in loud) and score < 0.5:
        loud = [s for s in loud if s.label != "shouting_short"]
    loud = [Span("shouting", s.start, s.end, s.text) for s in loud]
    if loud and not (positive and score < 1.0):
        hostile = True
        evidence.extend(loud)
    qq = _QQ_RE.search(text)
    if qq:
        score += 1.0 if len(qq.group(0)) >= 3 else 0.75
    for m in _SCARE_QUOTES_RE.finditer(text):
        score += 0.75
        evidence.append(span_from_match("sarcasm", text, m))
        break
    for m in _REPEAT_RE.finditer(text):
        score += 1.0
        evidence.append(span_from_match("repeat_contact", text, m))
    for m in _WAIT_RE.finditer(text):
        score += 0.5
        evidence.append(span_from_match("waiting", text, m))
        break
    caps = _single_caps(text)
    if caps is not None:
        score += 0.75
        evidence.append(caps)
    return score, hostile, evidence


def sentiment(text: str) -> float:
    """VADER compound score in [-1, 1] over a bounded prefix of the text."""
    return float(_vader().polarity_scores(text[:2000])["compound"])


def positive_cues(text: str) -> int:
    return len(_POSITIVE_RE.findall(text))
