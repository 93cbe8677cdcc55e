"""Changes to people: agents, customers, tokens. Each one atomic and audited."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import ApiToken, Customer, Organization, Team, User, hash_token
from anchordesk.core.audit import record_event


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
    record_event("agent.created", actor=actor, obj=user, after={"email": email, "role": role})
    return user


@transaction.atomic
def do_get_or_create_customer(
    email: str, *, name: str = "", organization: Organization | None = None, actor: User | None = None
) -> tuple[Customer, bool]:
    email = _clean_email(email)
    existing = Customer.objects.with_email(email).first()
    if existing is not None:
        return existing, False
    if organization is None and "@" in email:
        organization = Organization.objects.filter(domain__iexact=email.rsplit("@", 1)[1]).first()
    customer = Customer.objects.create(email=email, name=name.strip()[:120], organization=organization)
    record_event("customer.created", actor=actor, obj=customer, after={"email": email})
    return customer, True


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
        record_event("customer.updated", actor=actor, obj=customer, before=before, after=after)
    return customer


@transaction.atomic
def do_create_api_token(user: User, name: str, *, actor: User) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError({"name": "Give the token a name of 1 to 80 characters."})
    raw = "adk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw))
    record_event("token.created", actor=actor, obj=token, after={"name": name, "user": user.pk})
    return token, raw


@transaction.atomic
def do_revoke_api_token(token: ApiToken, *, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event("token.revoked", actor=actor, obj=token, after={"name": token.name})
    return token
