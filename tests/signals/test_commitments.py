"""Commitments and due-date resolution in the customer's business calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from anchordesk.signals import BusinessCalendar, find_commitments, resolve_due

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 18 November 2026, 15:00 in Berlin.
WEDNESDAY_3PM = datetime(2026, 11, 18, 15, 0, tzinfo=BERLIN)


def due(
    text: str, sent_at: datetime = WEDNESDAY_3PM, calendar: BusinessCalendar | None = None
) -> datetime | None:
    return resolve_due(text, sent_at=sent_at, tz="Europe/Berlin", calendar=calendar)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by end of day", datetime(2026, 11, 18, 17, 0)),
        ("today", datetime(2026, 11, 18, 17, 0)),
        ("tomorrow", datetime(2026, 11, 19, 17, 0)),
        ("by Friday", datetime(2026, 11, 20, 17, 0)),
        ("within 3 business days", datetime(2026, 11, 23, 17, 0)),  # Thu, Fri, (weekend), Mon
        ("in 2 hours", datetime(2026, 11, 18, 17, 0)),
        ("within 24 hours", datetime(2026, 11, 19, 15, 0)),
        ("first thing Monday", datetime(2026, 11, 23, 9, 0)),
        ("end of next week", datetime(2026, 11, 27, 17, 0)),
        ("next Tuesday", datetime(2026, 11, 24, 17, 0)),
        ("March 3", datetime(2027, 3, 3, 17, 0)),
        ("3/14", datetime(2027, 3, 14, 17, 0)),
        ("December 1", datetime(2026, 12, 1, 17, 0)),
        ("by Friday 10 am", datetime(2026, 11, 20, 10, 0)),
        ("tomorrow at 2:30pm", datetime(2026, 11, 19, 14, 30)),
        ("within 3-5 business days", datetime(2026, 11, 25, 17, 0)),
        ("end of the month", datetime(2026, 11, 30, 17, 0)),
    ],
)
def test_due_dates_resolve_in_the_customer_zone(text: str, expected: datetime) -> None:
    got = due(text)
    assert got is not None
    assert got.tzinfo is not None
    assert got.replace(tzinfo=None) == expected
    assert got.utcoffset() == timedelta(hours=1)  # CET in November


def test_end_of_day_after_hours_rolls_to_next_business_day() -> None:
    friday_evening = datetime(2026, 11, 20, 19, 0, tzinfo=BERLIN)
    got = due("by end of day", sent_at=friday_evening)
    assert got is not None and got.replace(tzinfo=None) == datetime(2026, 11, 23, 17, 0)


def test_business_days_skip_holidays_and_use_custom_hours() -> None:
    cal = BusinessCalendar.weekly(
        "Europe/Berlin", days=(0, 1, 2, 3, 4), opens="08:00", closes="16:00", holidays=[date(2026, 11, 19)]
    )
    got = due("within 2 business days", calendar=cal)
    assert got is not None and got.replace(tzinfo=None) == datetime(2026, 11, 23, 16, 0)  # Fri, Mon
    first = due("first thing tomorrow", calendar=cal)
    assert first is not None and first.replace(tzinfo=None) == datetime(2026, 11, 19, 8, 0)


def test_utc_sent_time_is_converted_before_resolving() -> None:
    # 23:30 UTC on Wednesday is already Thursday in Berlin.
    sent = datetime(2026, 11, 18, 23, 30, tzinfo=ZoneInfo("UTC"))
    got = due("tomorrow", sent_at=sent)
    assert got is not None and got.date() == date(2026, 11, 20)


def test_vague_times_have_no_due_date() -> None:
    assert due("soon") is None
    assert due("as soon as possible") is None


def test_find_commitments_with_actions_and_dates() -> None:
    text = "I'm sorry about this. I'll refund you by Friday, and we will send a replacement within 3 business days."
    found = find_commitments(text, sent_at=WEDNESDAY_3PM, tz="Europe/Berlin")
    assert [c.action for c in found] == ["refund you", "send a replacement"]
    assert [c.due_text for c in found] == ["by Friday", "within 3 business days"]
    assert [c.due.date() if c.due else None for c in found] == [date(2026, 11, 20), date(2026, 11, 23)]
    for c in found:
        assert text[c.span.start : c.span.end] == c.span.text
        assert c.action in c.span.text


@pytest.mark.parametrize(
    ("text", "action", "due_text"),
    [
        ("Please DM us and we'll check this for you.", "check this for you", ""),
        ("We've got your details and will be in touch soon.", "be in touch", "soon"),
        ("Our team will call you tomorrow.", "call you", "tomorrow"),
        (
            "I'm going to follow up with billing first thing Monday.",
            "follow up with billing",
            "first thing Monday",
        ),
        ("Let me look into this for you.", "look into this for you", ""),
        (
            "You'll receive a confirmation email within 24 hours.",
            "You'll receive a confirmation email",
            "within 24 hours",
        ),
    ],
)
def test_commitment_kinds(text: str, action: str, due_text: str) -> None:
    found = find_commitments(text, sent_at=WEDNESDAY_3PM, tz="Europe/Berlin")
    assert len(found) == 1
    assert found[0].action == action
    assert found[0].due_text == due_text


@pytest.mark.parametrize(
    "text",
    [
        "Please send us your order number.",  # request
        "I've already issued the refund.",  # done
        "I will be glad to assist you.",  # willingness
        "We'd be happy to help with that.",
        "Hopefully we'll get there soon!",  # hedge
        "We won't be able to call you.",  # refusal
        "Will you be home tomorrow?",  # question
        "A charge will be applied to bags.",  # policy, not a promise
        "I will need your account number.",  # requirement
        "",
    ],
)
def test_not_commitments(text: str) -> None:
    assert find_commitments(text, sent_at=WEDNESDAY_3PM) == []


def test_naive_sent_at_is_taken_in_the_given_zone() -> None:
    found = find_commitments(
        "We'll call you tomorrow.", sent_at=datetime(2026, 11, 18, 15, 0), tz="Europe/Berlin"
    )
    assert found[0].due is not None
    assert found[0].due.tzinfo is not None
    assert found[0].due.date() == date(2026, 11, 19)


def test_calendar_rejects_bad_workdays() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar.weekly(days=())
    with pytest.raises(ValueError):
        BusinessCalendar.weekly(days=(7,))


def test_due_dates_across_the_dst_change_keep_wall_clock_times() -> None:
    # Friday 23 October 2026, 15:00 CEST (+2); Berlin falls back to CET (+1) on Sunday the 25th.
    friday = datetime(2026, 10, 23, 15, 0, tzinfo=BERLIN)
    got = due("within 3 business days", sent_at=friday)
    assert got is not None
    assert got.replace(tzinfo=None) == datetime(2026, 10, 28, 17, 0)
    assert got.utcoffset() == timedelta(hours=1)
    assert friday.utcoffset() == timedelta(hours=2)
