"""Job leases: an owner and an expiry, on the database and on Redis; job health where operators look."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from anchordesk.core import leases
from anchordesk.core.jobs import run_job
from anchordesk.core.leases import LeaseLost
from anchordesk.core.models import JobHealth
from tests.conftest import missing_service
from tests.services import REDIS_URL, redis_available


def wait_for(check: Callable[[], object], *, deadline: float = 60, what: str = "") -> object:
    """Poll until check() is truthy (returned), failing after a generous deadline."""
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        if value := check():
            return value
        time.sleep(0.05)
    pytest.fail(f"waited {deadline} s for {what or check}")


@pytest.fixture(params=["database", "redis"])
def lease_store(request: pytest.FixtureRequest, settings) -> Iterator[str]:
    if request.param == "redis":
        if not redis_available():
            missing_service("Redis is not reachable on 127.0.0.1:6379")
        settings.REDIS_URL = REDIS_URL
        settings.HUEY = {**settings.HUEY, "name": f"leasetest-{uuid.uuid4().hex[:8]}"}
    settings.JOB_LEASE_BACKEND = request.param
    yield request.param
    leases.release_all()


@pytest.mark.django_db
def test_a_lease_keeps_a_second_worker_out_until_its_holder_releases_it(lease_store):
    first = leases.acquire("sla-scan", ttl=30, heartbeat=False)
    assert first is not None
    assert leases.acquire("sla-scan", ttl=30, heartbeat=False) is None
    assert leases.acquire("promise-scan", ttl=30, heartbeat=False) is not None  # one lease per job
    [held] = [s for s in leases.held() if s.name == "sla-scan"]
    assert held.holder == leases.holder_name() and not held.expired()
    first.release()
    assert leases.acquire("sla-scan", ttl=30, heartbeat=False) is not None


@pytest.mark.django_db
def test_a_dead_holders_lease_lapses_and_its_late_release_cannot_free_the_new_holders(lease_store):
    dead = leases.acquire("mail-sweep", ttl=1, heartbeat=False)  # never renewed: its worker "died"
    assert dead is not None
    taken_at = time.monotonic()
    successor = wait_for(
        lambda: leases.acquire("mail-sweep", ttl=30, heartbeat=False), what="the lapsed lease to be free"
    )
    assert time.monotonic() - taken_at >= 0.5  # not before it lapsed
    with pytest.raises(LeaseLost):
        dead.renew()
    dead.release()  # compares the token: the successor keeps its lease
    assert leases.acquire("mail-sweep", ttl=30, heartbeat=False) is None
    successor.release()  # type: ignore[attr-defined]
    assert leases.acquire("mail-sweep", ttl=30, heartbeat=False) is not None


@pytest.mark.django_db(transaction=True)
def test_a_running_jobs_lease_is_renewed_past_its_ttl_by_the_heartbeat(lease_store):
    lease = leases.acquire("poll-mailbox-1", ttl=1.5)
    assert lease is not None
    [first] = [s for s in leases.held() if s.name == "poll-mailbox-1"]
    assert first.expires_at is not None
    # Wait until the original expiry has passed: the heartbeat must have pushed it further.
    wait_for(lambda: timezone.now() > first.expires_at + timedelta(seconds=0.3), what="the first expiry")
    assert leases.acquire("poll-mailbox-1", ttl=30, heartbeat=False) is None
    [later] = [s for s in leases.held() if s.name == "poll-mailbox-1"]
    assert later.token == first.token and later.expires_at > first.expires_at
    lease.release()
    assert leases.acquire("poll-mailbox-1", ttl=30, heartbeat=False) is not None


@pytest.mark.django_db
def test_a_job_records_its_error_and_a_later_success_clears_it(lease_store):
    def broken() -> None:
        raise ConnectionRefusedError("SMTP server at mail.example.test:25 refused the connection")

    with pytest.raises(ConnectionRefusedError):
        run_job("webhook-sweep", broken)
    health = JobHealth.objects.get(name="webhook-sweep")
    assert health.failing and health.failures == 1 and health.runs == 1
    assert health.last_error.startswith("ConnectionRefusedError: SMTP server at mail.example.test:25")
    assert health.last_started_at is not None and health.last_succeeded_at is None
    # Released on failure: the next run is not locked out.
    assert run_job("webhook-sweep", lambda: "sent") == "sent"
    health.refresh_from_db()
    assert not health.failing and health.last_error == "" and health.runs == 2
    assert health.last_succeeded_at is not None and health.last_succeeded_at >= health.last_failed_at


@pytest.mark.django_db
def test_a_run_that_finds_the_lease_held_does_not_run_the_job(lease_store):
    other = leases.acquire("sla-scan", ttl=30, heartbeat=False)
    assert other is not None
    ran = []
    assert run_job("sla-scan", lambda: ran.append(1)) is None
    assert ran == [] and not JobHealth.objects.filter(name="sla-scan", runs__gt=0).exists()
    other.release()
    run_job("sla-scan", lambda: ran.append(1))
    assert ran == [1]


def _samples(text: str) -> dict[str, float]:
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


@pytest.mark.django_db
def test_metrics_show_each_jobs_last_success_failure_and_lease_age(lease_store):
    before = time.time()
    run_job("sla-scan", lambda: None)
    with pytest.raises(TimeoutError):
        run_job("mail-sweep", lambda: (_ for _ in ()).throw(TimeoutError("smtp timed out")))
    held = leases.acquire("promise-scan", ttl=30, heartbeat=False)
    assert held is not None
    samples = _samples(Client().get("/metrics").content.decode())
    assert samples['anchordesk_job_last_success_timestamp{job="sla-scan"}'] >= before - 1
    assert samples['anchordesk_job_failing{job="sla-scan"}'] == 0
    assert samples['anchordesk_job_failing{job="mail-sweep"}'] == 1
    assert samples['anchordesk_job_last_failure_timestamp{job="mail-sweep"}'] >= before - 1
    # Labels in name order, as prometheus_client writes them (their order means nothing to Prometheus).
    age = samples[f'anchordesk_job_lease_age_seconds{{holder="{leases.holder_name()}",job="promise-scan"}}']
    assert 0 <= age < 30
    assert samples['anchordesk_job_lease_expired{job="promise-scan"}'] == 0
    # Jobs registered by the worker's task modules are listed even before their first run.
    assert 'anchordesk_job_failing{job="time-rules"}' in samples
    assert not any(name.startswith("anchordesk_metrics_errors") for name in samples)


@pytest.mark.django_db
def test_the_background_jobs_page_shows_the_error_and_the_lease_to_admins_only(people, lease_store):
    with pytest.raises(RuntimeError):
        run_job("escalation-overdue-scan", lambda: (_ for _ in ()).throw(RuntimeError("database is locked")))
    held = leases.acquire("sla-scan", ttl=30, heartbeat=False)
    assert held is not None
    client = Client()
    client.force_login(people.admin)
    page = client.get("/settings/jobs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "RuntimeError: database is locked" in html
    assert "Failing now:" in html and f"held by <code>{leases.holder_name()}</code>" in html
    assert 'href="/settings/jobs/"' in client.get("/settings/").content.decode()  # on the settings hub
    for who in (people.agent, people.lead):
        client.force_login(who)
        assert client.get("/settings/jobs/").status_code == 403
    assert Client().get("/settings/jobs/").status_code == 302  # to the sign-in page


@pytest.mark.django_db
def test_a_worker_start_drops_the_leases_of_dead_processes_on_its_machine_only(lease_store):
    finished = subprocess.Popen(["true"])
    finished.wait()
    host = socket.gethostname()
    store = leases.store()
    now = time.time()
    for name, holder in [
        ("sla-scan", f"{host}:{finished.pid}"),  # this machine, process gone: a crashed worker
        ("mail-sweep", f"{host}:{os.getppid()}"),  # this machine, alive
        ("time-rules", f"other-machine:{finished.pid}"),  # another machine: its lease lapses by TTL
    ]:
        claim = leases.Claim(name=name, token=uuid.uuid4().hex, holder=holder, acquired=now)
        assert store.acquire(claim, 60)
    assert leases.reclaim_dead_local() == ["sla-scan"]
    assert {s.name for s in leases.held()} == {"mail-sweep", "time-rules"}
