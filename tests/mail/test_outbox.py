from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from anchordesk.mail.ingest import process_inbound, store_raw
from anchordesk.mail.models import OutboundEmail, OutboundState, Source
from anchordesk.mail.outbox import do_send_outbound, due_outbound_ids
from anchordesk.tickets import actions
from tests.mail.mailfactory import raw_email

pytestmark = pytest.mark.django_db


def _ticket_from_email():
    inbound, _ = store_raw(raw_email(message_id="<first@example.test>"), source=Source.PIPE)
    return process_inbound(inbound.pk).ticket


def test_a_reply_is_delivered_by_smtp_with_threading_headers(people, smtp_server):
    ticket = _ticket_from_email()
    actions.do_reply(ticket, "I'm sorry it is late. I've sent a replacement today.", actor=people.agent)
    outbound = OutboundEmail.objects.get(ticket=ticket)
    assert do_send_outbound(outbound.pk) == OutboundState.SENT
    [mail] = smtp_server.messages
    assert mail["To"] == "dana@example.test"
    assert mail["Message-ID"] == outbound.message_id
    assert mail["In-Reply-To"] == "<first@example.test>"
    assert "<first@example.test>" in mail["References"]
    assert f"[#{ticket.pk}]" in mail["Subject"]
    assert mail["Reply-To"].startswith(f"support+t{ticket.pk}-")
    assert {part.get_content_type() for part in mail.walk()} >= {"text/plain", "text/html"}
    assert "replacement today" in mail.get_body(("plain",)).get_content()


def test_an_smtp_outage_delays_the_reply_and_loses_nothing(people, smtp_server):
    ticket = _ticket_from_email()
    actions.do_reply(ticket, "Refund issued.", actor=people.agent)
    outbound = OutboundEmail.objects.get(ticket=ticket)
    smtp_server.refuse = True
    assert do_send_outbound(outbound.pk) == OutboundState.QUEUED
    outbound.refresh_from_db()
    assert outbound.attempts == 1 and "451" in outbound.last_error
    assert do_send_outbound(outbound.pk) == "skipped"  # not due yet: backoff
    smtp_server.refuse = False
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert due_outbound_ids() == [outbound.pk]
        assert do_send_outbound(outbound.pk) == OutboundState.SENT
        assert do_send_outbound(outbound.pk) == "skipped"  # never sent twice
    assert len(smtp_server.messages) == 1


def test_a_send_claimed_by_a_worker_that_died_is_taken_over_after_the_lease(people, smtp_server):
    ticket = _ticket_from_email()
    actions.do_reply(ticket, "On it.", actor=people.agent)
    outbound = OutboundEmail.objects.get(ticket=ticket)
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        state=OutboundState.SENDING, claimed_at=timezone.now()
    )
    assert do_send_outbound(outbound.pk) == "skipped"
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert do_send_outbound(outbound.pk) == OutboundState.SENT
    assert len(smtp_server.messages) == 1


def test_a_reply_on_a_web_ticket_also_reaches_the_customer_by_email(people, smtp_server):
    from tests.factories import make_ticket

    ticket = make_ticket(people.customer)
    actions.do_reply(ticket, "Hello Carol, fixed.", actor=people.agent)
    do_send_outbound(OutboundEmail.objects.get(ticket=ticket).pk)
    assert smtp_server.messages[0]["To"] == "carol@acme.test"


def test_the_ticket_page_shows_whether_a_reply_was_emailed(people, smtp_server, client):
    ticket = _ticket_from_email()
    actions.do_reply(ticket, "Refund issued.", actor=people.agent)
    outbound = OutboundEmail.objects.get(ticket=ticket)
    client.force_login(people.agent)
    assert "Sending…" in client.get(f"/tickets/{ticket.pk}/").content.decode()
    do_send_outbound(outbound.pk)
    assert "Emailed" in client.get(f"/tickets/{ticket.pk}/").content.decode()
