from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from anchordesk.automation.models import AgentAvailability, AssignmentPolicy
from anchordesk.core.models import AuditEvent
from anchordesk.tickets.models import Ticket
from anchordesk.wellbeing.choices import BreakState
from anchordesk.wellbeing.models import Break
from tests.factories import make_ticket
from tests.wellbeing.conftest import ABUSIVE, CALM, HOSTILE


@pytest.fixture(autouse=True)
def _short_run(settings):
    settings.WELLBEING_BREAK_AFTER = 2
    settings.WELLBEING_BREAK_WINDOW = 60


def test_a_hostile_run_suggests_a_break_once(people, client, write):
    write(HOSTILE)
    assert not Break.objects.exists()
    first = write(ABUSIVE)
    write(ABUSIVE, ticket=first)  # more on the same run does not suggest again
    suggestion = Break.objects.get()
    assert suggestion.state == BreakState.SUGGESTED and suggestion.agent == people.agent
    assert "2 hostile conversations" in suggestion.reason
    client.force_login(people.agent)
    banner = client.get("/wellbeing/banner").content.decode()
    assert "Take a break" in banner and "Not now" in banner
    client.force_login(people.agent2)
    assert "Take a break" not in client.get("/wellbeing/banner").content.decode()


def test_messages_spread_beyond_the_window_are_not_a_run(people, write):
    write(HOSTILE)
    with time_machine.travel(timezone.now() + timedelta(minutes=90)):
        write(HOSTILE)
    assert not Break.objects.exists()


def test_taking_the_break_pauses_new_work_and_logs_the_time(people, client, write):
    AssignmentPolicy.objects.create(team=people.support, strategy="least_loaded")
    write(HOSTILE)
    kept = write(HOSTILE)
    suggestion = Break.objects.get()
    client.force_login(people.agent)
    response = client.post(f"/wellbeing/breaks/{suggestion.pk}/take", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "You're on a break" in response.content.decode()
    assert AgentAvailability.objects.get(user=people.agent).away
    assert Ticket.objects.get(pk=kept.pk).assignee == people.agent  # their tickets stay theirs
    # New work goes to colleagues while Alice is away.
    for _ in range(3):
        new = make_ticket(people.other_customer, team=people.support, body=CALM)
        assert new.assignee is not None and new.assignee != people.agent

    with time_machine.travel(timezone.now() + timedelta(minutes=17)):
        assert client.post(f"/wellbeing/breaks/{suggestion.pk}/end").status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == BreakState.ENDED and suggestion.minutes == 17
    assert not AgentAvailability.objects.get(user=people.agent).away
    kinds = list(AuditEvent.objects.filter(kind__startswith="wellbeing.break").values_list("kind", flat=True))
    assert kinds == ["wellbeing.break_suggested", "wellbeing.break_taken", "wellbeing.break_ended"]
    assert "17 min" in client.get("/wellbeing/").content.decode()


def test_dismissing_waits_for_a_new_run(people, client, write):
    write(HOSTILE)
    write(HOSTILE)
    suggestion = Break.objects.get()
    client.force_login(people.agent)
    assert client.post(f"/wellbeing/breaks/{suggestion.pk}/dismiss").status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == BreakState.DISMISSED
    assert not AgentAvailability.objects.filter(user=people.agent, away=True).exists()
    write(HOSTILE)  # one more after "not now" is not yet a new run
    assert Break.objects.count() == 1
    write(ABUSIVE)
    assert Break.objects.filter(state=BreakState.SUGGESTED).count() == 1


def test_nobody_answers_someone_elses_break(people, client, write):
    write(HOSTILE)
    write(HOSTILE)
    suggestion = Break.objects.get()
    client.force_login(people.agent2)
    assert client.post(f"/wellbeing/breaks/{suggestion.pk}/take").status_code == 404
    client.force_login(people.lead)
    assert client.post(f"/wellbeing/breaks/{suggestion.pk}/dismiss").status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.state == BreakState.SUGGESTED


def test_answering_twice_is_a_400_and_gets_do_not_change_anything(people, client, write):
    write(HOSTILE)
    write(HOSTILE)
    suggestion = Break.objects.get()
    client.force_login(people.agent)
    assert client.get(f"/wellbeing/breaks/{suggestion.pk}/take").status_code == 405
    client.post(f"/wellbeing/breaks/{suggestion.pk}/dismiss")
    again = client.post(f"/wellbeing/breaks/{suggestion.pk}/take")
    assert again.status_code == 400 and "state" in again.content.decode()


def test_an_agent_can_take_a_break_without_being_asked(people, client):
    client.force_login(people.agent)
    assert client.post("/wellbeing/breaks/start").status_code == 302
    assert Break.objects.get().state == BreakState.TAKEN
    assert AgentAvailability.objects.get(user=people.agent).away
