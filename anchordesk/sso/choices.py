from django.db import models


class SsoEvent(models.TextChoices):
    """Audit event kinds for what the identity provider changes on an agent (new agents are AccountEvent)."""

    ROLE_CHANGED = "agent.role_changed", "changed an agent's role from the identity provider"
    TEAMS_CHANGED = "agent.teams_changed", "changed an agent's teams from the identity provider"
    SSO_LINKED = "agent.sso_linked", "linked an agent to their single sign-on identity"
    DEPROVISIONED = "agent.deprovisioned", "deactivated an agent removed from the identity provider"
    OFFBOARDING_REVIEWED = "agent.offboarding_reviewed", "reviewed a deprovisioned agent's work"
