from django.db import models


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    LEAD = "lead", "Lead"
    ADMIN = "admin", "Admin"
    COLLABORATOR = "collaborator", "Collaborator"


class TeamKind(models.TextChoices):
    SUPPORT = "support", "Support"
    ENGINEERING = "engineering", "Engineering"
    BILLING = "billing", "Billing"
    NETWORK = "network", "Network"
    MARKETING = "marketing", "Marketing"
    OTHER = "other", "Other"


class Tier(models.TextChoices):
    STANDARD = "standard", "Standard"
    PREMIUM = "premium", "Premium"
    ENTERPRISE = "enterprise", "Enterprise"


class AccountEvent(models.TextChoices):
    """Audit event kinds for people, teams, tokens, invitations and two-factor sign-in."""

    AGENT_CREATED = "agent.created", "added an agent"
    AGENT_UPDATED = "agent.updated", "changed an agent"
    CUSTOMER_CREATED = "customer.created", "added a customer"
    CUSTOMER_UPDATED = "customer.updated", "changed a customer"
    TOKEN_CREATED = "token.created", "created an API token"
    TOKEN_REVOKED = "token.revoked", "revoked an API token"
    TEAM_CREATED = "team.created", "created a team"
    TEAM_UPDATED = "team.updated", "changed a team"
    ORGANIZATION_CREATED = "organization.created", "added an organization"
    ORGANIZATION_UPDATED = "organization.updated", "changed an organization"
    INVITATION_CREATED = "invitation.created", "invited an agent"
    INVITATION_RESENT = "invitation.resent", "sent an invitation again"
    INVITATION_REVOKED = "invitation.revoked", "revoked an invitation"
    INVITATION_ACCEPTED = "invitation.accepted", "accepted an invitation"
    TWO_FACTOR_ENABLED = "two_factor.enabled", "turned on two-factor sign-in"
    TWO_FACTOR_RECOVERY_CODE_USED = "two_factor.recovery_code_used", "signed in with a recovery code"
    TWO_FACTOR_RECOVERY_CODES_RENEWED = "two_factor.recovery_codes_renewed", "renewed their recovery codes"
    TWO_FACTOR_RESET = "two_factor.reset", "reset someone's two-factor sign-in"
    TWO_FACTOR_REQUIRED = "security.two_factor_required", "changed which roles must use two-factor sign-in"
