"""The SLA clock: unit cases for the tricky days, and properties checked against a
brute-force reference that walks minute by minute in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from anchordesk.business_clock import (
    BusinessCalendar,
    Pause,
    add_business_time,
    business_minutes_between,
    business_time_between,
    due_after_pauses,
    end_of_business_day,
    is_open,
    next_opening,
    time_used,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
MINUTE = timedelta(minutes=1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def office(
    tz: str = "Europe/Berlin", holidays: list[str] | None = None, days: tuple[str, ...] = WEEKDAYS
) -> BusinessCalendar:
    return BusinessCalendar.from_dict(
        {"tz": tz, "hours": {day: [["09:00", "17:00"]] for day in days}, "holidays": holidays or []}
    )


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)


# --- building calendars ----------------------------------------------------------------


def test_from_dict_reads_intervals_past_midnight_and_to_midnight() -> None:
    calendar = BusinessCalendar.from_dict(
        {
            "tz": "UTC",
            "hours": {"Fri": [["22:00", "02:00"]], "sat": [["00:00", "24:00"]], "sun": [["18:00", "24:00"]]},
        }
    )
    assert calendar.hours[4] == ((1320, 1560),)
    assert calendar.hours[5] == ((0, 1440),)
    assert calendar.hours[6] == ((1080, 1440),)
    assert calendar.hours[0] == ()


def test_to_dict_round_trips() -> None:
    data = {
        "tz": "America/New_York",
        "hours": {
            "mon": [["08:00", "12:00"], ["13:00", "24:00"]],
            "fri": [["22:00", "06:30"]],
            "sat": [["00:00", "24:00"]],
        },
        "holidays": ["2026-07-03", "2026-12-25"],
    }
    calendar = BusinessCalendar.from_dict(data)
    assert calendar.to_dict() == data
    assert BusinessCalendar.from_dict(calendar.to_dict()) == calendar


@pytest.mark.parametrize(
    "data",
    [
        {"tz": "Mars/Olympus_Mons"},
        {"tz": "UTC", "hours": {"monday": [["09:00", "17:00"]]}},
        {"tz": "UTC", "hours": {"mon": [["9am", "5pm"]]}},
        {"tz": "UTC", "hours": {"mon": [["09:00", "09:00"]]}},
        {"tz": "UTC", "hours": {"mon": [["24:00", "02:00"]]}},
        {"tz": "UTC", "hours": {"mon": [["09:60", "17:00"]]}},
        {"tz": "UTC", "hours": {"mon": [["09:00"]]}},
        {"tz": "UTC", "holidays": ["25/12/2026"]},
        {"tz": "UTC", "holiday": ["2026-12-25"]},
    ],
)
def test_from_dict_rejects_bad_data_with_value_error(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        BusinessCalendar.from_dict(data)


def test_direct_construction_validates_intervals() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar(tz="UTC", hours=(((600, 2100),),) + ((),) * 6)  # longer than a day
    with pytest.raises(ValueError):
        BusinessCalendar(tz="UTC", hours=((),) * 6)


def test_calendar_is_hashable_and_equal_by_value() -> None:
    assert office() == office()
    assert len({office(), office(), office(holidays=["2026-12-25"])}) == 2


def test_always_open_is_recognised_but_not_with_holidays() -> None:
    assert BusinessCalendar.always_open("Europe/Berlin").is_always_open
    assert not office().is_always_open
    with_holiday = BusinessCalendar(
        tz="UTC", hours=(((0, 1440),),) * 7, holidays=frozenset({date(2026, 1, 1)})
    )
    assert not with_holiday.is_always_open


# --- adding business time --------------------------------------------------------------


def test_add_within_one_day() -> None:
    assert add_business_time(berlin(2026, 6, 1, 9, 30), 90, office()) == berlin(2026, 6, 1, 11, 0)


def test_add_carries_over_the_weekend() -> None:
    assert add_business_time(berlin(2026, 6, 5, 16, 0), 120, office()) == berlin(2026, 6, 8, 10, 0)


def test_add_skips_a_holiday() -> None:
    calendar = office(holidays=["2026-12-25"])
    assert add_business_time(berlin(2026, 12, 24, 16, 0), 120, calendar) == berlin(2026, 12, 28, 10, 0)


def test_clock_starts_at_the_next_opening_when_started_outside_hours() -> None:
    assert add_business_time(berlin(2026, 6, 6, 3, 0), 60, office()) == berlin(2026, 6, 8, 10, 0)
    assert add_business_time(berlin(2026, 6, 8, 17, 0), 60, office()) == berlin(2026, 6, 9, 10, 0)


def test_target_running_out_at_closing_is_due_at_closing() -> None:
    assert add_business_time(berlin(2026, 6, 5, 9, 0), 480, office()) == berlin(2026, 6, 5, 17, 0)


def test_zero_minutes_is_start_even_when_closed() -> None:
    start = berlin(2026, 6, 6, 3, 0)
    assert add_business_time(start, 0, office()) == start


def test_many_weeks_of_business_time() -> None:
    twelve_weeks = 12 * 5 * 8 * 60
    assert add_business_time(berlin(2026, 1, 5, 9, 0), twelve_weeks, office()) == berlin(2026, 3, 27, 17, 0)
    assert add_business_time(berlin(2026, 1, 5, 9, 0), 250 * 8 * 60, office()) == berlin(2026, 12, 18, 17, 0)


def test_without_calendar_business_time_is_calendar_time() -> None:
    start = datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN)
    # 24 hours of real time across the spring-forward night reads 13:00 on the wall.
    assert add_business_time(start, 24 * 60, None) == berlin(2026, 3, 29, 13, 0)
    assert business_minutes_between(start, berlin(2026, 3, 29, 12, 0), None) == 23 * 60
    always = BusinessCalendar.always_open("Europe/Berlin")
    assert add_business_time(start, 24 * 60, always) == berlin(2026, 3, 29, 13, 0)


def test_result_keeps_the_start_time_zone() -> None:
    start = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin
    due = add_business_time(start, 60, office())
    assert due.tzinfo is UTC
    assert due == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def test_naive_datetimes_and_negative_targets_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_business_time(datetime(2026, 6, 1, 9, 0), 10, office())
    with pytest.raises(ValueError, match="negative"):
        add_business_time(berlin(2026, 6, 1, 9, 0), -1, office())


def test_calendar_without_hours_raises_instead_of_looping() -> None:
    never = BusinessCalendar.from_dict({"tz": "UTC", "hours": {}})
    with pytest.raises(ValueError, match="never opens"):
        add_business_time(berlin(2026, 6, 1, 9, 0), 10, never)
    with pytest.raises(ValueError, match="never opens"):
        next_opening(berlin(2026, 6, 1, 9, 0), never)
    with pytest.raises(ValueError):
        end_of_business_day(berlin(2026, 6, 1, 9, 0), never)
    assert business_minutes_between(berlin(2026, 6, 1), berlin(2026, 7, 1), never) == 0


def test_a_long_run_of_holidays_is_waited_out() -> None:
    holidays = [(date(2026, 7, 1) + timedelta(days=n)).isoformat() for n in range(60)]
    calendar = office(holidays=holidays)
    assert add_business_time(berlin(2026, 7, 1, 9, 0), 60, calendar) == berlin(2026, 8, 31, 10, 0)


# --- elapsed business time -------------------------------------------------------------


def test_between_counts_only_open_time() -> None:
    assert business_minutes_between(berlin(2026, 6, 5, 16, 0), berlin(2026, 6, 8, 10, 0), office()) == 120
    assert business_minutes_between(berlin(2026, 6, 8, 10, 0), berlin(2026, 6, 5, 16, 0), office()) == 0


def test_between_is_exact_below_a_minute() -> None:
    assert business_minutes_between(berlin(2026, 6, 1, 9, 0), berlin(2026, 6, 1, 9, 0, 30), office()) == 0.5
    elapsed = business_time_between(
        berlin(2026, 6, 1, 8, 59), datetime(2026, 6, 1, 9, 0, 0, 7, tzinfo=BERLIN), office()
    )
    assert elapsed == timedelta(microseconds=7)


# --- daylight saving time --------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_a_nine_to_five_day_on_a_dst_sunday_is_eight_hours(day: date) -> None:
    calendar = office(days=("sun",))
    start = datetime.combine(day, datetime.min.time(), BERLIN)
    assert business_minutes_between(start, start + timedelta(days=1), calendar) == 480
    assert add_business_time(start, 480, calendar) == datetime(
        day.year, day.month, day.day, 17, tzinfo=BERLIN
    )


def test_night_shift_loses_the_skipped_hour_and_gains_the_repeated_one() -> None:
    night = BusinessCalendar.from_dict({"tz": "Europe/Berlin", "hours": {"sat": [["22:00", "06:00"]]}})
    assert business_minutes_between(berlin(2026, 3, 28, 12), berlin(2026, 3, 29, 12), night) == 7 * 60
    assert business_minutes_between(berlin(2026, 10, 24, 12), berlin(2026, 10, 25, 12), night) == 9 * 60
    # Six hours from 22:00 on the short night end at 05:00 on the wall, which is 04:00 + 1h skip.
    assert add_business_time(berlin(2026, 3, 28, 22), 6 * 60, night) == berlin(2026, 3, 29, 5, 0)


def test_an_opening_inside_the_spring_gap_opens_when_the_clock_jumps() -> None:
    calendar = BusinessCalendar.from_dict({"tz": "America/New_York", "hours": {"sun": [["02:30", "04:00"]]}})
    before = datetime(2026, 3, 8, 1, 0, tzinfo=NEW_YORK)
    jump = datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 02:00 EST becomes 03:00 EDT
    assert next_opening(before, calendar) == jump
    assert business_minutes_between(before, before + timedelta(hours=12), calendar) == 60


def test_repeated_hour_reads_the_wall_clock_both_times() -> None:
    # 01:30-03:00 on the fall-back Sunday: open from 01:30 EDT, closed while the clock
    # shows 01:00-01:30 a second time (EST), open again until 03:00 EST.
    calendar = BusinessCalendar.from_dict({"tz": "America/New_York", "hours": {"sun": [["01:30", "03:00"]]}})
    day_start = datetime(2026, 11, 1, 0, 0, tzinfo=NEW_YORK)
    assert business_minutes_between(day_start, day_start + timedelta(days=1), calendar) == 30 + 90
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    second_one_am = datetime(2026, 11, 1, 6, 10, tzinfo=UTC)  # 01:10 EST
    assert is_open(first, calendar)
    assert not is_open(second_one_am, calendar)
    assert next_opening(second_one_am, calendar) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert end_of_business_day(day_start, calendar) == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def test_lord_howe_half_hour_shifts() -> None:
    sundays = BusinessCalendar.from_dict(
        {"tz": "Australia/Lord_Howe", "hours": {"sun": [["00:00", "24:00"]]}}
    )
    autumn = datetime(2026, 4, 5, tzinfo=LORD_HOWE)
    spring = datetime(2026, 10, 4, tzinfo=LORD_HOWE)
    assert (
        business_minutes_between(autumn - timedelta(hours=1), autumn + timedelta(days=2), sundays)
        == 24 * 60 + 30
    )
    assert (
        business_minutes_between(spring - timedelta(hours=1), spring + timedelta(days=2), sundays)
        == 24 * 60 - 30
    )


# --- intervals past midnight and holidays ----------------------------------------------


def test_night_interval_belongs_to_the_day_it_starts_on() -> None:
    night = BusinessCalendar.from_dict(
        {
            "tz": "Europe/Berlin",
            "hours": {day: [["22:00", "02:00"]] for day in ("thu", "fri")},
            "holidays": ["2026-12-25"],
        }
    )
    # Thursday 24 Dec: the shift runs into the holiday; Friday 25 Dec's shift does not happen.
    assert is_open(berlin(2026, 12, 25, 1, 0), night)
    assert not is_open(berlin(2026, 12, 25, 23, 0), night)
    assert not is_open(berlin(2026, 12, 26, 1, 0), night)
    assert business_minutes_between(berlin(2026, 12, 24), berlin(2026, 12, 28), night) == 240
    assert next_opening(berlin(2026, 12, 25, 3, 0), night) == berlin(2026, 12, 31, 22, 0)


def test_is_open_edges_are_half_open() -> None:
    assert is_open(berlin(2026, 6, 1, 9, 0), office())
    assert not is_open(berlin(2026, 6, 1, 8, 59, 59), office())
    assert is_open(berlin(2026, 6, 1, 16, 59, 59), office())
    assert not is_open(berlin(2026, 6, 1, 17, 0), office())
    assert is_open(berlin(2026, 6, 1, 17, 0), None)


def test_next_opening_is_the_moment_itself_when_open() -> None:
    moment = berlin(2026, 6, 1, 12, 0)
    assert next_opening(moment, office()) is moment
    assert next_opening(berlin(2026, 6, 1, 17, 0), office()) == berlin(2026, 6, 2, 9, 0)


# --- end of business day ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "close"),
    [
        (berlin(2026, 6, 1, 7, 0), berlin(2026, 6, 1, 17, 0)),  # before opening
        (berlin(2026, 6, 1, 12, 0), berlin(2026, 6, 1, 17, 0)),  # during hours
        (berlin(2026, 6, 1, 17, 0), berlin(2026, 6, 2, 17, 0)),  # at the close
        (berlin(2026, 6, 5, 18, 0), berlin(2026, 6, 8, 17, 0)),  # Friday evening
        (berlin(2026, 12, 24, 18, 0), berlin(2026, 12, 28, 17, 0)),  # holiday next
    ],
)
def test_end_of_business_day(moment: datetime, close: datetime) -> None:
    assert end_of_business_day(moment, office(holidays=["2026-12-25"])) == close


def test_end_of_business_day_with_split_and_night_shifts() -> None:
    split = BusinessCalendar.from_dict(
        {"tz": "Europe/Berlin", "hours": {"mon": [["08:00", "12:00"], ["13:00", "18:00"]]}}
    )
    assert end_of_business_day(berlin(2026, 6, 1, 12, 30), split) == berlin(2026, 6, 1, 18, 0)
    night = BusinessCalendar.from_dict({"tz": "Europe/Berlin", "hours": {"mon": [["22:00", "02:00"]]}})
    assert end_of_business_day(berlin(2026, 6, 2, 1, 0), night) == berlin(2026, 6, 2, 2, 0)
    assert end_of_business_day(berlin(2026, 6, 2, 3, 0), night) == berlin(2026, 6, 9, 2, 0)


def test_end_of_business_day_without_calendar_is_next_utc_midnight() -> None:
    assert end_of_business_day(datetime(2026, 6, 1, 15, 0, tzinfo=UTC), None) == datetime(
        2026, 6, 2, tzinfo=UTC
    )


# --- pauses ----------------------------------------------------------------------------


def test_time_used_leaves_out_pauses_and_open_pause_runs_to_now() -> None:
    start, now = berlin(2026, 6, 1, 9, 0), berlin(2026, 6, 1, 15, 0)
    pauses: list[Pause] = [
        (berlin(2026, 6, 1, 10, 0), berlin(2026, 6, 1, 11, 0)),
        (berlin(2026, 6, 1, 14, 0), None),
    ]
    assert time_used(start, now, pauses, office()) == 4 * 60


def test_time_used_counts_overlapping_pauses_once_and_ignores_future_ones() -> None:
    start, now = berlin(2026, 6, 1, 9, 0), berlin(2026, 6, 1, 17, 0)
    pauses: list[Pause] = [
        (berlin(2026, 6, 1, 8, 0), berlin(2026, 6, 1, 10, 0)),
        (berlin(2026, 6, 1, 9, 30), berlin(2026, 6, 1, 11, 0)),
        (berlin(2026, 6, 1, 18, 0), None),
    ]
    assert time_used(start, now, pauses, office()) == 6 * 60


def test_pause_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        time_used(
            berlin(2026, 6, 1, 9),
            berlin(2026, 6, 1, 12),
            [(berlin(2026, 6, 1, 11), berlin(2026, 6, 1, 10))],
            office(),
        )


def test_due_moves_by_business_time_paused() -> None:
    start = berlin(2026, 6, 1, 9, 0)
    pauses: list[Pause] = [(berlin(2026, 6, 1, 10, 0), berlin(2026, 6, 2, 10, 0))]  # 8 business hours
    due = due_after_pauses(start, 4 * 60, pauses, office(), berlin(2026, 6, 3, 9, 0))
    assert due == berlin(2026, 6, 2, 13, 0)


def test_due_ignores_pauses_outside_hours_and_after_the_due_time() -> None:
    start = berlin(2026, 6, 1, 9, 0)
    pauses: list[Pause] = [
        (berlin(2026, 6, 1, 18, 0), berlin(2026, 6, 2, 8, 0)),
        (berlin(2026, 6, 2, 12, 0), berlin(2026, 6, 2, 15, 0)),
    ]
    now = berlin(2026, 6, 3, 9, 0)
    assert due_after_pauses(start, 9 * 60, pauses, office(), now) == berlin(2026, 6, 2, 10, 0)


def test_due_is_none_while_paused() -> None:
    start = berlin(2026, 6, 1, 9, 0)
    assert (
        due_after_pauses(start, 60, [(berlin(2026, 6, 1, 9, 30), None)], office(), berlin(2026, 6, 1, 12))
        is None
    )
    resumed_later: list[Pause] = [(berlin(2026, 6, 1, 9, 30), berlin(2026, 6, 1, 13, 0))]
    assert due_after_pauses(start, 60, resumed_later, office(), berlin(2026, 6, 1, 12)) is None
    assert due_after_pauses(start, 60, resumed_later, office(), berlin(2026, 6, 1, 14)) == berlin(
        2026, 6, 1, 13, 30
    )


def test_due_without_pauses_equals_add_business_time() -> None:
    start = berlin(2026, 6, 5, 16, 0)
    assert due_after_pauses(start, 120, [], office(), start) == add_business_time(start, 120, office())


# --- properties against a brute-force reference ----------------------------------------

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata")


def _transition_days(zone_name: str) -> list[date]:
    zone = ZoneInfo(zone_name)
    days = []
    moment = datetime(2025, 1, 1, 12, tzinfo=UTC)
    previous = moment.astimezone(zone).utcoffset()
    while moment.year < 2029:
        moment += timedelta(days=1)
        offset = moment.astimezone(zone).utcoffset()
        if offset != previous:
            days.append((moment - timedelta(days=1)).date())
        previous = offset
    return days or [date(2026, 1, 1)]


TRANSITION_DAYS = {zone: _transition_days(zone) for zone in ZONES}


def ref_open(moment: datetime, calendar: BusinessCalendar) -> bool:
    local = moment.astimezone(ZoneInfo(calendar.tz))
    day = local.date()
    minute = local.hour * 60 + local.minute
    yesterday = day - timedelta(days=1)
    if day not in calendar.holidays and any(s <= minute < e for s, e in calendar.hours[day.weekday()]):
        return True
    return yesterday not in calendar.holidays and any(
        s <= minute + 1440 < e for s, e in calendar.hours[yesterday.weekday()]
    )


def ref_running(moment: datetime, calendar: BusinessCalendar, pauses: list[Pause]) -> bool:
    return ref_open(moment, calendar) and not any(p0 <= moment < p1 for p0, p1 in pauses if p1 is not None)


def ref_due(start: datetime, minutes: int, calendar: BusinessCalendar, pauses: list[Pause]) -> datetime:
    moment, counted = start, 0
    while counted < minutes:
        if ref_running(moment, calendar, pauses):
            counted += 1
        moment += MINUTE
    return moment


def ref_count(start: datetime, end: datetime, calendar: BusinessCalendar, pauses: list[Pause]) -> int:
    count, moment = 0, start
    while moment < end:
        count += ref_running(moment, calendar, pauses)
        moment += MINUTE
    return count


@st.composite
def intervals(draw: st.DrawFn) -> tuple[int, int]:
    if draw(st.integers(0, 15)) == 0:
        return (0, 1440)
    start = draw(st.one_of(st.integers(0, 47).map(lambda n: n * 30), st.integers(0, 1439)))
    length = draw(st.one_of(st.integers(1, 47).map(lambda n: n * 30), st.integers(1, 1439)))
    return (start, start + length)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[BusinessCalendar, datetime]:
    """A random calendar with DST near a random minute-aligned start."""
    tz = draw(st.sampled_from(ZONES))
    if draw(st.booleans()):
        base = draw(st.sampled_from(TRANSITION_DAYS[tz]))
    else:
        base = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 4 * 365)))
    hours = tuple(tuple(draw(st.lists(intervals(), max_size=3))) for _ in range(7))
    weekly = sum(min(e - s, 1440) for day in hours for s, e in day)
    assume(weekly >= 1500)
    holidays = frozenset(base + timedelta(days=n) for n in draw(st.sets(st.integers(-3, 14), max_size=4)))
    calendar = BusinessCalendar(tz=tz, hours=hours, holidays=holidays)
    start = datetime.combine(base, datetime.min.time(), UTC) + MINUTE * draw(st.integers(-2 * 1440, 3 * 1440))
    return calendar, start


PROPERTY_SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(scenarios(), st.integers(0, 2500))
def test_add_business_time_matches_reference(
    scenario: tuple[BusinessCalendar, datetime], minutes: int
) -> None:
    calendar, start = scenario
    due = add_business_time(start, minutes, calendar)
    assert due == ref_due(start, minutes, calendar, [])
    assert business_minutes_between(start, due, calendar) == minutes


@PROPERTY_SETTINGS
@given(scenarios(), st.integers(0, 4 * 1440))
def test_business_minutes_between_matches_reference(
    scenario: tuple[BusinessCalendar, datetime], length: int
) -> None:
    calendar, start = scenario
    end = start + MINUTE * length
    assert business_minutes_between(start, end, calendar) == ref_count(start, end, calendar, [])


@PROPERTY_SETTINGS
@given(scenarios(), st.integers(0, 3 * 86400))
def test_is_open_and_next_opening_match_reference(
    scenario: tuple[BusinessCalendar, datetime], seconds: int
) -> None:
    calendar, start = scenario
    moment = start + timedelta(seconds=seconds)
    assert is_open(moment, calendar) == ref_open(moment, calendar)
    aligned = start + MINUTE * (seconds // 60)
    opening = aligned
    while not ref_open(opening, calendar):
        opening += MINUTE
    assert next_opening(aligned, calendar) == opening


@st.composite
def pause_lists(draw: st.DrawFn, start: datetime) -> list[Pause]:
    pauses: list[Pause] = []
    for _ in range(draw(st.integers(0, 3))):
        begin = start + MINUTE * draw(st.integers(-600, 4 * 1440))
        pauses.append((begin, begin + MINUTE * draw(st.integers(0, 2 * 1440))))
    return pauses


@PROPERTY_SETTINGS
@given(st.data(), scenarios(), st.integers(0, 2000))
def test_pauses_match_reference(
    data: st.DataObject, scenario: tuple[BusinessCalendar, datetime], minutes: int
) -> None:
    calendar, start = scenario
    pauses = data.draw(pause_lists(start))
    now = max([start] + [end for _, end in pauses if end is not None]) + MINUTE * data.draw(
        st.integers(0, 1440)
    )
    due = due_after_pauses(start, minutes, pauses, calendar, now)
    assert due == ref_due(start, minutes, calendar, pauses)
    assert time_used(start, now, pauses, calendar) == ref_count(start, now, calendar, pauses)
    assert time_used(start, due, pauses, calendar) == minutes


@PROPERTY_SETTINGS
@given(st.sampled_from(ZONES), st.integers(0, 4 * 365 * 1440), st.integers(0, 5000))
def test_general_path_on_an_always_open_week_is_calendar_time(tz: str, offset: int, minutes: int) -> None:
    # A far-away holiday keeps the calendar off the 24/7 shortcut.
    calendar = BusinessCalendar(tz=tz, hours=(((0, 1440),),) * 7, holidays=frozenset({date(1999, 1, 1)}))
    start = datetime(2025, 1, 1, tzinfo=UTC) + MINUTE * offset
    assert add_business_time(start, minutes, calendar) == start + MINUTE * minutes
    assert business_minutes_between(start, start + MINUTE * minutes, calendar) == minutes
