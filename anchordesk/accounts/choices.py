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
