"""Customer message analysis: frustration, profanity, abuse, manager demand, thanks."""

from __future__ import annotations

import pytest

from anchordesk.signals import MessageAnalysis, Span, analyze_message


def assert_spans_match(text: str, spans: list[Span]) -> None:
    for sp in spans:
        assert text[sp.start : sp.end] == sp.text
        assert sp.label


@pytest.mark.parametrize(
    "text",
    [
        "I want to speak to your manager.",
        "Can I talk to a supervisor please",
        "Please escalate this to someone higher up.",
        "I need a customer service manager to contact me",
        "How do I get in touch with corporate?",
        "Let me talk to a real person, not a bot",
        "Transfer me to your supervisor now",
        "Is there a manager I can speak with?",
    ],
)
def test_manager_request_now_is_level_one(text: str) -> None:
    a = analyze_message(text)
    assert a.manager_request == 1
    assert any(s.label == "manager_request" for s in a.evidence)
    assert_spans_match(text, a.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "I asked for a supervisor twice and nobody called back.",
        "They said there was no supervisor available.",
        "Your agent refused to let me speak to a manager.",
        "I don't want to have to take this higher up.",
        "I'm still waiting for a supervisor to call me back.",
    ],
)
def test_earlier_request_or_threat_is_level_two(text: str) -> None:
    assert analyze_message(text).manager_request == 2


@pytest.mark.parametrize(
    "text",
    [
        "Device Manager shows a yellow triangle next to the driver.",
        "my account manager sorted it out, thanks",
        "The store manager was rude to my wife.",
        "Talked to a manager and she offered a voucher.",
        "That escalated quickly.",
        "He wants to speak to the manager lol",
        "My manager needs the receipt for my expenses.",
        "Open the task manager and end the process.",
    ],
)
def test_manager_hard_negatives(text: str) -> None:
    assert analyze_message(text).manager_request == 0


def test_asking_now_wins_over_earlier_request() -> None:
    a = analyze_message("I asked for a supervisor yesterday. I want to speak to a manager right now.")
    assert a.manager_request == 1


@pytest.mark.parametrize(
    "text",
    [
        "this fucking app crashed again",
        "What the hell is going on with my bill",
        "this is bullshit",
        "f*** this service",
        "what a load of sh!t",
        "you guys are such a b*tch to deal with",
        "damn it, still no signal",
    ],
)
def test_profanity_including_masked_forms(text: str) -> None:
    a = analyze_message(text)
    assert a.profanity
    prof = [s for s in a.evidence if s.label == "profanity"]
    assert prof
    assert_spans_match(text, prof)


@pytest.mark.parametrize(
    "text",
    [
        "I assume the assistant will reply by Friday.",
        "Hello, my cocktail order from Scunthorpe is missing.",
        "Please check the document titled 'Shell account'.",
        "The cumulative charges look wrong.",
        "What's the password for the class?",
        "Hell's Kitchen reservation please",
    ],
)
def test_innocent_words_are_not_profane(text: str) -> None:
    assert not analyze_message(text).profanity


def test_swearing_at_a_situation_is_not_abuse() -> None:
    a = analyze_message("this damn app keeps crashing")
    assert a.profanity
    assert not a.abusive
    assert a.frustration >= 1


@pytest.mark.parametrize(
    "text",
    [
        "You are useless idiots.",
        "your staff are a bunch of incompetent clowns",
        "f*** you",
        "screw you and your company",
        "I know where you live",
        "you're an idiot",
        "what a bunch of clowns you are",
    ],
)
def test_insults_and_threats_at_staff_are_abusive_and_hot(text: str) -> None:
    a = analyze_message(text)
    assert a.abusive
    assert a.frustration == 2
    assert a.hot


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("What time do you open on Sunday?", 0),
        ("Thanks, that fixed it!", 0),
        ("My order arrived today, it was a little smaller than I expected.", 0),
        ("This is the third time I'm asking about my refund", 1),
        ("Still waiting for a reply, this is ridiculous", 1),
        ("Worst customer service ever.", 1),
        ("Wow, great job losing my package again. Really impressive.", 1),
        ("THIS IS UNACCEPTABLE. FIX IT NOW", 2),
        ("Cancel my account. I'm switching to another provider.", 2),
        ("I will be contacting my lawyer about this", 2),
        ("Where is my refund!!!", 2),
    ],
)
def test_frustration_levels(text: str, level: int) -> None:
    a = analyze_message(text)
    assert a.frustration == level, a
    assert 0.0 <= a.frustration_score <= 1.0


def test_frustration_score_orders_levels() -> None:
    calm = analyze_message("Can you tell me the opening hours?")
    annoyed = analyze_message("Still waiting for a reply, this is ridiculous")
    angry = analyze_message("THIS IS UNACCEPTABLE, I'M CANCELLING MY ACCOUNT!!!")
    assert calm.frustration_score < annoyed.frustration_score < angry.frustration_score


def test_thanks_and_compliments() -> None:
    assert analyze_message("Thank you so much, Becky was very helpful!").thanks
    assert analyze_message("You guys are the best").thanks
    assert not analyze_message("Thanks for nothing. Worst service ever.").thanks
    assert not analyze_message("Where is my order?").thanks


def test_evidence_spans_point_into_the_text() -> None:
    text = "Third time asking!!! I want to talk to your supervisor, this damn thing is broken."
    a = analyze_message(text)
    assert {s.label for s in a.evidence} >= {"manager_request", "profanity", "shouting"}
    assert_spans_match(text, a.evidence)
    assert a.evidence == sorted(a.evidence, key=lambda s: (s.start, -s.end))


def test_empty_and_whitespace_messages_are_calm() -> None:
    for text in ("", "   ", "\n\n"):
        a = analyze_message(text)
        assert isinstance(a, MessageAnalysis)
        assert (a.frustration, a.profanity, a.abusive, a.manager_request, a.thanks) == (
            0,
            False,
            False,
            0,
            False,
        )
        assert a.evidence == []


@pytest.mark.parametrize("text", ["you're the best", "you are a star, thank you", "your app is useless"])
def test_praise_and_complaints_about_things_are_not_abuse(text: str) -> None:
    assert not analyze_message(text).abusive
