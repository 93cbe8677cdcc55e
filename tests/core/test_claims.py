"""`update_returning`: a claim and the read of what was claimed, in one statement."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from anchordesk.core.claims import update_returning
from anchordesk.integrations.actions import do_create_webhook
from anchordesk.integrations.models import DeliveryState, WebhookDelivery
from anchordesk.mail.models import OutboundEmail, OutboundKind, OutboundState
from anchordesk.mail.outbox import do_queue_email, do_send_outbound
from tests.budgets import count_queries

pytestmark = pytest.mark.django_db


def _queued() -> OutboundEmail:
    (email,) = do_queue_email(
        to=["maria@example.test"],
        cc=["team@example.test"],
        subject="Your refund",
        body="It left today.",
        kind=OutboundKind.ANNOUNCEMENT,
        headers={"X-Anchordesk-Test": "1"},
    )
    return email


def _claimable(email: OutboundEmail) -> QuerySet[OutboundEmail]:
    return OutboundEmail.objects.filter(pk=email.pk, state=OutboundState.QUEUED)


def test_the_first_claim_gets_the_row_as_written_and_a_second_gets_nothing() -> None:
    email = _queued()
    now = timezone.now()
    with count_queries() as measured:
        claimed = update_returning(_claimable(email), state=OutboundState.SENDING, claimed_at=now)
    assert measured.count == 1  # the UPDATE returned the row: no read after it
    assert [c.pk for c in claimed] == [email.pk]
    row = claimed[0]
    # Every column comes back converted by its field, as a query would give it.
    assert row.state == OutboundState.SENDING and row.claimed_at == now
    assert row.to == ["maria@example.test"] and row.cc == ["team@example.test"]
    assert row.headers == {"X-Anchordesk-Test": "1"} and row.subject == "Your refund"
    assert abs(row.created_at - email.created_at) < timedelta(seconds=1)

    assert update_returning(_claimable(email), state=OutboundState.SENDING) == []
    assert OutboundEmail.objects.get(pk=email.pk).state == OutboundState.SENDING


def test_an_email_claimed_by_another_worker_is_skipped() -> None:
    email = _queued()
    OutboundEmail.objects.filter(pk=email.pk).update(state=OutboundState.SENDING, claimed_at=timezone.now())
    assert do_send_outbound(email.pk) == "skipped"
    email.refresh_from_db()
    assert email.state == OutboundState.SENDING and email.attempts == 0


def test_a_claim_brings_the_row_its_foreign_key_names_in_the_same_statement(people: Any) -> None:
    hook = do_create_webhook(actor=people.admin, url="https://hooks.example.test/in", events=["*"])
    delivery = WebhookDelivery.objects.create(webhook=hook, event="ping", payload={"event": "ping"})
    claimable = WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING)
    with count_queries() as measured:
        (claimed,) = update_returning(claimable, related="webhook", attempts=1)
        webhook = claimed.webhook  # already there: no read
    assert measured.count == 1
    assert claimed.attempts == 1 and claimed.payload == {"event": "ping"}
    assert webhook.pk == hook.pk and webhook.url == hook.url and webhook.secret == hook.secret
    assert webhook.events == ["*"] and webhook.active is True
    assert abs(webhook.created_at - hook.created_at) < timedelta(seconds=1)
