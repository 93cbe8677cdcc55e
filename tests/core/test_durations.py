"""Durations typed with units and shown with units, stored as whole minutes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anchordesk.core.durations import DurationField, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90", 90),
        ("30 min", 30),
        ("4 h", 240),
        ("4h", 240),
        ("1 h 30 min", 90),
        ("1h30m", 90),
        ("1.5 hours", 90),
        ("2,5 h", 150),
        ("2 days", 2880),
        ("1d 4h", 1680),
        ("1 day and 2 hours", 1560),
        (" 3 Hours ", 180),
    ],
)
def test_durations_people_type_are_read(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("soon", "is not a duration"),
        ("2 weeks", "“weeks” is not a unit"),
        ("h 2", "is not a duration"),
        ("4 h later", "is not a duration"),
        ("0 min", "at least 1 minute"),
        ("", "Enter a duration"),
    ],
)
def test_what_is_not_a_duration_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_duration(text)


def test_minutes_are_shown_in_the_largest_whole_units() -> None:
    assert [format_duration(m) for m in (1, 59, 60, 90, 1440, 2880, 1530)] == [
        "1 min",
        "59 min",
        "1 h",
        "1 h 30 min",
        "1 day",
        "2 days",
        "1 day 1 h 30 min",
    ]


@given(st.integers(min_value=1, max_value=525_600))
def test_what_is_shown_reads_back_as_the_same_minutes(minutes: int) -> None:
    assert parse_duration(format_duration(minutes)) == minutes


def test_the_form_field_cleans_to_minutes_and_shows_stored_minutes_with_units() -> None:
    field = DurationField(required=False, max_minutes=2880)
    assert field.clean("1 h 30 min") == 90
    assert field.clean("") is None
    assert field.prepare_value(240) == "4 h"
    with pytest.raises(Exception, match="At most 2 days"):
        field.clean("3 days")
