"""Outgoing webhooks against a real HTTP receiver: signed, retried with backoff, never sent twice."""

from __future__ import annotations

import json
import logging
import socket
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from anchordesk.integrations.actions import do_create_webhook, do_update_webhook
from anchordesk.integrations.delivery import attempt_delivery, backoff_seconds, claim, verify
from anchordesk.integrations.enqueue import do_queue_test_delivery, do_queue_webhook_event, do_retry_delivery
from anchordesk.integrations.models import DeliveryState, WebhookDelivery
from anchordesk.integrations.tasks import run_delivery
from tests import factories
from tests.integrations.receiver import receiver


@pytest.fixture(autouse=True)
def empty_schedule():
    HUEY.flush()
    yield
    HUEY.flush()


def _hook(people, url: str, events=("*",)):
    return do_create_webhook(actor=people.admin, url=url, events=list(events))


def _pending(hook, event: str = "ticket.updated") -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        webhook=hook, event=event, payload={"event": event, "data": {"ticket_id": 1, "note": "café"}}
    )


def test_a_new_ticket_reaches_the_receiver_signed_with_the_webhooks_secret(
    people, django_capture_on_commit_callbacks
):
    with receiver(200) as server:
        hook = _hook(people, server.url, events=["ticket.created"])
        with django_capture_on_commit_callbacks(execute=True):
            ticket = factories.make_ticket(people.customer, subject="Laptop will not boot")
        assert len(server.requests) == 1
    request = server.requests[0]
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert headers["x-anchordesk-event"] == "ticket.created"
    assert headers["content-type"] == "application/json"
    timestamp = headers["x-anchordesk-timestamp"]
    assert verify(hook.secret, timestamp, request.body, headers["x-anchordesk-signature"])
    assert not verify("whsec_someone-else", timestamp, request.body, headers["x-anchordesk-signature"])
    # A receiver that follows the documented recipe with nothing but the standard library:
    import hashlib
    import hmac

    expected = hmac.new(
        hook.secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert headers["x-anchordesk-signature"] == f"sha256={expected}"
    payload = json.loads(request.body)
    assert payload["event"] == "ticket.created"
    assert payload["data"]["ticket_id"] == ticket.pk
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert headers["x-anchordesk-delivery"] == str(delivery.pk)
    assert (delivery.state, delivery.attempts, delivery.response_status) == (DeliveryState.DELIVERED, 1, 200)
    assert delivery.delivered_at is not None


def test_only_subscribed_active_webhooks_get_an_event(people):
    with receiver(200) as server:
        wanted = _hook(people, server.url, events=["message.created"])
        _hook(people, server.url + "other", events=["ticket.merged"])
        off = _hook(people, server.url + "off", events=["*"])
        do_update_webhook(off, actor=people.admin, active=False)
        do_queue_webhook_event("message.created", {"ticket_id": 1})
    assert list(WebhookDelivery.objects.values_list("webhook_id", flat=True)) == [wanted.pk]


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(people):
    with receiver(500, 200) as server:
        hook = _hook(people, server.url)
        delivery = _pending(hook)
        start = timezone.now()
        first = run_delivery(delivery.pk)
        assert first.state == DeliveryState.PENDING and first.retry_in == backoff_seconds(1) == 30
        delivery.refresh_from_db()
        assert delivery.attempts == 1 and delivery.response_status == 500
        assert "HTTP 500" in delivery.last_error and "receiver says no" in delivery.last_error
        assert delivery.next_attempt_at >= start + timedelta(seconds=29)
        scheduled = HUEY.scheduled()
        assert [(t.name.rsplit(".", 1)[-1], t.args) for t in scheduled] == [
            ("deliver_webhook", (delivery.pk,))
        ]
        assert scheduled[0].eta is not None

        # Not due yet: an early run (a duplicate task, the sweep) sends nothing.
        assert attempt_delivery(delivery.pk).state == "skipped"
        assert len(server.requests) == 1

        with time_machine.travel(timezone.now() + timedelta(seconds=31)):
            second = run_delivery(delivery.pk)
        assert second.state == DeliveryState.DELIVERED
        assert len(server.requests) == 2
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_status, delivery.last_error) == (
        DeliveryState.DELIVERED,
        2,
        200,
        "",
    )
    # Both attempts carried the same delivery id, so the receiver can drop a duplicate.
    ids = {r.headers["X-Anchordesk-Delivery"] for r in server.requests}
    assert ids == {str(delivery.pk)}


def test_backoff_grows_and_then_holds():
    assert [backoff_seconds(n) for n in range(1, 8)] == [30, 120, 600, 3600, 21600, 21600, 21600]


@override_settings(WEBHOOK_MAX_ATTEMPTS=3)
def test_a_delivery_fails_for_good_after_the_last_attempt(people):
    with receiver(503) as server:
        delivery = _pending(_hook(people, server.url))
        now = timezone.now()
        outcomes = []
        for step in range(3):
            with time_machine.travel(now + timedelta(hours=7 * step)):
                outcomes.append(run_delivery(delivery.pk))
    assert [o.state for o in outcomes] == ["pending", "pending", "failed"]
    assert outcomes[-1].retry_in is None
    delivery.refresh_from_db()
    assert (
        delivery.state == DeliveryState.FAILED and delivery.attempts == 3 and delivery.next_attempt_at is None
    )


def test_a_delivery_is_never_sent_twice(people):
    with receiver(200) as server:
        delivery = _pending(_hook(people, server.url))
        # Worker A claims the delivery and is still sending when worker B (or the sweep) gets to it.
        assert claim(delivery.pk)
        assert not claim(delivery.pk)
        assert attempt_delivery(delivery.pk).state == "skipped"
        assert server.requests == []

        other = _pending(delivery.webhook)
        assert attempt_delivery(other.pk).state == DeliveryState.DELIVERED
        assert attempt_delivery(other.pk).state == "skipped"
        assert do_retry_delivery(other) is False  # delivered: the retry button does nothing
        assert len(server.requests) == 1


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_the_lease(people):
    with receiver(200) as server:
        delivery = _pending(_hook(people, server.url))
        assert claim(delivery.pk)  # ...and the worker died here
        with time_machine.travel(timezone.now() + timedelta(minutes=5)):
            from anchordesk.integrations.delivery import due_delivery_ids

            assert due_delivery_ids() == [delivery.pk]
            assert attempt_delivery(delivery.pk).state == DeliveryState.DELIVERED
        assert len(server.requests) == 1


def test_an_unreachable_receiver_is_recorded_and_retried(people):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    delivery = _pending(_hook(people, f"http://127.0.0.1:{port}/"))
    outcome = attempt_delivery(delivery.pk)
    assert outcome.state == DeliveryState.PENDING and outcome.response_status is None
    delivery.refresh_from_db()
    assert "refused" in delivery.last_error.lower() or "error" in delivery.last_error.lower()


def test_a_redirect_counts_as_a_failure_and_is_not_followed(people):
    with receiver(302, 200) as server:
        delivery = _pending(_hook(people, server.url))
        outcome = attempt_delivery(delivery.pk)
        assert outcome.state == DeliveryState.PENDING and outcome.response_status == 302
        assert len(server.requests) == 1


def test_the_retry_button_sends_a_failed_delivery_once_more(people, django_capture_on_commit_callbacks):
    with receiver(200) as server:
        delivery = _pending(_hook(people, server.url))
        WebhookDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED, attempts=6)
        with django_capture_on_commit_callbacks(execute=True):
            assert do_retry_delivery(delivery) is True
        assert len(server.requests) == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 7


def test_a_test_event_goes_to_one_webhook_whatever_its_events(people, django_capture_on_commit_callbacks):
    with receiver(200) as server:
        hook = _hook(people, server.url, events=["ticket.merged"])
        with django_capture_on_commit_callbacks(execute=True):
            do_queue_test_delivery(hook)
        assert [r.headers["X-Anchordesk-Event"] for r in server.requests] == ["ping"]


def test_a_turned_off_webhook_gets_nothing_more(people):
    with receiver(200) as server:
        hook = _hook(people, server.url)
        delivery = _pending(hook)
        do_update_webhook(hook, actor=people.admin, active=False)
        assert attempt_delivery(delivery.pk).state == DeliveryState.FAILED
        assert server.requests == []


def test_each_attempt_is_logged_with_structured_fields(people, caplog):
    caplog.set_level(logging.INFO, logger="anchordesk.integrations.delivery")
    with receiver(500) as server:
        delivery = _pending(_hook(people, server.url))
        attempt_delivery(delivery.pk)
    record = next(r for r in caplog.records if r.name == "anchordesk.integrations.delivery")
    assert record.delivery_id == delivery.pk
    assert record.attempt == 1 and record.response_status == 500 and record.outcome == "retry"
