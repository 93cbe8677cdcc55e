"""The business clock (the SLA clock): deadline maths over business calendars, for SLA timers
and promise due dates alike. Pure Python, no Django; beside `business_calendar` in the foundation
so the pure `signals` may use it without reaching up into the sla app.

The calendar type itself lives in `anchordesk.business_calendar` (shared with the
promise due dates of `anchordesk.signals`) and is re-exported here.

A calendar is open at an instant when the wall clock of its time zone, read at that
instant, shows a time inside one of the working intervals of that local day (an interval
belongs to the weekday it starts on, so 22:00-02:00 on Friday runs into Saturday).
Business time is the real time elapsed while the calendar is open. Everything is exact:
instants are integer microseconds since the epoch, open stretches are computed a day at a
time by interval arithmetic. docs/sla-clock.md describes the model.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache

from anchordesk.business_calendar import (
    MINUTES_PER_DAY,
    WEEKDAYS,
    BusinessCalendar,
    Interval,
    merge_intervals,
    wall_intervals,
)

__all__ = [
    "MINUTES_PER_DAY",
    "WEEKDAYS",
    "BusinessCalendar",
    "Interval",
    "Pause",
    "add_business_time",
    "business_minutes_between",
    "business_time_between",
    "due_after_pauses",
    "end_of_business_day",
    "is_open",
    "next_opening",
    "time_used",
]

# (paused_at, resumed_at); resumed_at None while the ticket is still pending or on hold.
Pause = tuple[datetime, datetime | None]

_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_SECONDS_PER_DAY = 86_400
_US_PER_DAY = _SECONDS_PER_DAY * _US_PER_SECOND
_ONE_US = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# A tzinfo offset is always less than a day, so an instant is less than a day away from
# the wall-clock reading it has anywhere.
_MAX_OFFSET_S = _SECONDS_PER_DAY
# No zone changes its offset twice within this step, so scanning at this pace and
# bisecting where the offset differs finds every transition.
_SCAN_STEP_S = 3 * 3600
# This many non-holiday days in a row without an opening prove a calendar never opens.
_NEVER_OPEN_DAYS = 14

# --- the open set, a local day at a time ---------------------------------------------


def _daywall_intervals(calendar: BusinessCalendar, ordinal: int) -> list[tuple[int, int]]:
    day, previous = date.fromordinal(ordinal), date.fromordinal(ordinal - 1)
    today = () if day in calendar.holidays else calendar.hours[day.weekday()]
    yesterday = () if previous in calendar.holidays else calendar.hours[previous.weekday()]
    return wall_intervals(today, yesterday)


def _offset_s(zone: tzinfo, second: int) -> int:
    offset = datetime.fromtimestamp(second, zone).utcoffset()
    assert offset is not None
    return offset // timedelta(seconds=1)


def _offset_pieces(zone: tzinfo, first_s: int, last_s: int) -> list[tuple[int, int, int]]:
    """(from, to, offset) in seconds: stretches of constant UTC offset covering [first, last)."""
    pieces: list[tuple[int, int, int]] = []
    piece_start = probe = first_s
    current = _offset_s(zone, first_s)
    while probe < last_s:
        step_end = min(probe + _SCAN_STEP_S, last_s)
        if _offset_s(zone, step_end) == current:
            probe = step_end
            continue
        low, high = probe, step_end
        while high - low > 1:
            middle = (low + high) // 2
            if _offset_s(zone, middle) == current:
                low = middle
            else:
                high = middle
        pieces.append((piece_start, high, current))
        piece_start = probe = high
        current = _offset_s(zone, high)
    pieces.append((piece_start, last_s, current))
    return [piece for piece in pieces if piece[0] < piece[1]]


def _instants_showing(zone: tzinfo, walls: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Spans of instants (µs) whose wall-clock reading falls in `walls`.

    `walls` are sorted, disjoint wall-clock ranges in seconds, read as if they were UTC.
    A range that contains a skipped hour loses it; one that contains a repeated hour
    gets it twice.
    """
    if not walls:
        return ()
    spans: list[tuple[int, int]] = []
    for piece_start, piece_end, offset in _offset_pieces(
        zone, walls[0][0] - _MAX_OFFSET_S, walls[-1][1] + _MAX_OFFSET_S
    ):
        for wall_start, wall_end in walls:
            start = max(piece_start, wall_start - offset)
            end = min(piece_end, wall_end - offset)
            if start < end:
                spans.append((start, end))
    return tuple((start * _US_PER_SECOND, end * _US_PER_SECOND) for start, end in merge_intervals(spans))


def _midnight_s(ordinal: int) -> int:
    return (ordinal - _EPOCH_ORDINAL) * _SECONDS_PER_DAY


@lru_cache(maxsize=8192)
def _day_spans(calendar: BusinessCalendar, ordinal: int) -> tuple[tuple[int, int], ...]:
    """Open spans (µs) of the instants whose wall-clock date is this local day."""
    midnight = _midnight_s(ordinal)
    walls = [
        (midnight + start * 60, midnight + end * 60) for start, end in _daywall_intervals(calendar, ordinal)
    ]
    return _instants_showing(calendar.zone, walls)


@lru_cache(maxsize=8192)
def _day_close(calendar: BusinessCalendar, ordinal: int) -> int | None:
    """When the intervals that start on this local day are over (µs), None without any."""
    day = date.fromordinal(ordinal)
    if day in calendar.holidays:
        return None
    midnight = _midnight_s(ordinal)
    walls = merge_intervals(
        [(midnight + start * 60, midnight + end * 60) for start, end in calendar.hours[day.weekday()]]
    )
    spans = _instants_showing(calendar.zone, walls)
    return spans[-1][1] if spans else None


def _local_ordinal(zone: tzinfo, at_us: int) -> int:
    return _from_us(at_us, zone).toordinal()


def _require_hours(calendar: BusinessCalendar) -> None:
    if not calendar.has_hours:
        raise ValueError("the business calendar has no working hours, so it never opens")


def _open_spans(
    calendar: BusinessCalendar, after_us: int, until_us: int | None = None
) -> Iterator[tuple[int, int]]:
    """Open spans (µs) in time order, clipped to start no earlier than after_us.

    Stops before spans that start at or after until_us; without until_us it goes on
    for ever, or raises ValueError if the calendar never opens.
    """
    _require_hours(calendar)
    # A fall-back can show an earlier date after after_us, so start two days early.
    ordinal = _local_ordinal(calendar.zone, after_us) - 2
    last_holiday = max(calendar.holidays).toordinal() if calendar.holidays else ordinal
    pending: list[tuple[int, int]] = []
    closed_days = 0
    while True:
        spans = _day_spans(calendar, ordinal)
        closed_days = 0 if spans else closed_days + 1
        for start, end in spans:
            if end > after_us:
                heapq.heappush(pending, (max(start, after_us), end))
        ordinal += 1
        # Every later day's instants start after this bound, so earlier spans are final.
        bound = (_midnight_s(ordinal) - _MAX_OFFSET_S) * _US_PER_SECOND
        while pending and pending[0][0] < bound:
            span = heapq.heappop(pending)
            if until_us is not None and span[0] >= until_us:
                return
            yield span
        if until_us is not None and bound >= until_us and not pending:
            return
        if until_us is None and closed_days > _NEVER_OPEN_DAYS and ordinal > last_holiday + _NEVER_OPEN_DAYS:
            raise ValueError("the business calendar never opens (are its hours all inside DST gaps?)")


# --- conversions -----------------------------------------------------------------------


def _to_us(moment: datetime, name: str) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return (moment - _EPOCH) // _ONE_US


def _from_us(at_us: int, zone: tzinfo | None) -> datetime:
    return (_EPOCH + timedelta(microseconds=at_us)).astimezone(zone)


def _minutes(duration_us: int) -> int | float:
    whole, rest = divmod(duration_us, _US_PER_MINUTE)
    return whole if rest == 0 else duration_us / _US_PER_MINUTE


def _add_us(start_us: int, amount_us: int, calendar: BusinessCalendar | None) -> int:
    if calendar is None or calendar.is_always_open:
        return start_us + amount_us
    _require_hours(calendar)
    if amount_us == 0:
        return start_us
    for span_start, span_end in _open_spans(calendar, start_us):
        if amount_us <= span_end - span_start:
            return span_start + amount_us
        amount_us -= span_end - span_start
    raise AssertionError("_open_spans without until_us never ends")


def _between_us(start_us: int, end_us: int, calendar: BusinessCalendar | None) -> int:
    if end_us <= start_us:
        return 0
    if calendar is None or calendar.is_always_open:
        return end_us - start_us
    if not calendar.has_hours:
        return 0
    return sum(
        min(span_end, end_us) - span_start for span_start, span_end in _open_spans(calendar, start_us, end_us)
    )


def _paused_spans(pauses: Sequence[Pause], now_us: int) -> tuple[list[tuple[int, int]], bool]:
    """The union of pauses as of now (µs, open ones cut at now), and whether one is open."""
    spans: list[tuple[int, int]] = []
    still_paused = False
    for index, (paused_at, resumed_at) in enumerate(pauses):
        start = _to_us(paused_at, f"pauses[{index}] start")
        if start > now_us:
            continue  # not happened yet as of now
        end = now_us if resumed_at is None else _to_us(resumed_at, f"pauses[{index}] end")
        if end < start:
            raise ValueError(f"pauses[{index}] ends before it starts")
        if resumed_at is None or end > now_us:
            still_paused = True
            end = now_us
        spans.append((start, end))
    return merge_intervals(spans), still_paused


def _running_segments(start_us: int, paused: list[tuple[int, int]]) -> Iterator[tuple[int, int | None]]:
    """[start, ∞) minus the paused spans, in order; the last segment has no end."""
    cursor = start_us
    for pause_start, pause_end in paused:
        if pause_end <= cursor:
            continue
        if pause_start > cursor:
            yield cursor, pause_start
        cursor = max(cursor, pause_end)
    yield cursor, None


# --- the API ---------------------------------------------------------------------------


def is_open(moment: datetime, calendar: BusinessCalendar | None) -> bool:
    """Whether the calendar's wall clock at `moment` shows a working time (None: always)."""
    if calendar is None:
        return True
    wall = _from_us(_to_us(moment, "moment"), calendar.zone).replace(tzinfo=None)
    since_midnight = (wall - datetime.combine(wall.date(), datetime.min.time())) // _ONE_US
    return any(
        start * _US_PER_MINUTE <= since_midnight < end * _US_PER_MINUTE
        for start, end in _daywall_intervals(calendar, wall.toordinal())
    )


def next_opening(moment: datetime, calendar: BusinessCalendar | None) -> datetime:
    """`moment` itself when open, else the instant the calendar next opens.

    Returned in moment's tzinfo. Raises ValueError for a calendar that never opens.
    """
    at_us = _to_us(moment, "moment")
    if calendar is None or calendar.is_always_open:
        return moment
    first_start, _ = next(_open_spans(calendar, at_us))
    return moment if first_start == at_us else _from_us(first_start, moment.tzinfo)


def add_business_time(start: datetime, minutes: int, calendar: BusinessCalendar | None) -> datetime:
    """The earliest instant by which `minutes` of business time have passed since start.

    The clock only runs while the calendar is open, so from a closed start it begins at
    the next opening; a target that runs out exactly at a closing is due at that closing.
    Zero minutes gives start back. None or a 24/7 calendar means calendar time.
    Returned in start's tzinfo.
    """
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    due_us = _add_us(_to_us(start, "start"), round(minutes * _US_PER_MINUTE), calendar)
    return _from_us(due_us, start.tzinfo)


def business_time_between(start: datetime, end: datetime, calendar: BusinessCalendar | None) -> timedelta:
    """Business time from start to end, exactly; zero when end is not after start."""
    elapsed = _between_us(_to_us(start, "start"), _to_us(end, "end"), calendar)
    return timedelta(microseconds=elapsed)


def business_minutes_between(
    start: datetime, end: datetime, calendar: BusinessCalendar | None
) -> int | float:
    """Business minutes from start to end: an int when whole, a float otherwise; 0 if end <= start."""
    return _minutes(_between_us(_to_us(start, "start"), _to_us(end, "end"), calendar))


def time_used(
    start: datetime, now: datetime, pauses: Sequence[Pause], calendar: BusinessCalendar | None
) -> int | float:
    """Business minutes the clock has run from start to now, paused spans left out.

    A pause with no end (or one that ends after now) lasts until now; pauses that begin
    after now are ignored. Overlapping pauses count once.
    """
    start_us, now_us = _to_us(start, "start"), _to_us(now, "now")
    paused, _ = _paused_spans(pauses, now_us)
    used = 0
    for segment_start, segment_end in _running_segments(start_us, paused):
        used += _between_us(
            segment_start, now_us if segment_end is None else min(segment_end, now_us), calendar
        )
        if segment_end is None or segment_end >= now_us:
            break
    return _minutes(used)


def due_after_pauses(
    start: datetime,
    target_minutes: int,
    pauses: Sequence[Pause],
    calendar: BusinessCalendar | None,
    now: datetime,
) -> datetime | None:
    """The due time of a target, pushed back by the business time spent paused.

    Pauses are read as of `now`: one that begins after now is ignored, and one still
    open at now (no end, or an end after now) stops the clock, so there is no due time
    and the result is None; call again when the ticket resumes. Business time paused
    after the due time does not move it. A zero target is due at start, as in
    `add_business_time`. Returned in start's tzinfo.
    """
    if target_minutes < 0:
        raise ValueError("target_minutes must not be negative")
    start_us = _to_us(start, "start")
    paused, still_paused = _paused_spans(pauses, _to_us(now, "now"))
    if still_paused:
        return None
    remaining = round(target_minutes * _US_PER_MINUTE)
    if remaining == 0:
        return start
    for segment_start, segment_end in _running_segments(start_us, paused):
        if segment_end is not None:
            available = _between_us(segment_start, segment_end, calendar)
            if remaining > available:
                remaining -= available
                continue
        return _from_us(_add_us(segment_start, remaining, calendar), start.tzinfo)
    raise AssertionError("_running_segments always ends with an open-ended segment")


def end_of_business_day(moment: datetime, calendar: BusinessCalendar | None) -> datetime:
    """The close of the business day `moment` is in or before: the target of "by end of day".

    That is the end of the last interval of the first non-holiday day with hours whose
    close is after moment: today's close during or before today's hours, the next
    business day's once today has closed. A night shift's close is the next morning.
    None means 24/7 in UTC, so the next UTC midnight. Returned in moment's tzinfo.
    """
    at_us = _to_us(moment, "moment")
    calendar = calendar or BusinessCalendar.always_open()
    _require_hours(calendar)
    ordinal = _local_ordinal(calendar.zone, at_us) - 2
    give_up = (
        max(max(calendar.holidays).toordinal() if calendar.holidays else ordinal, ordinal)
        + 2 * _NEVER_OPEN_DAYS
    )
    while ordinal <= give_up:
        close = _day_close(calendar, ordinal)
        if close is not None and close > at_us:
            # A long interval of this day may outlast the next day's; take the earlier.
            following = _day_close(calendar, ordinal + 1)
            if following is not None and at_us < following < close:
                close = following
            return _from_us(close, moment.tzinfo)
        ordinal += 1
    raise ValueError("the business calendar never closes a business day after this moment")
