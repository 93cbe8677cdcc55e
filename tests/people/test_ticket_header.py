"""A ticket whose assignee was deactivated says so, and saving only its priority keeps its assignee."""

from __future__ import annotations

from django.test import Client

from anchordesk.accounts.models import User
from anchordesk.core.models import AuditEvent
from tests.factories import make_ticket


def test_an_inactive_assignee_is_shown_and_kept_when_only_the_priority_changes(people):
    # A solved ticket keeps its history after its agent left; then it is reopened by hand.
    ticket = make_ticket(people.customer, team=people.support, assignee=people.agent)
    User.objects.filter(pk=people.agent.pk).update(is_active=False)
    client = Client()
    client.force_login(people.agent2)

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Alice (deactivated)" in page
    assert f'<option value="{people.agent.pk}" selected>Alice (deactivated)</option>' in page

    saved = client.post(
        f"/tickets/{ticket.pk}/properties",
        {
            "status": ticket.status,
            "priority": "4",
            "assignee": str(people.agent.pk),
            "team": str(people.support.pk),
        },
    )

    assert saved.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == 4 and ticket.assignee_id == people.agent.pk
    assert not AuditEvent.objects.filter(ticket=ticket, kind="ticket.assigned").exists()


def test_an_inactive_agent_still_cannot_be_chosen_for_another_ticket(people):
    ticket = make_ticket(people.customer, team=people.support)
    User.objects.filter(pk=people.agent.pk).update(is_active=False)
    client = Client()
    client.force_login(people.agent2)

    refused = client.post(
        f"/tickets/{ticket.pk}/properties",
        {"status": ticket.status, "priority": "2", "assignee": str(people.agent.pk), "team": ""},
    )

    assert refused.status_code == 422
    ticket.refresh_from_db()
    assert ticket.assignee_id is None
