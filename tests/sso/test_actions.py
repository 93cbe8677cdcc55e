"""Signing in with claims (create, link, follow role and teams, refuse) and deprovisioning."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from anchordesk.accounts.actions import do_deactivate_agent
from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import User
from anchordesk.core.models import AuditEvent
from anchordesk.recovery.actions import do_add_promise
from anchordesk.sso.actions import do_deprovision_agent, do_reactivate_agent, do_sign_in_with_claims
from anchordesk.sso.claims import ClaimRules
from anchordesk.sso.models import Deprovisioning, SsoIdentity
from tests import factories
from tests.conftest import Personas

pytestmark = pytest.mark.django_db
ISSUER = "https://id.example.test"
RULES = ClaimRules(
    agent_groups=frozenset({"support"}),
    lead_groups=frozenset({"leads"}),
    team_groups={"billing": "Billing", "network": "Network"},
)


def claims(
    sub: str = "u-1", email: str = "new@corp.test", groups: list[str] | None = None, **kw: Any
) -> dict:
    return {
        "sub": sub,
        "email": email,
        "email_verified": True,
        "name": "New Person",
        "groups": groups or [],
        **kw,
    }


def sign_in(data: dict, **kw: Any) -> Any:
    return do_sign_in_with_claims(
        data, issuer=ISSUER, rules=kw.pop("rules", RULES), create_users=kw.pop("create_users", True), **kw
    )


def test_first_sign_in_creates_an_agent_linked_to_the_provider() -> None:
    outcome = sign_in(claims(groups=["support", "billing"]))
    user = outcome.user
    assert user is not None and user.email == "new@corp.test" and user.role == Role.AGENT
    assert user.get_full_name() == "New Person"
    assert [t.name for t in user.teams.all()] == ["Billing"]
    assert SsoIdentity.objects.get(user=user).subject == "u-1"
    assert AuditEvent.objects.filter(kind="agent.created", object_id=user.pk).exists()


def test_with_creation_off_an_unknown_person_is_refused() -> None:
    outcome = sign_in(claims(groups=["support"]), create_users=False)
    assert outcome.user is None and "not created on first sign-in" in outcome.refusal
    assert not User.objects.filter(email="new@corp.test").exists()


def test_an_existing_agent_is_linked_by_verified_email_and_keeps_unmanaged_teams(people: Personas) -> None:
    outcome = sign_in(claims(email="ALICE@example.test", groups=["support", "network"]))
    assert outcome.user == people.agent
    assert sorted(t.name for t in people.agent.teams.all()) == ["Network", "Support"]
    assert AuditEvent.objects.filter(kind="agent.sso_linked", object_id=people.agent.pk).exists()


def test_an_unverified_email_does_not_take_over_an_existing_account(people: Personas) -> None:
    outcome = sign_in(claims(email="alice@example.test", groups=["support"], email_verified=False))
    assert outcome.user is None and "already exists" in outcome.refusal
    assert not SsoIdentity.objects.exists()


def test_with_email_domains_set_other_addresses_are_refused() -> None:
    outcome = sign_in(claims(email="someone@gmail.test", groups=["support"]), email_domains=["corp.test"])
    assert outcome.user is None and "addresses at corp.test" in outcome.refusal
    assert sign_in(claims(email="me@Corp.test", groups=["support"]), email_domains=["@corp.test"]).user


def test_role_and_managed_teams_follow_the_claims_and_each_change_is_audited() -> None:
    user = sign_in(claims(groups=["support", "billing"])).user
    assert user is not None
    again = sign_in(claims(groups=["leads", "network"])).user
    assert again == user
    user.refresh_from_db()
    assert user.role == Role.LEAD
    assert [t.name for t in user.teams.all()] == ["Network"]
    role = AuditEvent.objects.get(kind="agent.role_changed", object_id=user.pk)
    assert (role.actor_id, role.after) == (None, {"role": Role.LEAD})
    teams = AuditEvent.objects.filter(kind="agent.teams_changed", object_id=user.pk).latest("pk")
    assert (teams.before, teams.after) == ({"teams": ["Billing"]}, {"teams": ["Network"]})
    changes = AuditEvent.objects.filter(kind__in=["agent.role_changed", "agent.teams_changed"]).count()
    sign_in(claims(groups=["leads", "network"]))  # nothing changed: nothing audited
    assert (
        AuditEvent.objects.filter(kind__in=["agent.role_changed", "agent.teams_changed"]).count() == changes
    )


def test_signing_in_without_an_agent_group_any_more_deprovisions_the_agent(people: Personas) -> None:
    user = sign_in(claims(groups=["support"])).user
    assert user is not None
    ticket = factories.make_ticket(people.customer, assignee=user)
    outcome = sign_in(claims(groups=["marketing"]))
    assert outcome.user is None and "group that gives access" in outcome.refusal
    user.refresh_from_db()
    ticket.refresh_from_db()
    assert not user.is_active and ticket.assignee_id is None
    assert Deprovisioning.objects.get(user=user).source == "sign_in"
    assert AuditEvent.objects.get(kind="agent.deprovisioned", object_id=user.pk).actor_id is None
    # Getting the group back does not reopen a deprovisioned account: an admin or SCIM must.
    assert "deactivated" in sign_in(claims(groups=["support"])).refusal


def test_deprovisioning_hands_promises_to_a_lead_and_is_recorded_once(people: Personas) -> None:
    ticket = factories.make_ticket(people.customer, assignee=people.agent)
    promise = do_add_promise(
        ticket, actor=people.agent, action="Refund the fee", due_at=timezone.now() + timedelta(days=1)
    )
    do_deprovision_agent(people.agent, source="scim")
    do_deprovision_agent(people.agent, source="scim")
    promise.refresh_from_db()
    people.agent.refresh_from_db()
    assert not people.agent.is_active
    assert promise.owner.is_lead
    assert Deprovisioning.objects.filter(user=people.agent).count() == 1
    assert AuditEvent.objects.filter(kind="agent.deprovisioned").count() == 1

    do_reactivate_agent(people.agent, source="scim")
    people.agent.refresh_from_db()
    assert people.agent.is_active
    assert AuditEvent.objects.filter(kind="agent.reactivated", object_id=people.agent.pk).exists()


def test_the_system_may_deactivate_but_an_agent_still_may_not(people: Personas) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        do_deactivate_agent(people.agent2, actor=people.agent)
    do_deactivate_agent(people.agent2, actor=None)
    people.agent2.refresh_from_db()
    assert not people.agent2.is_active
