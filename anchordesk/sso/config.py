"""SSO settings as typed objects. Read at request time, so tests and a reload see the current values."""

from __future__ import annotations

from django.conf import settings

from anchordesk.sso.claims import ClaimRules, parse_team_groups


def oidc_enabled() -> bool:
    """SSO is on when an issuer and a client are configured; otherwise the button is not shown."""
    return bool(
        getattr(settings, "OIDC_ISSUER", "")
        and getattr(settings, "OIDC_CLIENT_ID", "")
        and getattr(settings, "OIDC_CLIENT_SECRET", "")
    )


def scim_enabled() -> bool:
    return bool(getattr(settings, "SCIM_TOKEN", ""))


def claim_rules() -> ClaimRules:
    return ClaimRules(
        groups_claim=getattr(settings, "OIDC_GROUPS_CLAIM", "groups") or "groups",
        agent_groups=frozenset(getattr(settings, "OIDC_AGENT_GROUPS", [])),
        lead_groups=frozenset(getattr(settings, "OIDC_LEAD_GROUPS", [])),
        admin_groups=frozenset(getattr(settings, "OIDC_ADMIN_GROUPS", [])),
        team_groups=parse_team_groups(getattr(settings, "OIDC_TEAM_GROUPS", "")),
    )
