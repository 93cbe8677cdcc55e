"""Reply coach: checks an agent's draft for a sincere apology, excuses, ownership, empathy,
a concrete next step with a date, and an explanation when it asks the customer questions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from ._spans import Span, clip, dedupe, normalize_quotes, rebase, sentences, span_from_match, split_words
from .dates import find_due_expressions
from .model import Features, binary_prob, featurize, load_group, softmax_probs
from .model import evidence as model_evidence

Apology = Literal["none", "sincere", "formulaic", "non_apology"]
NextStep = Literal["none", "vague", "concrete"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One suggestion for the draft. ``span`` is None when the finding is about something missing."""

    kind: str
    span: Span | None
    suggestion: str


@dataclass(frozen=True, slots=True)
class ReplyReview:
    apology: Apology
    excuse: bool
    ownership: bool
    empathy: bool
    next_step: NextStep
    has_date: bool
    unexplained_questions: bool
    findings: list[Finding] = field(default_factory=list)
    evidence: list[Span] = field(default_factory=list)
    # Calibrated probabilities 0..1 from the learned heads (docs/signals.md): the probability of
    # the returned apology / next_step class, and of a yes for excuse and has_date. When no
    # weights ship for a head, the rule decides and its score is 0.0 or 1.0.
    apology_score: float = 0.0
    excuse_score: float = 0.0
    next_step_score: float = 0.0
    has_date_score: float = 0.0


# ---------------------------------------------------------------- apology
_APOLOGY_RE = re.compile(
    r"\b(?:(?:i|we)\s*(?:'m|’m|am|are|'re|’re)\s+(?:(?:so|very|really|truly|terribly|deeply|extremely|awfully|"
    r"sincerely|genuinely)\s+)*sorry|(?:so|very|really|truly|terribly|deeply|extremely|awfully)\s+sorry|sorry|"
    r"(?:my|our|sincere|sincerest|deepest|many|profound)\s+apolog(?:y|ies)|apolog(?:y|ies|ize|ise|izing|ising|izes|"
    r"ises)|(?:i|we)\s+(?:sincerely\s+|truly\s+|deeply\s+)?regret|pardon\s+the|forgive\s+(?:me|us)|my\s+bad|"
    r"lamentamos|disculp\w+|perd[oó]n|d[ée]sol[ée]e?s?|entschuldig\w+|es\s+tut\s+(?:mir|uns)\s+leid|"
    r"申し訳|お手数|ご不便|ご迷惑|すみません)",
    re.IGNORECASE,
)
_NON_APOLOGY_RE = re.compile(
    r"^[\s,]*(?:(?:to\s+(?:hear|know|see|read|learn)\s+)?(?:that\s+)?(?:if|you\s+(?:feel|felt|think|thought|"
    r"believe|are\s+(?:upset|unhappy|disappointed|frustrated|offended)|'re\s+(?:upset|unhappy|disappointed|"
    r"frustrated|offended)|’re\s+(?:upset|unhappy|disappointed|frustrated)|were\s+(?:upset|offended|unhappy)|"
    r"aren'?t\s+happy|are\s+not\s+happy|weren'?t\s+happy|feel\s+that\s+way|see\s+it\s+that\s+way)|"
    r"(?:for|about)\s+(?:your|how\s+you\s+feel\s+about)\s+(?:frustration|disappointment|displeasure|upset|feelings?|"
    r"dissatisfaction|unhappiness|annoyance)|for\s+any\s+offen[cs]e|that\s+you\s+(?:feel|felt)\b|"
    r"that\s+you(?:'re|\s+are|\s+were)\s+(?:upset|unhappy|disappointed|frustrated|offended|not\s+happy)|"
    r"(?:for|about)\s+(?:how|the\s+way)\s+you\s+feel|"
    r"(?:to\s+hear|that)\s+you(?:'re|\s+are|’re)\s+(?:disappointed|unhappy|upset|not\s+happy)|"
    r"(?:for|about)\s+any\s+(?:frustration|upset|offen[cs]e|disappointment|annoyance|distress|hurt)|"
    r"to\s+disappoint|you(?:'ve|\s+have)?\s+(?:been\s+)?(?:left\s+)?feel(?:ing|s)?\b(?!\s+(?:unwell|ill|sick|poorly|better))|"
    r"(?:that'?s|if\s+that'?s|that\s+is)\s+how\s+you\s+feel|you\s+see\s+it\s+(?:that|this)\s+way|"
    r"(?:that\s+)?you\s+(?:found|find)\s+(?:this|that|it|our|the)\b|"
    r"(?:that\s+)?you(?:'re|\s+are|\s+were|’re|\s+feel|\s+felt)\s+(?:so\s+|very\s+)?(?:unhappy|upset|"
    r"dissatisfied|disappointed|annoyed|offended|frustrated)\s+(?:with|about|by)\b))",
    re.IGNORECASE,
)
# Words that carry no specific object for an apology.
_GENERIC = frozenset(
    [
        "the",
        "a",
        "an",
        "any",
        "all",
        "of",
        "for",
        "about",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "issue",
        "issues",
        "trouble",
        "troubles",
        "inconvenience",
        "inconveniences",
        "hassle",
        "hassles",
        "experience",
        "experiences",
        "unpleasant",
        "poor",
        "bad",
        "negative",
        "terrible",
        "difficult",
        "difficulties",
        "difficulty",
        "confusion",
        "frustration",
        "frustrations",
        "discomfort",
        "you",
        "you've",
        "you're",
        "your",
        "yours",
        "had",
        "have",
        "has",
        "having",
        "are",
        "is",
        "was",
        "were",
        "be",
        "been",
        "being",
        "caused",
        "cause",
        "causing",
        "so",
        "much",
        "really",
        "very",
        "any",
        "way",
        "this",
        "has",
        "has",
        "caused",
        "to",
        "hear",
        "know",
        "see",
        "read",
        "learn",
        "that",
        "hear",
        "again",
        "let",
        "down",
        "we",
        "we've",
        "let",
        "us",
        "our",
        "performance",
        "situation",
        "matter",
        "problem",
        "problems",
        "mix",
        "up",
        "mixup",
        "mix-up",
        "great",
        "good",
        "not",
        "happy",
        "with",
        "here",
        "there",
        "oh",
        "no",
        "ok",
        "okay",
        "well",
        "and",
        "or",
        "but",
        "also",
        "just",
        "sweat",
        "one",
        "time",
        "ever",
        "everything",
        "anything",
        "things",
        "thing",
        "what",
        "happened",
        "whatever",
        "ve",
        "re",
        "s",
        "t",
        "m",
        "d",
        "ll",
        "can",
        "could",
        "would",
        "as",
        "such",
        "inconvenience",
        "caused",
        "any",
        "all",
        "kind",
        "sort",
    ]
)
_GENERIC = _GENERIC | frozenset(
    (
        "may", "might", "possibly", "potentially",
        "currently", "running", "into", "experiencing", "getting", "facing", "dealing", "encountering", "her",
        "frustrations", "inconveniences", "trouble", "troubles",
    )
)  # fmt: skip
_NAME_TAIL_RE = re.compile(r",\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s*[.!]*\s*$")
_CAUSE_RE = re.compile(r"\b(?:due\s+to|caused\s+by|because\s+of)\b", re.IGNORECASE)
# "Sorry, but ...", "sorry as we checked ...": the apology only opens a refusal or a justification.
_DEFLECT_RE = re.compile(
    r"^[\s,]*(?:but|however|though|although|as|since|because)\b(?!\s+(?:soon|quickly|well)\b)", re.IGNORECASE
)
_TURN_RE = re.compile(r",?\s+(?:but|however|although|though)\b", re.IGNORECASE)
_APOLOGY_OBJECT_END_RE = re.compile(r"[.!?;:\n]|\s[-–—]\s|https?://|,(?!\s*but\b)", re.I)
# Apology words in other languages: the object cannot be judged, so they count as formulaic.
_FOREIGN_RE = re.compile(
    r"lamentamos|disculp|perd[oó]n|d[ée]sol|entschuldig|es\s+tut|申し訳|お手数|ご不便|ご迷惑|すみません",
    re.IGNORECASE,
)


def _classify_apology(text: str, m: re.Match[str]) -> Apology:
    if _FOREIGN_RE.match(m.group(0)):
        return "formulaic"
    window = min(len(text), m.end() + 160)
    after_end = _APOLOGY_OBJECT_END_RE.search(text, m.end(), window)
    obj = text[m.end() : after_end.start() if after_end else window]
    obj_nonames = _NAME_TAIL_RE.sub("", obj)
    if _DEFLECT_RE.match(obj):
        return "non_apology"
    # "Sorry for any inconvenience, but the courier lost it": what follows "but" is the excuse,
    # not the apology's object (LABELS.md: formulaic, with an excuse).
    turn = _TURN_RE.search(obj)
    if turn is not None:
        obj = obj[: turn.start()]
        obj_nonames = _NAME_TAIL_RE.sub("", obj)
    if _NON_APOLOGY_RE.match(obj) and not _CAUSE_RE.search(obj):
        return "non_apology"
    lowered = obj_nonames.lower()
    lowered = re.sub(r"^[\s,]*(?:to\s+(?:hear|know|see|read|learn)|for|about|that|if)\b", "", lowered)
    # Capitalized words inside the object are mostly names ("sorry for the hassle Nitin").
    names = {
        w.lower() for i, w in enumerate(re.findall(r"[A-Za-z][a-z'’]*", obj_nonames)) if i and w[0].isupper()
    }
    words = re.findall(r"[a-z][a-z'’]*", lowered)
    specific = [
        w
        for w in words
        if w.replace("’", "'") not in _GENERIC and w.split("'")[0] not in _GENERIC and w not in names
    ]
    if specific:
        return "sincere"
    return "formulaic"


# ---------------------------------------------------------------- excuses
_EXCUSE_RE = re.compile(
    r"\b(?:(?:due\s+to|because\s+of|owing\s+to)\s+(?:(?:the|a|an|unusually|extremely|very|current|high|heavy|"
    r"large|increased|higher\s+than\s+normal)\s+)*(?:high|heavy|volume|demand|weather|storms?|strikes?|"
    r"circumstances|emergency|incident|a\s+fault|fault|technical|system|operational|staff(?:ing)?\s+shortages?|"
    r"the\s+carrier|the\s+courier|the\s+seller|third[-\s]part(?:y|ies)|no\s+payment|licens\w+|regulations?|"
    r"legislation|policy|the\s+holidays?|peak|unforeseen)|"
    r"high\s+(?:call\s+)?volumes?|heavy\s+(?:call\s+)?volumes?|(?:experiencing|seeing|facing|receiving|handling)\s+"
    r"(?:an?\s+)?(?:unusually\s+|extremely\s+|very\s+|exceptionally\s+)?(?:high|heavy|large|increased|higher\s+than\s+"
    r"(?:usual|normal))\s+(?:demand|volumes?|number\s+of\s+\w+)|(?:beyond|out\s+of|outside(?:\s+of)?)\s+our\s+control|"
    r"not\s+(?:our|my)\s+fault|isn'?t\s+(?:our|my)\s+fault|wasn'?t\s+(?:our|my)\s+fault|no\s+fault\s+of\s+ours|"
    r"not\s+(?:our|my)\s+responsibility|not\s+responsible\s+for|(?:are|is)\s+not\s+liable|out\s+of\s+our\s+hands|"
    r"nothing\s+(?:we|i)\s+can\s+do|(?:the|our)\s+system\s+(?:is|was|won'?t|wouldn'?t|doesn'?t|does\s+not|did\s+not|"
    r"didn'?t|would|automatically|shows|showed|can'?t|cannot)|"
    r"(?:it'?s|it\s+is|that'?s|that\s+is|this\s+is)\s+(?:our|company|the)\s+policy|(?:as\s+)?per\s+(?:our\s+)?"
    r"(?:policy|legislation|regulations?|terms)|policy\s+(?:states|says|does\s+not|doesn'?t)|"
    r"we\s*(?:'re|are)\s+(?:only\s+)?(?:obligated|required|obliged)|unforeseen\s+(?:delays?|circumstances|issues)|"
    r"(?:delays?|issues?|errors?|glitch(?:es)?|problems?|changes?)\s+(?:can\s+|may\s+|do\s+|will\s+)?(?:sometimes\s+)?"
    r"(?:occur|happen|arise)s?\b|(?:these|such)\s+things\s+happen|stuff\s+happens|(?:it|this|that)\s+happens\s+"
    r"(?:sometimes|occasionally|from\s+time\s+to\s+time)|"
    r"(?:you|u)\s+(?:should\s+have\s+(?!received|gotten|got\b|been\b)(?:\w+ed|known|done|read|told|gone|taken|"
    r"made|given|sent|seen)\b|failed\s+to|"
    r"forgot\s+to|must\s+have\s+(?!received)|need(?:ed)?\s+to\s+have|(?:didn'?t|did\s+not|never)\s+(?:follow|read|"
    r"check|contact|provide|select|choose|update|pay|submit|enter|opt|register|confirm|tell|inform|notify|specify|"
    r"include|use|return|cancel|call|request|add)\b)|"
    r"(?:the|your)\s+(?:carrier|courier|seller|bank|manufacturer|studio|airport|third[-\s]party|partner|"
    r"provider|network\s+rail|post\s+office|delivery\s+company)\s+(?:is|was|has|had|did|didn'?t|failed|"
    r"shipped|handles?|controls?|sets?|decides?|delayed|lost|would|should|may|must|takes?|needs?|requires?|"
    r"process(?:es)?|charges?|holds?)\b|"
    r"(?:another|a\s+different|the\s+other|other)\s+(?:department|team)\s+(?:handles?|is\s+responsible|deals)|"
    r"(?:that'?s|that\s+is|this\s+is)\s+(?:a|an)\s+(?:\w+\s+)?(?:issue|problem|matter)\s+(?:for|with)\s+(?:the|your)|"
    r"(?:the\s+)?(?:contract|agreement|transaction)\s+is\s+between\s+you\s+and|(?:all\s+)?boils\s+down\s+to|"
    r"licens(?:ing|e)\s+(?:matters|changes|restrictions|agreements|issues|reasons)|"
    r"(?:operational|equipment|aircraft|schedule|scheduling)\s+(?:needs|reasons|requirements|changes?|swaps?|"
    r"configurations?)|(?:emergency\s+services|the\s+police|the\s+fire\s+(?:brigade|department)|air\s+traffic\s+"
    r"control)\s+(?:are|is|were|was)\s+(?:dealing|investigating|handling|responding)|"
    r"(?:a|the)\s+(?:fault|signal\s+failure|broken\s+down\s+train|problem|issue)\s+(?:on|with)\s+the\s+(?:line|track|"
    r"tracks|network|railway)|"
    r"as\s+(?:(?:i|we)\s+(?:have\s+)?)?(?:informed|explained|mentioned|stated)\s+(?:to\s+you\s+)?(?:earlier|"
    r"previously|before)|"
    r"as\s+previously\s+(?:informed|explained|mentioned|stated)|being\s+a\s+\w+\s+(?:platform|company|service)|"
    r"we\s+(?:were|are)\s+(?:not\s+aware|unaware)|as\s+(?:soon\s+as\s+)?it'?s\s+available\s+to\s+us|"
    r"(?:we|i)\s+(?:are|am|'re|'m)\s+(?:not\s+able|unable)\s+to\s+guarantee|(?:we\s+)?cannot\s+guarantee|"
    r"can'?t\s+guarantee|(?:won'?t|will\s+not|cannot|can'?t)\s+be\s+able\s+to\s+\w+[^.!?\n]{0,40}\b(?:once|until|"
    r"since|as|because)\b|(?:cannot|can'?t|could\s*n[o']?t|unable\s+to|not\s+able\s+to)\s+\w+[^.!?\n]{0,40}\b"
    r"(?:until|since|as|because)\b\s+(?:you|your|it|the|all|our)|"
    r"sometimes\s+(?:content|items|orders|flights|things|this|that|it)\b|(?:it|this)\s+can\s+be\s+difficult|"
    r"sorry,?\s+but\s+(?:we|i)\s+(?:can'?t|cannot|could\s*n[o']?t|are\s+unable|were\s+unable|won'?t|will\s+not|"
    r"don'?t|do\s+not)|(?:not\s+(?:being\s+)?able|unable)\s+to\s+\w+[^.!?\n]{0,30}\b(?:via|through|on|over)\s+this\s+"
    r"(?:channel|platform)|(?:though|although|while)\s+we\s+(?:try|strive|do)\s+our\s+best|"
    r"in\s+order\s+to\s+avoid\s+instances|to\s+avoid\s+(?:this|instances|issues)\s+in\s+the\s+future|"
    r"in\s+the\s+future,?\s+(?:we'?d\s+)?(?:recommend|suggest|please\s+make\s+sure)|"
    # someone else to blame, being short of staff, the terms as a shield for a refusal
    r"(?:carrier|courier|seller|bank|manufacturer|supplier|vendor|partner|provider|third[-\s]party|warehouse|"
    r"delivery\s+(?:company|service|partner))s?\s+(?:is|are|was|were)\s+(?:solely\s+|fully\s+)?responsible\b|"
    r"(?:caused|created)\s+by\s+(?:a|an|the|our|your)\s+(?:[\w-]+\s+)?(?:third[-\s]party|carrier|courier|supplier|"
    r"vendor|partner|provider|bank|manufacturer|seller)|"
    r"(?:short|under)[-\s]?(?:staffed|handed)|(?:staff|staffing)\s+shortages?|"
    r"(?:as\s+(?:stated|outlined|set\s+out|explained|described|mentioned)\s+in|according\s+to|in\s+line\s+with|under)\s+"
    r"(?:our|the)\s+(?:terms|policy|policies|t\s*&\s*cs?|terms\s+(?:and|&)\s+conditions|terms\s+of\s+(?:service|sale|use))"
    r"\b[^.!?\n]{0,60}?\b(?:not|cannot|can'?t|unable|won'?t|non-?refundable|no\s+longer)\b)",
    re.IGNORECASE,
)
# A named cause the failure is put on, in any wording: the kinds of cause (LABELS.md "excuse").
_CAUSE_NOUN = (
    # Every form starts with the noun itself (no optional words in front), so the scan stays cheap;
    # the connectors before it allow a few words of their own ("due to unusually high demand").
    r"(?:demand|(?:call|order|contact|chat)\s+volumes?|volumes?\s+of\s+(?:calls|orders|requests|contacts|enquiries|"
    r"inquiries|messages|customers|traffic)|traffic|influx|maintenance|repairs?|engineering\s+works?|roadworks|"
    r"track\s+works?|weather|(?:snow|rain|thunder|wind)?storms?|snow(?:fall)?|heat\s*waves?|flood(?:s|ing)?|hurricanes?|heavy\s+rain|high\s+winds|fog|"
    r"industrial\s+action|strikes?|couriers?|carriers?|suppliers?|partners?|vendors?|third[-\s]part(?:y|ies)|"
    r"manufacturers?|warehouses?|distributors?|(?:shipping|delivery|logistics|postal)\s+(?:company|companies|"
    r"partners?|service|provider)|royal\s+mail|usps|ups|fedex|dhl|dpd|hermes|evri|air\s+traffic\s+control|"
    r"airport|bank|merchants?|sellers?|(?:sub)?contractors?|wholesalers?|agenc(?:y|ies)|head\s+office|"
    r"(?:system|technical|tech|it|server|network|software|website|site|app|payment|billing|booking|computer|"
    r"connectivity|platform)\s+(?:issues?|problems?|errors?|faults?|glitch(?:es)?|outages?|failures?|difficulties|"
    r"bugs?|updates?|upgrades?|migration|changes?|down\s*time)|outages?|glitch(?:es)?|technical\s+\w+|"
    r"system\s+\w+|bugs?\s+in|staff(?:ing)?\s+(?:shortages?|issues?|levels|sickness|absences?)|"
    r"(?:short|under)[-\s]?staffed|shortage\s+of\s+(?:staff|drivers|engineers|agents|stock|parts)|"
    r"(?:supply|stock)\s+(?:issues?|problems?|shortages?|chain\s+\w+)|holidays?|festive\s+(?:season|period)|"
    r"circumstances\s+beyond|unforeseen\s+\w+)"
)
_CAUSE_CONNECTOR = (
    r"(?:due\s+to|because\s+of|as\s+a\s+(?:result|consequence)\s+of|caused\s+by|owing\s+to|on\s+account\s+of|"
    r"resulting\s+from|thanks\s+to|following|in\s+light\s+of|given)"
)
_FAILURE_WORD = (
    r"(?:delay(?:s|ed)?|disrupt(?:ed|ions?)|cancell?(?:ed|ations?)|late|slow(?:er)?|held\s+up|stuck|failed|"
    r"declined|unavailable|affected|impacted|outages?|issues?|problems?|closed|suspended|postponed|missed|"
    r"diverted|rejected|running\s+behind)"
)
_NOT_A_CAUSE = (
    r"(?!(?:we|us|our\s+(?:mistake|error|side|end|fault)|me|my|\d|a\s+few|about|around|up\s+to|the\s+(?:end|time|"
    r"moment|weekend|morning|evening)|(?:mon|tues|wednes|thurs|fri|satur|sun)day|this|that|least|most|all|"
    r"your\s+(?:account|order|area|app|request|inbox|email|basket))\b)"
)
_NOUN_WORDS = frozenset(
    split_words(
        "demand volume volumes traffic influx maintenance repair repairs engineering roadworks works weather storm storms "
        "snowstorm snowstorms rainstorm thunderstorm heatwave heat "
        "snow snowfall flood floods flooding hurricane hurricanes rain winds fog industrial strike strikes courier "
        "couriers carrier carriers supplier suppliers partner partners vendor vendors third manufacturer manufacturers "
        "warehouse warehouses distributor distributors shipping delivery logistics postal royal usps ups fedex dhl dpd "
        "hermes evri air airport bank merchant merchants seller sellers system technical tech it server network software "
        "website site app payment billing booking computer connectivity platform outage outages glitch glitches bug "
        "bugs staff staffing short under understaffed shortage supply stock holiday holidays festive circumstances "
        "contractor contractors subcontractor subcontractors wholesaler wholesalers agency agencies head heavy high call "
        "order contact chat track rainstorms thunderstorms windstorm windstorms "
        "unforeseen"
    )
)
_FAILURE_WORDS = frozenset(
    split_words(
        "delay delays delayed disrupted disruption disruptions cancelled canceled cancellation cancellations late slow "
        "slower held stuck failed declined unavailable affected impacted outage outages issue issues problem problems "
        "closed suspended postponed missed diverted rejected behind"
    )
)
# A named cause the failure is put on, in any wording (LABELS.md "excuse"). Each form runs only when
# one of its words is in the reply, so a reply without them costs one set intersection; a form that
# starts with one of its words (the noun-first form) is only tried where such a word starts.
_CAUSE_FORMS: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = tuple(
    (frozenset(words.split()) if isinstance(words, str) else words, re.compile(rx, re.IGNORECASE))
    for words, rx in (
        # "due to unusually high demand", "because of the storm", "caused by our courier"
        (
            "due because result consequence caused owing account resulting thanks following light given",
            r"\b" + _CAUSE_CONNECTOR + r"\s+(?:[\w'-]+\s+){0,3}?" + _CAUSE_NOUN,
        ),
        # "run by a ticketing partner", "carried out by our contractor"
        (
            "run operated carried handled managed provided fulfilled sold shipped",
            r"\b(?:run|operated|carried\s+out|handled|managed|provided|fulfilled|sold|shipped)\s+by\s+(?:the|our|a|an|"
            r"their|your)\s+(?:[\w-]+\s+){0,2}?" + _CAUSE_NOUN,
        ),
        # "we're dealing with a lot of returns", "our team is stretched thin", "it's been a crazy week"
        (
            "dealing swamped inundated snowed overwhelmed stretched busy crazy hectic mad short",
            r"\b(?:(?:we|they|the\s+\w+|our\s+\w+(?:\s+team)?)\s*(?:'re|'ve\s+been|are|were|is|was|have\s+been|"
            r"has\s+been)\s+(?:currently\s+|really\s+|very\s+|so\s+|extremely\s+|a\s+bit\s+)*(?:dealing\s+with\s+"
            r"(?:a\s+lot|lots|loads|a\s+(?:huge|large|high)|an\s+(?:unusual|influx)|huge|many)|swamped|inundated|"
            r"snowed\s+under|overwhelmed|stretched(?:\s+thin)?|busy|short\s+of\s+(?:people|staff|hands|drivers))|"
            r"it'?s\s+been\s+(?:a\s+)?(?:crazy|hectic|mad|very\s+busy|really\s+busy|busy))\b",
        ),
        # an apology, then straight away what someone or something else did:
        # "Sorry for the wait - the wholesaler is out of stock", "Apologies for the delay, the factory closed"
        (
            "sorry apologies apologise apologize apology",
            r"\b(?:sorry|apolog(?:y|ies|i[sz]e))\s+(?:for|about)\s+(?:the|any|this|that|all\s+the)\s+(?:[\w-]+\s+){0,3}?"
            r"[\w-]+\s*[-–—,;:]\s*(?:unfortunately,?\s+)?(?:the|our|their)\s+(?!(?:order|parcel|package|refund|"
            r"replacement|item|account|ticket|case|request|booking|reservation|money|payment|credit|new|correct|right|"
            r"good|next|details|link|team\s+will)\b)(?:[\w-]+\s+){0,3}?(?:is|are|was|were|has|have|had|closed|crashed|"
            r"sent|changed|controls|processes|lost|failed|took|didn'?t|did\s+not|hasn'?t|haven'?t|went|got|ran|"
            r"missed|broke|sold|cancell?ed|delayed|grounded|sends|runs|requires|needs|only)\b(?![^.!?\n]{0,60}\b(?:will|'ll|going\s+to|now|"
            r"again|back)\b)",
        ),
        # "we're experiencing a high volume of calls", "there was a system outage"
        (
            "we there",
            r"\b(?:we\s*(?:'re|are|were|'ve\s+been|have\s+been|had\s+been|'ve\s+had|\s+have\s+had|\s+had)|there\s*(?:\s+was|\s+were|"
            r"\s+had|\s+has\s+been|\s+have\s+been))\s+(?:currently\s+|still\s+|recently\s+)?(?:experiencing|having|"
            r"seeing|facing|dealing\s+with|hit\s+(?:by|with)|affected\s+by|impacted\s+by|an?\s+|some\s+)?"
            r"(?:[\w'-]+\s+){0,2}?" + _CAUSE_NOUN,
        ),
        # "the weather caused the delay", "the supplier hasn't sent the part"
        (
            _NOUN_WORDS,
            r"\b"
            + _CAUSE_NOUN
            + r"\s+(?:[\w'-]+\s+){0,4}?(?:(?:has|have|had)\s+)?(?:caused|led\s+to|resulted\s+in|"
            r"delayed|lost|misplaced|damaged|failed|cancell?ed|held\s+up|dropped|broke(?:\s+down)?|crashed|grounded|"
            r"blocked|wiped|deleted|skipped|froze|stopped|went\s+down|(?:is|was|are|were)\s+(?:responsible|"
            r"to\s+blame|at\s+fault|the\s+cause)|(?:did|has|have|had|does|do)\s*(?:n'?t|\s+not)|never\s+\w+|"
            r"(?:is|are|was|were)\s+(?:running\s+)?(?:behind|late|slow|delayed|down))\b",
        ),
        # "it's the delivery company's fault, not ours", "the problem lies with the bank"
        (
            "fault responsibility mistake error problem issue",
            r"\b(?:(?:[\w-]+(?:'s|s')|the)\s+(?:fault|responsibility|mistake|error),?\s+not\s+(?:ours|mine|us)|"
            r"(?:fault|problem|issue)\s+(?:lies|is)\s+with\s+(?:the|your)\s+\w+)",
        ),
        # a failure put on something else: "delays due to congestion", "disrupted following a signal problem"
        (
            _FAILURE_WORDS,
            r"\b"
            + _FAILURE_WORD
            + r"\s+(?:[\w'-]+\s+){0,4}?(?:"
            + _CAUSE_CONNECTOR[3:-1]
            + r"|by|down\s+to|at)\s+"
            + _NOT_A_CAUSE
            + r"(?:(?:the|a|an|some|their)\s+)?(?:[\w-]+\s+){0,2}?(?:congestion|signal(?:ling)?\s+\w+|"
            r"broken[-\s]down\s+\w+|customs|atc|a\s+fault|fault|trespass\w*|police\s+\w+|an?\s+incident|incident|"
            r"operational\s+\w+|crew\s+\w+|late[-\s]arriving\s+\w+|disruption|out\s+of\s+stock|stock\s+\w+|"
            r"the\s+hub|sorting\s+(?:hub|office|centre|center)|depot|" + _CAUSE_NOUN + r")",
        ),
        # a known problem somewhere else: "a known issue in your area", "some users are experiencing issues"
        (
            "known reported ongoing widespread network service regional local area wider users customers members "
            "players listeners subscribers",
            r"\b(?:(?:known|reported|ongoing|widespread|network|service|regional|local|area|wider)\s+(?:issues?|"
            r"outages?|problems?|faults?|disruption)\s+(?:in|affecting)\b|(?:some|many|other)\s+(?:users|"
            r"customers|members|players|listeners|subscribers)\s+(?:are|have\s+been)\s+(?:experiencing|having|"
            r"seeing|reporting))",
        ),
        # someone else acted: "the driver cancelled", "the label removed the album"
        (
            "driver drivers partner partners restaurant restaurants store stores host hosts artist artists label "
            "labels rights developer developers publisher publishers studio studios content",
            r"\b(?:the|your|our)\s+(?:driver(?:-partner)?s?|restaurants?|stores?|hosts?|artists?|labels?|"
            r"rights\s+holders?|developers?|publishers?|studios?|content\s+owners?)\s+(?:has|have|had|decided|chose|"
            r"removed|pulled|cancell?ed|didn'?t|did\s+not|failed|(?:is|are|was|were)\s+(?:responsible|independent|"
            r"unable))\b",
        ),
        # someone else decides: "it's up to the bank", "set by the publisher", "we don't set the prices"
        (
            "up set made decided determined controlled handled owned chosen control choose determine influence",
            r"\b(?:(?:it'?s|it\s+is|that'?s|that\s+is)\s+(?:entirely\s+|completely\s+|ultimately\s+)?up\s+to\s+"
            r"(?:the|each|your)\s+\w+|(?:set|made|decided|determined|controlled|handled|owned|chosen)\s+"
            r"(?:solely\s+|entirely\s+)?by\s+(?:the|our|your|each)\s+(?:[\w-]+\s+)?(?:publisher|studio|developer|"
            r"manufacturer|seller|merchant|bank|airline|airport|underwriters?|insurer|partner|provider|supplier|"
            r"carrier|courier|content\s+owner|rights\s+holders?|labels?|authorit(?:y|ies)|government|regulator|"
            r"card\s+issuer|head\s+office)|(?:we|i)\s+(?:don'?t|do\s+not|can'?t|cannot)\s+(?:set|control|decide|"
            r"choose|determine|influence)\s+(?:the\s+)?(?:prices?|pricing|availability|content|what|which|when|how|"
            r"decisions?|rules?|schedules?|timings?|fees?|rates?))",
        ),
        # a thing that is down or overloaded, said as the reason
        (
            "server servers system systems site website app network platform warehouse lines phone phones",
            r"\b(?:servers?|systems?|site|website|app|network|platform|warehouse|lines|phones?)\s+(?:is|are|were|"
            r"was|have\s+been|has\s+been)\s+(?:currently\s+|still\s+|very\s+|extremely\s+|really\s+)*(?:down|"
            r"overloaded|busy|offline|having\s+(?:some\s+)?(?:issues|problems|difficulties|trouble)|"
            r"experiencing\s+\w+|not\s+working|unavailable)\b",
        ),
        # "that's down to the network", "on their end", "held up at customs"
        (
            "down end side customs",
            r"\b(?:(?:that'?s|it'?s|this\s+is|that\s+is|it\s+is|it\s+was|that\s+was)\s+down\s+to\s+(?:the|your|a)\s+"
            r"\w+|(?:on|at)\s+(?:their|the\s+[\w-]+(?:'s|s')|[a-z][\w-]*(?:'s|s'))\s+(?:end|side)\b|"
            r"(?:held\s+up|stuck|delayed|waiting)\s+(?:at|in)\s+customs)",
        ),
        # "Sorry for any inconvenience, but the courier lost it": the apology opens the excuse
        (
            "sorry",
            r"\bsorry\s+(?:for|about)\s+any\s+(?:\w+\s+)?(?:inconvenience|trouble|confusion|hassle|delay|"
            r"wait|frustration|disappointment)(?:\s+(?:this|it|that)\s+(?:has|may\s+have)?\s*caused)?,?\s+but\s+"
            r"(?!(?:i|we)\s*(?:'ve|'ll|'d|\s+have|\s+will|\s+can|\s+are|'re|'m|\s+am)\b|(?:the\s+)?good\s+news|"
            r"happy|glad|let|please|rest\s+assured|thank|you\s+can|(?:could|can|would)\s+you|if|in\s+the\s+meantime|i'?m\s+happy|we'?re\s+happy|it'?s\s+(?:now\s+)?"
            r"(?:fixed|sorted|resolved))",
        ),
    )
)
# Owning the cause: "because we made a mistake", "a system error on our side that I've fixed".
_OWNED_CAUSE_RE = re.compile(
    r"\b(?:on\s+(?:our|my)\s+(?:side|part|end)|(?:our|my)\s+(?:own\s+)?(?:mistake|error|fault|oversight)|"
    r"(?:we|i)\s+(?:made|caused)\b|(?:that'?s|it'?s|this\s+is|that\s+was|it\s+was)\s+on\s+(?:us|me)|"
    r"no\s+excuse|not\s+an\s+excuse|(?:we|i)\s+should\s+have|(?:we|i)\s+(?:take|accept)\s+(?:full\s+)?responsibility)",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[a-z]+")
_NOUN_FIRST = next(i for i, (hints, _) in enumerate(_CAUSE_FORMS) if hints is _NOUN_WORDS)


def _cause_excuses(text: str, low: str | None = None) -> list[Span]:
    """Failures put on a named cause, unless the writer owns it in the same sentence."""
    at = [(m.group(), m.start()) for m in _WORD_RE.finditer(low if low is not None else text.lower())]
    words = {w for w, _ in at}
    out: list[Span] = []
    for i, (hints, rx) in enumerate(_CAUSE_FORMS):
        if hints.isdisjoint(words):
            continue
        if i == _NOUN_FIRST:
            fast = _LOWER_RX.get(rx, rx) if low is not None else rx
            found = [m for m in (fast.match(low or text, p) for w, p in at if w in hints) if m is not None]
        else:
            found = list(_scan(rx, text, low))
        for m in found:
            start = max(text.rfind(c, 0, m.start()) for c in ".!?\n") + 1
            ends = [i for i in (text.find(c, m.end()) for c in ".!?\n") if i != -1]
            end = min(ends) if ends else len(text)
            if _OWNED_CAUSE_RE.search(text, start, end):
                continue
            out.append(span_from_match("excuse", text, m))
    return out


_OWNERSHIP_RE = re.compile(
    r"\b(?:(?:our|my)\s+(?:mistake|error|fault|bad|oversight|responsibility)|(?:that'?s|this\s+is|that\s+is|it'?s)\s+"
    r"on\s+(?:us|me)|(?:we|i)\s+(?:messed|screwed|mixed)\s+up|(?:we|i)\s+(?:made|caused)\s+(?:a|an|the|this)\s+"
    r"(?:mistake|error|mix-?up)|(?:we|i)\s+(?:got|had)\s+(?:it|this|that)\s+wrong|(?:we|i)\s+should\s+(?:have|'ve)\s+"
    r"\w+|(?:we|i)\s+(?:take|accept)\s+(?:full\s+)?(?:responsibility|ownership)|(?:we|i)\s+dropped\s+the\s+ball|"
    r"(?:we|i)\s*(?:'ve|’ve|\s+have)?\s+let\s+you\s+down|(?:we|i)\s+(?:charged|billed|sent|shipped|missed|cancell?ed|"
    r"deleted|lost|forgot|overcharged|double-charged|delayed|broke|closed|suspended)\b|we\s+(?:weren'?t|were\s+not|"
    r"haven'?t|have\s+not|didn'?t|did\s+not)\s+(?:able\s+to\s+)?\w+|(?:i|we)\s*(?:'ll|’ll|\s+will)\s+(?:fix|make\s+(?:this|it)"
    r"\s+right|put\s+(?:this|it)\s+right|sort\s+(?:this|it)\s+out)|(?:i|we)\s*(?:'ve|’ve|\s+have)\s+(?:fixed|corrected|"
    r"refunded|reversed|credited|resolved))",
    re.IGNORECASE,
)
# Owning up in the apology's own sentence names what it is for: "That was our mistake and I'm sorry."
_ADMISSION_RE = re.compile(
    r"\b(?:(?:our|my)\s+(?:mistake|error|fault|bad|oversight)|(?:that'?s|this\s+is|that\s+is|it'?s|it\s+was|"
    r"that\s+was)\s+on\s+(?:us|me)|(?:we|i)\s+(?:messed|screwed|mixed)\s+up|(?:we|i)\s+(?:made|caused)\s+(?:a|an|"
    r"the|this)\s+(?:mistake|error|mix-?up)|(?:we|i)\s+(?:got|had)\s+(?:it|this|that)\s+wrong|(?:we|i)\s+dropped\s+"
    r"the\s+ball)",
    re.IGNORECASE,
)
# Not "we let you down": it owns the failure but names nothing (LABELS.md: formulaic).


def _admits_in_sentence(text: str, span: Span) -> bool:
    start = max(text.rfind(c, 0, span.start) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, span.end) for c in ".!?\n") if i != -1]
    end = min(ends) if ends else len(text)
    return bool(_ADMISSION_RE.search(text, start, end))


_EMPATHY_RE = re.compile(
    r"\b(?:i|we)\s+(?:completely\s+|totally\s+|fully\s+|can\s+|definitely\s+|absolutely\s+|do\s+)?"
    r"(?:understand|get|hear|see|imagine|know|appreciate)\s+(?:how|why|that|your|you|the|what|it|this)\b|"
    r"\b(?:i|we)\s+(?:completely\s+|totally\s+|fully\s+|can\s+|do\s+)?understand\b|"
    r"\b(?:that|this|it)\s+(?:must|would|sounds|can)\s+(?:be\s+|have\s+been\s+)?(?:so\s+|really\s+|very\s+|incredibly\s+)?"
    r"(?:frustrating|annoying|stressful|upsetting|disappointing|difficult|hard|worrying|inconvenient|awful|"
    r"terrible|maddening|exhausting|rough)|\bwe\s+hear\s+you\b|\bi\s+hear\s+you\b|\bunderstandabl[ey]\b|"
    r"\b(?:i'?d|i\s+would|we'?d|we\s+would)\s+(?:be|feel)\s+(?:\w+\s+)?(?:upset|frustrated|annoyed|angry|the\s+same)|"
    r"\b(?:not|isn'?t)\s+the\s+experience\s+(?:we|you)|\bsorry\s+to\s+(?:hear|see|read|know|learn)\b|"
    r"\bthat'?s\s+(?:not\s+(?:ok|okay|acceptable|right|good)|frustrating|annoying)|"
    r"\b(?:oh\s+no|bummer|yikes|ugh)\b|\bi\s+(?:get|understand)\s+(?:you|it)\b|\bi\s+can\s+only\s+imagine\b|"
    r"\bi\s+know\s+how\b|\bthanks?\s+(?:you\s+)?for\s+(?:your\s+)?(?:patience|bearing\s+with)|\bno\s+one\s+wants\b",
    re.IGNORECASE,
)

# ---------------------------------------------------------------- next steps
_CONCRETE_RE = re.compile(
    r"\b(?:(?:i|we)\s*(?:'ve|’ve|\s+have)\s+(?:just\s+|now\s+|already\s+)?(?:issued|sent|refunded|processed|escalated|"
    r"credited|updated|cancell?ed|reset|fixed|added|removed|forwarded|followed|arranged|booked|scheduled|created|"
    r"replied|reached\s+out|passed|shared|raised|reported|submitted|placed|ordered|applied|reversed|restored|"
    r"reactivated|unlocked|changed|corrected|requested|contacted|confirmed|flagged|opened|filed|resent|re-sent|"
    r"initiated|approved|waived|turned|shut|sent\s+you|dm'?d|messaged)|"
    r"(?:i|we)\s+(?:just\s+|have\s+just\s+)?(?:issued|sent|refunded|processed|escalated|credited|updated|"
    r"forwarded|replied|reached\s+out|passed|shared|raised|reported|submitted|placed|reversed|restored|"
    r"reactivated|unlocked|changed|corrected|requested|contacted|confirmed|flagged|followed\s+up|resent|turned|"
    r"shut|dm'?d|messaged)|just\s+(?:sent|replied|dm'?d|followed)|"
    r"(?:i|we)\s*(?:'ll|’ll|\s+will|\s+am\s+going\s+to|'m\s+going\s+to|\s+are\s+going\s+to)\s+(?:now\s+|personally\s+|"
    r"also\s+)?(?:send|issue|refund|call|email|ship|process|escalate|credit|update|cancel|reset|fix|add|remove|"
    r"forward|follow\s+up|arrange|book|schedule|create|reach\s+out|contact|pass|share|raise|report|submit|place|"
    r"reverse|restore|reactivate|unlock|change|correct|request|confirm|flag|refer|investigate|check|get\s+back|"
    r"be\s+in\s+(?:touch|contact)|get\s+in\s+touch|dm|message|review|look\s+into|replace|deliver|waive|help|"
    r"assist|continue|connect|advise|take\s+a\s+(?:closer\s+)?look|go\s+from\s+there|work\s+from\s+there|"
    r"get\s+(?:this|it|that)\s+(?:sorted|fixed|resolved|looked)|get\s+started|see\s+what|make\s+sure)|"
    r"(?:please|pls|plz|kindly|could\s+you|can\s+you|would\s+you|will\s+you|you\s+can|you\s+could|you\s+may|"
    r"you'?ll\s+need\s+to|you\s+need\s+to|you\s+will\s+need\s+to|be\s+sure\s+to|make\s+sure\s+to|"
    r"try|request\s+you\s+to|we'?d\s+(?:suggest|recommend|advise)|i'?d\s+(?:suggest|recommend|advise)|"
    r"(?:we|i)\s+(?:suggest|recommend|advise)|i\s+strongly\s+advise)\s+(?:to\s+)?(?:\w+\s+)?"
    r"(?:dm|pm|shoot|speak|proceed|revert|disregard|backup|back\s+up|send|share|reply|contact|reach|call|visit|go|"
    r"click|follow|try|restart|reinstall|update|check|provide|"
    r"let|fill|report|use|email|e-mail|message|select|tap|open|log|sign|clear|delete|remove|reset|turn|submit|"
    r"confirm|tell|include|attach|wait|keep|give|contacting|checking|opening|reaching|get|write|post|"
    r"review|view|find|look|see|download|install|head|pop|drop|chat|verify|describe|confirm|consider|"
    r"update|power|unplug|plug|switch|enable|disable|uninstall|refresh|ring|phone|join|meet|request|apply|"
    r"allow|double-check|note|re-?submit|share)|"
    r"\b(?:dm|send)\s+us|\bsend\s+(?:me|us)\s+(?:a\s+)?(?:dm|direct\s+message|note|message|email)|"
    r"\bmeet\s+us\s+in\s+dm|\b(?:here|link|below)\s*:\s*https?://|\bcheck\s+(?:your|the)\s+(?:dms?|inbox|email)|"
    r"\b(?:call|contact|reach|ring)\s+(?:us|our\s+\w+(?:\s+team)?)\s+(?:on|at|via|by|here)\b|"
    r"\bjust\s+checking\s+if|\bplease\s+let\s+(?:me|us)\s+know\b(?!\s+if)|\btry\s+\w+ing\b|"
    r"\b(?:you(?:'ll|\s+will)\s+(?:receive|get)|you\s+should\s+(?:receive|get|have))\b|"
    r"\bhave\s+you\s+(?:tried|checked|reported|contacted)\b|\blet'?s\s+(?:take|work|carry|continue|chat|look|meet|"
    r"check|get|start)\b|\bwill\s+be\s+(?:picked\s+up|delivered|refunded|shipped|sent|back|credited|processed|"
    r"continued|updated)|\b(?:it'?ll|it\s+will)\s+be\s+back|"
    r"\b(?:we'?ve|we\s+have|i'?ve|i\s+have|just)\s+(?:responded|let|looped|notified|informed|told|alerted)\b|"
    r"\b(?:has|have)\s+been\s+(?:escalated|sent|processed|refunded|forwarded|updated|corrected|fixed|resolved|"
    r"cancell?ed|credited|reported|passed\s+on)|\blooping\s+(?:in|our|the)\b|\b(?:correction|refund|update)\s+done\b|"
    r"\b(?:visit|at|via)\s*:?\s*https?://)",
    re.IGNORECASE,
)
_VAGUE_STEP_RE = re.compile(
    r"\b(?:don'?t\s+hesitate|feel\s+free\s+to|give\s+us\s+a\s+(?:shout|nudge|call)|(?:just\s+)?a\s+tweet\s+away|"
    r"know\s+where\s+to\s+find\s+us|if\s+you\s+(?:ever\s+)?need\s+(?:us|anything|help|assistance)|keep\s+an\s+eye|"
    r"(?:recommend|suggest)\s+(?:checking|keeping)|look(?:ing)?\s+into\s+(?:it|this|that)|we'?re\s+(?:working|looking)\s+on|working\s+on\s+(?:it|this|a\s+fix)|"
    r"hope\s+(?:this|that)\s+helps|let\s+(?:us|me)\s+know\s+if|keep\s+(?:us|me)\s+(?:posted|updated|in\s+the\s+loop)|"
    r"(?:we'?re|we\s+are|i'?m|i\s+am)\s+here\s+(?:to\s+help|for\s+you|if)|happy\s+to\s+(?:help|assist|look)|"
    r"glad\s+to\s+(?:help|assist)|(?:would\s+be|we'?d\s+be|i'?d\s+be)\s+happy\s+to|we'?ll\s+(?:see|do\s+(?:our\s+best|"
    r"what\s+we\s+can|all\s+we\s+can))|stay\s+tuned|rest\s+assured|fingers\s+crossed|should\s+be\s+(?:open|"
    r"resolved|fixed|back)|any\s+further\s+assistance|reach\s+out\s+if|feel\s+free\s+to\s+reach\s+out\b|"
    r"we'?ll\s+pass|passing\s+(?:this|it)\s+on|let\s+us\s+look|hopefully|we\s+strive|we\s+always\s+aim|"
    r"we'?re\s+investigating|investigating)\b",
    re.IGNORECASE,
)
_QUESTION_EXPLAINED_RE = re.compile(
    r"\b(?:so\s+(?:that\s+)?(?:we|i)\s+can|so\s+we\s+may|to\s+(?:help|check|look|verify|locate|find|confirm|"
    r"investigate|review|assist|make\s+sure|see|get|better|pull\s+up|access|troubleshoot|narrow)|in\s+order\s+to|"
    r"this\s+(?:will|would)\s+help|that\s+(?:will|would)\s+help|because|since\s+(?:we|i)|which\s+(?:will|would)\s+"
    r"help|to\s+assist\s+you|for\s+(?:us|me)\s+to|that\s+way|once\s+(?:we|i)\s+(?:have|know|get))\b",
    re.IGNORECASE,
)
_QUESTION_TO_CUSTOMER_RE = re.compile(
    r"\b(?:can|could|would|will|do|did|have|has|are|is|was|were|what|which|when|where|how|who)\b[^.!?\n]{2,160}\?",
    re.IGNORECASE,
)
_RHETORICAL_RE = re.compile(
    r"\b(?:how\s+can\s+(?:we|i)\s+help|anything\s+else|what\s+can\s+(?:we|i)\s+do)\b", re.I
)

_SUGGEST = {
    "non_apology": "Apologize for what happened, not for how they feel: 'I'm sorry we charged you twice'",
    "formulaic_apology": "Name what went wrong: 'I'm sorry we charged you twice'",
    "no_apology": "Start with a specific apology: 'I'm sorry your order arrived late'",
    "excuse": "Drop the excuse and own it: 'That's on us, and here is what I'm doing about it'",
    "empathy": "Show you understand: 'I can see how frustrating this has been'",
    "no_next_step": "Tell them what happens next: 'I've issued the refund' or 'Please DM your order number'",
    "vague_next_step": "Make the next step concrete: who does what, e.g. 'I'll refund the second charge today'",
    "no_date": "Say when: 'by Friday 5 pm'",
    "unexplained_questions": "Say why you ask: 'Could you send your order number, so I can find the charge?'",
}


# The big patterns run on the lower-cased text without IGNORECASE, which Python's re scans 2-3 times
# faster; spans are cut from the original text (same offsets). A text whose length changes when
# lower-cased (a few non-Latin letters) is scanned as it is, with the IGNORECASE pattern.
_LOWER_RX: dict[re.Pattern[str], re.Pattern[str]] = {
    rx: re.compile(rx.pattern, rx.flags & ~re.IGNORECASE)
    for rx in (
        _APOLOGY_RE,
        _EXCUSE_RE,
        _OWNERSHIP_RE,
        _EMPATHY_RE,
        _CONCRETE_RE,
        _VAGUE_STEP_RE,
        *(form for _, form in _CAUSE_FORMS),
    )
}


def _lowered(text: str) -> str | None:
    low = text.lower()
    return low if len(low) == len(text) else None


def _scan(rx: re.Pattern[str], text: str, low: str | None) -> Iterator[re.Match[str]]:
    if low is None:
        return rx.finditer(text)
    return _LOWER_RX[rx].finditer(low)


def review_reply(text: str, *, customer_upset: bool = False, _rules_only: bool = False) -> ReplyReview:
    """Check an agent's draft reply; suggestions only, never a gate."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    original = clip(text)
    text = normalize_quotes(original)
    evidence: list[Span] = []
    findings: list[Finding] = []

    apology: Apology = "none"
    apology_span: Span | None = None
    rank = {"none": 0, "formulaic": 1, "sincere": 2, "non_apology": 3}
    low = _lowered(text)
    for m in _scan(_APOLOGY_RE, text, low):
        kind = _classify_apology(text, m)
        sp = span_from_match("apology_" + kind, text, m)
        evidence.append(sp)
        if rank[kind] > rank[apology]:
            apology, apology_span = kind, sp

    if apology == "formulaic" and apology_span is not None and _admits_in_sentence(text, apology_span):
        apology = "sincere"
    excuses = [span_from_match("excuse", text, m) for m in _scan(_EXCUSE_RE, text, low)]
    excuses += _cause_excuses(text, low)
    evidence += excuses
    owns = [span_from_match("ownership", text, m) for m in _scan(_OWNERSHIP_RE, text, low)]
    if (
        apology == "sincere"
        and apology_span is not None
        and re.search(r"\b(?:we|I)\b", text[apology_span.end : apology_span.end + 12])
    ):
        owns.append(apology_span)
    evidence += owns
    empathy_spans = [span_from_match("empathy", text, m) for m in _scan(_EMPATHY_RE, text, low)]
    evidence += empathy_spans

    concrete = [span_from_match("next_step", text, m) for m in _scan(_CONCRETE_RE, text, low)]
    concrete += [span_from_match("next_step", text, m) for m in _PROMISE_STEP_RE.finditer(text)]
    concrete += _imperatives_and_questions(text)
    concrete = [c for c in concrete if not _RHETORICAL_RE.search(c.text)]
    vague = [span_from_match("vague_next_step", text, m) for m in _scan(_VAGUE_STEP_RE, text, low)]
    next_step: NextStep = "concrete" if concrete else "vague" if vague else "none"
    evidence += concrete or vague

    dates = [d.span for d in find_due_expressions(text) if not _past_mention(text, d.span)]
    dates += [
        span_from_match("due", text, m)
        for m in re.finditer(
            r"\b(?:by|until|till|before)\s+the\s+(?:new\s+|original\s+|estimated\s+|quoted\s+|advised\s+)?"
            r"(?:delivery\s+)?(?:dates?|estimate|time\s+mentioned)\b",
            text,
            re.IGNORECASE,
        )
    ]
    evidence += dates
    has_date = bool(dates)

    rule = _ReplyRule(apology, bool(excuses), bool(owns), bool(empathy_spans), next_step, has_date)
    scores = {
        "apology": 1.0,
        "excuse": float(bool(excuses)),
        "next_step": 1.0,
        "has_date": float(has_date),
    }
    group = None if _rules_only else load_group("reply")
    if group is not None:
        feats = reply_features(text, rule)
        z = group.logits(feats)
        head = group.heads.get("apology")
        if head is not None:
            probs = softmax_probs(head, z)
            choice = max(head.classes, key=lambda c: probs[c])
            if choice != "none" and apology_span is None:
                choice = "none"  # hard constraint: an apology needs an apology word
            apology, scores["apology"] = choice, probs[choice]  # type: ignore[assignment]
        head = group.heads.get("excuse")
        if head is not None:
            p = binary_prob(head, z)
            scores["excuse"] = p
            if p >= head.threshold and not excuses:
                excuses = model_evidence(group, head, feats, text, "excuse")
                evidence += excuses
                if not excuses:
                    excuses = [Span("excuse", 0, len(text), text)]
            elif p < head.threshold:
                evidence = [e for e in evidence if e.label != "excuse"]
                excuses = []
        head = group.heads.get("next_step")
        if head is not None:
            probs = softmax_probs(head, z)
            choice = max(head.classes, key=lambda c: probs[c])
            next_step, scores["next_step"] = choice, probs[choice]  # type: ignore[assignment]
        head = group.heads.get("has_date")
        if head is not None:
            p = binary_prob(head, z)
            if dates:
                # Hard constraint: a time the rules find (not a past mention) is a date for
                # the customer; the head adds dates the rules miss. Score and decision agree.
                p = max(p, head.threshold)
            scores["has_date"] = p
            has_date = p >= head.threshold
            if has_date and not dates:
                evidence += model_evidence(group, head, feats, text, "due")

    questions = [
        span_from_match("question", text, m)
        for m in _QUESTION_TO_CUSTOMER_RE.finditer(text)
        if not _RHETORICAL_RE.search(m.group(0))
    ]
    explained = bool(_QUESTION_EXPLAINED_RE.search(text))
    unexplained = bool(questions) and not explained

    if apology == "non_apology":
        findings.append(Finding("non_apology", apology_span, _SUGGEST["non_apology"]))
    elif apology == "formulaic":
        findings.append(Finding("formulaic_apology", apology_span, _SUGGEST["formulaic_apology"]))
    elif apology == "none" and customer_upset:
        findings.append(Finding("no_apology", None, _SUGGEST["no_apology"]))
    for sp in excuses[:1]:
        findings.append(Finding("excuse", sp, _SUGGEST["excuse"]))
    if customer_upset and not empathy_spans:
        findings.append(Finding("empathy", None, _SUGGEST["empathy"]))
    if next_step == "none":
        findings.append(Finding("no_next_step", None, _SUGGEST["no_next_step"]))
    elif next_step == "vague":
        findings.append(Finding("vague_next_step", vague[0] if vague else None, _SUGGEST["vague_next_step"]))
    if next_step != "none" and not has_date and _agent_promises(text):
        findings.append(Finding("no_date", None, _SUGGEST["no_date"]))
    if unexplained:
        findings.append(Finding("unexplained_questions", questions[0], _SUGGEST["unexplained_questions"]))

    findings = [
        Finding(f.kind, rebase([f.span], original)[0] if f.span else None, f.suggestion) for f in findings
    ]
    return ReplyReview(
        apology=apology,
        excuse=bool(excuses),
        ownership=bool(owns),
        empathy=bool(empathy_spans),
        next_step=next_step,
        has_date=has_date,
        unexplained_questions=unexplained,
        findings=findings,
        evidence=rebase(dedupe(evidence), original),
        apology_score=round(scores["apology"], 3),
        excuse_score=round(scores["excuse"], 3),
        next_step_score=round(scores["next_step"], 3),
        has_date_score=round(scores["has_date"], 3),
    )


@dataclass(frozen=True, slots=True)
class _ReplyRule:
    apology: str
    excuse: bool
    ownership: bool
    empathy: bool
    next_step: str
    has_date: bool


def reply_cues(rule: _ReplyRule) -> list[str]:
    """The rules' verdicts as indicator features for the learned heads."""
    out = [f"r:apology={rule.apology}", f"r:next_step={rule.next_step}"]
    if rule.excuse:
        out.append("r:excuse")
    if rule.ownership:
        out.append("r:ownership")
    if rule.empathy:
        out.append("r:empathy")
    if rule.has_date:
        out.append("r:has_date")
    return out


def reply_features(text: str, rule: _ReplyRule) -> Features:
    return featurize(text, reply_cues(rule))


def reply_rule_features(text: str) -> Features:
    """Features of a reply exactly as review_reply computes them (for the training script)."""
    r = review_reply(text, _rules_only=True)
    rule = _ReplyRule(r.apology, r.excuse, r.ownership, r.empathy, r.next_step, r.has_date)
    return reply_features(normalize_quotes(clip(text)), rule)


_BARE_DAY_RE = re.compile(r"(?:today|tonight|this\s+(?:morning|afternoon|evening))$", re.IGNORECASE)
_PAST_CONTEXT_RE = re.compile(
    r"\b(?:thanks?|thank\s+you|earlier|was|were|had|did|missed|released|spoke|spoken|talked|called|tweeting|"
    r"\w+ed)\b[^.!?\n]*$",
    re.IGNORECASE,
)


def _past_mention(text: str, span: Span) -> bool:
    """ "We missed you today" / "thanks for calling today": a time that is not a deadline."""
    if not _BARE_DAY_RE.match(span.text.strip()):
        return False
    start = max(0, span.start - 80)
    return bool(_PAST_CONTEXT_RE.search(text, start, span.start))


_PROMISE_STEP_RE = re.compile(
    r"\b(?:i|we|they|our\s+(?:\w+\s+)?team|someone|a\s+(?:\w+\s+)?(?:specialist|expert|agent|member))\s*(?:'ll|’ll|\s+will)"
    r"\s+(?!be\s+(?:glad|happy|delighted|pleased|here|there|able)|need|try|not|never|do\s+(?:all|our\s+best|what)|"
    r"see\s+you|get\s+there|always|hope|have\s+to|get\s+(?:this|it|that)\s+sorted)(?:be\s+sure\s+to\s+|"
    r"definitely\s+|absolutely\s+|certainly\s+|also\s+)?[a-z]+",
    re.IGNORECASE,
)
_IMPERATIVE_RE = re.compile(
    r"(?:give|have|fill|speak|press|go|use|tap|click|select|open|try|check|restart|reboot|reinstall|update|send|dm|pm|"
    r"call|contact|visit|head|follow|email|reply|turn|make\s+sure|navigate|swipe|hold|power|reset|sign|log|clear|"
    r"delete|remove|install|uninstall|download|enable|disable|unplug|plug|switch|refresh|confirm|provide|share|"
    r"tell|include|attach|enter|choose|look|ring|message|report|submit|drop|pop|double-check|verify)\b",
    re.IGNORECASE,
)
_LEAD_RE = re.compile(
    r"(?:(?:@\w+|\d/\d|\d:)\s*)*(?:(?:hi|hey|hello|ok|okay|got\s+it|great|sure|thanks)\b[^.!?,]{0,20}[,.!]\s*)?",
    re.IGNORECASE,
)


def _imperatives_and_questions(text: str) -> list[Span]:
    """Sentences that tell the customer what to do ("Give it a try") or ask them something."""
    out: list[Span] = []
    for start, end in sentences(text):
        lead = _LEAD_RE.match(text, start, end)
        offset = lead.end() if lead else start
        m = _IMPERATIVE_RE.match(text, offset, end)
        if m is not None and not re.match(
            r"\s*(?:in|to|out|on)\b", text[m.end() : m.end() + 4], re.IGNORECASE
        ):
            out.append(span_from_match("next_step", text, m))
        sentence = text[start:end]
        if sentence.rstrip().endswith("?") and not _RHETORICAL_RE.search(sentence):
            out.append(Span("next_step", start, end, sentence))
    return out


_PROMISE_RE = re.compile(
    r"\b(?:i|we|our\s+\w+|someone|they)\s*(?:'ll|’ll|\s+will|\s+are\s+going\s+to|'m\s+going\s+to)\b", re.I
)


def _agent_promises(text: str) -> bool:
    return bool(_PROMISE_RE.search(text))
