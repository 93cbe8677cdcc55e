"""What an identity provider's claims grant in Anchordesk: a role and teams, or a refusal in words.

Pure logic (no Django models, no network) so the rules are tested on plain dictionaries.
Roles are the values of anchordesk.accounts.choices.Role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

AGENT, LEAD, ADMIN = "agent", "lead", "admin"


@dataclass(frozen=True)
class ClaimRules:
    """Which groups give access (and which role), and which groups put someone in which teams.

    With no agent, lead or admin group configured, role mapping is off: everyone the provider
    signs in may work as an agent, and existing people keep the role an admin gave them.
    """

    groups_claim: str = "groups"
    agent_groups: frozenset[str] = frozenset()
    lead_groups: frozenset[str] = frozenset()
    admin_groups: frozenset[str] = frozenset()
    team_groups: Mapping[str, str] = field(default_factory=dict)

    @property
    def maps_roles(self) -> bool:
        return bool(self.agent_groups or self.lead_groups or self.admin_groups)

    @property
    def managed_teams(self) -> frozenset[str]:
        """Teams whose membership follows the claims; other teams are left as admins set them."""
        return frozenset(self.team_groups.values())


@dataclass(frozen=True)
class Grant:
    role: str | None  # None: the claims give no access (see `refusal`); or role mapping is off
    teams: frozenset[str]
    refusal: str = ""

    @property
    def allowed(self) -> bool:
        return not self.refusal


def _claim(claims: Mapping[str, Any], path: str) -> Any:
    """A claim by name, or by a dotted path into nested claims (Keycloak's realm_access.roles)."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def groups_in(claims: Mapping[str, Any], claim: str) -> frozenset[str]:
    """The groups a person is in: providers send a list, some a space- or comma-separated string."""
    value = _claim(claims, claim)
    if value is None:
        return frozenset()
    if isinstance(value, str):
        items: Iterable[Any] = value.replace(",", " ").split()
    elif isinstance(value, Iterable) and not isinstance(value, Mapping):
        items = value
    else:
        return frozenset()
    return frozenset(str(item).strip() for item in items if str(item).strip())


def map_claims(claims: Mapping[str, Any], rules: ClaimRules) -> Grant:
    groups = groups_in(claims, rules.groups_claim)
    teams = frozenset(team for group, team in rules.team_groups.items() if group in groups)
    if not rules.maps_roles:
        return Grant(role=None, teams=teams)
    if groups & rules.admin_groups:
        role = ADMIN
    elif groups & rules.lead_groups:
        role = LEAD
    elif groups & rules.agent_groups:
        role = AGENT
    else:
        return Grant(
            role=None,
            teams=frozenset(),
            refusal=(
                "Your identity provider does not place you in any group that gives access to "
                "Anchordesk. Ask your administrator to add you to the support group."
            ),
        )
    return Grant(role=role, teams=teams)


def parse_team_groups(raw: str, *, setting: str = "OIDC_TEAM_GROUPS") -> dict[str, str]:
    """`group=Team name, other-group=Other team` → {"group": "Team name", ...}; loud on a typo."""
    mapping: dict[str, str] = {}
    for item in raw.split(","):
        if not item.strip():
            continue
        group, sep, team = item.partition("=")
        if not sep or not group.strip() or not team.strip():
            raise ImproperlyConfigured(f"{setting} entries look like group=Team name, got {item.strip()!r}")
        mapping[group.strip()] = " ".join(team.split())
    return mapping
