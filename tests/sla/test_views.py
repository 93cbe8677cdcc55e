"""The SLA settings pages: leads and admins only, field errors shown, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anchordesk.core.models import AuditEvent
from anchordesk.sla.models import BusinessCalendar, SlaPolicy
from tests.factories import make_ticket
from tests.sla.conftest import MONDAY_9

PAGES = ["sla-home", "sla-calendar-new", "sla-policy-new"]


@pytest.mark.parametrize("page", PAGES)
def test_agents_and_collaborators_cannot_open_the_sla_pages(people, client, page):
    for user in (people.agent, people.collaborator):
        client.force_login(user)
        assert client.get(reverse(page)).status_code == 403


def test_agents_cannot_post_a_policy(people, client):
    client.force_login(people.agent)
    response = client.post(reverse("sla-policy-new"), {"name": "Sneaky", "first_response_minutes": "1"})
    assert response.status_code == 403
    assert not SlaPolicy.objects.exists()


@pytest.mark.parametrize("page", PAGES)
def test_leads_and_admins_open_the_sla_pages(people, client, page):
    for user in (people.lead, people.admin):
        client.force_login(user)
        assert client.get(reverse(page)).status_code == 200


def calendar_form(**overrides):
    data = {
        "name": "Berlin office",
        "timezone": "Europe/Berlin",
        "mon": "09:00-12:00, 13:00-17:00",
        "tue": "09:00-17:00",
        "wed": "09:00-17:00",
        "thu": "09:00-17:00",
        "fri": "09:00-15:00",
        "sat": "",
        "sun": "",
        "holidays": "2026-12-25 Christmas\n2026-12-26",
        "is_default": "on",
    }
    data.update(overrides)
    return data


def test_a_lead_creates_a_business_calendar(people, client):
    client.force_login(people.lead)
    response = client.post(reverse("sla-calendar-new"), calendar_form(teams=[people.support.pk]))
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get()
    assert calendar.timezone == "Europe/Berlin"
    assert calendar.hours["mon"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert "sat" not in calendar.hours
    assert calendar.holidays == ["2026-12-25", "2026-12-26"]
    assert calendar.is_default and list(calendar.teams.all()) == [people.support]
    assert AuditEvent.objects.filter(kind="sla.calendar_saved", actor=people.lead).count() == 1
    page = client.get(reverse("sla-home"))
    assert "Berlin office" in page.content.decode()


def test_calendar_errors_are_shown_on_their_fields(people, client):
    client.force_login(people.lead)
    response = client.post(
        reverse("sla-calendar-new"),
        calendar_form(timezone="Mars/Olympus", tue="nine to five", wed="25:00-26:00", holidays="Christmas"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"timezone", "tue", "wed", "holidays"} <= set(errors)
    assert 'data-field="timezone"' in response.content.decode()
    assert not BusinessCalendar.objects.exists()


def test_a_calendar_with_no_hours_is_refused(people, client):
    client.force_login(people.lead)
    closed = {day: "" for day in ("mon", "tue", "wed", "thu", "fri")}
    response = client.post(reverse("sla-calendar-new"), calendar_form(**closed))
    assert response.status_code == 400
    assert "mon" in response.context["form"].errors


def test_a_lead_edits_a_calendar(people, client):
    client.force_login(people.lead)
    client.post(reverse("sla-calendar-new"), calendar_form())
    calendar = BusinessCalendar.objects.get()
    page = client.get(reverse("sla-calendar-edit", args=[calendar.pk]))
    assert "09:00-12:00, 13:00-17:00" in page.content.decode()
    response = client.post(reverse("sla-calendar-edit", args=[calendar.pk]), calendar_form(sat="10:00-14:00"))
    assert response.status_code == 302
    calendar.refresh_from_db()
    assert calendar.hours["sat"] == [["10:00", "14:00"]]


def policy_form(**overrides):
    data = {
        "name": "Premium customers",
        "position": "5",
        "active": "on",
        "priorities": ["3", "4"],
        "tiers": ["premium"],
        "channels": ["email"],
        "first_response_minutes": "60",  # a bare number is minutes
        "next_reply_minutes": "2 h",
        "resolution_minutes": "16 h",
        "business_hours": "1",
        "warn_percent": "80",
    }
    data.update(overrides)
    return data


def test_a_lead_creates_and_edits_an_sla_policy(people, client):
    client.force_login(people.lead)
    response = client.post(reverse("sla-policy-new"), policy_form(teams=[people.support.pk]))
    assert response.status_code == 302
    policy = SlaPolicy.objects.get()
    assert policy.priorities == [3, 4] and policy.tiers == ["premium"] and policy.channels == ["email"]
    assert (policy.first_response_minutes, policy.next_reply_minutes, policy.resolution_minutes) == (
        60,
        120,
        960,
    )
    assert policy.warn_percent == 80 and policy.business_hours
    response = client.post(
        reverse("sla-policy-edit", args=[policy.pk]), policy_form(business_hours="0", resolution_minutes="")
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert not policy.business_hours and policy.resolution_minutes is None
    assert "Premium customers" in client.get(reverse("sla-home")).content.decode()
    # The form shows the stored targets with units.
    page = client.get(reverse("sla-policy-edit", args=[policy.pk])).content.decode()
    assert 'value="1 h"' in page and 'value="2 h"' in page


def test_policy_errors_are_shown_on_their_fields(people, client):
    client.force_login(people.lead)
    response = client.post(
        reverse("sla-policy-new"),
        policy_form(
            name="",
            first_response_minutes="soon",
            next_reply_minutes="0",
            warn_percent="150",
            priorities=["9"],
            calendar="999",
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {
        "name",
        "first_response_minutes",
        "next_reply_minutes",
        "warn_percent",
        "priorities",
        "calendar",
    } <= set(errors)
    assert "is not a duration" in errors["first_response_minutes"][0]
    assert not SlaPolicy.objects.exists()


def test_a_policy_without_any_target_or_with_a_taken_name_is_refused(people, client, standard_policy):
    client.force_login(people.admin)
    response = client.post(
        reverse("sla-policy-new"),
        policy_form(name="standard", first_response_minutes="", next_reply_minutes="", resolution_minutes=""),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "name" in errors and "first_response_minutes" in errors


def test_an_unknown_calendar_or_policy_is_404(people, client):
    client.force_login(people.lead)
    assert client.get(reverse("sla-calendar-edit", args=[999])).status_code == 404
    assert client.get(reverse("sla-policy-edit", args=[999])).status_code == 404


def test_the_sla_page_shows_attainment(people, client, standard_policy, at):
    from anchordesk.tickets.actions import do_reply

    at(MONDAY_9)
    ticket = make_ticket(people.customer)
    do_reply(ticket, "Hello", actor=people.agent)
    client.force_login(people.lead)
    page = client.get(reverse("sla-home")).content.decode()
    assert "First response" in page and "100%" in page


def test_the_ticket_partial_shows_each_target_and_time_left(people, standard_policy, at):
    from datetime import timedelta

    from django.template import Context, Template

    at(MONDAY_9)
    ticket = make_ticket(people.customer)
    at(MONDAY_9 + timedelta(minutes=45))
    html = Template("{% load sla_tags %}{% sla_timers ticket %}").render(Context({"ticket": ticket}))
    assert "First response" in html and "1 h 15 m left" in html
    assert "Resolution" in html and "Policy: Standard" in html
