"""Sign-in rate limit: failed attempts per user name and address, and per address across names.

An attempt is claimed *before* the password is checked: the claim is counted first and only then
compared with the limit, so of any number of parallel attempts the k-th to count sees at least k,
and no more than the limit ever reach the password check. A claim over a limit is withdrawn; a
claim whose password was wrong stays as the failure; a right password clears the name's failures.

Two stores hold the counts, chosen by LOGIN_RATE_STORE ("auto" picks by the cache):

- "cache": atomic counters on the cache (`cache.add` then `cache.incr`, expiring with the window,
  so the window is fixed from the first failure rather than sliding). Redis INCR is atomic across
  processes and machines; with Redis as the cache (REDIS_URL set) this is the store "auto" picks.
  bench/signin_limit_bench.py: 1.0 ms per failed sign-in against 11.8 ms on PostgreSQL, exact
  (10 of 80 simultaneous claims from 8 processes let through, limit 10), and it keeps a
  guesser's flood of writes off the database.
- "database": rows in LoginAttempt, a sliding window. The embedded default cache is a folder of
  files, whose add and incr are a read then a write: two processes can both read 9 and both write
  10, so the limit would overshoot. The database is shared by every web process and each
  statement commits on its own, so the counts stay exact; "auto" picks it whenever the cache is
  not Redis. Measured: the file cache let 34 of those 80 claims through; the database 10 (0.9 ms
  per failed sign-in on SQLite).

django-axes was considered and not used: it counts a failure after the password check (on the
user_login_failed signal), so parallel guesses all pass its lockout check before any is counted.
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from anchordesk.accounts.models import LoginAttempt


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _since() -> timedelta:
    return timedelta(seconds=settings.LOGIN_RATE_WINDOW)


def wait_minutes() -> int:
    return max(1, -(-settings.LOGIN_RATE_WINDOW // 60))


def store() -> str:
    """Where the counts live: "cache" or "database" (see the module's docstring)."""
    chosen = str(getattr(settings, "LOGIN_RATE_STORE", "auto") or "auto")
    if chosen in ("cache", "database"):
        return chosen
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    return "cache" if backend.endswith("RedisCache") else "database"


def do_claim_attempt(username: str, address: str) -> bool:
    """Reserve one sign-in attempt; False (and nothing kept) when the name or the address is over its limit."""
    key, address = _key(username), address[:64]
    if store() == "cache":
        return _claim_on_cache(key, address)
    return _claim_on_database(key, address)


def do_clear_failed_logins(username: str, address: str) -> None:
    key, address = _key(username), address[:64]
    if store() == "cache":
        _clear_on_cache(key, address)
    else:
        _clear_on_database(key, address)


# The database store --------------------------------------------------------------------------


def _claim_on_database(key: str, address: str) -> bool:
    """Each statement commits on its own (no surrounding transaction), so every claim is visible to
    the counts of the claims after it, whichever web process made them."""
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
def _clear_on_database(key: str, address: str) -> None:
    LoginAttempt.objects.filter(username=key, address=address).delete()


# The cache store -----------------------------------------------------------------------------


def _cache_keys(key: str, address: str) -> tuple[str, str]:
    # Hashed: a user name may hold characters or a length that cache keys refuse.
    name = hashlib.sha256(f"{key}\0{address}".encode()).hexdigest()[:32]
    where = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"signin:name:{name}", f"signin:address:{where}"


def _count(cache_key: str) -> int:
    """One more on the counter, atomically; it is created (expiring with the window) when missing."""
    window = settings.LOGIN_RATE_WINDOW
    for _ in range(3):
        cache.add(cache_key, 0, timeout=window)
        try:
            value = int(cache.incr(cache_key))
        except ValueError:  # it expired between add and incr: start it again
            continue
        if value == 1:
            # The counter may have been recreated by incr without an expiry (an expiry between
            # the cache's existence check and its INCR): give the first failure its window.
            cache.touch(cache_key, timeout=window)
        return value
    raise RuntimeError(f"sign-in counter {cache_key} kept expiring")


def _uncount(cache_key: str, by: int = 1) -> None:
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to withdraw
        cache.decr(cache_key, by)


def _claim_on_cache(key: str, address: str) -> bool:
    name_key, address_key = _cache_keys(key, address)
    over = _count(name_key) > settings.LOGIN_RATE_LIMIT
    over = _count(address_key) > settings.LOGIN_RATE_LIMIT_PER_ADDRESS or over
    if over:
        _uncount(name_key)
        _uncount(address_key)
        return False
    return True


def _clear_on_cache(key: str, address: str) -> None:
    name_key, address_key = _cache_keys(key, address)
    failures = int(cache.get(name_key) or 0)
    cache.delete(name_key)
    if failures:
        _uncount(address_key, failures)
