"""Start-up checks for single sign-on: a configuration that would let anyone in is an error."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from anchordesk.sso.config import claim_rules, oidc_enabled


@register("security")
def open_door(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """SSO that creates agents, with no agent group and no email domain, admits every account the
    provider knows (with Google: anyone). Refuse to start until one of the two limits is set."""
    if not oidc_enabled() or not getattr(settings, "OIDC_CREATE_USERS", False):
        return []
    rules = claim_rules()
    if rules.agent_groups or rules.lead_groups or rules.admin_groups:
        return []
    if getattr(settings, "OIDC_EMAIL_DOMAINS", []):
        return []
    return [
        Error(
            "Single sign-on would create an agent for every account the provider signs in.",
            hint="Set OIDC_AGENT_GROUPS (and lead/admin groups) or OIDC_EMAIL_DOMAINS, "
            "or turn OIDC_CREATE_USERS off so only existing agents can sign in (docs/sso.md).",
            id="anchordesk.sso.E001",
        )
    ]
