"""What counts as exposure, on its own (pure): abuse and swearing at the person, not at a product."""

from __future__ import annotations

import pytest

from anchordesk.signals import analyze_message
from anchordesk.wellbeing.exposure import exposure_kind


def kind(text: str) -> str | None:
    a = analyze_message(text)
    evidence = [{"label": e.label, "start": e.start, "end": e.end} for e in a.evidence]
    return exposure_kind(text, abusive=a.abusive, profanity=a.profanity, evidence=evidence)


@pytest.mark.parametrize(
    "text",
    [
        "This is RIDICULOUS!!! Third time I write and NOBODY answers. Worst company ever.",
        "THIS IS UNACCEPTABLE, I'M CANCELLING MY ACCOUNT!!!",
        "This fucking router is shit, third one this year!!!",
        "Holy shit, thank you, it works!",
        "My order is late, can you check?",
    ],
)
def test_upset_with_the_product_or_calm_is_not_exposure(text: str) -> None:
    assert kind(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You are a useless idiot, you stupid moron.", "abusive"),
        ("Your agents are useless idiots.", "abusive"),
        ("What the hell is wrong with you people? Fix it!", "hostile"),
        ("Are you fucking kidding me? Still no refund.", "hostile"),
    ],
)
def test_abuse_and_swearing_at_staff_are_exposure(text: str, expected: str) -> None:
    assert kind(text) == expected
