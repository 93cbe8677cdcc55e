"""Signing in with an identity provider's claims, and deprovisioning when the provider says someone
is gone. Each change atomic and audited; the actor is the system (None), the note says why."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from anchordesk.accounts.actions import do_deactivate_agent
from anchordesk.accounts.choices import AccountEvent, Role
from anchordesk.accounts.models import Team, User
from anchordesk.core.audit import record_event
from anchordesk.people import actions as people_actions
from anchordesk.sso.choices import SsoEvent
from anchordesk.sso.claims import ClaimRules, map_claims
from anchordesk.sso.models import Deprovisioning, DeprovisionSource, SsoIdentity

REFUSED_DEACTIVATED = (
    "Your Anchordesk account is deactivated, so single sign-on cannot open it. "
    "Ask an Anchordesk admin if you should still have access."
)
REFUSED_NO_ACCOUNT = (
    "There is no Anchordesk account for {email}, and accounts are not created on first sign-in here. "
    "Ask an Anchordesk admin to invite you."
)
REFUSED_NO_EMAIL = (
    "Your identity provider did not share your email address, which Anchordesk needs to sign you in."
)
REFUSED_DOMAIN = (
    "Single sign-on here is for addresses at {domains}; your identity provider signed you in as {email}."
)
REFUSED_EMAIL_TAKEN = (
    "An Anchordesk account with the address {email} already exists and is not linked to single sign-on. "
    "Ask an Anchordesk admin to link it."
)


@dataclass(frozen=True)
class SsoSignIn:
    """The outcome of a sign-in: the user to sign in, or the words that say why not."""

    user: User | None
    refusal: str = ""


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() == "true"


def _find_user(claims: Mapping[str, Any], *, issuer: str, link_by_email: bool) -> tuple[User | None, bool]:
    """The user these claims belong to, and whether they are already linked to this provider."""
    identity = (
        SsoIdentity.objects.select_related("user").filter(issuer=issuer, subject=str(claims["sub"])).first()
    )
    if identity is not None:
        return identity.user, True
    email = str(claims.get("email") or "").strip()
    # An unverified address could be anyone's: only a verified one links an existing account.
    if email and link_by_email and _truthy(claims.get("email_verified", True)):
        user = User.objects.filter(email__iexact=email, sso_identity__isnull=True).first()
        if user is not None:
            return user, False
    return None, False


def _name_parts(claims: Mapping[str, Any]) -> tuple[str, str]:
    first = str(claims.get("given_name") or "").strip()
    last = str(claims.get("family_name") or "").strip()
    if not first and not last:
        first, _, last = str(claims.get("name") or "").strip().partition(" ")
    return first[:150], last[:150]


def _create_agent(claims: Mapping[str, Any], email: str, role: str) -> User:
    first, last = _name_parts(claims)
    user = User(username=email.lower()[:150], email=email, role=role, first_name=first, last_name=last)
    user.set_unusable_password()  # signs in through the provider only
    user.is_staff = role == Role.ADMIN
    user.save()
    record_event(
        AccountEvent.AGENT_CREATED,
        actor=None,
        obj=user,
        after={"email": email, "role": role, "via": "sso"},
        note="created on first single sign-on",
    )
    return user


def _follow_claims(user: User, *, role: str | None, teams: frozenset[str], rules: ClaimRules) -> None:
    """Role and the claim-managed teams become what the claims say; each change audited."""
    if role is not None and user.role != role:
        before = user.role
        user.role = role
        user.is_staff = role == Role.ADMIN
        user.save(update_fields=["role", "is_staff"])
        record_event(
            SsoEvent.ROLE_CHANGED,
            actor=None,
            obj=user,
            before={"role": before},
            after={"role": role},
            note="role follows the identity provider's groups",
        )
    managed = rules.managed_teams
    if not managed:
        return
    current = {t.name: t for t in user.teams.all()}
    wanted = {name for name in current if name not in managed} | set(teams)
    if wanted == set(current):
        return
    user.teams.set([current.get(name) or Team.objects.get_or_create(name=name)[0] for name in sorted(wanted)])
    record_event(
        SsoEvent.TEAMS_CHANGED,
        actor=None,
        obj=user,
        before={"teams": sorted(current)},
        after={"teams": sorted(wanted)},
        note="teams follow the identity provider's groups",
    )


@transaction.atomic
def do_sign_in_with_claims(
    claims: Mapping[str, Any],
    *,
    issuer: str,
    rules: ClaimRules,
    create_users: bool,
    link_by_email: bool = True,
    email_domains: Collection[str] = (),
) -> SsoSignIn:
    """Who these verified claims sign in, after role and teams follow them; or a refusal.

    Claims that no longer grant an agent group deprovision a linked, active agent (the offboarding
    runs) before the refusal, so losing the group upstream has the same effect as SCIM.
    """
    if not claims.get("sub"):
        return SsoSignIn(None, "Your identity provider did not say who you are (no subject). Try again.")
    email = str(claims.get("email") or "").strip()
    domains = {d.lower().lstrip("@") for d in email_domains}
    if domains and email.rpartition("@")[2].lower() not in domains:
        # A public provider (Google) signs in anyone: only the organization's addresses get in.
        return SsoSignIn(None, REFUSED_DOMAIN.format(domains=", ".join(sorted(domains)), email=email or "?"))
    grant = map_claims(claims, rules)
    user, linked = _find_user(claims, issuer=issuer, link_by_email=link_by_email)
    if not grant.allowed:
        if user is not None and linked and user.is_active:
            do_deprovision_agent(user, source=DeprovisionSource.SIGN_IN)
        return SsoSignIn(None, grant.refusal)
    if user is None:
        if not email:
            return SsoSignIn(None, REFUSED_NO_EMAIL)
        if (
            User.objects.filter(email__iexact=email).exists()
            or User.objects.filter(username__iexact=email[:150]).exists()
        ):
            return SsoSignIn(None, REFUSED_EMAIL_TAKEN.format(email=email))
        if not create_users:
            return SsoSignIn(None, REFUSED_NO_ACCOUNT.format(email=email))
        user = _create_agent(claims, email, grant.role or Role.AGENT)
    if not user.is_active:
        return SsoSignIn(None, REFUSED_DEACTIVATED)
    _follow_claims(user, role=grant.role, teams=grant.teams, rules=rules)
    identity, created = SsoIdentity.objects.get_or_create(
        user=user, defaults={"issuer": issuer, "subject": str(claims["sub"])}
    )
    if created and linked is False:
        record_event(
            SsoEvent.SSO_LINKED, actor=None, obj=user, after={"issuer": issuer, "subject": identity.subject}
        )
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    return SsoSignIn(user)


@transaction.atomic
def do_deprovision_agent(user: User, *, source: str) -> User:
    """The identity provider says this person is gone: they stop at once and the offboarding runs
    (their open tickets back to the queues, their promises handed over). Leads are asked to review
    it through a Deprovisioning row (the notice on the agents list). Safe to call again."""
    was_active = User.objects.filter(pk=user.pk, is_active=True).exists()
    user = do_deactivate_agent(user, actor=None, source="sso")
    if was_active:
        Deprovisioning.objects.create(user=user, source=source)
        record_event(
            SsoEvent.DEPROVISIONED,
            actor=None,
            obj=user,
            before={"is_active": True},
            after={"is_active": False, "source": source},
            note=f"deprovisioned by the identity provider ({DeprovisionSource(source).label})",
        )
    return user


@transaction.atomic
def do_provision_agent(*, email: str, first_name: str = "", last_name: str = "", active: bool = True) -> User:
    """The identity provider creates someone ahead of their first sign-in (SCIM POST): an agent with
    no usable password, linked to the provider by email at their first SSO sign-in, where role and
    teams then follow the claims."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"userName": "userName must be an email address."}) from None
    if (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    ):
        raise ValidationError({"userName": f"{email} already exists."}, code="uniqueness")
    user = User(
        username=email.lower()[:150],
        email=email,
        role=Role.AGENT,
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
        is_active=active,
    )
    user.set_unusable_password()
    user.save()
    record_event(
        AccountEvent.AGENT_CREATED,
        actor=None,
        obj=user,
        after={"email": email, "role": Role.AGENT, "via": "scim", "is_active": active},
        note="created by the identity provider (SCIM)",
    )
    return user


def do_reactivate_agent(user: User, *, source: str) -> User:
    """The identity provider gives someone access again (SCIM active=true): the one reactivation."""
    return people_actions.do_reactivate_agent(user, actor=None, source=source)


@transaction.atomic
def do_review_deprovisioning(deprovisioning: Deprovisioning, *, actor: User) -> Deprovisioning:
    """A lead has checked what the offboarding handed over and closes the notice."""
    from django.core.exceptions import ValidationError

    if not actor.is_lead:
        raise ValidationError({"actor": "Only leads and admins review offboarding."})
    if deprovisioning.reviewed_at is None:
        deprovisioning.reviewed_at = timezone.now()
        deprovisioning.reviewed_by = actor
        deprovisioning.save(update_fields=["reviewed_at", "reviewed_by"])
        record_event(
            SsoEvent.OFFBOARDING_REVIEWED,
            actor=actor,
            obj=deprovisioning.user,
            after={"deprovisioning": deprovisioning.pk},
        )
    return deprovisioning
