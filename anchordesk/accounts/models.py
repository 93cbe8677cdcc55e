from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from anchordesk.accounts.choices import Role, TeamKind, Tier

# Roles allowed to work tickets, and those who also manage views, agents and configuration.
_TICKET_ROLES = {Role.AGENT, Role.LEAD, Role.ADMIN}
_LEAD_ROLES = {Role.LEAD, Role.ADMIN}


class Team(models.Model):
    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=TeamKind.choices, default=TeamKind.SUPPORT)
    description = models.CharField(max_length=300, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Anyone who signs in to the agent side: agents, leads, admins and collaborators."""

    email = models.EmailField(unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    skills = models.JSONField(default=list, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    signature = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def works_tickets(self) -> bool:
        return self.is_active and (self.role in _TICKET_ROLES or self.is_superuser)

    @property
    def is_lead(self) -> bool:
        return self.is_active and (self.role in _LEAD_ROLES or self.is_superuser)

    @property
    def is_admin_role(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)


class Organization(models.Model):
    name = models.CharField(max_length=120, unique=True)
    domain = models.CharField(max_length=120, blank=True, db_index=True)
    tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.STANDARD)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomerQuerySet(models.QuerySet["Customer"]):
    def with_email(self, email: str) -> CustomerQuerySet:
        """Case-insensitive match written as LOWER(email) = ..., the expression the unique index covers.

        `email__iexact` compiles to LIKE on SQLite and UPPER() on PostgreSQL, which neither database can
        answer from that index: at a million customers every incoming email would scan the table.
        """
        return self.alias(email_lower=Lower("email")).filter(email_lower=(email or "").strip().lower())

    def with_emails(self, emails: Iterable[str]) -> CustomerQuerySet:
        """with_email for many addresses at once, through the same index."""
        wanted = {(e or "").strip().lower() for e in emails} - {""}
        return self.alias(email_lower=Lower("email")).filter(email_lower__in=wanted)


class Customer(models.Model):
    """Someone who writes to support. Customers sign in to the portal by emailed link, never a password."""

    email = models.EmailField()
    name = models.CharField(max_length=120, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    notes = models.TextField(blank=True)
    # Whether the portal shows this customer the tickets of their whole organization.
    sees_organization_tickets = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="customer_email_ci_unique")]
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.email


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginAttempt(models.Model):
    """Failed sign-ins, counted per username and address to rate-limit guessing."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
