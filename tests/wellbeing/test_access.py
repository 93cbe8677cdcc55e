"""Every wellbeing page and action requires the right person: anonymous → sign in, collaborators → 404,
leads-only pages → 404 for agents."""

from __future__ import annotations

import pytest

from anchordesk.wellbeing.models import Break, CustomerStanding, RestrictedMessage, WellbeingProfile
from tests.wellbeing.conftest import ABUSIVE


@pytest.fixture
def world(people, write):
    ticket = write(ABUSIVE)
    brk = Break.objects.create(agent=people.agent, reason="test")
    item = RestrictedMessage.objects.create(
        ticket=ticket, message=ticket.messages.last(), customer=people.customer
    )
    return ticket, brk, item


def _posts(ticket, brk, item, lead):
    return [
        (f"/wellbeing/breaks/{brk.pk}/take", {}),
        (f"/wellbeing/breaks/{brk.pk}/dismiss", {}),
        (f"/wellbeing/breaks/{brk.pk}/end", {}),
        ("/wellbeing/breaks/start", {}),
        ("/wellbeing/volunteer", {"volunteer": "1"}),
        (f"/wellbeing/tickets/{ticket.pk}/hand-over", {"to": lead.pk}),
        (f"/wellbeing/tickets/{ticket.pk}/warn", {"body": "Stop."}),
        (f"/wellbeing/tickets/{ticket.pk}/standing", {"state": "restricted"}),
        (f"/wellbeing/lead-queue/{item.pk}/take", {}),
    ]


def _nothing_changed(people, ticket, brk, item):
    brk.refresh_from_db()
    item.refresh_from_db()
    ticket.refresh_from_db()
    assert brk.state == "suggested" and item.taken_at is None and ticket.assignee == people.agent
    assert (
        not CustomerStanding.objects.exists() and not WellbeingProfile.objects.filter(volunteer=True).exists()
    )
    assert Break.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(people, client, world):
    ticket, brk, item = world
    for url, data in _posts(ticket, brk, item, people.lead):
        assert client.post(url, data).status_code == 302, url
    for url in ["/wellbeing/", "/wellbeing/exposure/", "/wellbeing/kind-words/", "/wellbeing/lead-queue/"]:
        assert client.get(url).status_code == 302, url
    _nothing_changed(people, ticket, brk, item)


def test_collaborators_get_404_on_every_object_and_403_on_every_page(people, client, world):
    ticket, brk, item = world
    client.force_login(people.collaborator)
    for url, data in _posts(ticket, brk, item, people.lead):
        names_an_object = any(ch.isdigit() for ch in url)
        assert client.post(url, data).status_code == (404 if names_an_object else 403), url
    for url in ["/wellbeing/", "/wellbeing/banner", "/wellbeing/exposure/", "/wellbeing/kind-words/"]:
        assert client.get(url).status_code == 403, url
    _nothing_changed(people, ticket, brk, item)


def test_agents_do_not_work_the_leads_queue(people, client, world):
    ticket, brk, item = world
    client.force_login(people.agent2)
    assert client.get("/wellbeing/lead-queue/").status_code == 403
    assert client.post(f"/wellbeing/lead-queue/{item.pk}/take").status_code == 404
    item.refresh_from_db()
    assert item.taken_at is None
