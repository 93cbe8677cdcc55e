"""Due-date expressions ("by Friday", "within 3 business days", "12/03") and their resolution.

A phrase is resolved against the moment the reply was sent, read in the agent's time zone,
and the team's business calendar (`anchordesk.business_calendar.BusinessCalendar`, the type
the SLA clock uses too). Dates the agent names ("tomorrow", "Friday", "3 March") are dates
of the agent's wall calendar; a clock time they write ("at 4pm") is the agent's wall clock;
a day without a clock time is due when the calendar's working hours of that day close.
docs/signals.md has the table of phrases and what they resolve to.
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from anchordesk.business_calendar import MINUTES_PER_DAY, BusinessCalendar, office_hours
from anchordesk.business_clock import add_business_time, end_of_business_day

from ._spans import Span

__all__ = [
    "DEFAULT_CALENDAR",
    "BusinessCalendar",
    "DueExpression",
    "find_due_expressions",
    "find_vague_times",
    "resolve_due",
    "to_local",
]

# Monday to Friday 09:00-17:00. Without a team calendar, these hours apply in the agent's zone.
DEFAULT_CALENDAR = office_hours("UTC")
DEFAULT_LOCALE = "en-US"
# Regions that write numeric dates month first (3/4 = March 4th); everyone else writes day first.
_MONTH_FIRST_REGIONS = frozenset({"US", "PH", "FM", "MH", "PW", "GU", "PR", "AS", "VI", "UM"})

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "twenty-four": 24, "forty-eight": 48, "seventy-two": 72, "few": 3, "a few": 3,
    "couple": 2, "a couple": 2, "couple of": 2, "a couple of": 2,
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

# --- the grammar ----------------------------------------------------------------------------

_NUMW = (
    r"(?:a\s+couple(?:\s+of)?|couple\s+of|a\s+few|few|an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|twenty-four|forty-eight|seventy-two|twenty|thirty)"
)
_NUM = r"(?:\d{1,3}|" + _NUMW + r")"
# Bare counts ("3-5 working days") take digits or number words, never "a"/"an".
_BNUM = (
    r"(?:\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty-four|"
    r"forty-eight|seventy-two|twenty|thirty)"
)
_UNIT = (
    r"(?P<{g}>(?:(?:business|working|work|calendar|more|additional|extra|further)\s+)?"
    r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?)|(?:business|working)\s+weeks?)"
)
_WD = r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|(?:mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b\.?)"
_MON = r"(?:(?:january|february|march|april|may|june|july|august|september|october|november|december)\b|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?)"
# A month on its own ("in March"): full names, and abbreviations that are not also words.
_MON_ONLY = (
    r"(?:(?:january|february|march|april|may|june|july|august|september|october|november|december)\b|"
    r"(?:jan|feb|apr|aug|sept|oct|nov|dec)\b\.?)"
)
_ORD = r"(?:st|nd|rd|th)"
_AMPM = r"(?:[ap]\.m\.?|[ap]m\b)"
_TIME = (
    r"(?:(?:[01]?\d|2[0-3]):[0-5]\d\s*"
    + _AMPM
    + r"?|(?:1[0-2]|0?[1-9])\s*"
    + _AMPM
    + r"|noon|midday|midnight)"
)
_TOMORROW = r"(?:tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow)"
_PART = r"(?:morning|afternoon|evening|night|eod|end\s+of\s+(?:the\s+)?(?:business\s+)?day)"
# After a day: ", at 4pm", "by noon", "10 am", "at 9" (a bare hour needs "at").
_TIME_SUFFIX = (
    r"(?:\s*,?\s*(?:(?:at|by|before|around|@|from|no\s+later\s+than)\s*)?(?P<tm>" + _TIME + r")"
    r"|\s+(?:at|around)\s+(?P<tmh>[01]?\d|2[0-3])(?![\d:.]))?"
)
_DAY_AFTER_TIME = (
    r"(?:\s*,?\s*(?:on\s+|this\s+)?(?P<tfd>today|tonight|"
    + _TOMORROW
    + r"|(?:next\s+|this\s+)?"
    + _WD
    + r"|"
    + _MON
    + r"\s+[0-3]?\d"
    + _ORD
    + r"?\b|(?:the\s+)?[0-3]?\d"
    + _ORD
    + r"?\s+(?:of\s+)?"
    + _MON
    + r"))?"
)

_PATTERNS = [
    # a clock time, maybe followed by its day: "by 5 pm tomorrow", "at 16:00"
    r"(?P<tf>(?P<tfp>(?:by|before|until|till|til|at|around|after|from|no\s+later\s+than)\s+)?(?P<tft>"
    + _TIME
    + r"|(?<=[a-z]\s)(?!20\d\d\b)(?:[01]\d|2[0-3])[0-5]\d(?:\s*(?:hrs|hours|h)\b)?(?!\s*\d))"
    + _DAY_AFTER_TIME
    + r")",
    # immediacy: the same day
    r"(?P<imm>right\s+away|straight\s+away|immediately|shortly|"
    r"in\s+(?:a|one)\s+(?:moment|minute|min|sec(?:ond)?)|in\s+(?:a\s+)?(?:few|couple\s+of)\s+(?:minutes|mins|moments)|"
    r"(?P<now>(?:right\s+)?now))",
    r"(?P<hour>(?:within|in|during)\s+(?:the|this)\s+(?:next\s+)?hour)",
    r"(?P<half>(?:within|in|under)\s+(?:(?:the\s+next|about|around)\s+)?half\s+an\s+hour)",
    # spans: ranges take the upper bound
    r"(?P<rel>(?:within|in|over|under|after|up\s+to|takes?|taking|allow(?:ing)?|another|next|give\s+(?:it|us|me))\s+"
    r"(?:the\s+)?(?:next\s+|following\s+)?"
    r"(?:(?:about|around|approximately|approx\.?|roughly|up\s+to|less\s+than|no\s+more\s+than|an\s+additional|"
    r"a\s+further|another)\s+)?"
    r"(?P<n1>"
    + _NUM
    + r")(?:\s*(?:-|–|to|or)\s*(?P<n2>"
    + _NUM
    + r"))?\s*"
    + _UNIT.format(g="unit")
    + r"(?:\s+or\s+(?P<n3>two|three|four|five|\d))?)",
    r"(?P<nbd>(?:(?:by|on|within|for)\s+)?(?:the\s+)?(?:next|following)\s+(?:business|working|work)\s+day)",
    r"(?P<inmorning>(?:by\s+)?(?P<imfirst>first\s+thing\s+)?in\s+the\s+morning)",
    r"(?P<bare>(?P<b1>"
    + _BNUM
    + r")(?:\s*(?:-|–|to|or)\s*(?P<b2>"
    + _BNUM
    + r"))?\s*"
    + _UNIT.format(g="bunit")
    + r")",
    # end of day / today / tomorrow
    r"(?P<eod>(?:by\s+|before\s+|at\s+)?(?:the\s+)?(?:end\s+of\s+(?:the\s+|your\s+|my\s+|our\s+)?"
    r"(?:business\s+|work(?:ing)?\s+)?day(?:\s+today)?|eod|cob|eob|close\s+of\s+business|end\s+of\s+business|"
    r"close\s+of\s+play|end\s+of\s+play|end\s+of\s+today)(?:\s+today|,?\s+(?:on\s+)?(?P<eodday>"
    + _TOMORROW
    + r"|(?:next\s+|this\s+)?"
    + _WD
    + r"))?)",
    r"(?P<today>(?:by\s+|before\s+|later\s+|sometime\s+|some\s+time\s+|for\s+)?(?:today|tonight|"
    r"(?:later\s+)?this\s+(?P<dpart>morning|afternoon|evening)|later\s+on\s+today))",
    r"(?P<tomorrow>(?:by\s+|before\s+|on\s+|for\s+)?(?P<tfirst>first\s+thing\s+)?"
    + _TOMORROW
    + r"(?:\s+(?P<tpart>"
    + _PART
    + r"))?)",
    # weeks, months, years; "by the weekend" is the last business day before it
    r"(?P<wkend>(?:by|before)\s+(?:the\s+|this\s+)?weekend)",
    r"(?P<week>(?:by\s+|before\s+)?(?:the\s+)?(?:(?:end|close)\s+of\s+(?:the\s+|this\s+)?(?P<nw1>next\s+)?"
    r"(?:work(?:ing)?\s+|business\s+)?week|(?P<early>early|later|late)\s+(?P<nw2>next|this)\s+week|"
    r"(?:by\s+|before\s+|within\s+|during\s+)?(?P<nw3>next|this|the\s+coming|coming)\s+week))",
    r"(?P<month>(?:by\s+|before\s+|within\s+)?(?:the\s+)?(?:end\s+of\s+(?:the\s+|this\s+)?(?P<nm>next\s+)?month|"
    r"(?P<nm2>next|this)\s+month))",
    r"(?P<year>(?:by\s+|before\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?year|(?:by|before|in)\s+(?P<yy>20\d\d)\b)",
    # weekdays
    r"(?P<wd>(?:by\s+|before\s+|on\s+|until\s+|till\s+|for\s+|no\s+later\s+than\s+)?(?P<first>first\s+thing\s+(?:on\s+)?)?"
    r"(?:(?P<wmod>next|this|coming|this\s+coming|the\s+coming)\s+)?(?P<wday>"
    + _WD
    + r")(?:\s+(?P<wpart>"
    + _PART
    + r"))?"
    # "Friday the 20th", "Monday, November 23": the date decides
    + r"(?:,?\s+(?:the\s+)?(?P<wdnum>[0-3]?\d)(?:"
    + _ORD
    + r"\b(?:\s+(?:of\s+)?(?P<wdmon>"
    + _MON
    + r"))?"
    + r"|\s+(?:of\s+)?(?P<wdmon3>"
    + _MON
    + r"))|,?\s+(?P<wdmon2>"
    + _MON
    + r")\s+(?P<wdnum2>[0-3]?\d)"
    + _ORD
    + r"?\b)?(?:,?\s+(?P<wdyear>20\d\d)\b)?)",
    # explicit dates
    r"(?P<mdate>(?:by\s+|before\s+|on\s+|until\s+|till\s+|for\s+)?(?P<mon>" + _MON + r")\s+(?:the\s+)?"
    r"(?P<mday>[0-3]?\d)" + _ORD + r"?\b(?:,?\s+(?P<myear>20\d\d)\b)?)",
    r"(?P<dmdate>(?:by\s+|before\s+|on\s+|until\s+|till\s+|for\s+)?(?:the\s+)?(?P<dday>[0-3]?\d)"
    + _ORD
    + r"?\s+(?:of\s+)?(?P<dmon>"
    + _MON
    + r")(?:,?\s+(?P<dyear>20\d\d)\b)?)",
    r"(?P<nth>(?:by|before|on|until|till|for)\s+the\s+(?P<nday>[0-3]?\d)" + _ORD + r"\b"
    r"(?:\s+of\s+(?P<nthm>this|the|next)\s+month)?"
    r"(?!\s+(?!(?:of|at|and|or|so|to|when|if|as|latest|by|before|in|please|then|from|with|for|we|i|you|it|this|"
    r"that|the|a|an|our|your|on|is|will|would|should|but)\b)[a-z]))",
    # a month without a day: its end (or mid-month, early ...)
    r"(?P<monly>(?:(?:by|before|until|till|in|at|around|towards?|for)\s+)?(?:(?P<mpos>(?:the\s+)?(?:end|close)\s+of|mid-?|middle\s+of|the\s+middle\s+of|early|late|"
    r"(?:the\s+)?(?:beginning|start)\s+of)\s*|(?P<mpre>in|by|before|until|till|through|during)\s+)"
    r"(?:(?:early|mid-?|late)\s*)?(?P<omon>" + _MON_ONLY + r")(?:,?\s+(?P<oyear>20\d\d)\b)?)",
    r"(?P<iso>(?:(?:by|before|on|until|till|for)\s+)?(?P<iy>20\d\d)(?P<isep>[-/])(?P<im>[01]?\d)(?P=isep)(?P<id>[0-3]?\d))(?![\d/.\-])",
    r"(?P<num>(?P<npre>(?:by|before|on|until|till|for|from|due)\s+)?(?P<s1>[0-3]?\d)(?P<sep>[/.\-])(?P<s2>[0-3]?\d)"
    r"(?:(?P=sep)(?P<s3>20\d\d|\d\d))?)(?![\d/]|[.\-]\d)",
]
# Every form starts with one of these (checked once per word before trying them all: speed).
_STARTS = (
    r"(?=\d|(?:by|before|until|till|til|at|around|after|from|no|mid|right|straight|immediately|shortly|in|now|within|"
    r"during|under|over|up|take|allow|another|next|give|the|end|eod|cob|eob|close|late|early|some|for|today|"
    r"tonight|this|on|first|tom|tmr|coming|beginning|start|toward|through|due|half|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|thirty|forty|seventy|mon|tue|wed|thu|fri|"
    r"sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"
)
_DUE_RE = re.compile(
    r"(?<![\w/.\-$£€#@])" + _STARTS + r"(?:" + "|".join(_PATTERNS) + r")" + _TIME_SUFFIX + r"(?![\w])",
    re.IGNORECASE,
)
_VAGUE_RE = re.compile(
    r"\b(?:as\s+soon\s+as\s+(?:possible|we\s+can|I\s+can|they\s+can|we\s+(?:have|know|get|hear)[^.!?\n]{0,40}|"
    r"(?:it'?s|they'?re|he'?s|she'?s|we'?re)\s+(?:available|ready|back|in)[^.!?\n]{0,25})|asap|a\.s\.a\.p|"
    r"(?:very\s+|real\s+)?soon(?:est)?|at\s+the\s+earliest|in\s+a\s+(?:bit|moment|while|few)|right\s+away|"
    r"straight\s+away|promptly|immediately|in\s+due\s+course|later|till\s+the\s+time\s+mentioned|"
    r"(?:by|before|until|till)\s+the\s+(?:new\s+|original\s+|estimated\s+|expected\s+|quoted\s+|promised\s+)?"
    r"(?:delivery\s+)?(?:date|estimate|deadline)s?(?:\s+(?:provided|mentioned|given|quoted|advised|shown|stated))?)\b",
    re.IGNORECASE,
)

# Context that makes a match something other than a due date.
_NUMBER_CONTEXT_RE = re.compile(
    r"(?:[$£€#]|\bv|\bversion|\bios|\bandroid|\bbuild|\brelease|\border|\bticket|\bcase|\bref(?:erence)?|"
    r"\binvoice|\baccount|\bacct|\btracking|\bmodel|\bpart|\bsku|\bitem|\bflight|\broom|\bseat|\bgate|\bno\.?|"
    r"\bnumber|\bnum|\bid|\bcode|\bpin|\bphone|\bcall(?:ing)?\s+(?:us\s+)?(?:at|on)|\bext\.?|\brated?|\bscored?|"
    r"\bstars?)\s*(?:number|no\.?|#|:)?\s*$",
    re.IGNORECASE,
)
_PAST_AFTER_RE = re.compile(
    r"\s*,?\s*(?:yesterday|ago\b|earlier\b|last\s+(?:night|week|month|year|time|"
    + _WD
    + r")|before\s+that\b)",
    re.IGNORECASE,
)
_PAST_MARK_RE = re.compile(
    r"\b(?:missed|tried|attempted|was|were|had|did|called|came|arrived|delivered|shipped|sent|received|placed|"
    r"ordered|spoke|emailed|visited|happened|started|began|occurred|opened|closed|expired|ended|yesterday|ago|"
    r"last|since|earlier|already|previously|used\s+to|waited|took|spent|been|cancell?ed|processed|released|"
    r"refunded|resolved|fixed|posted|completed|issued|paid|booked|reverted|requested|made|done)\b",
    re.IGNORECASE,
)
_FUTURE_MARK_RE = re.compile(
    r"(?:\b(?:will|shall|should|would|going\s+to|gonna|expect|can|could|may|plan|aim|promise|hope|please|"
    r"need|let|allow)\b|['’]ll\b)",
    re.IGNORECASE,
)
_RELATIVE_TO_RE = re.compile(
    r"\s+(?:before|prior\s+to|after|of|from)\b(?!\s+(?:now|today|the\s+date\s+of\s+this|this\s+(?:message|email)))",
    re.IGNORECASE,
)
_PROMISE_RE = re.compile(
    r"(?:\b(?:will|shall|going\s+to|gonna|let\s+(?:me|us))\b|['’]ll\b)(?![^.!?\n]*\b(?:not|never)\b)",
    re.IGNORECASE,
)
_CLAUSE_BREAK_RE = re.compile(r"[.!?;](?:\s|$)|\n|\b(?:and|but|so)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DueExpression:
    """A due phrase: where it is and, when a sent time was given, when it is due.

    ``kind`` says which form it is: immediate, span, clock, day, weekday, date, month, week,
    end_of_day (added after ``span`` and ``due``; callers may ignore it).
    """

    span: Span
    due: datetime | None
    kind: str = ""


# --- helpers --------------------------------------------------------------------------------


def _num(s: str | None) -> int | None:
    if s is None:
        return None
    s = re.sub(r"\s+", " ", s.strip().lower())
    if s.isdigit():
        return int(s)
    return _NUMBER_WORDS.get(s)


def _parse_time(s: str) -> time | None:
    s = s.strip().lower().replace(".", "")
    if s in ("noon", "midday"):
        return time(12)
    if s == "midnight":
        return time(23, 59)
    military = re.fullmatch(r"([01]\d|2[0-3])([0-5]\d)\s*(?:hrs|hours|h)?", s)
    if military:
        return time(int(military.group(1)), int(military.group(2)))
    m = re.fullmatch(r"(\d{1,2})(?::(\d\d))?\s*([ap]m)?", s)
    if m is None:
        return None
    h, mi, ap = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if ap == "pm" and h < 12:
        h += 12
    elif ap == "am" and h == 12:
        h = 0
    if h > 23 or mi > 59:
        return None
    return time(h, mi)


def _bare_hour(s: str) -> time:
    """ "Monday at 3": office talk, so 1 to 7 o'clock mean the afternoon."""
    h = int(s)
    return time(h + 12 if 1 <= h <= 7 else h)


def month_first(locale: str | None) -> bool:
    """Whether `locale` ("en-US", "en_GB", "de") writes numeric dates month first."""
    if not isinstance(locale, str) or not locale.strip():
        locale = DEFAULT_LOCALE
    parts = re.split(r"[-_]", locale.strip())
    if len(parts) == 1:
        return parts[0].lower() == "en"
    return any(p.upper() in _MONTH_FIRST_REGIONS for p in parts[1:])


def _zone_name(zone: tzinfo | None) -> str:
    """An IANA name for the agent's zone, so a calendar can be built in it."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None) if isinstance(zone, timezone) else None
    if offset is not None and offset % timedelta(hours=1) == timedelta(0):
        hours = offset // timedelta(hours=1)
        return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return "UTC"


def _calendar_for(calendar: BusinessCalendar | None, zone: tzinfo | None) -> BusinessCalendar:
    """The team's calendar, or office hours in the agent's zone (also for a calendar without hours)."""
    if calendar is not None and calendar.has_hours:
        return calendar
    return _office_hours(_zone_name(zone))


@lru_cache(maxsize=64)
def _office_hours(zone_name: str) -> BusinessCalendar:
    return office_hours(zone_name)


class _Ctx:
    """What a phrase resolves against: the local sent moment and the calendar."""

    def __init__(self, now: datetime, cal: BusinessCalendar, locale: str | None) -> None:
        self.now = now
        self.tz: tzinfo = now.tzinfo or ZoneInfo("UTC")
        self.today = now.date()
        self.cal = cal
        self.month_first = month_first(locale)

    def at(self, d: date, t: time) -> datetime:
        return datetime.combine(d, t, tzinfo=self.tz)

    def _wall(self, d: date, minute: int) -> datetime:
        minute = min(minute, MINUTES_PER_DAY - 1) if minute == MINUTES_PER_DAY else minute
        d += timedelta(days=minute // MINUTES_PER_DAY)
        minute %= MINUTES_PER_DAY
        return datetime.combine(d, time(minute // 60, minute % 60), tzinfo=self.cal.zone).astimezone(self.tz)

    def close(self, d: date) -> datetime:
        """When the calendar's working hours of `d` end (its usual closing on a closed day)."""
        return self._wall(d, self.cal.closes_at(d))

    def open(self, d: date) -> datetime:
        return self._wall(d, self.cal.opens_at(d))

    def today_end(self) -> datetime:
        """ "Today": the close if it is still ahead, else the end of the agent's day."""
        close = self.close(self.today)
        return close if close > self.now and close.date() == self.today else self.at(self.today, time(23, 59))

    def part(self, d: date, part: str | None) -> datetime:
        if not part:
            return self.close(d)
        p = part.lower()
        if p.startswith("morning"):
            return self.at(d, time(12))
        if p.startswith("afternoon"):
            return max(self.close(d), self.at(d, time(17)))
        if p.startswith(("evening", "night")):
            return self.at(d, time(21))
        return self.close(d)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, _cal.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, _cal.monthrange(year, month)[1])


def _week_end(d: date, cal: BusinessCalendar) -> date:
    sunday = d + timedelta(days=6 - d.weekday())
    return cal.previous_business_day(sunday)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_yearly(today: date, month: int, day: int) -> date | None:
    """The first `month`/`day` on or after today (Feb 29 waits for a leap year)."""
    for year in range(today.year, today.year + 9):
        d = _valid(year, month, day)
        if d is not None and d >= today:
            return d
    return None


def _next_day_of_month(start: date, day: int) -> date | None:
    """The first date on or after `start` whose day of the month is `day`."""
    for k in range(13):
        first = _add_months(start.replace(day=1), k)
        found = _valid(first.year, first.month, day)
        if found is not None and found >= start:
            return found
    return None


def numeric_date(a: int, b: int, year: int | None, today: date, *, month_first: bool) -> date | None:
    """Read "a/b(/year)": a date valid one way only is read that way; of two readings the one
    not in the past wins; when both are ahead or both are past, the sender's locale decides the
    order (and a date without a year moves to next year)."""
    readings = [(a, b), (b, a)] if month_first else [(b, a), (a, b)]  # (month, day), preferred first
    readings = [r for i, r in enumerate(readings) if r not in readings[:i]]
    if year is not None:
        candidates = [d for m, dd in readings if (d := _valid(year, m, dd)) is not None]
        ahead = [d for d in candidates if d >= today]
        return ahead[0] if ahead else (candidates[0] if candidates else None)
    this_year = [d for m, dd in readings if (d := _valid(today.year, m, dd)) is not None]
    ahead = [d for d in this_year if d >= today]
    if ahead:
        return ahead[0]
    for m, dd in readings:
        if 1 <= m <= 12 and 1 <= dd <= 31 and (d := _next_yearly(today, m, dd)) is not None:
            return d
    return None


# --- resolution -----------------------------------------------------------------------------


def _resolve(m: re.Match[str], ctx: _Ctx) -> tuple[datetime | None, str]:
    g = m.groupdict()
    now, today, cal = ctx.now, ctx.today, ctx.cal
    tm = _parse_time(g["tm"]) if g.get("tm") else _bare_hour(g["tmh"]) if g.get("tmh") else None

    def on(d: date | None, default: datetime | None = None) -> datetime | None:
        if d is None:
            return None
        if tm is not None:
            return ctx.at(d, tm)
        return default if default is not None else ctx.close(d)

    if g["tf"]:
        t = _parse_time(g["tft"])
        if t is None or (not g["tfp"] and not g["tfd"]):
            return None, "clock"
        if g["tfd"]:
            named = _resolve_text(g["tfd"], ctx)
            return (ctx.at(named.date(), t) if named is not None else None), "clock"
        return ctx.at(today if t > now.time() else today + timedelta(days=1), t), "clock"
    if g["imm"]:
        return ctx.today_end(), "immediate"
    if g["hour"]:
        return now + timedelta(hours=1), "span"
    if g["half"]:
        return now + timedelta(minutes=30), "span"
    if g["rel"] or g["bare"]:
        n = _num(g["n3"] or g["n2"] or g["n1"]) if g["rel"] else _num(g["b2"] or g["b1"])
        unit = re.sub(r"\s+", " ", (g["unit"] or g["bunit"] or "").lower())
        if n is None or n > 999:
            return None, "span"
        last = unit.split()[-1]
        business = unit.startswith(("business", "working", "work "))
        if last.startswith("min"):
            return now + timedelta(minutes=n), "span"
        if last.startswith(("hour", "hr")):
            if business:
                return add_business_time(now, n * 60, cal), "span"
            return now + timedelta(hours=n), "span"
        if last.startswith("day"):
            if business:
                return ctx.close(cal.add_business_days(today, n)), "span"
            return ctx.close(today + timedelta(days=n)), "span"
        if last.startswith(("week", "wk")):
            if business:
                return ctx.close(cal.add_business_days(today, n * cal.business_days_per_week)), "span"
            return ctx.close(today + timedelta(weeks=n)), "span"
        if last.startswith("month"):
            return ctx.close(_add_months(today, n)), "span"
        return None, "span"
    if g["eod"]:
        if g["eodday"]:
            named = _resolve_text(g["eodday"], ctx)
            if named is None:
                return None, "end_of_day"
            start_of_day = ctx.at(named.date(), time(0))
            return end_of_business_day(max(now, start_of_day), cal), "end_of_day"
        return end_of_business_day(now, cal), "end_of_day"
    if g["nbd"]:
        return ctx.close(cal.add_business_days(today, 1)), "day"
    if g["inmorning"]:
        if g["imfirst"]:
            opening = cal.next_business_day(today, include=True)
            if ctx.open(opening) <= now:
                opening = cal.next_business_day(today)
            return ctx.open(opening), "day"
        return ctx.at(today if now.time() < time(12) else today + timedelta(days=1), time(12)), "day"
    if g["today"]:
        part = (g["dpart"] or "").lower()
        word = g["today"].lower()
        if tm is not None:
            return ctx.at(today, tm), "day"
        if "tonight" in word or part == "evening":
            return ctx.at(today, time(21)), "day"
        if part == "morning":
            return ctx.at(today, time(12)), "day"
        if part == "afternoon":
            return max(ctx.today_end(), ctx.at(today, time(17))), "day"
        return ctx.today_end(), "day"
    if g["tomorrow"]:
        d = today + timedelta(days=1)
        if g["tfirst"]:
            return on(d, ctx.open(d)), "day"
        return on(d, ctx.part(d, g["tpart"])), "day"
    if g["wkend"]:
        end = _week_end(today, cal)
        if end < today or (end == today and now >= ctx.close(end)):
            end = _week_end(today + timedelta(days=7), cal)
        return ctx.close(end), "week"
    if g["week"]:
        nxt = bool(g["nw1"]) or (g["nw2"] or g["nw3"] or "").lower() == "next"
        base = today + timedelta(days=7) if nxt else today
        if g["early"] and g["early"].lower() == "early":
            monday = base - timedelta(days=base.weekday())
            return ctx.close(cal.next_business_day(monday + timedelta(days=1), include=True)), "week"
        end = _week_end(base, cal)
        if end < today or (end == today and now >= ctx.close(end)):
            end = _week_end(today + timedelta(days=7), cal)
        return ctx.close(end), "week"
    if g["month"]:
        nxt = bool(g["nm"]) or (g["nm2"] or "").lower() == "next"
        base = _add_months(today.replace(day=1), 1 if nxt else 0)
        return ctx.close(cal.previous_business_day(_month_end(base.year, base.month))), "month"
    if g["year"]:
        year = int(g["yy"]) if g["yy"] else today.year
        if g["yy"] and g["year"].split()[0].lower() == "in" and year <= today.year:
            return None, "month"
        return ctx.close(date(year, 12, 31)), "month"
    if g["wd"] and (g["wdnum"] or g["wdnum2"]):
        mday = int(g["wdnum"] or g["wdnum2"])
        mon_s = g["wdmon"] or g["wdmon2"] or g["wdmon3"]
        if mon_s:
            month = _MONTHS[mon_s.lower().rstrip(".")]
            dated = _valid(int(g["wdyear"]), month, mday) if g["wdyear"] else _next_yearly(today, month, mday)
        else:
            dated = _next_day_of_month(today, mday)
        return on(dated), "date"
    if g["wd"]:
        wd = _WEEKDAYS[g["wday"].lower().rstrip(".")]
        mod = re.sub(r"\s+", " ", (g["wmod"] or "").lower())
        ahead = (wd - today.weekday()) % 7
        if mod == "next":
            # "next Tuesday" = the Tuesday of next week
            d = today + timedelta(days=7 - today.weekday() + wd)
        elif mod == "this":
            d = today + timedelta(days=ahead)
        else:
            d = today + timedelta(days=ahead or 7)
        if g["first"]:
            return on(d, ctx.open(d)), "weekday"
        return on(d, ctx.part(d, g["wpart"])), "weekday"
    if g["mdate"] or g["dmdate"]:
        month = _MONTHS[(g["mon"] or g["dmon"]).lower().rstrip(".")]
        day = int(g["mday"] or g["dday"])
        year_s = g["myear"] or g["dyear"]
        named_day = _valid(int(year_s), month, day) if year_s else _next_yearly(today, month, day)
        return on(named_day), "date"
    if g["nth"]:
        start = _add_months(today.replace(day=1), 1) if (g["nthm"] or "").lower() == "next" else today
        return on(_next_day_of_month(start, int(g["nday"]))), "date"
    if g["monly"]:
        month = _MONTHS[g["omon"].lower().rstrip(".")]
        pos = (g["mpos"] or "").lower()
        whole = m.group("monly").lower()
        if pos.startswith("mid") or "middle" in pos or re.search(r"\bmid", whole):
            pick = 15
        elif re.search(r"\b(?:early|beginning|start)\b", whole):
            pick = 10
        else:
            pick = 0  # the end of the month
        if g["oyear"]:
            year = int(g["oyear"])
            d = _month_end(year, month) if pick == 0 else date(year, month, pick)
        else:
            d = _month_end(today.year, month) if pick == 0 else date(today.year, month, pick)
            if d < today:
                d = _month_end(today.year + 1, month) if pick == 0 else date(today.year + 1, month, pick)
        return on(d), "month"
    if g["iso"]:
        return on(_valid(int(g["iy"]), int(g["im"]), int(g["id"]))), "date"
    if g["num"]:
        a, b = int(g["s1"]), int(g["s2"])
        y = g["s3"]
        written = None if y is None else (int(y) + 2000 if len(y) == 2 else int(y))
        return on(numeric_date(a, b, written, today, month_first=ctx.month_first)), "date"
    return None, ""


def _resolve_text(text: str, ctx: _Ctx) -> datetime | None:
    m = _DUE_RE.fullmatch(text)
    if m is None:
        return None
    return _resolve(m, ctx)[0]


def to_local(sent_at: datetime, tz: str | tzinfo = "UTC") -> datetime:
    zone: tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
    if sent_at.tzinfo is None:
        return sent_at.replace(tzinfo=zone)
    return sent_at.astimezone(zone)


def _not_a_date(text: str, m: re.Match[str]) -> bool:
    """Prices, versions, phone and order numbers, thread counters, durations and past times."""
    g = m.groupdict()
    start, end = m.start(), m.end()
    before = text[max(0, start - 24) : start]
    numeric = (g["num"] or g["iso"] or g["bare"] or g["tf"]) and m.group(0)[:1].isdigit()
    if numeric and (_NUMBER_CONTEXT_RE.search(before) or re.search(r"\d[\s.,\-/]*$", before)):
        return True
    if g["num"]:
        a, b, sep = int(g["s1"]), int(g["s2"]), g["sep"]
        if sep in ".-" and g["s3"] is None:
            return True  # "3.5", "3-5": amounts and ranges, not dates
        # "1/2" threads, "24/7", "10/10" ratings: such a year-less date needs its "by"/"on"
        small = (a <= 9 and b <= 9) or (a, b) in ((24, 7), (10, 10), (50, 50))
        if small and g["s3"] is None and not g["npre"]:
            return True
        if a == 0 or b == 0 or (a > 12 and b > 12):
            return True
    if g["bare"] and not g["b2"]:
        unit = (g["bunit"] or "").lower()
        # A lone "3 days" is a duration; "48 hours" and "3 business days" read as turnaround times.
        if not re.match(r"(?:business|working)\s+days?|hours?|hrs?", unit):
            return True
    if g["rel"] and re.match(r"(?:another|next|after|over)\b", g["rel"], re.IGNORECASE):
        unit = (g["unit"] or "").lower()
        if "day" not in unit and "hour" not in unit and "week" not in unit:
            return True
    if g["imm"] and g["now"]:
        # "I'll send it (right) now": only after a promise in the same clause, and at its end;
        # "we don't have any info right now" and "it's working now" are not due dates.
        clause = text[max(0, start - 80) : start]
        clause = clause[max((b.end() for b in _CLAUSE_BREAK_RE.finditer(clause)), default=0) :]
        if not _PROMISE_RE.search(clause) or not re.match(r"\s*(?:[.!;,)]|$|\s+(?:and|so|to)\b)", text[end:]):
            return True
    if g["wd"] and (
        re.search(
            r"\b(?:black|cyber|good|easter|ash|holy|palm|super|giving|manic|blue)\s+$", before, re.IGNORECASE
        )
        or re.match(r"\s*(?:-|–|to|through|thru)\s*" + _WD, text[end:], re.IGNORECASE)
        or re.search(_WD + r"\s*(?:-|–|to|through|thru)\s*$", before, re.IGNORECASE)
    ):
        return True  # "Black Friday", "Monday to Friday": names and opening hours, not days
    if (g["rel"] or g["bare"] or g["hour"] or g["half"]) and _RELATIVE_TO_RE.match(text, end):
        return True  # "48 hours before departure", "within 24 hours of arrival"
    if g["imm"] and re.match(r"\s+(?:after|before|when|once|upon|following|if)\b", text[end:], re.IGNORECASE):
        return True  # "does it happen immediately after you power on"
    if g["wd"] and not g["first"]:
        word = g["wday"].lower().rstrip(".")
        # "sat", "wed", "sun", "mon" are also ordinary words
        if word in ("sat", "sun", "wed", "mon") and not re.match(
            r"(?:by|on|next|this|until|till|for)\b", g["wd"], re.IGNORECASE
        ):
            return True
    # "you may 2 ...", "mar 3 ...": verbs, unless written as a month or after "by"/"on"
    if (
        g["mdate"]
        and (g["mon"] or "").lower().rstrip(".") in ("may", "mar")
        and g["mdate"][:1].islower()
        and not re.match(r"(?:by|before|on|until|till|for)\s", g["mdate"], re.IGNORECASE)
    ):
        return True
    return _in_the_past(text, start, end)


def _in_the_past(text: str, start: int, end: int) -> bool:
    """ "We missed you at 3pm yesterday", "your order was shipped on Monday": not due dates."""
    if _PAST_AFTER_RE.match(text, end):
        return True
    if re.match(
        r"(?:by|before|until|till|within|in|over|after|next|no\s+later|takes?|taking|allow(?:ing)?|up\s+to|give)\b",
        text[start:end],
        re.IGNORECASE,
    ):
        return False  # a deadline word starts the phrase
    window = text[max(0, start - 60) : start]
    cut = max((b.end() for b in _CLAUSE_BREAK_RE.finditer(window)), default=0)
    clause = window[cut:]
    return bool(_PAST_MARK_RE.search(clause)) and not _FUTURE_MARK_RE.search(clause)


def find_due_expressions(
    text: str,
    *,
    now: datetime | None = None,
    calendar: BusinessCalendar | None = None,
    locale: str | None = DEFAULT_LOCALE,
) -> list[DueExpression]:
    """All due phrases in ``text``, in order; ``due`` is resolved when ``now`` (aware) is given.

    With ``now``, phrases that do not resolve (a 31st of February) are left out. Never raises
    on any text; the work is linear in the length of the text.
    """
    if not isinstance(text, str) or not text:
        return []
    ctx: _Ctx | None = None
    if now is not None:
        if now.tzinfo is None:
            now = now.replace(tzinfo=ZoneInfo("UTC"))
        ctx = _Ctx(now, _calendar_for(calendar, now.tzinfo), locale)
    out: list[DueExpression] = []
    for m in _DUE_RE.finditer(text):
        try:
            if _not_a_date(text, m):
                continue
            due, kind = None, ""
            if ctx is not None:
                due, kind = _resolve(m, ctx)
                if due is None:
                    continue
            else:
                kind = _kind_of(m)
        except (ValueError, OverflowError, KeyError):
            continue
        out.append(DueExpression(Span("due", m.start(), m.end(), m.group(0)), due, kind))
    return out


_KINDS = (
    ("tf", "clock"), ("imm", "immediate"), ("hour", "span"), ("half", "span"), ("rel", "span"), ("bare", "span"),
    ("eod", "end_of_day"), ("nbd", "day"), ("inmorning", "day"), ("today", "day"), ("tomorrow", "day"), ("wkend", "week"), ("week", "week"),
    ("month", "month"), ("year", "month"), ("wd", "weekday"), ("mdate", "date"), ("dmdate", "date"),
    ("nth", "date"), ("monly", "month"), ("iso", "date"), ("num", "date"),
)  # fmt: skip


def _kind_of(m: re.Match[str]) -> str:
    return next((kind for group, kind in _KINDS if m.group(group)), "")


def find_vague_times(text: str) -> list[Span]:
    return [Span("due_vague", m.start(), m.end(), m.group(0)) for m in _VAGUE_RE.finditer(text)]


_STRIP_PREFIX_RE = re.compile(
    r"^(?:within|in|over|after|up\s+to|for|takes?|taking|allow(?:ing)?|wait(?:ing)?|another|next|by|before|until|"
    r"till|til|on|at|from|around|later)\s+",
    re.IGNORECASE,
)


def strip_due_prefix(s: str) -> str:
    return _STRIP_PREFIX_RE.sub("", s.strip())


def resolve_due(
    due_text: str,
    *,
    sent_at: datetime,
    tz: str | tzinfo = "UTC",
    calendar: BusinessCalendar | None = None,
    locale: str | None = DEFAULT_LOCALE,
) -> datetime | None:
    """Resolve a due phrase ("by Friday", "within 3 business days", "12/03") to an aware
    datetime in ``tz``, or None when it gives no date ("soon", "as soon as possible")."""
    try:
        now = to_local(sent_at, tz)
    except (ValueError, ZoneInfoNotFoundError, TypeError):
        return None
    found = find_due_expressions(due_text, now=now, calendar=calendar, locale=locale)
    return found[0].due if found else None
