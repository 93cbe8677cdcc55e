"""Two-factor sign-in: an authenticator app (TOTP, RFC 6238) and single-use recovery codes.

pyotp does the TOTP arithmetic; our three small models (TOTPDevice, RecoveryCode, SecurityPolicy)
hold the state. We chose pyotp over django-otp because we need one authenticator per person, a
replay guard and hashed recovery codes, not django-otp's device registry, apps and middleware.

A code is accepted for the current 30-second step or one step either side (clock drift), and
never for a step at or before the last one accepted, so an overheard code cannot be replayed.
Recovery codes have 50 bits of randomness each, so a sha256 of them is as safe to store as a
password hash, and lets us find one without trying each.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anchordesk.accounts.choices import AccountEvent
from anchordesk.accounts.models import RecoveryCode, SecurityPolicy, TOTPDevice, User
from anchordesk.core.audit import record_event

RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes are read off paper
CODE_MAX_LENGTH = 40


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=settings.TWO_FACTOR_ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code (drawn here: no network, no image file)."""
    return str(
        segno.make(uri, error="m").svg_inline(
            scale=5, dark="#111", light="#fff", title="QR code for your authenticator app"
        )
    )


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace())


def _matching_step(secret: str, code: str, after_step: int) -> int | None:
    code = _digits(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // totp.interval
    for step in (now_step - 1, now_step, now_step + 1):
        if step > after_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _normalize_recovery(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(_normalize_recovery(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash_recovery(c)) for c in codes])
    return codes


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


# The policy is read on every signed-in request (the enforcement middleware), so it is kept in the
# cache (Redis or a file per machine, as configured) rather than queried each time; a change deletes it.
POLICY_CACHE_KEY = "accounts:two-factor-policy:v1"
POLICY_CACHE_SECONDS = 60


def _cached_policy() -> SecurityPolicy:
    values = cache.get(POLICY_CACHE_KEY)
    if not isinstance(values, tuple) or len(values) != 3:
        policy = SecurityPolicy.current()
        values = (policy.require_2fa_agent, policy.require_2fa_lead, policy.require_2fa_admin)
        cache.set(POLICY_CACHE_KEY, values, POLICY_CACHE_SECONDS)
    return SecurityPolicy(
        pk=1, require_2fa_agent=values[0], require_2fa_lead=values[1], require_2fa_admin=values[2]
    )


def role_requires_two_factor(user: User) -> bool:
    return _cached_policy().requires_two_factor(user)


def must_enrol(user: User) -> bool:
    """True when the user's role must use two-factor sign-in and they have no authenticator yet."""
    return role_requires_two_factor(user) and not has_two_factor(user)


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def do_enable_totp(user: User, *, secret: str, code: str) -> list[str]:
    """Confirm an authenticator with a first code from it; returns the recovery codes (show them once)."""
    if TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).exists():
        raise ValidationError({"code": "Two-factor sign-in is on already."})
    step = _matching_step(secret, code, 0)
    if step is None:
        raise ValidationError(
            {"code": "That code does not match. Enter the 6 digits your app shows now for Anchordesk."}
        )
    TOTPDevice.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": timezone.now(), "last_step": step}
    )
    codes = _new_recovery_codes(user)
    record_event(AccountEvent.TWO_FACTOR_ENABLED, actor=user, obj=user, after={"method": "totp"})
    return codes


@transaction.atomic
def do_verify_second_factor(user: User, code: str) -> str | None:
    """Check a code from the authenticator, or a recovery code (spent by this use).

    Returns "totp" or "recovery" when it matches, None when it does not.
    """
    if len(code or "") > CODE_MAX_LENGTH:
        return None
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return None
    step = _matching_step(device.secret, code, device.last_step)
    if step is not None:
        device.last_step = step
        device.save(update_fields=["last_step"])
        return "totp"
    if len(_normalize_recovery(code)) != 10:
        return None
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=_hash_recovery(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    if spent:
        record_event(
            AccountEvent.TWO_FACTOR_RECOVERY_CODE_USED,
            actor=user,
            obj=user,
            after={"left": recovery_codes_left(user)},
        )
        return "recovery"
    return None


@transaction.atomic
def do_regenerate_recovery_codes(user: User, *, actor: User) -> list[str]:
    if not has_two_factor(user):
        raise ValidationError({"code": "Turn on two-factor sign-in first."})
    codes = _new_recovery_codes(user)
    record_event(AccountEvent.TWO_FACTOR_RECOVERY_CODES_RENEWED, actor=actor, obj=user)
    return codes


@transaction.atomic
def do_reset_two_factor(user: User, *, actor: User) -> User:
    """An admin removes someone's authenticator and recovery codes (a lost phone).

    If their role requires two-factor, their next sign-in takes them to enrolment again.
    """
    if not actor.is_admin_role:
        raise ValidationError({"actor": "Only admins can reset someone's two-factor sign-in."})
    had = TOTPDevice.objects.filter(user=user).exists()
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if had:
        record_event(
            AccountEvent.TWO_FACTOR_RESET,
            actor=actor,
            obj=user,
            before={"two_factor": True},
            after={"two_factor": False},
        )
    return user


@transaction.atomic
def do_update_security_policy(*, actor: User, agent: bool, lead: bool, admin: bool) -> SecurityPolicy:
    if not actor.is_admin_role:
        raise ValidationError({"actor": "Only admins can change the security settings."})
    policy = SecurityPolicy.objects.select_for_update().filter(pk=1).first() or SecurityPolicy(pk=1)
    before = {
        "agent": policy.require_2fa_agent,
        "lead": policy.require_2fa_lead,
        "admin": policy.require_2fa_admin,
    }
    after = {"agent": agent, "lead": lead, "admin": admin}
    policy.require_2fa_agent, policy.require_2fa_lead, policy.require_2fa_admin = agent, lead, admin
    policy.save()
    cache.delete(POLICY_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(POLICY_CACHE_KEY))  # a read during the transaction
    if before != after:
        record_event(AccountEvent.TWO_FACTOR_REQUIRED, actor=actor, obj=policy, before=before, after=after)
    return policy
