"""Prometheus metrics for /metrics, on prometheus_client.

Gauges come from the database at scrape time (ticket counts by status, active tickets by
priority, webhook deliveries and outbound emails by state, each periodic job's last start,
success and failure), from the job leases (holder and age) and from the queue (tasks
waiting): a custom collector reads them on each scrape, so every web process answers the same
figures. Request counters are per process, kept by RequestMetricsMiddleware when it is
installed. Set METRICS_TOKEN to require `Authorization: Bearer <token>` on the endpoint.

The names and labels are the ones dashboards were built on when the exposition was written by
hand; tests/ops/test_metrics_exposition.py holds them.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from anchordesk.core.jobs import job_statuses
from anchordesk.integrations.models import DeliveryState, WebhookDelivery
from anchordesk.mail.models import OutboundEmail
from anchordesk.tickets.choices import ACTIVE_STATUSES, Priority, Status
from anchordesk.tickets.models import Ticket

log = logging.getLogger(__name__)

# The classic text format; generate_latest writes it for names like ours (no escaping needed).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Kept as a plain counter rather than prometheus_client.Counter: the library's Counter adds an
# `anchordesk_http_requests_created` series per label set, a change for dashboards, and turning
# that off is process-wide.
_requests: Counter[tuple[str, str]] = Counter()
_requests_lock = threading.Lock()
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _gauge(name: str, help_text: str, labels: Iterable[str] = ()) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, help_text, labels=list(labels))


def _counts(rows: Iterable[Any], key: str) -> dict[str, int]:
    return {str(row[key]): int(row["n"]) for row in rows}


def _ticket_metrics() -> list[Metric]:
    by_status = _counts(Ticket.objects.order_by().values("status").annotate(n=Count("pk")), "status")
    tickets = _gauge("anchordesk_tickets", "Tickets by status.", ["status"])
    for status in Status.values:
        tickets.add_metric([status], by_status.get(status, 0))
    by_priority = _counts(
        Ticket.objects.filter(status__in=ACTIVE_STATUSES)
        .order_by()
        .values("priority")
        .annotate(n=Count("pk")),
        "priority",
    )
    active = _gauge(
        "anchordesk_active_tickets",
        "Tickets still to act on (new, open, pending, on hold) by priority.",
        ["priority"],
    )
    for priority in Priority:
        active.add_metric([priority.name.lower()], by_priority.get(str(priority.value), 0))
    return [tickets, active]


def _webhook_metrics() -> list[Metric]:
    by_state = _counts(WebhookDelivery.objects.order_by().values("state").annotate(n=Count("pk")), "state")
    deliveries = _gauge("anchordesk_webhook_deliveries", "Outgoing webhook deliveries by state.", ["state"])
    for state in DeliveryState.values:
        deliveries.add_metric([state], by_state.get(state, 0))
    return [deliveries]


def _outbound_metrics() -> list[Metric]:
    by_state = _counts(OutboundEmail.objects.order_by().values("state").annotate(n=Count("pk")), "state")
    emails = _gauge("anchordesk_outbound_emails", "Outgoing emails by state.", ["state"])
    for state, n in sorted(by_state.items()):
        emails.add_metric([state], n)
    return [emails]


def _queue_metrics() -> list[Metric]:
    waiting = _gauge("anchordesk_queue_tasks", "Background tasks waiting in the queue.")
    waiting.add_metric([], HUEY.pending_count())
    later = _gauge(
        "anchordesk_queue_scheduled_tasks", "Background tasks scheduled for later (retries, delayed work)."
    )
    later.add_metric([], HUEY.scheduled_count())
    return [waiting, later]


def _job_metrics() -> list[Metric]:
    statuses = job_statuses()

    def stamps(name: str, help_text: str, attr: str) -> GaugeMetricFamily:
        family = _gauge(name, help_text, ["job"])
        for status in statuses:
            if (when := getattr(status, attr)) is not None:
                family.add_metric([status.name], when.timestamp())
        return family

    failing = _gauge("anchordesk_job_failing", "1 when the job's last finished run failed.", ["job"])
    age = _gauge(
        "anchordesk_job_lease_age_seconds",
        "How long the job's current lease has been held (absent when nobody holds it).",
        ["job", "holder"],
    )
    expired = _gauge(
        "anchordesk_job_lease_expired",
        "1 when the job's lease is past its expiry: its holder died or stalled; any worker may take it.",
        ["job"],
    )
    for status in statuses:
        failing.add_metric([status.name], int(status.failing))
        if status.lease:
            age.add_metric([status.name, status.lease.holder], round(status.lease.age(), 3))
            expired.add_metric([status.name], int(status.lease_expired))
    return [
        stamps(
            "anchordesk_job_last_start_timestamp",
            "When each periodic job last started (Unix time).",
            "last_started_at",
        ),
        stamps(
            "anchordesk_job_last_success_timestamp",
            "When each periodic job last succeeded (Unix time).",
            "last_succeeded_at",
        ),
        stamps(
            "anchordesk_job_last_failure_timestamp",
            "When each periodic job last failed (Unix time).",
            "last_failed_at",
        ),
        failing,
        age,
        expired,
    ]


def _request_metrics() -> list[Metric]:
    with _requests_lock:
        snapshot = sorted(_requests.items())
    answered = CounterMetricFamily(
        "anchordesk_http_requests_total",
        "HTTP requests answered by this web process, by method and status.",
        labels=["method", "status"],
    )
    for (method, status), n in snapshot:
        answered.add_metric([method, status], n)
    return [answered]


_SECTIONS: list[tuple[str, Callable[[], list[Metric]]]] = [
    ("tickets", _ticket_metrics),
    ("webhooks", _webhook_metrics),
    ("outbound", _outbound_metrics),
    ("queue", _queue_metrics),
    ("jobs", _job_metrics),
    ("requests", _request_metrics),
]


class AnchordeskCollector(Collector):
    """Reads every section on each scrape; one that fails (say Redis is down) is left out and counted."""

    def collect(self) -> Iterator[Metric]:
        errors = _gauge(
            "anchordesk_metrics_errors", "Metric sections that could not be read in this scrape.", ["section"]
        )
        for name, section in _SECTIONS:
            try:
                families = section()  # whole before yielding: a section shows completely or not at all
            except Exception:  # a broken source must not hide the others from monitoring
                log.exception("metrics section failed", extra={"section": name})
                errors.add_metric([name], 1)
                continue
            yield from families
        yield errors


# A registry of our own: the library's global one would add its process and platform collectors.
registry = CollectorRegistry(auto_describe=False)
registry.register(AnchordeskCollector())


def render_metrics() -> str:
    return generate_latest(registry).decode()


def _authorized(request: HttpRequest) -> bool:
    expected = str(getattr(settings, "METRICS_TOKEN", "") or "")
    if not expected:
        return True
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), expected.encode())


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _authorized(request):
        response = HttpResponse(
            "Unauthorized: send 'Authorization: Bearer <METRICS_TOKEN>'.\n",
            status=401,
            content_type="text/plain",
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE)


class RequestMetricsMiddleware:
    """Counts answered requests by method and status code, for anchordesk_http_requests_total."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "OTHER"
        with _requests_lock:
            _requests[(str(method), str(response.status_code))] += 1
        return response
