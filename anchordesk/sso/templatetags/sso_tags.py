from __future__ import annotations

from django import template
from django.conf import settings

from anchordesk.sso.config import claim_rules, oidc_enabled, scim_enabled
from anchordesk.sso.models import Deprovisioning, SsoIdentity

register = template.Library()


@register.simple_tag
def sso_enabled() -> bool:
    return oidc_enabled()


@register.simple_tag
def unreviewed_deprovisionings(limit: int = 20) -> list[Deprovisioning]:
    """People the identity provider deprovisioned whose offboarding no lead has reviewed yet."""
    return list(Deprovisioning.objects.filter(reviewed_at__isnull=True).select_related("user")[:limit])


@register.inclusion_tag("sso/_security_panel.html")
def sso_security_panel() -> dict[str, object]:
    """What the security settings page says about single sign-on: configured from the environment
    (docs/sso.md), so the page shows the state and where to change it, never a secret."""
    rules = claim_rules()
    return {
        "enabled": oidc_enabled(),
        "issuer": settings.OIDC_ISSUER,
        "create_users": settings.OIDC_CREATE_USERS,
        "email_domains": settings.OIDC_EMAIL_DOMAINS,
        "role_groups": [
            ("Agents", sorted(rules.agent_groups)),
            ("Leads", sorted(rules.lead_groups)),
            ("Admins", sorted(rules.admin_groups)),
        ],
        "team_groups": sorted(rules.team_groups.items()),
        "scim": scim_enabled(),
        "linked": SsoIdentity.objects.filter(user__is_active=True).count(),
    }
