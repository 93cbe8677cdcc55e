"""Periodic jobs: each runs under its lease (core/leases.py) and reports its health.

    @db_periodic_task(crontab(minute="*"))
    @periodic_job("sla-scan", every="every minute")
    def sla_scan() -> None: ...

A run that finds the lease held by a live worker is skipped (that worker is doing it). A
run records its start, then its success or its error (the message) in core_jobhealth,
which the "Background jobs" page and /metrics show next to who holds the lease and for
how long.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import ParamSpec, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from anchordesk.core import leases
from anchordesk.core.leases import Lease, LeaseLost, LeaseState
from anchordesk.core.models import JobHealth

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# Every periodic job by name, with its schedule in words, for the health page.
JOBS: dict[str, str] = {}

_current: ContextVar[Lease | None] = ContextVar("current_lease", default=None)


def renew_lease() -> None:
    """Between batches of a long job: extend our lease, or stop (LeaseLost) if it was lost."""
    lease = _current.get()
    if lease is not None:
        lease.renew()


def _health_update(name: str, **fields: object) -> None:
    try:
        if not JobHealth.objects.filter(name=name).update(**fields):
            try:
                with transaction.atomic():
                    JobHealth.objects.create(name=name)
            except IntegrityError:
                pass
            JobHealth.objects.filter(name=name).update(**fields)
    except Exception:  # health is for people; it must never stop the job itself
        log.exception("could not record job health", extra={"job": name})


def run_job(name: str, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | None:
    """Run fn under the lease `name`; None without running when another worker holds it."""
    lease = leases.acquire(name)
    if lease is None:
        log.info("job skipped: another worker holds its lease", extra={"job": name})
        return None
    token = _current.set(lease)
    began = time.monotonic()
    _health_update(name, last_started_at=timezone.now(), runs=F("runs") + 1)
    try:
        result = fn(*args, **kwargs)
    except LeaseLost:
        log.warning("job stopped: its lease was lost", extra={"job": name})
        _health_update(
            name,
            last_failed_at=timezone.now(),
            last_error="Stopped: the lease expired while the job ran (a stalled worker?)",
            last_duration=time.monotonic() - began,
            failures=F("failures") + 1,
        )
        return None
    except Exception as exc:
        _health_update(
            name,
            last_failed_at=timezone.now(),
            last_error=f"{type(exc).__name__}: {exc}"[:1000],
            last_duration=time.monotonic() - began,
            failures=F("failures") + 1,
        )
        raise
    else:
        _health_update(
            name, last_succeeded_at=timezone.now(), last_error="", last_duration=time.monotonic() - began
        )
        return result
    finally:
        _current.reset(token)
        lease.release()


def periodic_job(name: str, *, every: str) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Decorate a periodic task's function so it runs under its lease and reports its health."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R | None]:
        JOBS[name] = every

        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
            return run_job(name, fn, *args, **kwargs)

        return run

    return decorate


@dataclass
class JobStatus:
    """One row of the health page and of /metrics."""

    name: str
    every: str
    last_started_at: datetime | None = None
    last_succeeded_at: datetime | None = None
    last_failed_at: datetime | None = None
    last_error: str = ""
    last_duration: float | None = None
    runs: int = 0
    failures: int = 0
    lease: LeaseState | None = None

    @property
    def failing(self) -> bool:
        return self.last_failed_at is not None and (
            self.last_succeeded_at is None or self.last_failed_at > self.last_succeeded_at
        )

    @property
    def lease_age(self) -> float | None:
        return None if self.lease is None else self.lease.age()

    @property
    def lease_expired(self) -> bool:
        return self.lease is not None and self.lease.expired()


def job_statuses() -> list[JobStatus]:
    """Every known job (registered, or with a health row such as poll-mailbox-7) and its lease."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")  # the worker imports them at start; a web process may not have
    statuses: dict[str, JobStatus] = {name: JobStatus(name=name, every=every) for name, every in JOBS.items()}
    for row in JobHealth.objects.all():
        status = statuses.setdefault(row.name, JobStatus(name=row.name, every=_every(row.name)))
        status.last_started_at = row.last_started_at
        status.last_succeeded_at = row.last_succeeded_at
        status.last_failed_at = row.last_failed_at
        status.last_error = row.last_error
        status.last_duration = row.last_duration
        status.runs = row.runs
        status.failures = row.failures
    for state in leases.held():
        statuses.setdefault(state.name, JobStatus(name=state.name, every=_every(state.name))).lease = state
    return sorted(statuses.values(), key=lambda s: s.name)


def _every(name: str) -> str:
    if name.startswith("poll-mailbox-"):
        return JOBS.get("poll-mailboxes", "every minute")
    return ""
