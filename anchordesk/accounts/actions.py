"""Changes to people: agents, customers, tokens, teams and organizations. Each one atomic and audited."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from anchordesk.accounts.choices import AccountEvent, Role, TeamKind, Tier
from anchordesk.accounts.models import ApiToken, Customer, Organization, Team, User, hash_token
from anchordesk.core.audit import record_event
from anchordesk.core.registry import offboard_agent


def _clean_email(email: str, field: str = "email") -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({field: "Enter a valid email address."}) from None
    return email


@transaction.atomic
def do_create_agent(
    *,
    email: str,
    name: str = "",
    role: str = Role.AGENT,
    password: str,
    team_names: list[str] | None = None,
    actor: User | None,
) -> User:
    email = _clean_email(email)
    if role not in Role.values:
        raise ValidationError({"role": f"Must be one of {', '.join(Role.values)}."})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone with this email address already exists."})
    first, _, last = name.strip().partition(" ")
    user = User(username=email.lower(), email=email, role=role, first_name=first, last_name=last)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.is_staff = role == Role.ADMIN
    user.save()
    if team_names:
        teams = [Team.objects.get_or_create(name=t)[0] for t in team_names]
        user.teams.set(teams)
    record_event(AccountEvent.AGENT_CREATED, actor=actor, obj=user, after={"email": email, "role": role})
    return user


@transaction.atomic
def do_get_or_create_customer(
    email: str,
    *,
    name: str = "",
    organization: Organization | None = None,
    actor: User | None = None,
    known_absent: bool = False,
) -> tuple[Customer, bool]:
    """`known_absent`: the caller has just looked the address up and found no one (email ingest
    reads its batch's senders at once), so it is not read again; the unique index on the lowercased
    address still returns the customer someone else created in between."""
    email = _clean_email(email)
    if not known_absent:
        existing = Customer.objects.with_email(email).first()
        if existing is not None:
            return existing, False
    if organization is None and "@" in email:
        organization = Organization.objects.filter(domain__iexact=email.rsplit("@", 1)[1]).first()
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                email=email, name=name.strip()[:120], organization=organization
            )
    except IntegrityError:  # created by a concurrent request a moment ago
        return Customer.objects.with_email(email).get(), False
    record_event(AccountEvent.CUSTOMER_CREATED, actor=actor, obj=customer, after={"email": email})
    return customer, True


@transaction.atomic
def do_create_customer(
    email: str,
    *,
    actor: User,
    name: str = "",
    organization: Organization | None = None,
    notes: str = "",
    sees_organization_tickets: bool = False,
) -> Customer:
    """A new customer, refused when one with this email address exists already (the API's create)."""
    existing = Customer.objects.with_email(email).first()
    if existing is not None:
        raise ValidationError(
            {"email": f"A customer with this email address exists already (id {existing.pk})."}
        )
    customer, _ = do_get_or_create_customer(email, name=name, organization=organization, actor=actor)
    extra = {"notes": notes, "sees_organization_tickets": sees_organization_tickets}
    if any(extra.values()):
        do_update_customer(customer, actor=actor, **extra)
    return customer


@transaction.atomic
def do_update_customer(customer: Customer, *, actor: User, **changes: object) -> Customer:
    allowed = {"name", "notes", "organization", "sees_organization_tickets", "email"}
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for key, value in changes.items():
        if key not in allowed:
            raise ValidationError({key: "This field cannot be changed."})
        if key == "email":
            value = _clean_email(str(value))
            if Customer.objects.with_email(value).exclude(pk=customer.pk).exists():
                raise ValidationError({"email": "Another customer has this email address."})
        old = getattr(customer, key)
        if old != value:
            before[key] = getattr(old, "pk", old)
            after[key] = getattr(value, "pk", value)
            setattr(customer, key, value)
    if after:
        customer.save()
        record_event(AccountEvent.CUSTOMER_UPDATED, actor=actor, obj=customer, before=before, after=after)
    return customer


@transaction.atomic
def do_create_api_token(user: User, name: str, *, actor: User) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError({"name": "Give the token a name of 1 to 80 characters."})
    raw = "adk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw))
    record_event(AccountEvent.TOKEN_CREATED, actor=actor, obj=token, after={"name": name, "user": user.pk})
    return token, raw


@transaction.atomic
def do_revoke_api_token(token: ApiToken, *, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(AccountEvent.TOKEN_REVOKED, actor=actor, obj=token, after={"name": token.name})
    return token


def _clean_name(name: str, *, limit: int) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > limit:
        raise ValidationError({"name": f"A name of 1 to {limit} characters is required."})
    return name


def _clean_team(changes: dict[str, Any], team: Team | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "name":
            value = _clean_name(str(value), limit=80)
            clash = Team.objects.filter(name__iexact=value)
            if team is not None:
                clash = clash.exclude(pk=team.pk)
            if clash.exists():
                raise ValidationError({"name": "Another team has this name."})
        elif key == "kind":
            if value not in TeamKind.values:
                raise ValidationError({"kind": f"Must be one of {', '.join(TeamKind.values)}."})
        elif key == "description":
            value = str(value or "").strip()
            if len(value) > 300:
                raise ValidationError({"description": "At most 300 characters."})
        elif key == "email":
            value = str(value or "").strip()
            if value:
                try:
                    validate_email(value)
                except ValidationError:
                    raise ValidationError({"email": "Enter a valid email address."}) from None
        else:
            raise ValidationError({key: "This field cannot be changed."})
        cleaned[key] = value
    return cleaned


def _members(member_ids: Iterable[int]) -> list[User]:
    ids = set(member_ids)
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    missing = ids - {u.pk for u in users}
    if missing:
        raise ValidationError(
            {"member_ids": f"No active agent with id {', '.join(map(str, sorted(missing)))}."}
        )
    return users


@transaction.atomic
def do_create_team(*, actor: User, name: str, member_ids: Iterable[int] | None = None, **fields: Any) -> Team:
    cleaned = _clean_team({"name": name, **fields}, None)
    team = Team.objects.create(**cleaned)
    if member_ids is not None:
        team.members.set(_members(member_ids))
    record_event(
        AccountEvent.TEAM_CREATED,
        actor=actor,
        obj=team,
        after={**cleaned, "members": sorted(member_ids or [])},
    )
    return team


@transaction.atomic
def do_update_team(
    team: Team, *, actor: User, member_ids: Iterable[int] | None = None, **changes: Any
) -> Team:
    cleaned = _clean_team(changes, team)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in cleaned.items():
        if getattr(team, key) != value:
            before[key], after[key] = getattr(team, key), value
            setattr(team, key, value)
    if after:
        team.save()
    if member_ids is not None:
        current = set(team.members.values_list("pk", flat=True))
        wanted = {u.pk for u in _members(member_ids)}
        if current != wanted:
            team.members.set(wanted)
            before["members"], after["members"] = sorted(current), sorted(wanted)
    if after:
        record_event(AccountEvent.TEAM_UPDATED, actor=actor, obj=team, before=before, after=after)
    return team


def _clean_organization(changes: dict[str, Any], org: Organization | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "name":
            value = _clean_name(str(value), limit=120)
            clash = Organization.objects.filter(name__iexact=value)
            if org is not None:
                clash = clash.exclude(pk=org.pk)
            if clash.exists():
                raise ValidationError({"name": "Another organization has this name."})
        elif key == "domain":
            value = str(value or "").strip().lower().lstrip("@")
            if len(value) > 120 or (value and ("." not in value or " " in value)):
                raise ValidationError({"domain": "Enter a domain such as example.com."})
        elif key == "tier":
            if value not in Tier.values:
                raise ValidationError({"tier": f"Must be one of {', '.join(Tier.values)}."})
        elif key == "notes":
            value = str(value or "")
            if len(value) > 10_000:
                raise ValidationError({"notes": "At most 10000 characters."})
        else:
            raise ValidationError({key: "This field cannot be changed."})
        cleaned[key] = value
    return cleaned


@transaction.atomic
def do_create_organization(*, actor: User, name: str, **fields: Any) -> Organization:
    cleaned = _clean_organization({"name": name, **fields}, None)
    org = Organization.objects.create(**cleaned)
    record_event(AccountEvent.ORGANIZATION_CREATED, actor=actor, obj=org, after=cleaned)
    return org


@transaction.atomic
def do_update_organization(org: Organization, *, actor: User, **changes: Any) -> Organization:
    cleaned = _clean_organization(changes, org)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in cleaned.items():
        if getattr(org, key) != value:
            before[key], after[key] = getattr(org, key), value
            setattr(org, key, value)
    if after:
        org.save()
        record_event(AccountEvent.ORGANIZATION_UPDATED, actor=actor, obj=org, before=before, after=after)
    return org


def do_deactivate_agent(user: User, *, actor: User | None, source: str = "deactivate") -> User:
    """Offboarding with the default plan: every bucket of open work handed over (see docs/offboarding.md).

    Kept so every caller (single sign-on deprovisioning with `actor=None`, older code) goes through
    people.actions.do_offboard_agent (through core.registry.offboard_agent). Safe to call again for someone already deactivated.
    """
    # People sits above accounts: it registers its offboarding in the registry (docs/ARCHITECTURE.md).
    offboard_agent(user, actor=actor, source=source)
    user.refresh_from_db(fields=["is_active"])
    return user
