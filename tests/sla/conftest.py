"""SLA fixtures: a 09:00-17:00 Monday-Friday calendar and a standard policy on it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from anchordesk.sla.actions import CalendarData, PolicyData, do_save_calendar, do_save_policy
from anchordesk.sla.models import BusinessCalendar, SlaPolicy

# 2026-11-23 is a Monday.
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FRIDAY_1630 = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
OFFICE_HOURS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def office_calendar(people) -> BusinessCalendar:
    return do_save_calendar(
        CalendarData(name="Office", timezone="UTC", hours=OFFICE_HOURS, is_default=True), actor=people.admin
    )


@pytest.fixture
def standard_policy(people, office_calendar) -> SlaPolicy:
    """2 h first response, 4 h next reply, 5 business days (40 h) resolution, warn at 75%."""
    return do_save_policy(
        PolicyData(
            name="Standard",
            position=10,
            first_response_minutes=120,
            next_reply_minutes=240,
            resolution_minutes=2400,
            warn_percent=75,
        ),
        actor=people.admin,
    )


@pytest.fixture
def at(time_machine):
    """at(moment) freezes the clock there; call again to move it."""

    def move(moment: datetime) -> datetime:
        time_machine.move_to(moment, tick=False)
        return moment

    return move
