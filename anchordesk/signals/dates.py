"""Due-date expressions ("by Friday", "within 3 business days") and their resolution.

Resolution happens in the customer's time zone against the moment the reply was sent,
using a business calendar for "business days", "end of day" and "first thing".
"""

from __future__ import annotations

import calendar as _cal
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from ._spans import Span


@dataclass(frozen=True)
class BusinessCalendar:
    """Business days and hours. ``workdays`` uses Monday=0 ... Sunday=6."""

    workdays: AbstractSet[int] = frozenset({0, 1, 2, 3, 4})
    start: time = time(9, 0)
    end: time = time(17, 0)
    holidays: AbstractSet[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Accept plain sets and lists from callers; keep the object hashable.
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        if not self.workdays or not set(self.workdays) <= set(range(7)):
            raise ValueError("workdays must be a non-empty subset of 0..6 (Monday=0)")

    def is_business_day(self, d: date) -> bool:
        return d.weekday() in self.workdays and d not in self.holidays

    def next_business_day(self, d: date, *, include: bool = False) -> date:
        if not include:
            d += timedelta(days=1)
        for _ in range(800):
            if self.is_business_day(d):
                return d
            d += timedelta(days=1)
        return d  # a calendar of only holidays: give up rather than loop

    def previous_business_day(self, d: date, *, include: bool = True) -> date:
        if not include:
            d -= timedelta(days=1)
        for _ in range(800):
            if self.is_business_day(d):
                return d
            d -= timedelta(days=1)
        return d

    def add_business_days(self, d: date, n: int) -> date:
        for _ in range(max(0, min(n, 3650))):
            d = self.next_business_day(d)
        return d


DEFAULT_CALENDAR = BusinessCalendar()

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty-eight": 48, "couple": 2, "a couple of": 2, "a couple": 2, "24": 24,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "thursday": 3, "thu": 3,
    "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

_NUM = r"(?:\d{1,3}|a\s+couple(?:\s+of)?|couple\s+of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty-eight)"
_UNIT = r"(?:business\s+|working\s+|calendar\s+|more\s+|additional\s+|extra\s+)?(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?)"
_WD = r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|(?:mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b\.?)"
_MON = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
_TIME = r"(?:(?:[01]?\d|2[0-3]):[0-5]\d\s*(?:[ap]\.m\.?|[ap]m\b)?|(?:1[0-2]|0?[1-9])\s*(?:[ap]\.m\.?|[ap]m\b)|noon|midday|midnight)"
_PART = r"(?:morning|afternoon|evening|night|eod|end\s+of\s+(?:the\s+)?(?:business\s+)?day)"
_TIME_SUFFIX = r"(?:\s*(?:,|at|by|before|around|@)?\s*(?P<tm>" + _TIME + r"))?"
_PREFIX = r"(?:(?:by|before|until|till|til|no\s+later\s+than|on|at|for|within|in|over|during|around|from|after|sometime|some\s+time)\s+)?"

_DUE_RE = re.compile(
    r"(?<![\w/])(?:"
    # relative amounts (ranges take the upper bound)
    r"(?P<rel>(?:within|in|over|after|up\s+to|for|takes?|taking|allow(?:ing)?|wait(?:ing)?|another|next)\s+(?:the\s+)?(?:next\s+|following\s+)?"
    r"(?:(?:about|around|approximately|approx\.?|roughly|up\s+to)\s+)?"
    r"(?P<n1>" + _NUM + r")(?:\s*(?:-|–|to|or)\s*(?P<n2>" + _NUM + r"))?\s*(?P<unit>" + _UNIT + r"))"
    r"|(?P<bare>(?P<b1>\d{1,3})\s*(?:-|–|to)\s*(?P<b2>\d{1,3})\s*(?P<bunit>" + _UNIT + r"))"
    r"|(?P<hour>within\s+(?:the|an|the\s+next)\s+hour)"
    # end of day / today
    r"|(?P<eod>(?:by\s+|before\s+)?(?:the\s+)?(?:end\s+of\s+(?:the\s+|your\s+|my\s+|our\s+)?(?:business\s+|work(?:ing)?\s+)?day"
    r"(?:\s+today)?|eod|cob|close\s+of\s+business|end\s+of\s+business|close\s+of\s+play|end\s+of\s+today))"
    r"|(?P<today>(?:by\s+|before\s+|later\s+)?(?:today|tonight|this\s+(?:morning|afternoon|evening)|later\s+on\s+today))"
    r"|(?P<tomorrow>(?:by\s+|before\s+|on\s+)?(?:first\s+thing\s+)?(?:tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow)"
    r"(?:\s+(?P<tpart>morning|afternoon|evening|night|eod|end\s+of\s+(?:the\s+)?day))?)"
    # weeks and months; "by the weekend" is the last business day before it
    r"|(?P<wkend>(?:by|before)\s+(?:the\s+|this\s+)?weekend)"
    r"|(?P<week>(?:by\s+|before\s+)?(?:the\s+)?(?:(?:end|close)\s+of\s+(?:the\s+|this\s+)?(?P<nw1>next\s+)?(?:work(?:ing)?\s+|business\s+)?week"
    r"|(?P<early>early|later|late)\s+(?P<nw2>next|this)\s+week|(?P<nw3>next|this|the\s+coming|coming)\s+week))"
    r"|(?P<month>(?:by\s+|before\s+)?(?:the\s+)?(?:end\s+of\s+(?:the\s+|this\s+)?(?P<nm>next\s+)?month|next\s+month))"
    r"|(?P<year>(?:by\s+|before\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?year|(?:by|before|in)\s+(?P<yy>20\d\d)\b)"
    # weekdays
    r"|(?P<wd>(?:by\s+|before\s+|on\s+|until\s+|till\s+)?(?P<first>first\s+thing\s+(?:on\s+)?)?(?:(?P<wmod>next|this|coming|this\s+coming)\s+)?"
    r"(?P<wday>" + _WD + r")(?:\s+(?P<wpart>" + _PART + r"))?)"
    # explicit dates
    r"|(?P<mdate>(?:by\s+|before\s+|on\s+|until\s+)?(?P<mon>"
    + _MON
    + r")\s+(?P<mday>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<myear>20\d\d))?)"
    r"|(?P<dmdate>(?:by\s+|before\s+|on\s+|until\s+)?(?:the\s+)?(?P<dday>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmon>"
    + _MON
    + r")(?:,?\s+(?P<dyear>20\d\d))?)"
    r"|(?P<iso>(?P<iy>20\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d))"
    r"|(?P<slash>(?:by\s+|before\s+|on\s+|until\s+)?(?P<s1>[01]?\d)/(?P<s2>[0-3]?\d)(?:/(?P<s3>(?:20)?\d\d))?)(?![\d/])"
    # times alone
    r"|(?P<time>(?:by|before|until|till|til|at|from|after|around)\s+(?P<tt>"
    + _TIME
    + r"|(?:[01]\d|2[0-3])[0-5]\d(?=\b)))"
    r")" + _TIME_SUFFIX + r"(?![\w])",
    re.IGNORECASE,
)
_VAGUE_RE = re.compile(
    r"\b(?:as\s+soon\s+as\s+(?:possible|we\s+can|I\s+can|they\s+can|we\s+(?:have|know|get|hear)[^.!?\n]{0,40}|"
    r"(?:it'?s|they'?re|he'?s|she'?s|we'?re)\s+(?:available|ready|back|in)[^.!?\n]{0,25})|asap|a\.s\.a\.p|shortly|"
    r"(?:very\s+|real\s+)?soon(?:est)?|at\s+the\s+earliest|in\s+a\s+(?:bit|moment|while|few)|right\s+away|"
    r"straight\s+away|promptly|immediately|in\s+due\s+course|later|till\s+the\s+time\s+mentioned|"
    r"(?:by|before|until|till)\s+the\s+(?:new\s+|original\s+|estimated\s+|expected\s+|quoted\s+|promised\s+)?"
    r"(?:delivery\s+)?(?:date|estimate|deadline)s?(?:\s+(?:provided|mentioned|given|quoted|advised|shown|stated))?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DueExpression:
    span: Span
    due: datetime | None


def _num(s: str | None) -> int | None:
    if s is None:
        return None
    s = re.sub(r"\s+", " ", s.strip().lower())
    if s.isdigit():
        return int(s)
    if s.startswith("a couple") or s.startswith("couple"):
        return 2
    return _NUMBER_WORDS.get(s)


def _parse_time(s: str) -> time | None:
    s = s.strip().lower().replace(".", "")
    if s in ("noon", "midday"):
        return time(12)
    if s == "midnight":
        return time(23, 59)
    m = re.fullmatch(r"(\d{1,2})(?::(\d\d))?\s*([ap]m)?", s)
    if m is None:
        m2 = re.fullmatch(r"([01]\d|2[0-3])([0-5]\d)", s)
        return time(int(m2.group(1)), int(m2.group(2))) if m2 else None
    h, mi, ap = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if ap == "pm" and h < 12:
        h += 12
    elif ap == "am" and h == 12:
        h = 0
    if h > 23 or mi > 59:
        return None
    return time(h, mi)


def _at(d: date, t: time, tz: tzinfo) -> datetime:
    return datetime.combine(d, t, tzinfo=tz)


def _end_of_day(now: datetime, cal: BusinessCalendar) -> datetime:
    today = now.date()
    if cal.is_business_day(today) and now.time() < cal.end:
        return _at(today, cal.end, now.tzinfo or ZoneInfo("UTC"))
    return _at(cal.next_business_day(today), cal.end, now.tzinfo or ZoneInfo("UTC"))


def _part_time(part: str | None, cal: BusinessCalendar) -> time:
    if not part:
        return cal.end
    p = part.lower()
    if p.startswith("morning"):
        return time(12)
    if p.startswith("afternoon"):
        return max(cal.end, time(17))
    if p.startswith(("evening", "night")):
        return time(21)
    return cal.end


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, _cal.monthrange(year, month)[1]))


def _week_end(d: date, cal: BusinessCalendar) -> date:
    sunday = d + timedelta(days=6 - d.weekday())
    return cal.previous_business_day(sunday)


def _resolve(m: re.Match[str], now: datetime, cal: BusinessCalendar) -> datetime | None:
    g = m.groupdict()
    tz = now.tzinfo or ZoneInfo("UTC")
    today = now.date()
    tm = _parse_time(g["tm"]) if g.get("tm") else None
    if g["rel"] or g["bare"]:
        n = _num(g["n2"] or g["n1"]) if g["rel"] else _num(g["b2"])
        unit = (g["unit"] or g["bunit"] or "").lower()
        if n is None:
            return None
        if "business" in unit or "working" in unit:
            if "day" in unit:
                return _at(cal.add_business_days(today, n), cal.end, tz)
            if "week" in unit:
                return _at(cal.add_business_days(today, 5 * n), cal.end, tz)
        if unit.startswith("min"):
            return now + timedelta(minutes=n)
        if unit.startswith(("hour", "hr")):
            return now + timedelta(hours=n)
        if unit.startswith("day") or unit.split()[-1].startswith("day"):
            return now + timedelta(days=n)
        if "w" in unit.split()[-1][:2]:
            return now + timedelta(weeks=n)
        if "month" in unit:
            return datetime.combine(_add_months(today, n), now.timetz())
        return None
    if g["hour"]:
        return now + timedelta(hours=1)
    if g["eod"]:
        return _end_of_day(now, cal)
    if g["today"]:
        word = g["today"].lower()
        if "tonight" in word or "evening" in word:
            return _at(today, time(21), tz)
        if "morning" in word:
            return _at(today, time(12), tz)
        if tm is not None:
            return _at(today, tm, tz)
        if now.time() < cal.end:
            return _at(today, cal.end, tz)
        return _at(today, time(23, 59), tz)
    if g["tomorrow"]:
        d = today + timedelta(days=1)
        if tm is not None:
            return _at(d, tm, tz)
        if "first thing" in g["tomorrow"].lower():
            return _at(d, cal.start, tz)
        return _at(d, _part_time(g["tpart"], cal), tz)
    if g["wkend"]:
        end = _week_end(today, cal)
        if end < today or (end == today and now.time() >= cal.end):
            end = _week_end(today + timedelta(days=7), cal)
        return _at(end, cal.end, tz)
    if g["week"]:
        nxt = bool(g["nw1"]) or (g["nw2"] or g["nw3"] or "").lower() == "next"
        base = today + timedelta(days=7) if nxt else today
        if g["early"] and g["early"].lower() == "early":
            monday = base - timedelta(days=base.weekday())
            return _at(cal.next_business_day(monday + timedelta(days=1), include=True), cal.end, tz)
        end = _week_end(base, cal)
        if end < today or (end == today and now.time() >= cal.end):
            end = _week_end(today + timedelta(days=7), cal)
        return _at(end, cal.end, tz)
    if g["month"]:
        base = _add_months(today.replace(day=1), 1 if g["nm"] or "next month" in g["month"].lower() else 0)
        last = base.replace(day=_cal.monthrange(base.year, base.month)[1])
        return _at(cal.previous_business_day(last), cal.end, tz)
    if g["year"]:
        year = int(g["yy"]) if g["yy"] else today.year
        if g["yy"] and g["year"].split()[0].lower() == "in" and year <= today.year:
            return None
        return _at(date(year, 12, 31), cal.end, tz)
    if g["wd"]:
        wd = _WEEKDAYS[g["wday"].lower().rstrip(".")]
        mod = (g["wmod"] or "").lower()
        ahead = (wd - today.weekday()) % 7
        if mod == "next":
            # "next Tuesday" = the Tuesday of next week
            monday_next = today + timedelta(days=7 - today.weekday())
            d = monday_next + timedelta(days=wd)
        else:
            d = today + timedelta(days=ahead or 7)
        if tm is not None:
            return _at(d, tm, tz)
        if g["first"]:
            return _at(d, cal.start, tz)
        return _at(d, _part_time(g["wpart"], cal), tz)
    if g["mdate"] or g["dmdate"]:
        month = _MONTHS[(g["mon"] or g["dmon"]).lower().rstrip(".")]
        day = int(g["mday"] or g["dday"])
        year_s = g["myear"] or g["dyear"]
        return _explicit(today, month, day, int(year_s) if year_s else None, tm or cal.end, tz)
    if g["iso"]:
        return _explicit(today, int(g["im"]), int(g["id"]), int(g["iy"]), tm or cal.end, tz)
    if g["slash"]:
        a, b = int(g["s1"]), int(g["s2"])
        month, day = (a, b) if a <= 12 else (b, a)
        y = g["s3"]
        slash_year = None if y is None else (int(y) + 2000 if len(y) == 2 else int(y))
        return _explicit(today, month, day, slash_year, tm or cal.end, tz)
    if g["time"]:
        t = _parse_time(g["tt"])
        if t is None:
            return None
        d = today if t > now.time() else today + timedelta(days=1)
        return _at(d, t, tz)
    return None


def _explicit(today: date, month: int, day: int, year: int | None, t: time, tz: tzinfo) -> datetime | None:
    try:
        d = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and (today - d).days > 60:
        d = d.replace(year=d.year + 1) if not (d.month == 2 and d.day == 29) else d
    return _at(d, t, tz)


def to_local(sent_at: datetime, tz: str | tzinfo = "UTC") -> datetime:
    zone: tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
    if sent_at.tzinfo is None:
        return sent_at.replace(tzinfo=zone)
    return sent_at.astimezone(zone)


_STRIP_PREFIX_RE = re.compile(
    r"^(?:within|in|over|after|up\s+to|for|takes?|taking|allow(?:ing)?|wait(?:ing)?|another|next|by|before|until|"
    r"till|til|on|at|from|around|later)\s+",
    re.IGNORECASE,
)


def find_due_expressions(
    text: str, *, now: datetime | None = None, calendar: BusinessCalendar | None = None
) -> list[DueExpression]:
    """All time expressions in ``text``; ``due`` is resolved when ``now`` (aware) is given."""
    cal = calendar or DEFAULT_CALENDAR
    out: list[DueExpression] = []
    for m in _DUE_RE.finditer(text):
        if _false_date(text, m):
            continue
        due = _resolve(m, now, cal) if now is not None else None
        if now is not None and due is None:
            continue
        out.append(DueExpression(Span("due", m.start(), m.end(), m.group(0)), due))
    return out


def find_vague_times(text: str) -> list[Span]:
    return [Span("due_vague", m.start(), m.end(), m.group(0)) for m in _VAGUE_RE.finditer(text)]


_NUMERIC_CONTEXT_RE = re.compile(r"(?:\$|£|€|#|v|version\s*|ios\s*|\d[.,])$", re.IGNORECASE)


def _false_date(text: str, m: re.Match[str]) -> bool:
    g = m.groupdict()
    before = text[max(0, m.start() - 8) : m.start()]
    if g["slash"] and (
        _NUMERIC_CONTEXT_RE.search(before)
        or re.match(r"\d/\d(?!\d)", m.group(0))
        and "/" in text[m.end() : m.end() + 1]
    ):
        return True
    if g["slash"]:
        a, b = int(g["s1"]), int(g["s2"])
        if a == 0 or b == 0 or (a > 12 and b > 12) or b > 31:
            return True
        # "1/2" and "2/2" in tweets are thread counters, not dates
        if (
            g["s3"] is None
            and a <= 9
            and b <= 9
            and not re.match(r"(?:by|before|on|until)\s", m.group(0), re.IGNORECASE)
        ):
            return True
    if g["wd"]:
        word = g["wday"].lower().rstrip(".")
        # "sat" / "wed" / "sun" / "mar" are also ordinary words
        if word in ("sat", "sun", "wed", "mon") and not g["wd"].lower().startswith(
            ("by", "on", "next", "this")
        ):
            return True
    short_month = (g["mon"] or g["dmon"] or "").lower() in ("may", "mar", "jun", "sept")
    if (g["mdate"] or g["dmdate"]) and short_month and not re.search(r"\d", m.group(0)):
        return True
    return bool(
        g["rel"]
        and g["rel"].lower().startswith(("for", "wait", "next", "another"))
        and "day" not in (g["unit"] or "").lower()
        and "hour" not in (g["unit"] or "").lower()
    )


def strip_due_prefix(s: str) -> str:
    return _STRIP_PREFIX_RE.sub("", s.strip())


def resolve_due(
    due_text: str, *, sent_at: datetime, tz: str | tzinfo = "UTC", calendar: BusinessCalendar | None = None
) -> datetime | None:
    """Resolve a due phrase ("by Friday", "within 3 business days") to an aware datetime, or None."""
    now = to_local(sent_at, tz)
    found = find_due_expressions(due_text, now=now, calendar=calendar)
    return found[0].due if found else None
