"""The one business-calendar type: its whole-day answers, used by promise due dates."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from anchordesk import business_clock as clock
from anchordesk.business_calendar import BusinessCalendar, office_hours
from anchordesk.signals import BusinessCalendar as SignalsCalendar

# Monday and Tuesday 08:00-16:00, Friday 08:00-12:00 and a night shift to 02:00; 23 Nov 2026 off.
SHIFTS = BusinessCalendar.from_dict(
    {
        "tz": "Europe/Berlin",
        "hours": {
            "mon": [["08:00", "16:00"]],
            "tue": [["08:00", "16:00"]],
            "fri": [["08:00", "12:00"], ["22:00", "02:00"]],
        },
        "holidays": ["2026-11-23"],
    }
)


def test_one_type_serves_the_sla_clock_and_the_signals() -> None:
    assert clock.BusinessCalendar is BusinessCalendar
    assert SignalsCalendar is BusinessCalendar


def test_business_days_skip_closed_weekdays_and_holidays() -> None:
    wednesday = date(2026, 11, 18)
    assert not SHIFTS.is_business_day(wednesday)
    assert not SHIFTS.is_business_day(date(2026, 11, 23))  # a Monday, but a holiday
    assert SHIFTS.next_business_day(wednesday) == date(2026, 11, 20)
    assert SHIFTS.next_business_day(date(2026, 11, 20), include=True) == date(2026, 11, 20)
    assert SHIFTS.add_business_days(wednesday, 2) == date(2026, 11, 24)  # Friday, (holiday Monday), Tuesday
    assert SHIFTS.add_business_days(wednesday, 0) == wednesday
    assert SHIFTS.previous_business_day(date(2026, 11, 23)) == date(2026, 11, 20)
    assert SHIFTS.business_days_per_week == 3


def test_opening_and_closing_minutes_per_day() -> None:
    assert SHIFTS.opens_at(date(2026, 11, 24)) == 8 * 60
    assert SHIFTS.closes_at(date(2026, 11, 24)) == 16 * 60
    assert SHIFTS.closes_at(date(2026, 11, 20)) == 26 * 60  # the night shift ends at 02:00 Saturday
    # A closed day answers with the week's usual hours (two of three days close at 16:00).
    assert SHIFTS.opens_at(date(2026, 11, 18)) == 8 * 60
    assert SHIFTS.closes_at(date(2026, 11, 23)) == 16 * 60


def test_a_calendar_without_business_days_says_so() -> None:
    never = BusinessCalendar(tz="UTC")
    with pytest.raises(ValueError, match="no business day"):
        never.next_business_day(date(2026, 1, 1))
    assert never.add_business_days(date(2026, 1, 1), 0) == date(2026, 1, 1)


def test_weekly_and_office_hours_build_the_same_calendar_as_the_json_form() -> None:
    weekly = BusinessCalendar.weekly("Europe/Berlin", opens="09:00", closes="17:00")
    assert weekly == office_hours("Europe/Berlin")
    assert weekly.to_dict()["hours"]["mon"] == [["09:00", "17:00"]]
    assert "sat" not in weekly.to_dict()["hours"]
    with pytest.raises(ValueError, match="subset of 0..6"):
        BusinessCalendar.weekly(days=(0, 9))
    with pytest.raises(ValueError, match="time zone"):
        BusinessCalendar.weekly("Mars/Olympus")


def test_the_calendar_module_imports_no_django() -> None:
    code = (
        "import sys, anchordesk.business_calendar; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
