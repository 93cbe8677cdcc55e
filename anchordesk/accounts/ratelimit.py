"""Sign-in rate limit: failed attempts per username and address in a sliding window.

Rows live in the database (LoginAttempt), so the limit holds across web processes.
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


def is_limited(username: str, address: str) -> bool:
    """True once LOGIN_RATE_LIMIT failures were seen within LOGIN_RATE_WINDOW seconds."""
    recent = LoginAttempt.objects.filter(
        username=_key(username), address=address[:64], created_at__gte=timezone.now() - _since()
    )
    return recent.count() >= settings.LOGIN_RATE_LIMIT


def wait_minutes() -> int:
    return max(1, -(-settings.LOGIN_RATE_WINDOW // 60))


@transaction.atomic
def do_record_failed_login(username: str, address: str) -> None:
    LoginAttempt.objects.create(username=_key(username), address=address[:64])
    # Old rows are useless: drop them as we go so the table stays small without a cron job.
    LoginAttempt.objects.filter(created_at__lt=timezone.now() - 2 * _since()).delete()


@transaction.atomic
def do_clear_failed_logins(username: str, address: str) -> None:
    LoginAttempt.objects.filter(username=_key(username), address=address[:64]).delete()
