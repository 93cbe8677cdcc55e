"""Invitations: an admin invites someone by email; they set their own password and join.

Nobody ever sets or sees another person's password. The emailed link carries a random token of
which only a sha256 is stored; it works once and expires after INVITATION_TTL_HOURS. Every change
is one atomic, audited do_* function; the email goes through the outbox in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from anchordesk.accounts.actions import _clean_email
from anchordesk.accounts.choices import AccountEvent, Role
from anchordesk.accounts.models import Invitation, Team, User, hash_token
from anchordesk.core.audit import record_event
from anchordesk.core.registry import queue_email

MAX_TOKEN_LENGTH = 200


def _require_admin(actor: User) -> None:
    if not actor.is_admin_role:
        raise ValidationError({"actor": "Only admins can invite people or change their role."})


def _clean_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError({"role": f"Must be one of {', '.join(Role.values)}."})
    return role


def _teams(team_ids: Iterable[int], field: str = "team_ids") -> list[Team]:
    ids = set(team_ids)
    teams = list(Team.objects.filter(pk__in=ids))
    missing = ids - {t.pk for t in teams}
    if missing:
        raise ValidationError({field: f"No team with id {', '.join(map(str, sorted(missing)))}."})
    return teams


def invitation_url(raw_token: str) -> str:
    return settings.SITE_URL + reverse("invitation-accept", args=[raw_token])


def _issue(invitation: Invitation) -> str:
    """A new token and expiry for the invitation, and its email queued; returns the token."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = hash_token(raw)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(hours=settings.INVITATION_TTL_HOURS)
    return raw


def _queue_invitation_email(invitation: Invitation, raw: str) -> None:
    context = {
        "invitation": invitation,
        "inviter": invitation.invited_by.display_name if invitation.invited_by else "An administrator",
        "url": invitation_url(raw),
        "hours": settings.INVITATION_TTL_HOURS,
        "role": invitation.get_role_display(),
    }
    # The body holds the only copy of the token: it is blanked once sent, and not sent after expiry.
    queue_email(
        kind="accounts.invitation",  # mail's OutboundKind.INVITATION
        to=[invitation.email],
        subject=render_to_string("accounts/emails/invitation_subject.txt", context).strip(),
        body=render_to_string("accounts/emails/invitation.txt", context),
        expires_at=invitation.expires_at,
        sensitive=True,
    )


@transaction.atomic
def do_invite_agent(
    *, email: str, role: str = Role.AGENT, team_ids: Iterable[int] = (), name: str = "", actor: User
) -> tuple[Invitation, str]:
    """Invite someone; returns the invitation and its token (for the email only: never show it)."""
    _require_admin(actor)
    email = _clean_email(email)
    if len(email) > 150:  # the address is also the user name, which Django caps at 150
        raise ValidationError({"email": "At most 150 characters."})
    role = _clean_role(role)
    name = " ".join((name or "").split())
    if len(name) > 150:
        raise ValidationError({"name": "At most 150 characters."})
    teams = _teams(team_ids)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone with this email address has an account already."})
    pending = Invitation.objects.select_for_update().filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    if pending.exists():
        raise ValidationError({"email": "This address has a pending invitation: resend or revoke it."})
    invitation = Invitation(email=email, name=name, role=role, invited_by=actor)
    raw = _issue(invitation)
    invitation.save()
    invitation.teams.set(teams)
    record_event(
        AccountEvent.INVITATION_CREATED,
        actor=actor,
        obj=invitation,
        after={"email": email, "role": role, "teams": sorted(t.pk for t in teams)},
    )
    _queue_invitation_email(invitation, raw)
    return invitation, raw


@transaction.atomic
def do_resend_invitation(invitation: Invitation, *, actor: User) -> tuple[Invitation, str]:
    """A new link (the old one stops working) with a fresh expiry, emailed again."""
    _require_admin(actor)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError({"invitation": "This invitation was accepted already."})
    if invitation.revoked_at is not None:
        raise ValidationError({"invitation": "This invitation was revoked; invite the person again."})
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError({"email": "Someone with this email address has an account already."})
    raw = _issue(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    record_event(
        AccountEvent.INVITATION_RESENT,
        actor=actor,
        obj=invitation,
        after={"expires_at": invitation.expires_at.isoformat()},
    )
    _queue_invitation_email(invitation, raw)
    return invitation, raw


@transaction.atomic
def do_revoke_invitation(invitation: Invitation, *, actor: User) -> Invitation:
    _require_admin(actor)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(
            {"invitation": "This invitation was accepted already; deactivate the person instead."}
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_event(
            AccountEvent.INVITATION_REVOKED, actor=actor, obj=invitation, after={"email": invitation.email}
        )
    return invitation


@dataclass(frozen=True)
class InvitationState:
    """What the link page should say. Reading it changes nothing (mail scanners open links)."""

    invitation: Invitation | None
    problem: str  # "" when the link can be used

    @property
    def usable(self) -> bool:
        return self.invitation is not None and not self.problem


def get_invitation_state(raw_token: str) -> InvitationState:
    invitation = None
    if raw_token and len(raw_token) <= MAX_TOKEN_LENGTH:
        invitation = Invitation.objects.filter(token_hash=hash_token(raw_token)).first()
    if invitation is None:
        return InvitationState(
            None,
            "This invitation link is not valid. It may have been replaced by a newer one: "
            "use the link in the latest invitation email, or ask an admin to invite you again.",
        )
    state = invitation.state
    if state == "accepted":
        return InvitationState(
            invitation, "This invitation has been used already. Sign in with your email and password."
        )
    if state == "revoked":
        return InvitationState(invitation, "This invitation was withdrawn. Ask an admin if you need access.")
    if state == "expired":
        when = timezone.localtime(invitation.expires_at).strftime("%-d %b %Y, %H:%M")
        return InvitationState(
            invitation, f"This invitation expired on {when}. Ask an admin to send you a new one."
        )
    return InvitationState(invitation, "")


@transaction.atomic
def do_accept_invitation(raw_token: str, *, password: str, name: str = "") -> User:
    """Create the invited person's account with the password they chose; the link is then spent.

    Raises ValidationError on "token" when the link cannot be used (unknown, used, revoked,
    expired), on "password" when Django's password validators refuse it.
    """
    state = get_invitation_state(raw_token)
    if state.invitation is None or state.problem:
        raise ValidationError({"token": state.problem})
    invitation = Invitation.objects.select_for_update().get(pk=state.invitation.pk)
    if invitation.state != "pending":  # accepted or revoked while we were looking
        raise ValidationError({"token": get_invitation_state(raw_token).problem})
    name = " ".join((name or invitation.name).split())
    if not name or len(name) > 150:
        raise ValidationError({"name": "Enter your name (1 to 150 characters)."})
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            {"token": "An account with this email address exists already. Sign in instead."}
        )
    first, _, last = name.partition(" ")
    user = User(
        username=invitation.email.lower(),
        email=invitation.email,
        role=invitation.role,
        first_name=first[:150],
        last_name=last[:150],
        is_staff=invitation.role == Role.ADMIN,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    user.teams.set(invitation.teams.all())
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    record_event(
        AccountEvent.AGENT_CREATED,
        actor=None,
        obj=user,
        after={"email": user.email, "role": user.role, "invitation": invitation.pk},
    )
    record_event(AccountEvent.INVITATION_ACCEPTED, actor=user, obj=invitation, after={"user": user.pk})
    return user


@transaction.atomic
def do_update_agent(
    user: User, *, actor: User, role: str | None = None, team_ids: Iterable[int] | None = None
) -> User:
    """Change someone's role and teams (admins only). Nobody changes their own role."""
    _require_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    if role is not None and role != user.role:
        role = _clean_role(role)
        if user.pk == actor.pk:
            raise ValidationError({"role": "You cannot change your own role; ask another admin."})
        before["role"], after["role"] = user.role, role
        user.role = role
        user.is_staff = role == Role.ADMIN
        user.save(update_fields=["role", "is_staff"])
    if team_ids is not None:
        wanted = {t.pk for t in _teams(team_ids)}
        current = set(user.teams.values_list("pk", flat=True))
        if wanted != current:
            user.teams.set(wanted)
            before["teams"], after["teams"] = sorted(current), sorted(wanted)
    if after:
        record_event(AccountEvent.AGENT_UPDATED, actor=actor, obj=user, before=before, after=after)
    return user
