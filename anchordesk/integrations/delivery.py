"""Sending one webhook delivery: claim it, sign it, POST it, record what happened.

A delivery is claimed with a conditional UPDATE on a pending row whose next attempt is
due; the claim pushes next_attempt_at forward by a lease, so a second worker (or the
sweep) finds nothing to claim while the first one is sending. A worker that dies
mid-send leaves the row pending; the sweep takes it again once the lease runs out.

Receivers verify X-Anchordesk-Signature: "sha256=" + hex HMAC-SHA256 of
"<X-Anchordesk-Timestamp>.<raw body>" keyed with the webhook's secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from anchordesk.core.claims import update_returning
from anchordesk.integrations.models import DeliveryState, WebhookDelivery

log = logging.getLogger(__name__)

# Seconds to wait before attempt 2, 3, 4, ...; the last step repeats.
BACKOFF = [30, 120, 600, 3600, 6 * 3600]
# A scheduled retry may run a little before next_attempt_at when clocks differ between machines.
CLOCK_SLACK = timedelta(seconds=5)
USER_AGENT = "Anchordesk-Webhooks/1"


def backoff_seconds(attempt: int) -> int:
    """Delay after the given failed attempt (1-based) before the next one."""
    return BACKOFF[min(max(attempt, 1), len(BACKOFF)) - 1]


def lease() -> timedelta:
    return timedelta(seconds=int(settings.WEBHOOK_TIMEOUT) + 60)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (and what the docs show): compare in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def encode_body(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


@dataclass(frozen=True)
class Outcome:
    state: str  # delivered, pending (will retry), failed, or skipped (not due / claimed elsewhere)
    attempts: int = 0
    response_status: int | None = None
    retry_in: int | None = None
    error: str = ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a delivery: report it instead of re-posting elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def claim_delivery(delivery_id: int) -> WebhookDelivery | None:
    """Take a due pending delivery for one lease and return it with its webhook (one statement),
    or None when it is not due or another worker holds it."""
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + CLOCK_SLACK)
    claimed = update_returning(
        WebhookDelivery.objects.filter(due, pk=delivery_id, state=DeliveryState.PENDING),
        related="webhook",
        next_attempt_at=now + lease(),
    )
    return claimed[0] if claimed else None


def claim(delivery_id: int) -> bool:
    return claim_delivery(delivery_id) is not None


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST and return (HTTP status or None, error text; empty when the receiver took it)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        try:
            snippet = exc.read(300).decode("utf-8", "replace").strip()
        except Exception:  # the body of an error answer is a courtesy; never let it hide the status
            snippet = ""
        finally:
            exc.close()
        return exc.code, f"HTTP {exc.code}" + (f": {snippet}" if snippet else "")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, f"{type(exc).__name__}: {reason}"
    if 200 <= status < 300:
        return status, ""
    return status, f"HTTP {status}"


def attempt_delivery(delivery_id: int) -> Outcome:
    """Send one delivery if it is due and nobody else is sending it, and record the result."""
    delivery = claim_delivery(delivery_id)
    if delivery is None:
        return Outcome(state="skipped")
    webhook = delivery.webhook
    attempt = delivery.attempts + 1
    if not webhook.active:
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            state=DeliveryState.FAILED, last_error="The webhook is turned off.", next_attempt_at=None
        )
        return Outcome(state=DeliveryState.FAILED, attempts=delivery.attempts, error="turned off")

    body = encode_body(delivery.payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Anchordesk-Event": delivery.event,
        "X-Anchordesk-Delivery": str(delivery.pk),
        "X-Anchordesk-Timestamp": timestamp,
        "X-Anchordesk-Signature": sign(webhook.secret, timestamp, body),
    }
    started = time.monotonic()
    status, error = _post(webhook.url, body, headers)
    duration_ms = round((time.monotonic() - started) * 1000)
    now = timezone.now()
    context = {
        "delivery_id": delivery.pk,
        "webhook_id": webhook.pk,
        "event": delivery.event,
        "attempt": attempt,
        "response_status": status,
        "duration_ms": duration_ms,
    }
    if not error:
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            state=DeliveryState.DELIVERED,
            attempts=attempt,
            response_status=status,
            last_error="",
            delivered_at=now,
            next_attempt_at=None,
        )
        log.info("webhook delivered", extra={**context, "outcome": "delivered"})
        return Outcome(state=DeliveryState.DELIVERED, attempts=attempt, response_status=status)

    if attempt >= settings.WEBHOOK_MAX_ATTEMPTS:
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            state=DeliveryState.FAILED,
            attempts=attempt,
            response_status=status,
            last_error=error[:500],
            next_attempt_at=None,
        )
        log.warning(
            "webhook delivery failed for good", extra={**context, "outcome": "failed", "error": error}
        )
        return Outcome(state=DeliveryState.FAILED, attempts=attempt, response_status=status, error=error)

    delay = backoff_seconds(attempt)
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        attempts=attempt,
        response_status=status,
        last_error=error[:500],
        next_attempt_at=now + timedelta(seconds=delay),
    )
    log.info(
        "webhook delivery will be retried",
        extra={**context, "outcome": "retry", "retry_in": delay, "error": error},
    )
    return Outcome(
        state=DeliveryState.PENDING, attempts=attempt, response_status=status, retry_in=delay, error=error
    )


def due_delivery_ids(limit: int = 200) -> list[int]:
    """Pending deliveries whose time has come (a lost scheduled retry, a worker that died mid-send)."""
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True, created_at__lte=now - timedelta(minutes=1)) | Q(
        next_attempt_at__lte=now - timedelta(seconds=30)
    )
    return list(
        WebhookDelivery.objects.filter(due, state=DeliveryState.PENDING)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
