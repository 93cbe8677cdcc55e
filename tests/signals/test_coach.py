"""Reply coach: apology kinds, excuses, ownership, empathy, next steps, dates, questions."""

from __future__ import annotations

import pytest

from anchordesk.signals import ReplyReview, review_reply


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I'm sorry we charged you twice. I've refunded the second charge.", "sincere"),
        ("Sorry your order arrived damaged! Please DM us the order number.", "sincere"),
        ("I apologize for the delay in getting back to you.", "sincere"),
        ("Sorry for any inconvenience.", "formulaic"),
        ("We apologize for the trouble. How can we help?", "formulaic"),
        ("I'm sorry to hear that, Jackie! What happened?", "formulaic"),
        ("Sorry about that.", "formulaic"),
        ("Sorry if you feel that we let you down.", "non_apology"),
        ("I'm sorry you feel that way.", "non_apology"),
        ("We apologize if this caused any confusion.", "non_apology"),
        ("Sorry, but that's our policy.", "non_apology"),
        ("We're sorry for your frustration.", "non_apology"),
        ("Thanks for reaching out! Please DM us your order number.", "none"),
    ],
)
def test_apology_kinds(text: str, kind: str) -> None:
    assert review_reply(text).apology == kind


def test_non_apology_gets_a_finding_with_a_suggestion() -> None:
    text = "Sorry if you feel that way."
    r = review_reply(text)
    finding = next(f for f in r.findings if f.kind == "non_apology")
    assert finding.span is not None
    assert text[finding.span.start : finding.span.end] == finding.span.text
    assert "sorry" in finding.suggestion.lower()


def test_formulaic_apology_suggests_naming_the_problem() -> None:
    r = review_reply("Sorry for any inconvenience. I've issued a refund.")
    assert [f.kind for f in r.findings if "apology" in f.kind] == ["formulaic_apology"]
    assert "Name what went wrong" in r.findings[0].suggestion


@pytest.mark.parametrize(
    "text",
    [
        "Due to high volume, replies are taking longer than usual.",
        "This is due to circumstances beyond our control.",
        "It's not our fault, the carrier lost the package.",
        "The system automatically cancels unpaid orders.",
        "You should have contacted us within 30 days.",
        "Unfortunately that's our policy.",
    ],
)
def test_excuses_are_flagged(text: str) -> None:
    r = review_reply(text)
    assert r.excuse
    assert any(f.kind == "excuse" and f.span is not None for f in r.findings)


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry we charged you twice. I've refunded the extra charge today.",
        "That was our mistake, and I've fixed the address on your account.",
        "Please DM us your order number and we'll look into it.",
    ],
)
def test_owned_replies_have_no_excuse(text: str) -> None:
    assert not review_reply(text).excuse


def test_ownership() -> None:
    assert review_reply("That's on us. I've corrected the invoice.").ownership
    assert review_reply("We made a mistake with your order and I'm fixing it now.").ownership
    assert not review_reply("Please restart the app.").ownership


def test_empathy_finding_only_when_the_customer_is_upset() -> None:
    text = "Please restart the router and tell us if the light turns green."
    calm = review_reply(text)
    upset = review_reply(text, customer_upset=True)
    assert not any(f.kind == "empathy" for f in calm.findings)
    assert any(f.kind == "empathy" for f in upset.findings)
    warm = review_reply(
        "I can see how frustrating this must be. Please restart the router.", customer_upset=True
    )
    assert warm.empathy
    assert not any(f.kind == "empathy" for f in warm.findings)


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("I've issued the refund.", "concrete"),
        ("Please DM your order number.", "concrete"),
        ("I'll call you tomorrow at 10am.", "concrete"),
        ("We're looking into it.", "vague"),
        ("Hope this helps!", "vague"),
        ("Thanks for your feedback.", "none"),
    ],
)
def test_next_step(text: str, step: str) -> None:
    assert review_reply(text).next_step == step


def test_promise_without_a_date_suggests_saying_when() -> None:
    r = review_reply("I'll send you a replacement.")
    finding = next(f for f in r.findings if f.kind == "no_date")
    assert finding.suggestion.startswith("Say when")
    dated = review_reply("I'll send you a replacement by Friday.")
    assert dated.has_date
    assert not any(f.kind == "no_date" for f in dated.findings)


@pytest.mark.parametrize(
    "text",
    [
        "It should arrive within 3-5 business days.",
        "You'll hear from us tomorrow.",
        "We'll call you in 2 hours.",
    ],
)
def test_has_date(text: str) -> None:
    assert review_reply(text).has_date


def test_questions_need_a_reason() -> None:
    bare = review_reply("What is your order number? Which card did you use?")
    assert bare.unexplained_questions
    assert any(f.kind == "unexplained_questions" for f in bare.findings)
    explained = review_reply("Could you send your order number, so I can find the charge?")
    assert not explained.unexplained_questions


def test_a_good_reply_has_no_findings() -> None:
    text = (
        "I'm so sorry we charged you twice, that's on us. I can see how frustrating this is. "
        "I've refunded the second charge and you'll see it on your card within 3 business days."
    )
    r = review_reply(text, customer_upset=True)
    assert isinstance(r, ReplyReview)
    assert (r.apology, r.excuse, r.ownership, r.empathy, r.next_step, r.has_date) == (
        "sincere",
        False,
        True,
        True,
        "concrete",
        True,
    )
    assert r.findings == []
    for sp in r.evidence:
        assert text[sp.start : sp.end] == sp.text
