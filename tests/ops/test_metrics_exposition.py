"""/metrics as a Prometheus server reads it: every family, type, label and value dashboards rely on.

Written against the hand-made exposition before it moved onto prometheus_client, so the move is
held to the same names, labels and figures.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from anchordesk.core import leases
from anchordesk.core.jobs import run_job
from anchordesk.integrations.models import Webhook, WebhookDelivery
from anchordesk.mail.models import OutboundEmail
from anchordesk.tickets.actions import do_set_status
from anchordesk.tickets.choices import Priority, Status
from tests import factories
from tests.conftest import Personas

# Family names as the parser reports them (a counter's family drops its "_total").
FAMILIES = {
    "anchordesk_tickets": "gauge",
    "anchordesk_active_tickets": "gauge",
    "anchordesk_webhook_deliveries": "gauge",
    "anchordesk_outbound_emails": "gauge",
    "anchordesk_queue_tasks": "gauge",
    "anchordesk_queue_scheduled_tasks": "gauge",
    "anchordesk_job_last_start_timestamp": "gauge",
    "anchordesk_job_last_success_timestamp": "gauge",
    "anchordesk_job_last_failure_timestamp": "gauge",
    "anchordesk_job_failing": "gauge",
    "anchordesk_job_lease_age_seconds": "gauge",
    "anchordesk_job_lease_expired": "gauge",
    "anchordesk_http_requests": "counter",
    "anchordesk_metrics_errors": "gauge",
}


def _scrape(client: Client) -> dict[str, Any]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    return {family.name: family for family in text_string_to_metric_families(response.content.decode())}


def _values(family: Any, label: str) -> dict[str, float]:
    return {sample.labels[label]: sample.value for sample in family.samples}


@pytest.mark.django_db
def test_the_exposition_parses_with_the_same_families_labels_and_figures(
    people: Personas, settings: Any
) -> None:
    settings.JOB_LEASE_BACKEND = "database"
    factories.make_ticket(people.customer, priority=Priority.URGENT)
    factories.make_ticket(people.customer, priority=Priority.URGENT)
    factories.make_ticket(people.customer, priority=Priority.LOW)
    solved = factories.make_ticket(people.customer)
    do_set_status(solved, Status.SOLVED, actor=people.agent)
    hook = Webhook.objects.create(url="http://127.0.0.1:9/", events=["*"], secret="s")
    WebhookDelivery.objects.create(webhook=hook, event="ping", payload={}, state="failed")
    WebhookDelivery.objects.create(webhook=hook, event="ping", payload={}, state="failed")
    for state in ("queued", "queued", "bounced"):
        OutboundEmail.objects.create(
            from_address="help@example.test",
            to=["c@example.test"],
            subject="s",
            message_id=f"<{uuid.uuid4().hex}@example.test>",
            body_text="b",
            state=state,
            next_attempt_at=timezone.now(),
        )
    before = time.time()
    run_job("sla-scan", lambda: None)
    with pytest.raises(TimeoutError):
        run_job("mail-sweep", lambda: (_ for _ in ()).throw(TimeoutError("smtp timed out")))
    held = leases.acquire("promise-scan", ttl=30, heartbeat=False)
    assert held is not None
    client = Client()
    for _ in range(3):
        client.get("/healthz")
    try:
        families = _scrape(client)
    finally:
        leases.release_all()

    assert {name: family.type for name, family in families.items()} == FAMILIES
    assert all(family.documentation for family in families.values())

    assert _values(families["anchordesk_tickets"], "status") == {
        "new": 3,
        "open": 0,
        "pending": 0,
        "on_hold": 0,
        "solved": 1,
        "closed": 0,
    }
    assert _values(families["anchordesk_active_tickets"], "priority") == {
        "low": 1,
        "normal": 0,
        "high": 0,
        "urgent": 2,
    }
    assert _values(families["anchordesk_webhook_deliveries"], "state") == {
        "pending": 0,
        "delivered": 0,
        "failed": 2,
    }
    # Outbound states appear only once an email is in them, in name order.
    outbound = families["anchordesk_outbound_emails"].samples
    stored = Counter(OutboundEmail.objects.values_list("state", flat=True))
    assert [(s.labels["state"], s.value) for s in outbound] == sorted(stored.items())
    [pending] = families["anchordesk_queue_tasks"].samples
    assert pending.labels == {} and pending.value >= 0
    [scheduled] = families["anchordesk_queue_scheduled_tasks"].samples
    assert scheduled.labels == {} and scheduled.value >= 0

    assert _values(families["anchordesk_job_last_success_timestamp"], "job")["sla-scan"] >= before - 1
    assert "mail-sweep" not in _values(families["anchordesk_job_last_success_timestamp"], "job")
    assert _values(families["anchordesk_job_last_failure_timestamp"], "job")["mail-sweep"] >= before - 1
    starts = _values(families["anchordesk_job_last_start_timestamp"], "job")
    assert starts["sla-scan"] >= before - 1 and starts["mail-sweep"] >= before - 1
    failing = _values(families["anchordesk_job_failing"], "job")
    assert failing["sla-scan"] == 0 and failing["mail-sweep"] == 1 and failing["time-rules"] == 0
    [lease] = families["anchordesk_job_lease_age_seconds"].samples
    assert lease.labels == {"job": "promise-scan", "holder": leases.holder_name()}
    assert 0 <= lease.value < 30
    assert _values(families["anchordesk_job_lease_expired"], "job") == {"promise-scan": 0}

    requests = families["anchordesk_http_requests"].samples
    assert {s.name for s in requests} == {"anchordesk_http_requests_total"}
    by_key = {(s.labels["method"], s.labels["status"]): s.value for s in requests}
    assert by_key[("GET", "200")] >= 3
    assert families["anchordesk_metrics_errors"].samples == []


@pytest.mark.django_db
def test_a_source_that_cannot_be_read_is_counted_and_the_others_still_shown() -> None:
    from huey import RedisHuey
    from huey.contrib import djhuey

    # A real queue client aimed at a port where nothing listens: Redis down, as operators meet it.
    unreachable = RedisHuey("metrics-test", host="127.0.0.1", port=9, socket_connect_timeout=2)
    queue = djhuey.HUEY.storage
    djhuey.HUEY.storage = unreachable.storage
    try:
        families = _scrape(Client())
    finally:
        djhuey.HUEY.storage = queue
    assert _values(families["anchordesk_metrics_errors"], "section") == {"queue": 1}
    assert "anchordesk_queue_tasks" not in families
    assert _values(families["anchordesk_tickets"], "status")["new"] == 0
