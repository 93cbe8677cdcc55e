"""Customers, organizations, teams, tags and /me over the API."""

from __future__ import annotations

from anchordesk.accounts.models import Customer, Organization, Team
from anchordesk.core.models import AuditEvent
from tests import factories
from tests.api.conftest import field_errors


def test_me_describes_the_tokens_owner(people, as_user):
    body = as_user(people.lead).get("/me").json()
    assert body["username"] == "lena" and body["role"] == "lead"
    assert body["teams"] == [{"id": people.support.pk, "name": "Support"}]


def test_customers_are_created_listed_filtered_and_updated(people, as_user):
    api = as_user(people.agent)
    created = api.post(
        "/customers",
        {
            "email": "zoe@acme.test",
            "name": "Zoe",
            "organization_id": people.customer.organization_id,
            "notes": "Prefers phone",
        },
    )
    assert created.status_code == 201, created.content
    zoe = created.json()
    assert zoe["organization"]["name"] == "Acme" and zoe["notes"] == "Prefers phone"
    duplicate = api.post("/customers", {"email": "ZOE@acme.test"})
    assert duplicate.status_code == 422 and "exists" in field_errors(duplicate)["email"]

    by_email = api.get("/customers", {"email": "Zoe@ACME.test"}).json()["items"]
    assert [c["id"] for c in by_email] == [zoe["id"]]
    by_org = api.get("/customers", {"organization": people.customer.organization_id}).json()["items"]
    assert {c["email"] for c in by_org} == {"carol@acme.test", "cliff@acme.test", "zoe@acme.test"}

    updated = api.patch(f"/customers/{zoe['id']}", {"name": "Zoe Q", "organization_id": None})
    assert updated.status_code == 200
    assert updated.json()["name"] == "Zoe Q" and updated.json()["organization"] is None
    clash = api.patch(f"/customers/{zoe['id']}", {"email": "carol@acme.test"})
    assert clash.status_code == 422 and "email" in field_errors(clash)
    assert AuditEvent.objects.filter(kind="customer.updated", actor=people.agent).exists()


def test_customer_pages_do_not_repeat(people, as_user):
    for i in range(7):
        factories.make_customer(f"p{i}@example.test")
    api = as_user(people.agent)
    first = api.get("/customers", {"limit": 5}).json()
    second = api.get("/customers", {"limit": 5, "cursor": first["next_cursor"]}).json()
    ids = [c["id"] for c in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == Customer.objects.count()


def test_a_lead_manages_teams_and_their_members(people, as_user):
    api = as_user(people.lead)
    created = api.post("/teams", {"name": "Network", "kind": "network", "member_ids": [people.agent2.pk]})
    assert created.status_code == 201, created.content
    team = created.json()
    assert [m["id"] for m in team["members"]] == [people.agent2.pk]
    assert api.post("/teams", {"name": "network"}).status_code == 422
    assert "kind" in field_errors(api.post("/teams", {"name": "Ops", "kind": "wizards"}))
    assert "member_ids" in field_errors(api.patch(f"/teams/{team['id']}", {"member_ids": [999999]}))
    renamed = api.patch(f"/teams/{team['id']}", {"name": "Network ops", "member_ids": []}).json()
    assert renamed["name"] == "Network ops" and renamed["members"] == []
    assert Team.objects.filter(name="Network ops").exists()
    assert AuditEvent.objects.filter(kind="team.updated", actor=people.lead).exists()


def test_a_lead_manages_organizations(people, as_user):
    api = as_user(people.lead)
    created = api.post("/organizations", {"name": "Initech", "domain": "@Initech.test", "tier": "premium"})
    assert created.status_code == 201
    org = created.json()
    assert org["domain"] == "initech.test"
    assert "tier" in field_errors(api.patch(f"/organizations/{org['id']}", {"tier": "gold"}))
    assert "name" in field_errors(api.post("/organizations", {"name": "initech"}))
    assert api.patch(f"/organizations/{org['id']}", {"notes": "Key account"}).json()["notes"] == "Key account"
    assert Organization.objects.get(pk=org["id"]).notes == "Key account"
    listed = as_user(people.agent).get("/organizations", {"q": "init"}).json()["items"]
    assert [o["id"] for o in listed] == [org["id"]]


def test_tags_are_listed_with_the_tickets_the_caller_can_see(people, as_user):
    factories.make_ticket(people.customer, tags=["refund"], team=people.support)
    factories.make_ticket(people.customer, tags=["refund", "bug"], team=people.engineering)
    assert as_user(people.agent).get("/tags").json() == [
        {"name": "bug", "tickets": 1},
        {"name": "refund", "tickets": 2},
    ]
    assert as_user(people.collaborator).get("/tags").json() == [
        {"name": "bug", "tickets": 1},
        {"name": "refund", "tickets": 1},
    ]
