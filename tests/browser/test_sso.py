"""Single sign-on through a real OpenID provider (tests/sso/provider) in Chromium, and SCIM
deprovisioning over real HTTP against the live server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from django.conf import settings
from playwright.sync_api import expect

from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import User
from anchordesk.core.models import AuditEvent
from anchordesk.tickets.actions import do_assign_ticket
from anchordesk.tickets.models import Ticket
from tests import factories
from tests.conftest import Personas
from tests.sso import provider_fixture
from tests.sso.provider_fixture import PASSWORD, Provider

# The provider's fixtures, used by name below (a session-wide provider process, per-test settings).
oidc_provider = provider_fixture.oidc_provider
sso_settings = provider_fixture.sso_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_with_sso(page: Any, base_url: str, username: str) -> None:
    """Anchordesk's sign-in page → the provider's login → its consent page → back to Anchordesk."""
    page.goto(f"{base_url}/signin/")
    page.click("#sso-sign-in")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#idp-sign-in")
    page.click("#idp-allow")


def scim(method: str, base_url: str, path: str, token: str, body: Any = None) -> requests.Response:
    return requests.request(
        method,
        f"{base_url}/scim/v2/{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"},
        timeout=30,
    )


def test_new_person_signs_in_with_sso_and_becomes_a_lead_in_the_team_their_groups_say(
    new_context: Callable[[], Any],
    live_server: Any,
    sso_settings: Provider,
) -> None:
    sso_settings.add_user("sam", "sam@corp.test", "Sam Sharp", ["support-leads", "team-billing"])
    page = new_context().new_page()
    sign_in_with_sso(page, live_server.url, "sam")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".usermenu-name")).to_have_text("Sam Sharp")

    sam = User.objects.get(email="sam@corp.test")
    assert sam.role == Role.LEAD
    assert [t.name for t in sam.teams.all()] == ["Billing"]
    assert not sam.has_usable_password()
    created = AuditEvent.objects.get(kind="agent.created", object_id=sam.pk)
    assert created.after["via"] == "sso"


def test_someone_without_an_agent_group_is_refused_in_words(
    new_context: Callable[[], Any],
    live_server: Any,
    sso_settings: Provider,
) -> None:
    sso_settings.add_user("mia", "mia@corp.test", "Mia Marketing", ["marketing"])
    page = new_context().new_page()
    sign_in_with_sso(page, live_server.url, "mia")
    expect(page.locator("#sso-refusal")).to_contain_text("not place you in any group that gives access")
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/signin/?next=/")
    assert not User.objects.filter(email="mia@corp.test").exists()


def test_role_and_teams_follow_the_claims_on_each_sign_in(
    new_context: Callable[[], Any],
    live_server: Any,
    sso_settings: Provider,
) -> None:
    sso_settings.add_user("rui", "rui@corp.test", "Rui Reyes", ["support-agents", "team-billing"])
    page = new_context().new_page()
    sign_in_with_sso(page, live_server.url, "rui")
    page.wait_for_url(f"{live_server.url}/")
    rui = User.objects.get(email="rui@corp.test")
    assert (rui.role, [t.name for t in rui.teams.all()]) == (Role.AGENT, ["Billing"])

    sso_settings.set_groups("rui", ["support-leads", "team-network"])
    again = new_context().new_page()
    sign_in_with_sso(again, live_server.url, "rui")
    again.wait_for_url(f"{live_server.url}/")
    rui.refresh_from_db()
    assert (rui.role, [t.name for t in rui.teams.all()]) == (Role.LEAD, ["Network"])
    change = AuditEvent.objects.get(kind="agent.role_changed", object_id=rui.pk)
    assert (change.before, change.after) == ({"role": "agent"}, {"role": "lead"})
    assert AuditEvent.objects.filter(kind="agent.teams_changed", object_id=rui.pk).exists()


def test_signing_in_after_losing_the_agent_group_deprovisions_the_agent(
    new_context: Callable[[], Any], live_server: Any, sso_settings: Provider, people: Personas
) -> None:
    sso_settings.add_user("lou", "lou@corp.test", "Lou Leaving", ["support-agents"])
    page = new_context().new_page()
    sign_in_with_sso(page, live_server.url, "lou")
    page.wait_for_url(f"{live_server.url}/")
    lou = User.objects.get(email="lou@corp.test")
    ticket = factories.make_ticket(people.customer, subject="Refund not received")
    do_assign_ticket(ticket, lou, actor=people.lead)

    sso_settings.set_groups("lou", ["alumni"])
    later = new_context().new_page()
    sign_in_with_sso(later, live_server.url, "lou")
    expect(later.locator("#sso-refusal")).to_contain_text("not place you in any group that gives access")
    lou.refresh_from_db()
    ticket.refresh_from_db()
    assert not lou.is_active and ticket.assignee_id is None
    event = AuditEvent.objects.get(kind="agent.deprovisioned", object_id=lou.pk)
    assert event.after["source"] == "sign_in"
    page.goto(f"{live_server.url}/")  # the session opened earlier stops too
    page.wait_for_url(f"{live_server.url}/signin/?next=/")


def test_scim_deprovisioning_stops_the_agent_and_runs_the_offboarding(
    new_context: Callable[[], Any],
    live_server: Any,
    sso_settings: Provider,
    people: Personas,
) -> None:
    sso_settings.add_user("dee", "dee@corp.test", "Dee Departing", ["support-agents"])
    page = new_context().new_page()
    sign_in_with_sso(page, live_server.url, "dee")
    page.wait_for_url(f"{live_server.url}/")
    dee = User.objects.get(email="dee@corp.test")
    ticket = factories.make_ticket(people.customer, subject="Router keeps rebooting")
    do_assign_ticket(ticket, dee, actor=people.lead)

    token = settings.SCIM_TOKEN
    found = scim("GET", live_server.url, 'Users?filter=userName eq "dee@corp.test"', token)
    assert found.status_code == 200
    assert found.json()["totalResults"] == 1
    scim_id = found.json()["Resources"][0]["id"]
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }
    gone = scim("PATCH", live_server.url, f"Users/{scim_id}", token, patch)
    assert gone.status_code == 200
    assert gone.json()["active"] is False

    # Their open session stops at once.
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/signin/?next=/")
    # The offboarding ran: the ticket is back in the queue, and the change is audited.
    ticket.refresh_from_db()
    assert ticket.assignee_id is None
    event = AuditEvent.objects.get(kind="agent.deprovisioned", object_id=dee.pk)
    assert event.after == {"is_active": False, "source": "scim"}
    # They cannot come back through SSO, though the provider still lists their agent group.
    retry = new_context().new_page()
    sign_in_with_sso(retry, live_server.url, "dee")
    expect(retry.locator("#sso-refusal")).to_contain_text("deactivated")

    # Leads are asked to finish the offboarding.
    lead = new_context().new_page()
    lead.goto(f"{live_server.url}/signin/")
    lead.fill("#id_email", people.lead.email)
    lead.fill("#id_password", factories.PASSWORD)
    lead.click("button[type=submit]")
    lead.wait_for_url(f"{live_server.url}/")
    lead.goto(f"{live_server.url}/sso/deprovisioned/")
    row = lead.locator(f".deprovisioned-row[data-user-id='{dee.pk}']")
    expect(row).to_contain_text("SCIM")
    row.get_by_role("button", name="Mark reviewed").click()
    expect(row).to_contain_text("Reviewed by Lena")
    assert Ticket.objects.filter(assignee=dee).count() == 0


def test_scim_with_a_wrong_token_is_refused_with_401(
    live_server: Any,
    sso_settings: Provider,
    people: Personas,
) -> None:
    answer = scim("PATCH", live_server.url, f"Users/{people.agent.pk}", "not-the-token", {"Operations": []})
    assert answer.status_code == 401
    assert answer.headers["Content-Type"].startswith("application/scim+json")
    assert answer.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert answer.json()["status"] == "401"
    people.agent.refresh_from_db()
    assert people.agent.is_active
