"""Sign-in rate limit: failed attempts per user name and address, and per address across names,
in a sliding window.

Rows live in the database (LoginAttempt), so the limit holds across web processes and machines.
An attempt is claimed *before* the password is checked: the claim is written first and only then
are the rows counted, so of any number of parallel attempts the k-th to count sees at least k rows,
and no more than the limit ever reach the password check. A claim over a limit is withdrawn; a
claim whose password was wrong stays as the failure; a right password clears the name's failures.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anchordesk.accounts.models import LoginAttempt


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _since() -> timedelta:
    return timedelta(seconds=settings.LOGIN_RATE_WINDOW)


def wait_minutes() -> int:
    return max(1, -(-settings.LOGIN_RATE_WINDOW // 60))


def do_claim_attempt(username: str, address: str) -> bool:
    """Reserve one sign-in attempt; False (and nothing kept) when the name or the address is over its limit.

    Each statement commits on its own (no surrounding transaction), so every claim is visible to the
    counts of the claims after it, whichever web process made them.
    """
    key, address = _key(username), address[:64]
    now = timezone.now()
    claim = LoginAttempt.objects.create(username=key, address=address)
    recent = LoginAttempt.objects.filter(address=address, created_at__gte=now - _since())
    over = (
        recent.filter(username=key).count() > settings.LOGIN_RATE_LIMIT
        or recent.count() > settings.LOGIN_RATE_LIMIT_PER_ADDRESS
    )
    if over:
        LoginAttempt.objects.filter(pk=claim.pk).delete()
        return False
    # Old rows are useless: drop them as we go so the table stays small without a cron job.
    LoginAttempt.objects.filter(created_at__lt=now - 2 * _since()).delete()
    return True


@transaction.atomic
def do_clear_failed_logins(username: str, address: str) -> None:
    LoginAttempt.objects.filter(username=_key(username), address=address[:64]).delete()
