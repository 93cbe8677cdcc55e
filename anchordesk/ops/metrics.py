"""Prometheus metrics in the text exposition format, written by hand (no client library).

Gauges come from the database at scrape time (ticket counts by status, active tickets by
priority, webhook deliveries and outbound emails by state, each periodic job's last start,
success and failure), from the job leases (holder and age) and from the queue (tasks
waiting). Request counters are per process, kept by RequestMetricsMiddleware when it is
installed. Set METRICS_TOKEN to require `Authorization: Bearer <token>` on the endpoint.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
Sample = tuple[dict[str, str], float]

_requests: Counter[tuple[str, str]] = Counter()
_requests_lock = threading.Lock()
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _format_value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def metric(name: str, kind: str, help_text: str, samples: Iterable[Sample]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        label_text = ",".join(f'{key}="{_escape(str(val))}"' for key, val in labels.items())
        lines.append(
            f"{name}{{{label_text}}} {_format_value(value)}"
            if label_text
            else f"{name} {_format_value(value)}"
        )
    return lines


def _counts(rows: Iterable[Any], key: str) -> dict[str, int]:
    return {str(row[key]): int(row["n"]) for row in rows}


def _ticket_metrics() -> list[str]:
    from anchordesk.tickets.choices import ACTIVE_STATUSES, Priority, Status
    from anchordesk.tickets.models import Ticket

    by_status = _counts(Ticket.objects.order_by().values("status").annotate(n=Count("pk")), "status")
    lines = metric(
        "anchordesk_tickets",
        "gauge",
        "Tickets by status.",
        [({"status": s}, by_status.get(s, 0)) for s in Status.values],
    )
    by_priority = _counts(
        Ticket.objects.filter(status__in=ACTIVE_STATUSES)
        .order_by()
        .values("priority")
        .annotate(n=Count("pk")),
        "priority",
    )
    lines += metric(
        "anchordesk_active_tickets",
        "gauge",
        "Tickets still to act on (new, open, pending, on hold) by priority.",
        [({"priority": p.name.lower()}, by_priority.get(str(p.value), 0)) for p in Priority],
    )
    return lines


def _webhook_metrics() -> list[str]:
    from anchordesk.integrations.models import DeliveryState, WebhookDelivery

    by_state = _counts(WebhookDelivery.objects.order_by().values("state").annotate(n=Count("pk")), "state")
    return metric(
        "anchordesk_webhook_deliveries",
        "gauge",
        "Outgoing webhook deliveries by state.",
        [({"state": s}, by_state.get(s, 0)) for s in DeliveryState.values],
    )


def _outbound_metrics() -> list[str]:
    from anchordesk.mail.models import OutboundEmail

    by_state = _counts(OutboundEmail.objects.order_by().values("state").annotate(n=Count("pk")), "state")
    return metric(
        "anchordesk_outbound_emails",
        "gauge",
        "Outgoing emails by state.",
        sorted(({"state": k}, v) for k, v in by_state.items()),
    )


def _queue_metrics() -> list[str]:
    from huey.contrib.djhuey import HUEY

    return metric(
        "anchordesk_queue_tasks",
        "gauge",
        "Background tasks waiting in the queue.",
        [({}, HUEY.pending_count())],
    ) + metric(
        "anchordesk_queue_scheduled_tasks",
        "gauge",
        "Background tasks scheduled for later (retries, delayed work).",
        [({}, HUEY.scheduled_count())],
    )


def _job_metrics() -> list[str]:
    from anchordesk.core.jobs import job_statuses

    statuses = job_statuses()

    def stamps(attr: str) -> list[Sample]:
        return [
            ({"job": s.name}, getattr(s, attr).timestamp()) for s in statuses if getattr(s, attr) is not None
        ]

    lines = metric(
        "anchordesk_job_last_start_timestamp",
        "gauge",
        "When each periodic job last started (Unix time).",
        stamps("last_started_at"),
    )
    lines += metric(
        "anchordesk_job_last_success_timestamp",
        "gauge",
        "When each periodic job last succeeded (Unix time).",
        stamps("last_succeeded_at"),
    )
    lines += metric(
        "anchordesk_job_last_failure_timestamp",
        "gauge",
        "When each periodic job last failed (Unix time).",
        stamps("last_failed_at"),
    )
    lines += metric(
        "anchordesk_job_failing",
        "gauge",
        "1 when the job's last finished run failed.",
        [({"job": s.name}, int(s.failing)) for s in statuses],
    )
    lines += metric(
        "anchordesk_job_lease_age_seconds",
        "gauge",
        "How long the job's current lease has been held (absent when nobody holds it).",
        [({"job": s.name, "holder": s.lease.holder}, round(s.lease.age(), 3)) for s in statuses if s.lease],
    )
    lines += metric(
        "anchordesk_job_lease_expired",
        "gauge",
        "1 when the job's lease is past its expiry: its holder died or stalled; any worker may take it.",
        [({"job": s.name}, int(s.lease_expired)) for s in statuses if s.lease],
    )
    return lines


def _request_metrics() -> list[str]:
    with _requests_lock:
        snapshot = sorted(_requests.items())
    return metric(
        "anchordesk_http_requests_total",
        "counter",
        "HTTP requests answered by this web process, by method and status.",
        [({"method": method, "status": status}, n) for (method, status), n in snapshot],
    )


_SECTIONS: list[tuple[str, Callable[[], list[str]]]] = [
    ("tickets", _ticket_metrics),
    ("webhooks", _webhook_metrics),
    ("outbound", _outbound_metrics),
    ("queue", _queue_metrics),
    ("jobs", _job_metrics),
    ("requests", _request_metrics),
]


def render_metrics() -> str:
    """Every section that can be read; one that fails (say Redis is down) is left out and counted."""
    lines: list[str] = []
    errors: list[Sample] = []
    for name, section in _SECTIONS:
        try:
            lines += section()
        except Exception:  # a broken source must not hide the others from monitoring
            log.exception("metrics section failed", extra={"section": name})
            errors.append(({"section": name}, 1))
    lines += metric(
        "anchordesk_metrics_errors", "gauge", "Metric sections that could not be read in this scrape.", errors
    )
    return "\n".join(lines) + "\n"


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
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE)


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
