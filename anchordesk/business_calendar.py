"""The one business-calendar type: weekly working hours in an IANA time zone, minus holidays.

Pure Python, no Django: the SLA clock (`anchordesk.business_clock`) counts business time over
it, and the language layer (`anchordesk.signals.dates`) resolves promise due dates
("by end of day", "within 3 business days") against it. The SLA settings store it as
JSON (`from_dict` / `to_dict`); docs/sla-clock.md describes the model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["MINUTES_PER_DAY", "WEEKDAYS", "BusinessCalendar", "Interval", "office_hours"]

# (start, end) in minutes from the local midnight of the day the interval starts on;
# end may pass 1440 for an interval that runs past midnight.
Interval = tuple[int, int]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 1440
# Day-by-day walks give up after this many days (a calendar of only holidays).
_MAX_WALK_DAYS = 3660

_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


def _parse_time(text: object, *, is_end: bool) -> int:
    if not isinstance(text, str) or not (match := _TIME_RE.match(text.strip())):
        raise ValueError(f"working hours must be 'HH:MM' strings, got {text!r}")
    hour, minute = int(match[1]), int(match[2])
    if minute > 59 or hour > 24 or (hour == 24 and (minute or not is_end)):
        raise ValueError(f"not a time of day: {text!r}")
    return hour * 60 + minute


def _format_time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def merge_intervals(intervals: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of half-open intervals, sorted, with touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def wall_intervals(today: Sequence[Interval], yesterday: Sequence[Interval]) -> list[tuple[int, int]]:
    """Minutes of one local day that are open: today's intervals plus yesterday's overflow."""
    own = [(start, min(end, MINUTES_PER_DAY)) for start, end in today]
    overflow = [(0, end - MINUTES_PER_DAY) for _, end in yesterday if end > MINUTES_PER_DAY]
    return merge_intervals(own + overflow)


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekly working hours in an IANA time zone, minus holidays.

    `hours` has seven entries, Monday first; each is a tuple of `Interval`s. An interval
    lasts less than a day, except 00:00-24:00 (the whole day). Overlapping intervals are
    allowed and mean their union. `holidays` are local dates on which the intervals that
    *start* that day do not happen. A *business day* is a non-holiday date whose weekday
    has intervals; it *opens* at the start of its first interval and *closes* at the end
    of its last one.
    """

    tz: str = "UTC"
    hours: tuple[tuple[Interval, ...], ...] = ((),) * 7
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown time zone: {self.tz!r}") from exc
        if len(self.hours) != 7:
            raise ValueError("hours must have seven days, Monday first")
        days = tuple(tuple(sorted({(int(s), int(e)) for s, e in day})) for day in self.hours)
        for day in days:
            for start, end in day:
                whole_day = start == 0 and end == MINUTES_PER_DAY
                if not (0 <= start < MINUTES_PER_DAY and start < end) or (
                    end - start >= MINUTES_PER_DAY and not whole_day
                ):
                    raise ValueError(f"bad working interval ({start}, {end}) in minutes")
        holidays = frozenset(self.holidays)
        if not all(type(day) is date for day in holidays):
            raise ValueError("holidays must be dates")
        object.__setattr__(self, "hours", days)
        object.__setattr__(self, "holidays", holidays)

    @classmethod
    def always_open(cls, tz: str = "UTC") -> BusinessCalendar:
        """Open 24/7: business time equals calendar time."""
        return cls(tz=tz, hours=(((0, MINUTES_PER_DAY),),) * 7)

    @classmethod
    def weekly(
        cls,
        tz: str = "UTC",
        *,
        days: Sequence[int] = (0, 1, 2, 3, 4),
        opens: str = "09:00",
        closes: str = "17:00",
        holidays: Sequence[date] = (),
    ) -> BusinessCalendar:
        """The same hours on each of `days` (Monday = 0): `weekly("Europe/Berlin", opens="08:00")`."""
        if not days or not set(days) <= set(range(7)):
            raise ValueError("days must be a non-empty subset of 0..6 (Monday = 0)")
        return cls.from_dict(
            {
                "tz": tz,
                "hours": {WEEKDAYS[day]: [[opens, closes]] for day in days},
                "holidays": list(holidays),
            }
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessCalendar:
        """Build from JSON-style data.

        `{"tz": "Europe/Berlin", "hours": {"mon": [["09:00", "17:00"]], ...},
        "holidays": ["2026-12-25"]}`. A weekday left out has no hours. An end at or
        before its start runs past midnight (["22:00", "02:00"]); "24:00" ends at
        midnight; ["00:00", "24:00"] is the whole day.
        """
        unknown = set(data) - {"tz", "hours", "holidays"}
        if unknown:
            raise ValueError(f"unknown calendar keys: {sorted(unknown)}")
        tz = data.get("tz", "UTC")
        if not isinstance(tz, str):
            raise ValueError("tz must be an IANA time zone name")
        hours_data = data.get("hours", {})
        if not isinstance(hours_data, Mapping):
            raise ValueError("hours must map weekdays ('mon'...'sun') to lists of intervals")
        bad_days = {str(key).lower() for key in hours_data} - set(WEEKDAYS)
        if bad_days:
            raise ValueError(f"unknown weekdays: {sorted(bad_days)}")
        by_day = {str(key).lower(): value for key, value in hours_data.items()}
        hours: list[tuple[Interval, ...]] = []
        for name in WEEKDAYS:
            intervals: list[Interval] = []
            for pair in by_day.get(name) or []:
                if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
                    raise ValueError(f"an interval is a [start, end] pair, got {pair!r}")
                start = _parse_time(pair[0], is_end=False)
                end = _parse_time(pair[1], is_end=True)
                if end == start and end != 0:
                    raise ValueError(f"empty interval {pair!r} on {name}; use 00:00-24:00 for all day")
                if end <= start:
                    end += MINUTES_PER_DAY
                intervals.append((start, end))
            hours.append(tuple(intervals))
        holidays_data = data.get("holidays", [])
        if isinstance(holidays_data, str) or not isinstance(holidays_data, Sequence):
            raise ValueError("holidays must be a list of ISO dates")
        holidays = set()
        for item in holidays_data:
            try:
                holidays.add(item if type(item) is date else date.fromisoformat(item))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"not an ISO date: {item!r}") from exc
        return cls(tz=tz, hours=tuple(hours), holidays=frozenset(holidays))

    def to_dict(self) -> dict[str, Any]:
        """The JSON-style form that `from_dict` reads back to an equal calendar."""
        hours = {
            name: [
                [
                    _format_time(start),
                    "24:00" if end == MINUTES_PER_DAY else _format_time(end % MINUTES_PER_DAY),
                ]
                for start, end in day
            ]
            for name, day in zip(WEEKDAYS, self.hours, strict=True)
            if day
        }
        return {"tz": self.tz, "hours": hours, "holidays": [d.isoformat() for d in sorted(self.holidays)]}

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def has_hours(self) -> bool:
        return any(self.hours)

    @property
    def is_always_open(self) -> bool:
        return not self.holidays and all(
            wall_intervals(self.hours[weekday], self.hours[weekday - 1]) == [(0, MINUTES_PER_DAY)]
            for weekday in range(7)
        )

    # --- whole days: what promises ("within 3 business days") count in -------------------

    def is_business_day(self, day: date) -> bool:
        """A non-holiday date whose weekday has working hours."""
        return bool(self.hours[day.weekday()]) and day not in self.holidays

    def next_business_day(self, day: date, *, include: bool = False) -> date:
        """The first business day after `day` (or from it, with include=True).

        Raises ValueError for a calendar without a business day in the next ten years.
        """
        if not include:
            day += timedelta(days=1)
        for _ in range(_MAX_WALK_DAYS):
            if self.is_business_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("the business calendar has no business day in the next ten years")

    def previous_business_day(self, day: date, *, include: bool = True) -> date:
        """The last business day up to `day` (before it, with include=False); ValueError if none."""
        if not include:
            day -= timedelta(days=1)
        for _ in range(_MAX_WALK_DAYS):
            if self.is_business_day(day):
                return day
            day -= timedelta(days=1)
        raise ValueError("the business calendar has no business day in the last ten years")

    def add_business_days(self, day: date, count: int) -> date:
        """The `count`-th business day after `day` (`day` itself for zero or less)."""
        for _ in range(max(0, min(count, _MAX_WALK_DAYS))):
            day = self.next_business_day(day)
        return day

    @property
    def business_days_per_week(self) -> int:
        return sum(1 for day in self.hours if day)

    def opens_at(self, day: date) -> int:
        """Minute of `day` its working hours start at; on a closed day, the usual opening."""
        if self.is_business_day(day):
            return min(start for start, _ in self.hours[day.weekday()])
        return self._usual()[0]

    def closes_at(self, day: date) -> int:
        """Minute (from `day`'s midnight, may pass 1440) its working hours end at; on a closed
        day, the usual closing."""
        if self.is_business_day(day):
            return max(end for _, end in self.hours[day.weekday()])
        return self._usual()[1]

    def _usual(self) -> tuple[int, int]:
        """The most common opening and closing over the week (09:00-17:00 without hours)."""
        days = [day for day in self.hours if day]
        if not days:
            return 9 * 60, 17 * 60
        opens = Counter(min(s for s, _ in day) for day in days)
        closes = Counter(max(e for _, e in day) for day in days)
        return (
            max(opens.items(), key=lambda kv: (kv[1], -kv[0]))[0],
            max(closes.items(), key=lambda kv: (kv[1], kv[0]))[0],
        )


def office_hours(tz: str = "UTC") -> BusinessCalendar:
    """Monday to Friday, 09:00-17:00, no holidays: what promises count in without a team calendar."""
    return BusinessCalendar(tz=tz, hours=(((540, 1020),),) * 5 + ((),) * 2)
