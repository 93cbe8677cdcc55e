"""The agents and teams settings pages: who sees them, who changes what, field errors as 400."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import Team
from anchordesk.core.models import AuditEvent
from tests import factories
from tests.accounts.test_two_factor import enrol
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def test_agents_page_lists_role_teams_two_factor_and_state(client: Client, people: Personas) -> None:
    enrol(people.agent2)
    people.collaborator.is_active = False
    people.collaborator.save()
    client.force_login(people.lead)
    body = client.get("/settings/agents/").content.decode()
    row = body.split(f'data-person="{people.agent2.pk}"')[1].split("</tr>")[0]
    assert "Agent" in row and "Support" in row and ">On<" in row and "Active" in row
    eve = body.split(f'data-person="{people.collaborator.pk}"')[1].split("</tr>")[0]
    assert "Deactivated" in eve and ">Off<" in eve
    assert f"/settings/agents/{people.agent.pk}/" not in body  # leads do not edit people


def test_agents_page_queries_do_not_grow_with_people(
    client: Client, people: Personas, django_assert_max_num_queries: Any
) -> None:
    client.force_login(people.admin)
    client.get("/settings/agents/")
    for n in range(15):
        factories.make_user(Role.AGENT, teams=[people.support, people.engineering], username=f"extra{n}")
    with django_assert_max_num_queries(12):
        assert client.get("/settings/agents/").status_code == 200


def test_admin_changes_role_and_teams(client: Client, people: Personas) -> None:
    client.force_login(people.admin)
    page = client.get(f"/settings/agents/{people.agent.pk}/")
    assert page.status_code == 200
    response = client.post(
        f"/settings/agents/{people.agent.pk}/",
        {"role": "lead", "teams": [people.support.pk, people.engineering.pk]},
    )
    assert response.status_code == 302 and response["Location"] == "/settings/agents/"
    people.agent.refresh_from_db()
    assert people.agent.role == Role.LEAD
    assert set(people.agent.teams.all()) == {people.support, people.engineering}
    event = AuditEvent.objects.get(kind="agent.updated")
    assert event.before["role"] == "agent" and event.after["role"] == "lead" and event.actor == people.admin


def test_role_and_team_errors_answer_400_beside_the_field(client: Client, people: Personas) -> None:
    client.force_login(people.admin)
    url = f"/settings/agents/{people.agent.pk}/"
    bad = client.post(url, {"role": "king"})
    assert bad.status_code == 400 and 'data-field="role"' in bad.content.decode()
    bad = client.post(url, {"role": "agent", "teams": ["99999"]})
    assert bad.status_code == 400 and 'data-field="teams"' in bad.content.decode()
    own = client.post(f"/settings/agents/{people.admin.pk}/", {"role": "agent"})
    assert own.status_code == 400 and "cannot change your own role" in own.content.decode()
    people.admin.refresh_from_db()
    assert people.admin.role == Role.ADMIN
    assert client.get("/settings/agents/999999/").status_code == 404


def test_only_admins_change_people(client: Client, people: Personas) -> None:
    for who in (people.lead, people.agent, people.collaborator):
        client.force_login(who)
        assert client.get(f"/settings/agents/{people.agent2.pk}/").status_code == 403
        assert client.post(f"/settings/agents/{people.agent2.pk}/", {"role": "admin"}).status_code == 403
    people.agent2.refresh_from_db()
    assert people.agent2.role == Role.AGENT


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, db: None) -> None:
    for path in ("/settings/agents/", "/settings/teams/", "/settings/security/", "/account/two-factor/"):
        assert client.get(path)["Location"].startswith("/signin/")


def test_lead_creates_a_team_with_members(client: Client, people: Personas) -> None:
    client.force_login(people.lead)
    response = client.post(
        "/settings/teams/",
        {"name": "Billing", "kind": "billing", "description": "Refunds", "members": [people.agent.pk]},
        follow=True,
    )
    assert "Team “Billing” created" in response.content.decode()
    team = Team.objects.get(name="Billing")
    assert list(team.members.all()) == [people.agent] and team.description == "Refunds"
    assert AuditEvent.objects.filter(kind="team.created", actor=people.lead).exists()


def test_team_errors_answer_400_beside_the_field(client: Client, people: Personas) -> None:
    client.force_login(people.lead)
    dup = client.post("/settings/teams/", {"name": "support", "kind": "support"})
    assert dup.status_code == 400 and "Another team has this name" in dup.content.decode()
    assert 'data-field="name"' in dup.content.decode()
    bad = client.post("/settings/teams/", {"name": "", "kind": "nope", "email": "x"})
    body = bad.content.decode()
    assert bad.status_code == 400
    assert all(f'data-field="{f}"' in body for f in ("name", "kind", "email"))


def test_rename_describe_and_change_members(client: Client, people: Personas) -> None:
    client.force_login(people.admin)
    url = f"/settings/teams/{people.support.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Customer care",
            "kind": "support",
            "description": "First line",
            "members": [people.agent2.pk],
        },
    )
    assert response.status_code == 302
    people.support.refresh_from_db()
    assert people.support.name == "Customer care" and people.support.description == "First line"
    assert list(people.support.members.all()) == [people.agent2]
    clash = client.post(url, {"name": "Engineering", "kind": "support"})
    assert clash.status_code == 400 and "Another team has this name" in clash.content.decode()
    assert client.get("/settings/teams/999999/").status_code == 404


def test_agents_and_collaborators_cannot_manage_teams(client: Client, people: Personas) -> None:
    for who in (people.agent, people.collaborator):
        client.force_login(who)
        assert client.get("/settings/teams/").status_code == 403
        assert client.post("/settings/teams/", {"name": "Rogue", "kind": "support"}).status_code == 403
        assert client.post(f"/settings/teams/{people.support.pk}/", {"name": "X"}).status_code == 403
    assert not Team.objects.filter(name__in=["Rogue", "X"]).exists()
