from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Self

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from typing_extensions import TypeVar

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


# The row type is a parameter so that annotate() results keep their annotations (django-stubs).
_Row = TypeVar("_Row", covariant=True, default="Customer")


class CustomerQuerySet(models.QuerySet["Customer", _Row]):
    def with_email(self, email: str) -> Self:
        """Case-insensitive match written as LOWER(email) = ..., the expression the unique index covers.

        `email__iexact` compiles to LIKE on SQLite and UPPER() on PostgreSQL, which neither database can
        answer from that index: at a million customers every incoming email would scan the table.
        """
        return self.alias(email_lower=Lower("email")).filter(email_lower=(email or "").strip().lower())

    def with_emails(self, emails: Iterable[str]) -> Self:
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


# Invitations and two-factor sign-in ------------------------------------------------------
#
# Two-factor uses pyotp with the three small models below rather than django-otp: django-otp
# brings its own apps, middleware, admin and session keys (and a device registry we would not
# use), while what we need is one TOTP secret per person, single-use recovery codes and a replay
# guard. pyotp (RFC 6238, maintained by PyAuth) does the arithmetic; the rules stay in actions.py.


class Invitation(models.Model):
    """An emailed, single-use link that lets someone set their own password and join.

    Only a sha256 of the token is stored; the token itself is in the email alone.
    """

    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    teams = models.ManyToManyField(Team, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class TOTPDevice(models.Model):
    """Someone's authenticator app: a base32 secret, confirmed once a first code matched."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second step a code was accepted for: a code is never accepted twice.
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Authenticator of {self.user_id}"


class RecoveryCode(models.Model):
    """A single-use code for when the authenticator is lost. Stored as a sha256 hash only."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"])]

    def __str__(self) -> str:
        return f"Recovery code of {self.user_id}"


class SecurityPolicy(models.Model):
    """One row: which roles must use two-factor sign-in."""

    require_2fa_agent = models.BooleanField(default=False)
    require_2fa_lead = models.BooleanField(default=False)
    require_2fa_admin = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "security policy"

    def __str__(self) -> str:
        return "Security policy"

    @classmethod
    def current(cls) -> SecurityPolicy:
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def requires_two_factor(self, user: User) -> bool:
        if user.is_superuser and user.role not in (Role.AGENT, Role.LEAD):
            return self.require_2fa_admin
        return {
            Role.AGENT: self.require_2fa_agent,
            Role.LEAD: self.require_2fa_lead,
            Role.ADMIN: self.require_2fa_admin,
        }.get(Role(user.role), False)
