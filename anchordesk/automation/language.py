"""Which language a customer wrote in, for skills-based assignment. Pure Python, no Django.

A guess from the most common short words of each language: good enough to route a ticket
written in Spanish to an agent with the skill "spanish" (or "es"), and silent (None) when
the text is too short or too mixed to tell.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)

_COMMON = {
    "en": "the and is to of my it not you have your this that with for was but are please thanks hello order",
    "es": "el la los las que y es en por una un mi no con para del se lo pero hola gracias pedido está tengo",
    "de": "der die das und ist nicht ich mit zu ein eine mein meine bitte danke hallo auf habe noch wurde",
    "fr": "le la les et est je pas un une mon ma pour des du que bonjour merci vous avec ne commande suis",
    "pt": "o os as que e não um uma meu minha para com do da obrigado olá pedido está tenho mas",
    "it": "il lo gli che e non un una mio mia per sono con del della grazie ciao ordine ho ancora",
    "nl": "de het een en is niet ik mijn van voor met dat bedankt hallo bestelling heb nog maar",
}
COMMON = {code: frozenset(words.split()) for code, words in _COMMON.items()}

NAMES = {
    "en": "english",
    "es": "spanish",
    "de": "german",
    "fr": "french",
    "pt": "portuguese",
    "it": "italian",
    "nl": "dutch",
}

MIN_HITS = 3


def guess_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when it cannot tell."""
    words = [w.lower() for w in _WORDS.findall(text or "")[:400]]
    scores = {code: sum(1 for w in words if w in common) for code, common in COMMON.items()}
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < MIN_HITS or top < second * 1.5:
        return None
    return best


def language_skills(text: str) -> set[str]:
    """The skill names an agent may have for the text's language: {"es", "spanish"}."""
    code = guess_language(text)
    return set() if code is None else {code, NAMES[code]}
