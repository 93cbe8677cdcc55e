"""Whole kinds of customer message the first rules missed (issue 12), with their hard negatives.

Phrasings written for these tests, not copied from any training row or data set, so they check
that the manager and frustration decisions hold on wording the heads never saw. Known misses
(docs/signals.md, Limits) are left out: "Is there anybody above you who could sort this out?",
"Who is your supervisor? Put them on please.", "Let me talk to somebody who can actually make
decisions." (scored about 0.5 to 0.7, under the 0.76 threshold) and dry sarcasm ("Oh lovely, the
replacement doesn't charge either.").
"""

from __future__ import annotations

import pytest

from anchordesk.signals import analyze_message


def _spans_hold(text: str) -> None:
    a = analyze_message(text)
    for sp in a.evidence:
        assert text[sp.start : sp.end] == sp.text


@pytest.mark.parametrize(
    "text",
    [
        # questions
        "Is there a manager around I could talk to?",
        # executives, corporate, head office
        "Please send my complaint on to your head office.",
        "I'd like someone from corporate to call me back today.",
        # fragments and other ways in
        "Supervisor please.",
        "Can a manager call me about the refund?",
    ],
)
def test_requests_for_someone_higher_are_level_one(text: str) -> None:
    a = analyze_message(text)
    assert a.manager_request == 1
    assert a.manager_request_score >= 0.5
    assert any(sp.label.startswith("manager_request") for sp in a.evidence)
    _spans_hold(text)


@pytest.mark.parametrize(
    "text",
    [
        "I've already asked for a supervisor twice and heard nothing.",
        "Your colleague promised a manager would phone me on Monday. Nobody did.",
        "If this isn't fixed by Friday I'm taking it to your CEO.",
    ],
)
def test_earlier_requests_and_threats_are_level_two(text: str) -> None:
    a = analyze_message(text)
    assert a.manager_request == 2
    assert any(sp.label.startswith("manager_request") for sp in a.evidence)
    _spans_hold(text)


@pytest.mark.parametrize(
    "text",
    [
        "The store manager was rude when I returned the jacket.",
        "My account manager told me the upgrade was included.",
        "I manage a team of nine and we all use your app.",
        "The manager app won't sync my calendar.",
        "Thanks to your supervisor for sorting the refund so fast!",
        "Please pass my thanks on to your manager, Ana was great.",
        "My boss needs a VAT invoice for this order.",
        "Do you offer corporate accounts for charities?",
        "Task Manager shows your updater using all my memory.",
        "My husband wants to speak to a manager but I just want the tracking number.",
    ],
)
def test_a_manager_named_but_not_asked_for_is_no_request(text: str) -> None:
    a = analyze_message(text)
    assert a.manager_request == 0
    assert not any(sp.label.startswith("manager_request") for sp in a.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Fourth time I'm writing in about the same leak.",
        "Still not fixed. Another week gone.",
        "I honestly don't know why I keep trying with you.",
        "Really disappointed, I expected a lot better after ten years as a customer.",
    ],
)
def test_unshouted_frustration_is_frustration(text: str) -> None:
    a = analyze_message(text)
    assert a.frustration >= 1
    assert any(sp.label in {"frustration", "repeat_contact", "waiting", "sarcasm"} for sp in a.evidence)
    _spans_hold(text)


@pytest.mark.parametrize(
    "text",
    [
        "Could you tell me when the next delivery slot is?",
        "Thanks so much, that fixed it!",
        "Hi, is there a fee for changing the date of my booking?",
        "Just following up on ticket 20931, no rush.",
    ],
)
def test_polite_questions_and_thanks_are_calm(text: str) -> None:
    assert analyze_message(text).frustration == 0
