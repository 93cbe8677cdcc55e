"""The claim mapping: which groups give which role and teams, and who is refused (pure, no Django DB)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from anchordesk.accounts.choices import Role
from anchordesk.sso.claims import ClaimRules, groups_in, map_claims, parse_team_groups

RULES = ClaimRules(
    agent_groups=frozenset({"support"}),
    lead_groups=frozenset({"support-leads"}),
    admin_groups=frozenset({"it-admins"}),
    team_groups={"billing": "Billing", "network": "Network"},
)


def test_an_agent_group_gives_the_agent_role_and_mapped_groups_give_teams() -> None:
    grant = map_claims({"sub": "1", "groups": ["support", "billing", "unrelated"]}, RULES)
    assert grant.allowed and grant.role == Role.AGENT
    assert grant.teams == {"Billing"}


def test_the_highest_role_wins_when_someone_is_in_several_groups() -> None:
    assert map_claims({"groups": ["support", "support-leads"]}, RULES).role == Role.LEAD
    assert map_claims({"groups": ["support-leads", "it-admins"]}, RULES).role == Role.ADMIN


def test_someone_in_none_of_the_agent_groups_is_refused_in_words_even_with_a_team_group() -> None:
    grant = map_claims({"groups": ["billing", "marketing"]}, RULES)
    assert not grant.allowed
    assert grant.role is None and grant.teams == frozenset()
    assert "does not place you in any group that gives access to Anchordesk" in grant.refusal


def test_a_missing_groups_claim_is_a_refusal_not_an_error() -> None:
    assert not map_claims({"sub": "1"}, RULES).allowed
    assert not map_claims({"groups": None}, RULES).allowed
    assert not map_claims({"groups": {"support": True}}, RULES).allowed


def test_groups_sent_as_one_string_are_split() -> None:
    assert groups_in({"groups": "support billing,network"}, "groups") == {"support", "billing", "network"}


def test_a_dotted_claim_name_reaches_keycloak_realm_roles() -> None:
    rules = ClaimRules(groups_claim="realm_access.roles", agent_groups=frozenset({"support"}))
    assert map_claims({"realm_access": {"roles": ["support"]}}, rules).role == Role.AGENT
    assert not map_claims({"realm_access": {}}, rules).allowed


def test_without_role_groups_everyone_is_allowed_and_keeps_their_role() -> None:
    rules = ClaimRules(team_groups={"billing": "Billing"})
    grant = map_claims({"groups": ["billing"]}, rules)
    assert grant.allowed and grant.role is None and grant.teams == {"Billing"}


def test_team_groups_setting_is_parsed_and_a_typo_fails_loudly() -> None:
    assert parse_team_groups(" okta-billing = Billing team , net=Network,") == {
        "okta-billing": "Billing team",
        "net": "Network",
    }
    assert parse_team_groups("") == {}
    with pytest.raises(ImproperlyConfigured, match="group=Team name"):
        parse_team_groups("billing")
