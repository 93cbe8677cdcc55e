"""Promise due dates: every form, hard negatives, and properties against brute-force references
over random sent times, time zones and business calendars with holidays."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from anchordesk.business_calendar import BusinessCalendar
from anchordesk.signals.dates import find_due_expressions, resolve_due

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 18 November 2026, 15:00 in Berlin.
WEDNESDAY_3PM = datetime(2026, 11, 18, 15, 0, tzinfo=BERLIN)


def due(text: str, sent_at: datetime = WEDNESDAY_3PM, **kwargs: object) -> datetime | None:
    return resolve_due(text, sent_at=sent_at, tz="Europe/Berlin", **kwargs)  # type: ignore[arg-type]


def local(*args: int) -> datetime:
    return datetime(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # immediacy: the same day, at the close while it is ahead
        ("right away", local(2026, 11, 18, 17)),
        ("I'll do that right now.", local(2026, 11, 18, 17)),
        ("I'll send it now.", local(2026, 11, 18, 17)),
        ("immediately", local(2026, 11, 18, 17)),
        ("in a moment", local(2026, 11, 18, 17)),
        ("in a few minutes", local(2026, 11, 18, 17)),
        ("straight away", local(2026, 11, 18, 17)),
        ("within the hour", local(2026, 11, 18, 16)),
        ("in 30 minutes", local(2026, 11, 18, 15, 30)),
        ("in half an hour", local(2026, 11, 18, 15, 30)),
        # spans
        ("within 10 days", local(2026, 11, 28, 17)),
        ("in 3 business days", local(2026, 11, 23, 17)),
        ("in 3 working days", local(2026, 11, 23, 17)),
        ("48 hours", local(2026, 11, 20, 15)),
        ("3-5 working days", local(2026, 11, 25, 17)),
        ("in a couple of days", local(2026, 11, 20, 17)),
        ("within a few days", local(2026, 11, 21, 17)),
        ("within a week", local(2026, 11, 25, 17)),
        ("in two weeks", local(2026, 12, 2, 17)),
        ("within 2 business hours", local(2026, 11, 18, 17)),
        ("in 4 business hours", local(2026, 11, 19, 11)),
        # numeric dates (en-US by default)
        ("2026-12-03", local(2026, 12, 3, 17)),
        ("by 3/14", local(2027, 3, 14, 17)),
        ("by 12/4", local(2026, 12, 4, 17)),
        ("on 12/03/2027", local(2027, 12, 3, 17)),  # en-US reads month first
        # month names
        ("3rd March", local(2027, 3, 3, 17)),
        ("March 3rd", local(2027, 3, 3, 17)),
        ("by December 1st, 2026", local(2026, 12, 1, 17)),
        ("on the 3rd", local(2026, 12, 3, 17)),
        ("by the 25th", local(2026, 11, 25, 17)),
        ("by the 15th of next month", local(2026, 12, 15, 17)),
        ("in March", local(2027, 3, 31, 17)),
        ("by March", local(2027, 3, 31, 17)),
        ("end of March", local(2027, 3, 31, 17)),
        ("by the end of November", local(2026, 11, 30, 17)),
        ("mid-April", local(2027, 4, 15, 17)),
        ("early May", local(2027, 5, 10, 17)),
        ("late May", local(2027, 5, 31, 17)),
        ("in May 2028", local(2028, 5, 31, 17)),
        # weekdays and days
        ("by Friday", local(2026, 11, 20, 17)),
        ("on Monday", local(2026, 11, 23, 17)),
        ("next Tuesday", local(2026, 11, 24, 17)),
        ("this Thursday", local(2026, 11, 19, 17)),
        ("this Wednesday", local(2026, 11, 18, 17)),
        ("by Wednesday", local(2026, 11, 25, 17)),
        ("tomorrow", local(2026, 11, 19, 17)),
        ("tomorrow morning", local(2026, 11, 19, 12)),
        ("tonight", local(2026, 11, 18, 21)),
        ("this afternoon", local(2026, 11, 18, 17)),
        ("this morning", local(2026, 11, 18, 12)),
        ("this evening", local(2026, 11, 18, 21)),
        ("by end of day", local(2026, 11, 18, 17)),
        ("EOD", local(2026, 11, 18, 17)),
        ("by COB", local(2026, 11, 18, 17)),
        ("end of the week", local(2026, 11, 20, 17)),
        ("end of next week", local(2026, 11, 27, 17)),
        ("end of the month", local(2026, 11, 30, 17)),
        ("next month", local(2026, 12, 31, 17)),
        # clock times
        ("today at 16:00", local(2026, 11, 18, 16)),
        ("at 4pm", local(2026, 11, 18, 16)),
        ("at 9am", local(2026, 11, 19, 9)),
        ("by 5 pm tomorrow", local(2026, 11, 19, 17)),
        ("at 4pm on Friday", local(2026, 11, 20, 16)),
        ("Monday at 3", local(2026, 11, 23, 15)),
        ("by 2100", local(2026, 11, 18, 21)),
        ("today", local(2026, 11, 18, 17)),
        # combinations
        ("by the end of the day tomorrow", local(2026, 11, 19, 17)),
        ("by EOD Friday", local(2026, 11, 20, 17)),
        ("next business day", local(2026, 11, 19, 17)),
        ("first thing in the morning", local(2026, 11, 19, 9)),
        ("in the morning", local(2026, 11, 19, 12)),
        ("within a day or two", local(2026, 11, 20, 17)),
        ("by Friday the 27th", local(2026, 11, 27, 17)),  # the date decides
        ("Monday, November 30", local(2026, 11, 30, 17)),
        ("no later than Friday", local(2026, 11, 20, 17)),
    ],
)
def test_every_form_resolves_in_the_agents_zone(text: str, expected: datetime) -> None:
    got = due(text)
    assert got is not None, text
    assert got == expected.replace(tzinfo=BERLIN)  # wall-clock time in the agent's zone, DST or not
    assert got.tzinfo == BERLIN


@pytest.mark.parametrize(
    ("text", "due_text", "day"),
    [
        ("We'll call you today at 16:00.", "today at 16:00", date(2026, 11, 18)),
        ("We will ship today.", "today", date(2026, 11, 18)),
        ("I'll get this sorted right away for you.", "right away", date(2026, 11, 18)),
        ("Your refund will arrive in 3-5 working days.", "in 3-5 working days", date(2026, 11, 25)),
        ("We'll have it back to you by mid-December.", "by mid-December", date(2026, 12, 15)),
    ],
)
def test_phrases_are_found_inside_replies(text: str, due_text: str, day: date) -> None:
    found = find_due_expressions(text, now=WEDNESDAY_3PM)
    assert [(d.span.text, d.due.date() if d.due else None) for d in found] == [(due_text, day)]
    assert text[found[0].span.start : found[0].span.end] == due_text


def test_after_hours_today_and_immediacy_stay_on_the_same_day() -> None:
    evening = datetime(2026, 11, 18, 19, 30, tzinfo=BERLIN)
    for text in ("today", "right away", "shortly", "We will ship today."):
        got = due(text, sent_at=evening)
        assert got is not None and got.replace(tzinfo=None) == local(2026, 11, 18, 23, 59)


def test_asap_and_soon_give_no_date() -> None:
    for text in ("asap", "as soon as possible", "soon", "in a while"):
        assert due(text) is None, text


@pytest.mark.parametrize(
    ("text", "locale", "day"),
    [
        ("by 4/12", "en-US", date(2026, 12, 4)),  # 12 April is past: 4 December
        ("by 4/12", "en-GB", date(2026, 12, 4)),
        ("by 3/4", "en-US", date(2027, 3, 4)),  # both past: the locale's order, next year
        ("by 3/4", "en-GB", date(2027, 4, 3)),
        ("by 3/4", "de-DE", date(2027, 4, 3)),
        ("by 13/4", "en-US", date(2027, 4, 13)),  # valid one way only
        ("by 4/13", "en-GB", date(2027, 4, 13)),
        ("on 30.11.2026", "de", date(2026, 11, 30)),
        ("by 1/12/2027", "en-GB", date(2027, 12, 1)),  # both ahead: the locale's order
        ("by 1/12/2027", "en-US", date(2027, 1, 12)),
        ("by 20/11/26", "en-AU", date(2026, 11, 20)),
    ],
)
def test_numeric_dates_read_by_locale_and_towards_the_future(text: str, locale: str, day: date) -> None:
    got = due(text, locale=locale)
    assert got is not None and got.date() == day


def test_the_senders_locale_decides_when_both_readings_are_ahead() -> None:
    january = datetime(2027, 1, 2, 10, tzinfo=BERLIN)
    for locale, day in (("en-US", date(2027, 3, 4)), ("en-GB", date(2027, 4, 3))):
        got = due("by 3/4", sent_at=january, locale=locale)
        assert got is not None and got.date() == day


@pytest.mark.parametrize(
    "text",
    [
        "It's only $3/4 of the usual price.",
        "Please update to v2.3 or version 10/11.",
        "Call us on 555-1234 or 1-800-555-0199.",
        "Call us at 0800 123 4567.",
        "Your order 12/25 has been found.",
        "Order #4/15/2026-77 is on its way.",
        "1/2 We're looking into this.",
        "(2/3) Thanks for waiting!",
        "We're here 24/7 for you.",
        "We'd rate that 10/10!",
        "It costs £10.50 per month.",
        "We missed you at 3pm yesterday.",
        "We tried to deliver it on Monday.",
        "Your parcel was delivered today.",
        "That was 3 days ago.",
        "We're on the 3rd floor.",
        "We are busy right now.",
        "We don't have any info on this right now.",
        "Glad to hear it's working now!",
        "It takes time; we've been at it for 3 days.",
        "You may 2 times try again.",
        "Thanks, have a nice day!",
        "Your fee is set by the 1st letter of your last name.",
        "Your flight has been cancelled on 1st Dec.",
        "We released iOS 11.1 today.",
        "Following Black Friday and Cyber Monday, orders are delayed.",
        "We're open Monday to Friday.",
        "You can change it up to 48 hours before the flight.",
        "Damage must be reported within 24 hours of arrival.",
        "Does this happen immediately after you power on?",
        "",
    ],
)
def test_hard_negatives_are_not_due_dates(text: str) -> None:
    assert find_due_expressions(text, now=WEDNESDAY_3PM) == []


def test_a_reply_with_several_promises_yields_each_date_in_order() -> None:
    text = "I'll call you today at 16:00, send the form by 12/4 and refund you within 3-5 working days."
    found = find_due_expressions(text, now=WEDNESDAY_3PM)
    assert [d.span.text for d in found] == ["today at 16:00", "by 12/4", "within 3-5 working days"]
    assert [d.kind for d in found] == ["day", "date", "span"]
    assert [d.due.date() for d in found if d.due] == [
        date(2026, 11, 18),
        date(2026, 12, 4),
        date(2026, 11, 25),
    ]


def test_without_a_sent_time_phrases_are_found_but_not_resolved() -> None:
    found = find_due_expressions("We'll ship it by Friday.")
    assert [(d.span.text, d.due, d.kind) for d in found] == [("by Friday", None, "weekday")]


# --- the team's business calendar --------------------------------------------------------


def test_team_calendar_in_another_zone_closes_at_its_own_close() -> None:
    new_york = BusinessCalendar.weekly("America/New_York", opens="09:00", closes="17:00")
    got = due("by end of day", calendar=new_york)
    # 17:00 in New York is 23:00 in Berlin; the answer is in the agent's zone.
    assert got is not None and got.replace(tzinfo=None) == local(2026, 11, 18, 23)
    friday = due("by Friday", calendar=new_york)
    assert friday is not None and friday.replace(tzinfo=None) == local(2026, 11, 20, 23)


def test_holidays_and_short_days_move_business_day_promises() -> None:
    calendar = BusinessCalendar.from_dict(
        {
            "tz": "Europe/Berlin",
            "hours": {"mon": [["08:00", "16:00"]], "tue": [["08:00", "16:00"]], "fri": [["08:00", "12:00"]]},
            "holidays": ["2026-11-23"],
        }
    )
    # Wednesday: Thursday closed, Friday (short day), Monday a holiday, Tuesday.
    got = due("within 2 business days", calendar=calendar)
    assert got is not None and got.replace(tzinfo=None) == local(2026, 11, 24, 16)
    first = due("in 1 business day", calendar=calendar)
    assert first is not None and first.replace(tzinfo=None) == local(2026, 11, 20, 12)


def test_a_calendar_without_hours_falls_back_to_office_hours() -> None:
    empty = BusinessCalendar(tz="Europe/Berlin")
    got = due("within 3 business days", calendar=empty)
    assert got is not None and got.replace(tzinfo=None) == local(2026, 11, 23, 17)


def test_signals_import_no_django() -> None:
    code = (
        "import sys; import anchordesk.signals, anchordesk.signals.dates, anchordesk.business_clock; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- robustness ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789/-.:, apmbyonthe FridayMarch") + ["\n", "é", "€"])))
def test_no_text_makes_it_raise_and_spans_point_into_the_text(text: str) -> None:
    for now in (None, WEDNESDAY_3PM):
        for d in find_due_expressions(text, now=now, locale="en-GB"):
            assert text[d.span.start : d.span.end] == d.span.text
            assert now is None or d.due is not None
    resolve_due(text, sent_at=WEDNESDAY_3PM, tz="Europe/Berlin")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    find_due_expressions(text, now=WEDNESDAY_3PM)


def test_bad_zone_and_far_dates_give_none_not_errors() -> None:
    assert resolve_due("by Friday", sent_at=WEDNESDAY_3PM, tz="Not/AZone") is None
    late = datetime(9999, 12, 30, 12, tzinfo=UTC)
    assert resolve_due("within 10 days", sent_at=late, tz="UTC") is None
    assert resolve_due("by 31/2", sent_at=WEDNESDAY_3PM, tz="UTC", locale="en-GB") is None


def test_a_long_adversarial_text_completes() -> None:
    # Near-misses everywhere: digits, slashes, half-dates and weekday words, 60 KB.
    chunk = "by 12/ 3-5 1/2/ at 99:99 in 3 on the 45th mid- Fri. tomorrow at 2 next next 2026-13-45 "
    text = chunk * (60_000 // len(chunk))
    found = find_due_expressions(text, now=WEDNESDAY_3PM)
    per_chunk = find_due_expressions(chunk, now=WEDNESDAY_3PM)
    assert len(found) == len(per_chunk) * (60_000 // len(chunk))


# --- properties against brute-force references ------------------------------------------

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Auckland")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    tz = draw(st.sampled_from(ZONES))
    hours = []
    for _ in range(7):
        if draw(st.integers(0, 3)) == 0:
            hours.append(())
            continue
        start = draw(st.integers(0, 40)) * 30
        end = min(start + draw(st.integers(1, 24)) * 30, 1440)
        hours.append(((start, end),))
    assume(any(hours))
    base = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 3 * 365)))
    holidays = frozenset(base + timedelta(days=n) for n in draw(st.sets(st.integers(0, 40), max_size=8)))
    return BusinessCalendar(tz=tz, hours=tuple(hours), holidays=holidays)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[BusinessCalendar, datetime]:
    """A calendar and a sent time near its holidays, read in the calendar's zone."""
    calendar = draw(calendars())
    anchor = min(calendar.holidays) if calendar.holidays else date(2026, 6, 1)
    sent = datetime.combine(anchor, time(), UTC) + timedelta(minutes=draw(st.integers(-3 * 1440, 20 * 1440)))
    return calendar, sent.astimezone(calendar.zone)


def ref_close(calendar: BusinessCalendar, d: date) -> datetime:
    """Where a day's working hours end, from the calendar's data by hand."""
    day = calendar.hours[d.weekday()]
    if day and d not in calendar.holidays:
        minute = max(end for _, end in day)
    else:
        counts: dict[int, int] = {}
        for other in calendar.hours:
            if other:
                close = max(end for _, end in other)
                counts[close] = counts.get(close, 0) + 1
        minute = max(counts, key=lambda m: (counts[m], m))
    minute = min(minute, 1439)
    return datetime.combine(d, time(minute // 60, minute % 60), calendar.zone)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(scenarios(), st.integers(0, 25), st.sampled_from(["business", "working"]), st.sampled_from(ZONES))
def test_business_day_spans_match_a_day_by_day_walk(
    scenario: tuple[BusinessCalendar, datetime], n: int, word: str, agent_zone: str
) -> None:
    calendar, sent = scenario
    sent = sent.astimezone(ZoneInfo(agent_zone))  # the agent counts from their own date
    d, counted = sent.date(), 0
    while counted < n:
        d += timedelta(days=1)
        if calendar.hours[d.weekday()] and d not in calendar.holidays:
            counted += 1
    got = resolve_due(f"within {n} {word} days", sent_at=sent, tz=agent_zone, calendar=calendar)
    assert got is not None and got.tzinfo == ZoneInfo(agent_zone)
    # The same instant, whatever the zones. Compared as timestamps: Python calls two aware datetimes
    # in different zones unequal when one is a wall time that repeats (the night clocks go back).
    assert got.timestamp() == ref_close(calendar, d).timestamp()


@PROPERTY
@given(scenarios(), st.integers(0, 6), st.sampled_from(["by", "on", "this", "next"]))
def test_weekdays_match_a_forward_scan(
    scenario: tuple[BusinessCalendar, datetime], wd: int, word: str
) -> None:
    calendar, sent = scenario
    today = sent.date()
    days = [today + timedelta(days=k) for k in range(15)]
    if word == "this":
        target = next(d for d in days if d.weekday() == wd)
    elif word == "next":
        next_monday = next(d for d in days[1:] if d.weekday() == 0)
        target = next(d for d in days if d >= next_monday and d.weekday() == wd)
    else:
        target = next(d for d in days[1:] if d.weekday() == wd)
    got = resolve_due(f"{word} {WEEKDAY_NAMES[wd]}", sent_at=sent, tz=calendar.tz, calendar=calendar)
    assert got == ref_close(calendar, target)


def ref_numeric(a: int, b: int, year: int | None, today: date, month_first: bool) -> date | None:
    """Scan the calendar day by day for dates either reading of a/b names."""
    readings = [(a, b), (b, a)] if month_first else [(b, a), (a, b)]
    first_year = year if year is not None else today.year
    last_year = year if year is not None else today.year + 8
    matches: list[tuple[date, int]] = []
    d = date(first_year, 1, 1)
    while d.year <= last_year:
        for rank, (m, dd) in enumerate(readings):
            if (d.month, d.day) == (m, dd):
                matches.append((d, rank))
        d += timedelta(days=1)
    if not matches:
        return None
    in_scope = [x for x in matches if x[0].year == first_year]
    ahead = [x for x in in_scope if x[0] >= today]
    if ahead:
        return min(ahead, key=lambda x: x[1])[0]  # of the readings not in the past, the locale's
    if year is not None:
        return min(in_scope, key=lambda x: x[1])[0]  # both past: the locale's reading
    best_rank = min(rank for _, rank in matches)
    return next(x for x in matches if x[1] == best_rank and x[0] >= today)[0]


@PROPERTY
@given(
    st.integers(1, 31),
    st.integers(1, 31),
    st.one_of(st.none(), st.integers(2025, 2029)),
    st.sampled_from(["en-US", "en-GB", "fr-FR", "en"]),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
)
def test_numeric_dates_match_the_enumerated_readings(
    a: int, b: int, year: int | None, locale: str, sent: datetime
) -> None:
    text = f"by {a}/{b}" + (f"/{year}" if year is not None else "")
    aware = sent.replace(tzinfo=UTC)
    got = resolve_due(text, sent_at=aware, tz="UTC", locale=locale)
    month_first = locale in ("en-US", "en")
    expected = None if a > 12 and b > 12 else ref_numeric(a, b, year, aware.date(), month_first)
    assert (got.date() if got else None) == expected


@PROPERTY
@given(
    st.integers(1, 12),
    st.integers(1, 31),
    st.booleans(),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
)
def test_month_name_dates_are_the_next_such_day(
    month: int, day: int, day_first: bool, sent: datetime
) -> None:
    name = MONTH_NAMES[month - 1]
    text = f"by {day} {name}" if day_first else f"by {name} {day}"
    got = resolve_due(text, sent_at=sent.replace(tzinfo=UTC), tz="UTC")
    d = sent.date()
    for _ in range(9 * 366):
        if (d.month, d.day) == (month, day):
            break
        d += timedelta(days=1)
    else:
        d = None  # type: ignore[assignment]
    assert (got.date() if got else None) == d


@PROPERTY
@given(st.integers(1, 31), st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)))
def test_on_the_nth_is_the_next_such_day(n: int, sent: datetime) -> None:
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(n, "th")
    got = resolve_due(f"on the {n}{suffix}", sent_at=sent.replace(tzinfo=UTC), tz="UTC")
    d = sent.date()
    while d.day != n:
        d += timedelta(days=1)
    assert got is not None and got.date() == d


def test_find_commitments_reads_numeric_dates_in_the_given_locale() -> None:
    from anchordesk.signals import find_commitments

    sent = datetime(2026, 12, 20, 10, tzinfo=BERLIN)
    us = find_commitments("I'll send it by 3/4.", sent_at=sent, tz="Europe/Berlin")
    gb = find_commitments("I'll send it by 3/4.", sent_at=sent, tz="Europe/Berlin", locale="en-GB")
    assert [c.due.date() if c.due else None for c in us + gb] == [date(2027, 3, 4), date(2027, 4, 3)]
