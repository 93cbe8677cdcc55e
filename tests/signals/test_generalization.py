"""Phrasings written for these tests (not taken from any data set), to keep the rules general."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from anchordesk.signals import analyze_message, find_commitments, review_reply

SENT = datetime(2026, 11, 18, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a Wednesday


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I'm sorry we shipped the wrong size.", "sincere"),
        ("Sorry the app logged you out.", "sincere"),
        ("We're sorry you had to wait so long for a reply.", "sincere"),
        ("I apologise that your refund took three weeks.", "sincere"),
        ("So sorry about the mix-up with your booking!", "sincere"),
        ("I’m sorry your parcel hasn’t arrived.", "sincere"),  # curly apostrophes
        ("Apologies for the inconvenience caused.", "formulaic"),
        ("We regret any inconvenience.", "formulaic"),
        ("Sorry for the confusion!", "formulaic"),
        ("We apologize for any issues this may have caused.", "formulaic"),
        ("Sorry that you feel we didn't help.", "non_apology"),
        ("Sorry, but refunds after 30 days aren't possible.", "non_apology"),
        ("My apologies if my last message was unclear.", "non_apology"),
        ("Lamentamos el inconveniente.", "formulaic"),
    ],
)
def test_apology_kinds_on_new_phrasings(text: str, kind: str) -> None:
    assert review_reply(text).apology == kind


@pytest.mark.parametrize(
    "text",
    [
        "We're experiencing unusually high demand.",
        "Unfortunately the bank takes 5 days to process this.",
        "Per our terms, we can't refund digital items.",
        "Our system doesn't allow changes after dispatch.",
    ],
)
def test_excuses_on_new_phrasings(text: str) -> None:
    assert review_reply(text).excuse


@pytest.mark.parametrize(
    ("text", "action", "due"),
    [
        (
            "I'll email you the invoice by tomorrow noon.",
            "email you the invoice",
            datetime(2026, 11, 19, 12, 0),
        ),
        (
            "We will refund the difference within 5 working days.",
            "refund the difference",
            datetime(2026, 11, 25, 17, 0),
        ),
        ("Our engineers will push a fix next week.", "push a fix", datetime(2026, 11, 27, 17, 0)),
        (
            "We'll have a technician out to you on December 2nd.",
            "have a technician out to you",
            datetime(2026, 12, 2, 17, 0),
        ),
        (
            "Expect a call from us in the next 48 hours.",
            "Expect a call from us",
            datetime(2026, 11, 20, 15, 0),
        ),
        ("I will follow up first thing tomorrow morning.", "follow up", datetime(2026, 11, 19, 9, 0)),
        (
            "We'll credit your account by the end of the week.",
            "credit your account",
            datetime(2026, 11, 20, 17, 0),
        ),
        ("I'll call you back at 4pm.", "call you back", datetime(2026, 11, 18, 16, 0)),
    ],
)
def test_commitments_on_new_phrasings(text: str, action: str, due: datetime) -> None:
    found = find_commitments(text, sent_at=SENT, tz="Europe/Berlin")
    assert len(found) == 1
    assert found[0].action == action
    assert found[0].due is not None
    assert found[0].due.replace(tzinfo=None) == due


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Get me your supervisor.", 1),
        ("I demand to speak with someone in charge", 1),
        ("Can you escalate my complaint please?", 1),
        ("Is there a human I can chat to?", 1),
        ("I already asked for a manager yesterday and nothing", 2),
        ("If this isn't fixed I'll go to your CEO", 2),
        ("The manager at your Leeds store was lovely", 0),
        ("I'm a project manager and need invoices", 0),
    ],
)
def test_manager_requests_on_new_phrasings(text: str, level: int) -> None:
    assert analyze_message(text).manager_request == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("This is the fourth time I've contacted you about this.", 1),
        ("great, another week without internet. thanks a lot", 1),
        ("Absolutely livid. Sort it out.", 1),
        ("I'm going to report you to trading standards", 2),
        ("Hi, can you tell me if my order shipped?", 0),
        ("ok thanks", 0),
    ],
)
def test_frustration_on_new_phrasings(text: str, level: int) -> None:
    assert analyze_message(text).frustration == level


def test_sarcastic_thanks_is_not_thanks() -> None:
    assert not analyze_message("great, another week without internet. thanks a lot").thanks


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Grievances phrased politely or as idioms.
        ("It would be nice if someone actually read my emails.", 1),
        ("Here we go again, the app logged me out.", 1),
        ("Nobody can tell me where my parcel is.", 1),
        ("How much longer do I have to wait for the refund?", 1),
        ("I told your agent twice and she just wasn't listening", 1),
        # "No one" without a grievance, and happy exclamation marks.
        ("No one wanted the last slice of cake, so I had it.", 0),
        ("My favourite shop!!! The new menu is lovely ❤️", 0),
        ("We love the new app!!! So easy to use", 0),
    ],
)
def test_frustration_idioms_and_happy_exclamations(text: str, level: int) -> None:
    assert analyze_message(text).frustration == level


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Owning up in the same sentence names what the apology is for.
        ("That was our mistake and I'm sorry.", "sincere"),
        ("Sorry for the trouble, that's on us.", "sincere"),
        ("We got it wrong, and I apologize.", "sincere"),
        # Owning up elsewhere, or owning without naming anything, does not.
        ("Sorry for any inconvenience. We made a mistake last week.", "formulaic"),
        ("I'm sorry we let you down!", "formulaic"),
    ],
)
def test_an_apology_with_an_admission_in_its_sentence_is_sincere(text: str, kind: str) -> None:
    from anchordesk.signals import review_reply

    assert review_reply(text).apology == kind


def test_by_the_weekend_is_the_last_business_day_before_it() -> None:
    from datetime import UTC, datetime

    from anchordesk.signals import find_commitments

    wednesday = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    [found] = find_commitments("I'll make sure this gets fixed before the weekend.", sent_at=wednesday)
    assert found.due_text == "before the weekend" and found.due == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    [found] = find_commitments("We'll send it by the weekend.", sent_at=saturday)
    assert found.due == datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    [found] = find_commitments("I'll call you over the weekend.", sent_at=wednesday)
    assert found.due is None  # during the weekend, not a deadline before it


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Telling us to escalate is asking now; saying you will is a threat (level 2).
        ("escalate this to corporate", 1),
        ("Please take this to your manager.", 1),
        ("I'd like this escalated", 1),
        ("I will escalate this if it's not fixed", 2),
        ("I'll take this to a manager if I have to", 2),
        ("I escalated it to corporate last week", 2),
        ("we escalated the issue to our engineering team", 0),
    ],
)
def test_escalation_imperatives_and_threats(text: str, level: int) -> None:
    assert analyze_message(text).manager_request == level


@pytest.mark.parametrize(
    ("text", "excuse"),
    [
        ("Our courier partner is responsible for the delay.", True),
        ("We're short-staffed this week so replies are slow.", True),
        ("The glitch was caused by a third-party provider.", True),
        ("As stated in our terms, refunds are not possible.", True),
        # Policy in the customer's favour, and owning it, are not excuses.
        ("Under our policy you're entitled to a full refund, which I've issued.", False),
        ("We are responsible for this and I'm sorry.", False),
    ],
)
def test_blame_short_staffing_and_terms_as_a_shield_are_excuses(text: str, excuse: bool) -> None:
    from anchordesk.signals import review_reply

    assert review_reply(text).excuse is excuse


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Still no word on my replacement.", 1),
        ("Great, another delay. Love it.", 1),
        ("I was promised a callback yesterday and still nothing.", 1),
        ("Worst hotel I have stayed in. Never again.", 2),
        ("I was told to contact you about my order number.", 0),
        ("I can't believe how fast that was, thank you!", 0),
    ],
)
def test_broken_promises_sarcastic_another_and_never_again(text: str, level: int) -> None:
    assert analyze_message(text).frustration == level
