"""A policy version can concern only some teams: their agents (and every lead and admin) are
told of the change and asked to acknowledge it; other agents are not bothered."""

from __future__ import annotations

import json

from django.core import mail
from django.test import Client

from anchordesk.accounts.choices import Role
from anchordesk.policies import actions, queries
from anchordesk.policies.models import PolicyVersion
from tests.api.conftest import ApiClient, field_errors, token_for
from tests.factories import make_team, make_user
from tests.policies.conftest import REFUNDS, refunds_definition


def test_a_billing_policy_is_announced_to_billing_agents_leads_and_admins_only(
    people, django_capture_on_commit_callbacks
):
    billing = make_team("Billing")
    tina = make_user(Role.AGENT, username="tina", teams=[billing], first_name="Tina")
    draft = actions.do_create_policy(
        actions.PolicyDraft(definition=refunds_definition(name="Fee waivers"), teams=[billing]),
        actor=people.lead,
    )
    with django_capture_on_commit_callbacks(execute=True):
        announcement = actions.do_publish_version(draft, actor=people.lead)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([tina.email, people.admin.email])
    assert {u.username for u in queries.not_acknowledged(announcement)} == {"tina", "adam"}
    assert list(queries.unread_announcements(tina)) == [announcement]
    assert list(queries.unread_announcements(people.agent)) == []
    assert list(queries.unread_announcements(people.admin)) == [announcement]


def test_without_teams_every_agent_is_concerned(people, refunds):
    announcement = queries.current_announcement(refunds)
    names = {u.username for u in queries.not_acknowledged(announcement)}
    assert {"alice", "bob", "lena"} <= names  # the admin published it and has read it


def test_the_editor_sets_the_teams_and_the_announcement_says_whom_it_concerns(people, client):
    billing = make_team("Billing")
    client.force_login(people.lead)
    form = {
        "name": "Fee waivers",
        "plain_text": "One waiver a year.",
        "inputs": json.dumps(REFUNDS["inputs"]),
        "rules": REFUNDS["rules"],
        "exception_reasons": json.dumps(REFUNDS["exception_reasons"]),
        "teams": [str(billing.pk)],
    }
    assert client.post("/policies/new", form).status_code == 302
    version = PolicyVersion.objects.get()
    assert list(version.teams.all()) == [billing]
    edit = client.get(f"/policies/{version.policy_id}/edit")
    assert edit.context["form"].initial["teams"] == [billing]
    response = client.post(f"/policies/versions/{version.pk}/publish")
    page = client.get(response["Location"]).content.decode()
    assert "For the agents of Billing, leads and admins." in page
    detail = client.get(f"/policies/{version.policy_id}/").content.decode()
    assert "Concerns the agents of Billing, leads and admins." in detail
    bad = client.post("/policies/new", {**form, "teams": ["999"]})
    assert bad.status_code == 400 and "teams" in bad.context["form"].errors


def test_the_api_takes_team_ids_and_names_a_missing_one(people):
    billing = make_team("Billing")
    lead = ApiClient(Client(), token_for(people.lead))
    body = {**refunds_definition(name="Fee waivers"), "team_ids": [billing.pk]}
    created = lead.post("/policies", body)
    assert created.status_code == 201 and created.json()["teams"] == [{"id": billing.pk, "name": "Billing"}]
    bad = lead.post("/policies", {**body, "team_ids": [999]})
    assert bad.status_code == 422 and field_errors(bad)["team_ids"] == "No team with id 999."
