"""Portal sign-in by one-time emailed link: asking for a link and using it.

Only a hash of each token is stored, so a copy of the database signs nobody in. A link
is consumed by a conditional UPDATE (used_at IS NULL), so two clicks racing each other
sign in once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from anchordesk.accounts.models import Customer, hash_token
from anchordesk.core.audit import record_event
from anchordesk.mail.models import OutboundKind
from anchordesk.mail.outbox import do_queue_email
from anchordesk.portal.choices import PortalEvent
from anchordesk.portal.models import SignInLink

LinkState = Literal["valid", "used", "expired", "unknown"]


class TooManyLinkRequests(Exception):
    """Too many links asked for one address or from one network address in the window."""

    def __init__(self, window_seconds: int) -> None:
        super().__init__("Too many sign-in links requested")
        self.window_seconds = window_seconds

    @property
    def wait_minutes(self) -> int:
        return max(1, round(self.window_seconds / 60))


def _rate_limit() -> int:
    """Links per email address per window."""
    return int(getattr(settings, "PORTAL_LINK_RATE_LIMIT", 5))


def _rate_limit_per_ip() -> int:
    """Link requests per network address per window: higher, since an office shares one address."""
    return int(getattr(settings, "PORTAL_LINK_RATE_LIMIT_PER_IP", 20))


def _rate_window() -> int:
    return int(getattr(settings, "PORTAL_LINK_RATE_WINDOW", 15 * 60))


def _over_limit(key: str, limit: int) -> bool:
    """Count one request against key in a fixed window; True once the count exceeds the limit."""
    window = _rate_window()
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def _check_rate(email: str, ip: str | None) -> None:
    # Both counters move on every request, known address or not, so the limit reveals nothing.
    email_key = "portal-link:email:" + hashlib.sha256(email.encode()).hexdigest()
    checks = [(email_key, _rate_limit())]
    if ip:
        checks.append((f"portal-link:ip:{ip}", _rate_limit_per_ip()))
    limited = [_over_limit(key, limit) for key, limit in checks]
    if any(limited):
        raise TooManyLinkRequests(_rate_window())


def _normalize_email(raw: str) -> str:
    email = (raw or "").strip()
    if not email:
        raise ValidationError({"email": "Enter your email address."})
    if len(email) > 254:
        raise ValidationError({"email": "That is too long for an email address."})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "That does not look like an email address."}) from None
    return email.lower()


@dataclass(frozen=True)
class IssuedLink:
    link: SignInLink
    url: str


def do_request_sign_in_link(email: str, *, ip: str | None) -> IssuedLink | None:
    """Email a one-time sign-in link if a customer has this address.

    Returns None for an unknown address; the caller must answer exactly as for a known one.
    Raises ValidationError for a malformed address and TooManyLinkRequests over the limit.
    """
    email = _normalize_email(email)
    _check_rate(email, ip)
    customer = Customer.objects.with_email(email).first()
    if customer is None:
        return None
    token = secrets.token_urlsafe(32)
    url = settings.SITE_URL + reverse("portal:sign-in", args=[token])
    with transaction.atomic():
        link = SignInLink.objects.create(customer=customer, token_hash=hash_token(token), requested_ip=ip)
        record_event(PortalEvent.LINK_REQUESTED, actor_customer=customer, obj=link, after={"ip": ip})
        _queue_sign_in_email(link, url)
    return IssuedLink(link=link, url=url)


def _queue_sign_in_email(link: SignInLink, url: str) -> None:
    """Written to the outbox with the link; the worker sends it, so answering "check your inbox"
    takes as long for an unknown address as for a known one (no mail server in the request).

    The body holds the only copy of the token: it is blanked once the email is sent, and an
    email the worker could not send before the link expired is dropped, not sent late.
    """
    context = {
        "customer": link.customer,
        "url": url,
        "minutes": max(1, settings.PORTAL_LINK_MAX_AGE // 60),
    }
    do_queue_email(
        kind=OutboundKind.PORTAL_LINK,
        to=[link.customer.email],
        subject=render_to_string("portal/emails/sign_in_subject.txt", context).strip(),
        body=render_to_string("portal/emails/sign_in_link.txt", context),
        expires_at=link.created_at + timedelta(seconds=settings.PORTAL_LINK_MAX_AGE),
        sensitive=True,
    )


def _link_for(token: str) -> SignInLink | None:
    if not token or len(token) > 200:
        return None
    return SignInLink.objects.select_related("customer").filter(token_hash=hash_token(token)).first()


def _cutoff() -> datetime:
    return timezone.now() - timedelta(seconds=settings.PORTAL_LINK_MAX_AGE)


def get_sign_in_link_state(token: str) -> LinkState:
    """What the link page should say; reading it changes nothing (mail scanners open links)."""
    link = _link_for(token)
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.created_at < _cutoff():
        return "expired"
    return "valid"


@transaction.atomic
def do_consume_sign_in_link(token: str, *, ip: str | None = None) -> Customer | None:
    """The customer the link signs in, once; None if it is unknown, used or expired."""
    if not token or len(token) > 200:
        return None
    now = timezone.now()
    claimed = SignInLink.objects.filter(
        token_hash=hash_token(token), used_at__isnull=True, created_at__gte=_cutoff()
    ).update(used_at=now, used_ip=ip)
    if claimed != 1:
        return None
    link = SignInLink.objects.select_related("customer").get(token_hash=hash_token(token))
    record_event(PortalEvent.SIGNED_IN, actor_customer=link.customer, obj=link, after={"ip": ip})
    return link.customer
