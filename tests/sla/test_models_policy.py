"""Which policy a ticket gets, and which calendar its business time is counted on."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anchordesk.sla.actions import CalendarData, PolicyData, do_save_calendar, do_save_policy
from anchordesk.sla.timers import get_calendar_for, get_policy_for
from anchordesk.tickets.choices import Channel, Priority
from tests.factories import make_ticket
from tests.sla.conftest import MONDAY_9, OFFICE_HOURS


def policy(people, name, position, **kw):
    return do_save_policy(
        PolicyData(name=name, position=position, first_response_minutes=60, **kw), actor=people.admin
    )


@pytest.fixture
def ladder(people):
    """From most to least specific, as an admin would order them."""
    return {
        "acme": policy(people, "Acme contract", 1, organizations=[people.customer.organization]),
        "urgent": policy(people, "Urgent", 2, priorities=[Priority.URGENT]),
        "phone_support": policy(people, "Phone support", 3, channels=[Channel.PHONE], teams=[people.support]),
        "premium": policy(people, "Premium", 4, tiers=["premium", "enterprise"]),
        "catch_all": policy(people, "Everyone", 9),
    }


def test_the_first_matching_policy_by_position_wins(people, ladder, at):
    at(MONDAY_9)
    assert get_policy_for(make_ticket(people.customer, priority=Priority.URGENT)) == ladder["acme"]
    assert get_policy_for(make_ticket(people.other_customer, priority=Priority.URGENT)) == ladder["urgent"]
    assert get_policy_for(make_ticket(people.other_customer)) == ladder["catch_all"]


def test_every_condition_of_a_policy_must_hold(people, ladder, at):
    at(MONDAY_9)
    phone = make_ticket(people.other_customer, channel=Channel.PHONE, team=people.support)
    phone_other_team = make_ticket(people.other_customer, channel=Channel.PHONE, team=people.engineering)
    assert get_policy_for(phone) == ladder["phone_support"]
    assert get_policy_for(phone_other_team) == ladder["catch_all"]


def test_the_organization_tier_selects_a_policy(people, ladder, at):
    organization = people.other_customer.organization
    organization.tier = "premium"
    organization.save()
    at(MONDAY_9)
    assert get_policy_for(make_ticket(people.other_customer)) == ladder["premium"]


def test_an_inactive_policy_is_skipped(people, ladder, at):
    ladder["acme"].active = False
    ladder["acme"].save()
    at(MONDAY_9)
    assert get_policy_for(make_ticket(people.customer)) == ladder["catch_all"]


def test_business_time_uses_the_policy_calendar_then_the_team_calendar_then_the_default(people, at):
    default = do_save_calendar(
        CalendarData(name="Head office", timezone="Europe/Berlin", hours=OFFICE_HOURS, is_default=True),
        actor=people.admin,
    )
    support = do_save_calendar(
        CalendarData(
            name="Support shifts", timezone="UTC", hours={"sat": [["10:00", "14:00"]]}, teams=[people.support]
        ),
        actor=people.admin,
    )
    own = do_save_calendar(CalendarData(name="VIP", timezone="UTC", hours=OFFICE_HOURS), actor=people.admin)
    plain = policy(people, "Plain", 1)
    at(MONDAY_9)
    support_ticket = make_ticket(people.customer, team=people.support)
    other_ticket = make_ticket(people.customer, team=people.engineering)
    assert get_calendar_for(plain, support_ticket) == support
    assert get_calendar_for(plain, other_ticket) == default
    plain.calendar = own
    assert get_calendar_for(plain, support_ticket) == own
    plain.business_hours = False
    assert get_calendar_for(plain, support_ticket) is None


def test_a_team_follows_one_calendar_only(people):
    do_save_calendar(
        CalendarData(name="A", timezone="UTC", hours=OFFICE_HOURS, teams=[people.support]), actor=people.admin
    )
    with pytest.raises(ValidationError) as caught:
        do_save_calendar(
            CalendarData(name="B", timezone="UTC", hours=OFFICE_HOURS, teams=[people.support]),
            actor=people.admin,
        )
    assert "teams" in caught.value.message_dict


def test_only_one_calendar_is_the_default(people):
    first = do_save_calendar(
        CalendarData(name="A", timezone="UTC", hours=OFFICE_HOURS, is_default=True), actor=people.admin
    )
    do_save_calendar(
        CalendarData(name="B", timezone="UTC", hours=OFFICE_HOURS, is_default=True), actor=people.admin
    )
    first.refresh_from_db()
    assert not first.is_default


def test_a_policy_needs_a_target_and_sane_values(people):
    with pytest.raises(ValidationError) as caught:
        do_save_policy(PolicyData(name="", warn_percent=120, priorities=[7]), actor=people.admin)
    assert {"name", "first_response_minutes", "warn_percent", "priorities"} <= set(caught.value.message_dict)


def test_agents_cannot_change_sla_settings(people):
    with pytest.raises(ValidationError):
        do_save_policy(PolicyData(name="Mine", first_response_minutes=5), actor=people.agent)
