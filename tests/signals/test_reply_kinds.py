"""The reply signals on whole kinds the issue listed (issue 12), each with hard negatives.

Excuses that name a cause in any wording, non-apologies, a specific apology, and the promise forms
the product missed or invented. Written here for the tests; none of it is a validation row.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from anchordesk.signals import find_commitments, review_reply

# Monday 7 December 2026, 09:30 UTC.
MONDAY = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        # demand and volume
        "Due to high demand, deliveries are running late this week.",
        "We're experiencing a high volume of calls, so replies may be slower.",
        "We've had an influx of claims after the storm, so assessments are taking longer.",
        "Our team is stretched thin at the moment, so it's taking longer.",
        # repairs, maintenance, weather
        "Owing to repairs at the depot, collections are suspended.",
        "The engineers' maintenance work caused the outage.",
        "Your parcel is delayed because of the storm in the Midlands.",
        "The weather caused the delay.",
        # a third party
        "The delay was caused by our courier.",
        "Unfortunately the supplier hasn't sent us the part yet.",
        "It's the delivery company's fault, not ours.",
        "The box office is run by a ticketing partner.",
        "That decision is made by the underwriters.",
        "We don't set the prices, the publisher does.",
        # a system
        "There was a system outage yesterday which caused the double charge.",
        "As a result of an IT issue, your order wasn't processed.",
        "A glitch in the app dropped your booking.",
        "Our servers are currently down, so we can't see your account.",
        # staff, circumstances, deflection
        "We're short-staffed over the holidays so it may take longer.",
        "Due to circumstances beyond our control, your flight was cancelled.",
        "Sorry for any inconvenience, but the courier lost the parcel.",
        "Apologies for the wait - the lab sends results in batches.",
    ],
)
def test_a_failure_put_on_a_named_cause_is_an_excuse(text: str) -> None:
    r = review_reply(text)
    assert r.excuse
    finding = next(f for f in r.findings if f.kind == "excuse")
    assert finding.span is not None and text[finding.span.start : finding.span.end] == finding.span.text


@pytest.mark.parametrize(
    "text",
    [
        "The delay happened because we made a mistake with your address. That's on us.",
        "We charged you twice because of an error on our side; I've refunded it.",
        "High demand is no excuse - we should have warned you about the wait.",
        "Planned maintenance on Sunday 2-4am: the app will be unavailable.",
        "Because you asked: the charge is the annual fee, which I've now waived.",
        "Sorry for any inconvenience, but I've refunded the charge now.",
        "Sorry for any trouble, but could you send us your order number?",
        "Here is how to work around the issue until it is fixed in a future software update.",
        "I've booked you on the first ferry tomorrow at no cost.",
        # the product's own outage macro and demo reply (tests/recovery/test_own_words.py)
        "There is an outage in your area and our network team is on it.",
        "The fault is a known issue with this batch of the router; a new unit goes out today.",
    ],
)
def test_an_owned_cause_a_notice_or_a_fix_is_no_excuse(text: str) -> None:
    assert not review_reply(text).excuse


def test_sorry_but_with_a_generic_object_is_formulaic_and_an_excuse() -> None:
    r = review_reply("Sorry for any inconvenience, but the courier lost the parcel.")
    assert (r.apology, r.excuse) == ("formulaic", True)


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry you feel that way.",
        "Sorry if you were upset by our email.",
        "We regret that you are unhappy with the service.",
        "Sorry for any frustration this has caused.",
        "Sorry to disappoint, but we can't refund it.",
        "I'm sorry you've been left feeling ignored.",
        "Sorry that's how you feel.",
        "I'm sorry you found the checkout confusing.",
        "Sorry you're unhappy with the delay.",
    ],
)
def test_non_apologies(text: str) -> None:
    r = review_reply(text)
    assert r.apology == "non_apology"
    assert any(f.kind == "non_apology" for f in r.findings)


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry we charged you twice.",
        "Sorry your order arrived damaged.",
        "I'm sorry you were charged twice for the same order.",
        "We apologize for the delay in your refund.",
        "Sorry about the frustration with the app crashing; we've fixed it.",
    ],
)
def test_an_apology_that_names_what_went_wrong_is_sincere(text: str) -> None:
    r = review_reply(text)
    assert r.apology == "sincere"
    assert not any(f.kind in ("non_apology", "formulaic_apology") for f in r.findings)


def test_a_reply_to_a_thank_you_has_no_apology_finding() -> None:
    r = review_reply("Thanks so much for the kind words, Maria! Enjoy the new bike.", customer_upset=False)
    assert r.apology == "none"
    assert not any(f.kind in ("no_apology", "non_apology", "formulaic_apology") for f in r.findings)


def promises(text: str) -> list[tuple[str, str, date | None]]:
    return [
        (c.action, c.due_text, c.due.date() if c.due else None)
        for c in find_commitments(text, sent_at=MONDAY, tz="UTC")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'll call you today at 16:00.", [("call you", "today at 16:00", date(2026, 12, 7))]),
        ("We'll ship today.", [("ship", "today", date(2026, 12, 7))]),
        ("Your order will ship today.", [("Your order will ship", "today", date(2026, 12, 7))]),
        (
            "The right charger goes out this afternoon.",
            [("The right charger goes out", "this afternoon", date(2026, 12, 7))],
        ),
        ("I'll sort this out right away.", [("sort this out", "right away", date(2026, 12, 7))]),
        (
            "We'll send the refund within 10 days.",
            [("send the refund", "within 10 days", date(2026, 12, 17))],
        ),
        ("I'll go ahead and ship it today.", [("ship it", "today", date(2026, 12, 7))]),
        (
            "Here's what we'll do next: I'll refund the charge by Friday.",
            [("refund the charge", "by Friday", date(2026, 12, 11))],
        ),
    ],
)
def test_promise_forms_with_their_dates(text: str, expected: list[tuple[str, str, date | None]]) -> None:
    assert promises(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Let me know what you'd like to do next.",
        "Please reply and we'll take it from there.",
        "Would you like me to send a replacement?",
        "If you'd like, I can send a replacement.",
        "Should you wish, we will send a replacement.",
        "You'll need to restart the router, then it should work.",
        "We sent the replacement yesterday.",
        "We should have warned you about the data cap.",
        "I can see how we'll fix this once the part is in.",
        "Kind regards, The Support Team. We will never ask for your password.",
        "Your parcel shipped today.",
    ],
)
def test_not_promises(text: str) -> None:
    assert promises(text) == []
