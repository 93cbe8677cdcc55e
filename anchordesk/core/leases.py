"""Leases: the lock each periodic job holds while it runs, with an owner and an expiry.

A lease is taken for JOB_LEASE_TTL seconds, renewed while the job runs (by a heartbeat
thread every third of the TTL, and by the job itself between batches) and released when
the job ends, whether it succeeded or failed. A worker killed mid-job (SIGKILL, power
loss) stops renewing, so its lease lapses after at most one TTL and any worker may take
it: the job resumes on the next tick instead of staying locked forever, which is what
Huey's `lock_task` did (its key had no owner and no expiry).

Two stores, one meaning:

- Redis (when REDIS_URL is set, so workers on many machines share it): `SET key value NX PX ttl`
  to take it; renew and release are Lua scripts that compare the value (our random token)
  first, so a worker can only extend or drop its own lease.
- The database otherwise (table core_joblease): a row claimed by one conditional
  `UPDATE ... WHERE name = %s AND (expires_at IS NULL OR expires_at <= now())`, renewed and
  released by `UPDATE ... WHERE token = %s`. Times come from the database's clock, so
  workers on several machines sharing PostgreSQL agree on what has expired.

Correctness of each job still rests on its own per-item claims (a breach, a reminder, an
outbound send each claim their row); the lease keeps two workers from doing the same scan
at once, and its expiry keeps a dead worker from stopping the scan for good.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import DateTimeField, ExpressionWrapper, Q, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Now
from django.utils import timezone

from anchordesk.core.models import JobLease

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Our lease expired and another worker may have taken it: stop before doing more."""


def holder_name() -> str:
    """Who holds a lease, for people: the machine and the process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claim:
    name: str
    token: str
    holder: str
    acquired: float  # epoch seconds


@dataclass(frozen=True)
class LeaseState:
    """A lease as the store has it now: who holds it, since when, until when."""

    name: str
    holder: str
    token: str
    acquired_at: datetime | None
    expires_at: datetime | None

    def age(self, now: datetime | None = None) -> float:
        if self.acquired_at is None:
            return 0.0
        return max(0.0, ((now or timezone.now()) - self.acquired_at).total_seconds())

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class LeaseStore(Protocol):
    def acquire(self, claim: Claim, ttl: float) -> bool: ...
    def renew(self, claim: Claim, ttl: float) -> bool: ...
    def release(self, claim: Claim) -> bool: ...
    def states(self) -> list[LeaseState]: ...
    def drop(self, state: LeaseState) -> bool: ...


def _db_expiry(ttl: float) -> ExpressionWrapper[CombinedExpression]:
    return ExpressionWrapper(Now() + Value(timedelta(seconds=ttl)), output_field=DateTimeField())


class DatabaseLeases:
    """Leases as rows of core_joblease, claimed by conditional UPDATEs on the database's clock."""

    def acquire(self, claim: Claim, ttl: float) -> bool:
        for _ in range(2):
            claimed = (
                JobLease.objects.filter(name=claim.name)
                .filter(Q(expires_at__isnull=True) | Q(expires_at__lte=Now()))
                .update(holder=claim.holder, token=claim.token, acquired_at=Now(), expires_at=_db_expiry(ttl))
            )
            if claimed:
                return True
            if JobLease.objects.filter(name=claim.name).exists():
                return False
            try:  # the first run of this job anywhere: make its row, then claim it like any other
                with transaction.atomic():
                    JobLease.objects.create(name=claim.name)
            except IntegrityError:
                pass  # another worker made it at the same moment
        return False

    def renew(self, claim: Claim, ttl: float) -> bool:
        return bool(
            JobLease.objects.filter(name=claim.name, token=claim.token).update(expires_at=_db_expiry(ttl))
        )

    def release(self, claim: Claim) -> bool:
        return bool(
            JobLease.objects.filter(name=claim.name, token=claim.token).update(
                holder="", token="", acquired_at=None, expires_at=None
            )
        )

    def states(self) -> list[LeaseState]:
        return [
            LeaseState(row.name, row.holder, row.token, row.acquired_at, row.expires_at)
            for row in JobLease.objects.exclude(token="").order_by("name")
        ]

    def drop(self, state: LeaseState) -> bool:
        return bool(
            JobLease.objects.filter(name=state.name, token=state.token).update(
                holder="", token="", acquired_at=None, expires_at=None
            )
        )


_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisLeases:
    """Leases as Redis keys: SET NX PX to take, compare-by-token scripts to renew and release."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)
        self.prefix = prefix
        self._renew = self.client.register_script(_RENEW)
        self._release = self.client.register_script(_RELEASE)

    def _key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    @staticmethod
    def _value(claim: Claim) -> str:
        return f"{claim.token}|{claim.holder}|{claim.acquired:.3f}"

    def acquire(self, claim: Claim, ttl: float) -> bool:
        return bool(self.client.set(self._key(claim.name), self._value(claim), nx=True, px=int(ttl * 1000)))

    def renew(self, claim: Claim, ttl: float) -> bool:
        return bool(self._renew(keys=[self._key(claim.name)], args=[self._value(claim), int(ttl * 1000)]))

    def release(self, claim: Claim) -> bool:
        return bool(self._release(keys=[self._key(claim.name)], args=[self._value(claim)]))

    def states(self) -> list[LeaseState]:
        found = []
        now = time.time()
        for key in sorted(self.client.scan_iter(match=f"{self.prefix}*", count=500)):
            raw, ttl_ms = self.client.get(key), self.client.pttl(key)
            if raw is None:
                continue  # released between the scan and the read
            value = raw.decode() if isinstance(raw, bytes) else str(raw)
            _, holder, acquired = (value.split("|", 2) + ["", ""])[:3]
            try:
                acquired_at = datetime.fromtimestamp(float(acquired), tz=UTC)
            except ValueError:
                acquired_at = None
            expires_at = (
                datetime.fromtimestamp(now + ttl_ms / 1000, tz=UTC) if ttl_ms and ttl_ms > 0 else None
            )
            name = (
                key.decode()[len(self.prefix) :] if isinstance(key, bytes) else str(key)[len(self.prefix) :]
            )
            found.append(LeaseState(name, holder, value, acquired_at, expires_at))
        return found

    def drop(self, state: LeaseState) -> bool:
        return bool(self._release(keys=[self._key(state.name)], args=[state.token]))


@cache
def _redis_store(url: str, prefix: str) -> RedisLeases:
    return RedisLeases(url, prefix)


def store() -> LeaseStore:
    if settings.JOB_LEASE_BACKEND == "redis":
        huey_name = str(settings.HUEY.get("name", "anchordesk"))
        return _redis_store(settings.REDIS_URL, f"{huey_name}.lease.")
    return DatabaseLeases()


def ttl_seconds() -> float:
    return float(settings.JOB_LEASE_TTL)


class Lease:
    """A lease we hold. Renewed by a heartbeat thread while the job runs; `renew()` between batches
    both extends it and stops the job (LeaseLost) when it was lost."""

    def __init__(self, claim: Claim, lease_store: LeaseStore, ttl: float) -> None:
        self.claim = claim
        self.store = lease_store
        self.ttl = ttl
        self.lost = False
        self._renewed = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def name(self) -> str:
        return self.claim.name

    def renew(self) -> None:
        """Extend the lease (at most every third of the TTL: between items this is cheap), or raise
        LeaseLost when it was lost."""
        if not self.lost and time.monotonic() - self._renewed < self.ttl / 3:
            return
        if self.lost or not self.store.renew(self.claim, self.ttl):
            self.lost = True
            raise LeaseLost(f"lease {self.name!r} expired and may be held by another worker")
        self._renewed = time.monotonic()

    def start_heartbeat(self) -> None:
        self._thread = threading.Thread(target=self._beat, name=f"lease-{self.name}", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        began = time.monotonic()
        try:
            while not self._stop.wait(self.ttl / 3):
                if time.monotonic() - began > settings.JOB_LEASE_MAX_HOLD:
                    log.warning(
                        "job ran past JOB_LEASE_MAX_HOLD; its lease will lapse", extra={"job": self.name}
                    )
                    return
                try:
                    renewed = self.store.renew(self.claim, self.ttl)
                except Exception:  # a store hiccup: try again next beat; the TTL covers a short outage
                    log.exception("lease renewal failed", extra={"job": self.name})
                    continue
                if not renewed:
                    self.lost = True
                    log.error("lease lost while the job ran", extra={"job": self.name})
                    return
                self._renewed = time.monotonic()
        finally:
            connections.close_all()  # this thread's own database connections

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        try:
            self.store.release(self.claim)
        except Exception:  # it lapses by itself after the TTL
            log.exception("lease release failed", extra={"job": self.name})


def acquire(name: str, *, ttl: float | None = None, heartbeat: bool = True) -> Lease | None:
    """Take the lease on `name`, or None when a live lease of another worker holds it."""
    ttl = ttl_seconds() if ttl is None else ttl
    claim = Claim(name=name, token=uuid.uuid4().hex, holder=holder_name(), acquired=time.time())
    lease_store = store()
    if not lease_store.acquire(claim, ttl):
        return None
    lease = Lease(claim, lease_store, ttl)
    # Inside an open transaction (the test suite's), another thread's connection would not see our row.
    if heartbeat and not transaction.get_connection().in_atomic_block:
        lease.start_heartbeat()
    return lease


def held() -> list[LeaseState]:
    """Every lease held now (expired ones included until someone takes or drops them)."""
    return [state for state in store().states() if state.holder or state.token]


def release_all(names: list[str] | None = None) -> list[str]:
    """Drop leases whoever holds them: `worker --flush-locks`, for when no other worker runs."""
    lease_store = store()
    return [
        state.name
        for state in lease_store.states()
        if (names is None or state.name in names) and lease_store.drop(state)
    ]


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return (
            False  # an earlier life of this process id (a restarted container): not us, we hold nothing yet
        )
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reclaim_dead_local() -> list[str]:
    """At worker start: drop leases held by processes of this machine that no longer exist,
    so a worker restarted after a crash resumes at once instead of after the TTL."""
    host = socket.gethostname()
    lease_store = store()
    dropped = []
    for state in lease_store.states():
        machine, _, pid = state.holder.rpartition(":")
        if machine != host or not pid.isdigit() or _process_alive(int(pid)):
            continue
        if lease_store.drop(state):
            dropped.append(state.name)
    return dropped
