"""Praise of the agent or the service (kind words), with hard negatives: thanks is not praise."""

from __future__ import annotations

import pytest

from anchordesk.signals.praise import find_praise


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("you were so helpful", "you were so helpful"),
        ("Maria sorted it in minutes, thank you!", "Maria sorted it in minutes"),
        ("great service", "great service"),
        ("Thanks again, great service from start to finish.", "great service"),
        ("Just wanted to say thank you to Maria. So patient with me. Please pass it on!", "So patient"),
        (
            "Your colleague sorted out my problem in five minutes after I'd struggled for a week. Five stars.",
            "colleague sorted out my problem in five minutes",
        ),
        ("Five stars, would recommend.", "Five stars"),
        ("You've been really helpful, thank you so much!", "You've been really helpful"),
        ("Maria was an absolute star.", "Maria was an absolute star"),
        ("Perfect, thanks for making it easy.", "making it easy"),
        ("Thank you so much, that was really helpful!", "really helpful"),
        ("Tom went above and beyond for us.", "went above and beyond"),
        ("Thanks, you guys are amazing", "you guys are amazing"),
    ],
)
def test_praise_is_found_with_its_words(text: str, words: str) -> None:
    spans = find_praise(text)
    assert spans, text
    assert any(words in s.text or s.text in words for s in spans), [s.text for s in spans]
    for span in spans:
        assert text[span.start : span.end] == span.text and span.label == "praise"


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, Maria",
        "thanks",
        "ok thanks bye",
        "Thanks for the reply but it still doesn't work",
        "Thank you.",
        "Many thanks,\nDana",
        "Thanks for getting back to me. Order number is AD-12345.",
        # sarcasm
        "Thanks for nothing.",
        "Great job losing my parcel, thanks a lot.",
        "Wow, great service. Three weeks and still no refund.",
        "Great service, NOT.",
        "You were so helpful. NOT.",
        "Oh yes, very helpful as usual.",
        "Excellent customer service /s",
        # negated or about a thing, not a person
        "That wasn't very helpful.",
        "Not great service to be honest.",
        "It was great until it broke.",
        "The router is amazing.",
        "",
    ],
)
def test_greetings_perfunctory_thanks_and_sarcasm_are_not_praise(text: str) -> None:
    assert find_praise(text) == [], text


def test_curly_apostrophes_keep_the_evidence_on_the_original_text() -> None:
    text = "You’ve been so helpful, thank you!"
    [span] = find_praise(text)
    assert span.text == text[span.start : span.end] and "helpful" in span.text


def test_huge_input_is_bounded() -> None:
    text = "you were so helpful " * 20_000
    spans = find_praise(text)
    assert spans and all(s.end <= 20_000 for s in spans)
