"""CSAT settings: a lead turns the survey off, delays it, or changes its question, and customers
get (or do not get) the survey accordingly."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from anchordesk.automation.csat import do_send_due_surveys
from anchordesk.automation.models import CsatSettings, CsatSurvey
from anchordesk.core.models import AuditEvent
from anchordesk.mail.models import OutboundEmail, OutboundKind
from anchordesk.tickets import actions
from anchordesk.tickets.choices import Status
from tests.factories import make_ticket

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(MONDAY_9, tick=False)


def _lead(people) -> Client:
    client = Client()
    client.force_login(people.lead)
    return client


def _surveys() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=OutboundKind.CSAT_SURVEY))


def _save(client: Client, **data) -> object:
    return client.post("/automation/csat/", data)


def test_turned_off_no_survey_goes_out_when_a_ticket_is_solved(people):
    client = _lead(people)
    page = client.get("/automation/csat/").content.decode()
    assert "On: sent when a ticket is solved" in page
    response = _save(client, delay_minutes="0", question="How did we do?")  # "enabled" unticked
    assert response.status_code == 302
    assert "Off: no surveys are sent" in client.get("/automation/csat/").content.decode()
    ticket = make_ticket(people.customer, assignee=people.agent)
    actions.do_set_status(ticket, Status.SOLVED, actor=people.agent)
    assert _surveys() == [] and not CsatSurvey.objects.exists()
    event = AuditEvent.objects.get(kind="csat.settings")
    assert event.actor == people.lead and event.after["enabled"] is False


def test_a_delayed_survey_goes_out_after_the_delay_with_the_new_question(people, time_machine):
    client = _lead(people)
    assert _save(client, enabled="on", delay_minutes="30", question="Were we any help?").status_code == 302
    ticket = make_ticket(people.customer, assignee=people.agent, subject="Lost parcel")
    actions.do_set_status(ticket, Status.SOLVED, actor=people.agent)
    assert CsatSurvey.objects.count() == 1 and _surveys() == []

    time_machine.move_to(MONDAY_9 + timedelta(minutes=29), tick=False)
    assert do_send_due_surveys() == 0 and _surveys() == []
    time_machine.move_to(MONDAY_9 + timedelta(minutes=30), tick=False)
    assert do_send_due_surveys() == 1
    assert do_send_due_surveys() == 0  # claimed once
    (email,) = _surveys()
    assert email.subject == f"Were we any help? [#{ticket.pk}]" and email.to == [people.customer.email]
    link = re.search(r"/csat/[^/\s]+/", email.body_text)
    assert link
    page = Client().get(link.group(0) + "?rating=good").content.decode()
    assert "<h1>Were we any help?</h1>" in page


def test_a_ticket_reopened_before_the_delay_gets_no_survey(people, time_machine):
    _save(_lead(people), enabled="on", delay_minutes="60", question="How did we do?")
    ticket = make_ticket(people.customer, assignee=people.agent)
    actions.do_set_status(ticket, Status.SOLVED, actor=people.agent)
    actions.do_set_status(ticket, Status.OPEN, actor=people.agent)
    time_machine.move_to(MONDAY_9 + timedelta(hours=2), tick=False)
    assert do_send_due_surveys() == 0
    assert _surveys() == [] and not CsatSurvey.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({"delay_minutes": "-1", "question": "Q?"}, "delay_minutes", "greater than or equal to 0"),
        ({"delay_minutes": "99999", "question": "Q?"}, "delay_minutes", "less than or equal to 10080"),
        ({"delay_minutes": "soon", "question": "Q?"}, "delay_minutes", "Enter a whole number."),
        ({"delay_minutes": "0", "question": ""}, "question", "This field is required."),
        ({"delay_minutes": "0", "question": "   "}, "question", "This field is required."),
        ({"delay_minutes": "0", "question": "x" * 201}, "question", "at most 200 characters"),
    ],
)
def test_bad_csat_settings_are_a_400_beside_the_field(people, data, field, reason):
    response = _save(_lead(people), enabled="on", **data)
    assert response.status_code == 400
    error = re.search(rf'<p class="field-error" data-field="{field}">(.*?)</p>', response.content.decode())
    assert error and reason in error.group(1)
    assert CsatSettings.objects.count() == 0


def test_only_leads_and_admins_change_csat(people):
    for persona, status in ((people.agent, 403), (people.admin, 200)):
        client = Client()
        client.force_login(persona)
        assert client.get("/automation/csat/").status_code == status
    client = Client()
    client.force_login(people.agent)
    assert _save(client, delay_minutes="0", question="Q").status_code == 403
    assert CsatSettings.current().enabled
