from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from anchordesk.accounts.models import Customer
from anchordesk.core.models import AuditEvent
from anchordesk.mail.ingest import MessageTooLarge, process_batch, process_inbound, store_many, store_raw
from anchordesk.mail.models import InboundEmail, InboundState, Mailbox, OutboundEmail, OutboundState, Source
from anchordesk.tickets import actions
from anchordesk.tickets.choices import Channel, MessageKind, Status
from anchordesk.tickets.models import Follower, Message, Ticket
from tests.mail.mailfactory import raw_email

pytestmark = pytest.mark.django_db


def ingest(raw: bytes, source: str = Source.PIPE) -> InboundEmail:
    inbound, _ = store_raw(raw, source=source)
    return process_inbound(inbound.pk)


def test_a_new_email_opens_a_ticket_for_a_new_customer():
    inbound = ingest(raw_email(attachments=[("receipt.pdf", b"%PDF-1.4 receipt", "application/pdf")]))
    assert inbound.state == InboundState.PROCESSED
    ticket = inbound.ticket
    assert ticket.subject == "My parcel never arrived"
    assert ticket.channel == Channel.EMAIL
    assert ticket.customer.email == "dana@example.test" and ticket.customer.name == "Dana Doe"
    message = ticket.messages.get()
    assert "kettle two weeks ago" in message.body_text
    assert [a.filename for a in message.attachments.all()] == ["receipt.pdf"]


def test_the_same_delivery_twice_is_stored_once():
    raw = raw_email()
    first, created_first = store_raw(raw, source=Source.IMAP)
    second, created_second = store_raw(raw, source=Source.PUSH)
    assert created_first and not created_second and first.pk == second.pk
    process_inbound(first.pk)
    process_inbound(first.pk)
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1


def test_a_fetched_batch_is_stored_once_per_distinct_message_and_routed_together(monkeypatch):
    already = raw_email(subject="Stored earlier", sender="early@example.test")
    store_raw(already, source=Source.PUSH)
    fresh = [raw_email(subject=f"Question {i}", sender=f"c{i}@example.test") for i in range(3)]
    stored = store_many([fresh[0], already, fresh[1], fresh[0], fresh[2]], source=Source.IMAP)
    assert [created for _, created in stored] == [True, False, True, False, True]
    assert stored[0][0].pk == stored[3][0].pk
    assert InboundEmail.objects.count() == 4
    process_batch([row.pk for row, _ in stored])
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "Question 0",
        "Question 1",
        "Question 2",
        "Stored earlier",
    ]
    monkeypatch.setattr("anchordesk.mail.ingest.MAX_RAW_BYTES", 50_000)
    with pytest.raises(MessageTooLarge):
        store_raw(b"x" * 50_001, source=Source.PUSH)  # the pusher or the MTA is told, nothing stored
    assert InboundEmail.objects.count() == 4
    # A polled batch is not held back by one message over the limit: that one is set aside.
    fits, big = store_many([raw_email(subject="Fits"), b"x" * 100_000], source=Source.IMAP)
    assert fits[0].state == InboundState.PENDING and fits[1]
    assert big[0].state == InboundState.QUARANTINED and big[1]
    assert "over the 50000 byte limit" in big[0].reason and "stays on the mail server" in big[0].reason
    assert big[0].size == 100_000 and len(bytes(InboundEmail.objects.get(pk=big[0].pk).raw)) == 64 * 1024
    process_batch([fits[0].pk, big[0].pk])
    assert InboundEmail.objects.get(pk=fits[0].pk).state == InboundState.PROCESSED
    InboundEmail.objects.filter(pk=big[0].pk).update(
        state=InboundState.PENDING, reason=""
    )  # an admin's retry
    retried = process_inbound(big[0].pk)
    assert retried.state == InboundState.QUARANTINED and "stays on the mail server" in retried.reason


def test_same_message_id_with_different_bytes_is_a_duplicate():
    ingest(raw_email(message_id="<abc@example.test>"))
    again = ingest(raw_email(message_id="<abc@example.test>", headers={"X-Relayed-By": "second-mx"}))
    assert again.state == InboundState.DUPLICATE
    assert Ticket.objects.count() == 1


def test_a_reply_to_our_email_joins_the_ticket_by_in_reply_to(people):
    first = ingest(raw_email())
    ticket = first.ticket
    actions.do_reply(
        ticket, "Sorry about this, I've asked the carrier.", actor=people.agent, status=Status.PENDING
    )
    ours = OutboundEmail.objects.get(ticket=ticket)
    reply = ingest(
        raw_email(
            subject="Re: My parcel never arrived",
            body="Thanks, any news?",
            in_reply_to=ours.message_id,
            references=f"{first.message_id} {ours.message_id}",
        )
    )
    assert reply.ticket == ticket
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN  # the customer's answer reopens it
    assert ticket.messages.filter(kind=MessageKind.CUSTOMER).count() == 2


def test_a_reply_without_headers_finds_its_ticket_by_the_signed_reply_address(people):
    ticket = ingest(raw_email()).ticket
    actions.do_reply(ticket, "Could you send your order number?", actor=people.agent)
    reply_to = OutboundEmail.objects.get(ticket=ticket).reply_to
    reply = ingest(raw_email(subject="order number", body="It is 5521", to=reply_to))
    assert reply.ticket == ticket


def test_a_forged_reply_token_opens_a_new_ticket_instead():
    ticket = ingest(raw_email()).ticket
    forged = ingest(
        raw_email(
            subject="hello",
            to=f"support+t{ticket.pk}-00000000@anchordesk.localhost",
            sender="mallory@evil.test",
        )
    )
    assert forged.ticket != ticket


def test_a_ticket_number_in_the_subject_threads_only_for_the_tickets_customer():
    ticket = ingest(raw_email()).ticket
    same = ingest(raw_email(subject=f"Still waiting [#{ticket.pk}]", body="Any update?"))
    stranger = ingest(raw_email(subject=f"Re: [#{ticket.pk}]", body="let me in", sender="mallory@evil.test"))
    assert same.ticket == ticket
    assert stranger.ticket != ticket


def test_cc_addresses_become_followers_and_receive_replies(people):
    ticket = ingest(raw_email(cc="Boss <boss@example.test>, support@anchordesk.localhost")).ticket
    assert list(Follower.objects.filter(ticket=ticket).values_list("email", flat=True)) == [
        "boss@example.test"
    ]
    actions.do_reply(ticket, "On its way.", actor=people.agent)
    assert OutboundEmail.objects.get(ticket=ticket).cc == ["boss@example.test"]


def test_an_auto_reply_never_opens_a_ticket():
    inbound = ingest(raw_email(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    assert inbound.state == InboundState.IGNORED
    assert Ticket.objects.count() == 0


def test_an_admin_opens_suspended_automatic_mail_as_a_ticket(people, client):
    inbound = ingest(raw_email(subject="Newsletter: our prices change", headers={"Precedence": "bulk"}))
    assert inbound.state == InboundState.IGNORED and "automatic" in inbound.reason
    assert not Customer.objects.filter(email="dana@example.test").exists()  # nobody created for a robot
    client.force_login(people.admin)
    page = client.get(reverse("mail-quarantine") + "?state=ignored").content.decode()
    assert "Suspended" in page and "Open as ticket" in page and "Newsletter: our prices change" in page
    client.post(reverse("mail-retry", args=[inbound.pk]))
    opened = InboundEmail.objects.get(pk=inbound.pk)
    assert opened.state == InboundState.PROCESSED
    assert opened.ticket is not None and opened.ticket.subject == "Newsletter: our prices change"
    assert AuditEvent.objects.filter(kind="mail.retried", after={"open_as_ticket": True}).exists()


def test_a_sender_looping_mail_at_us_is_throttled(settings):
    settings.MAIL_LOOP_LIMIT = 5
    states = [ingest(raw_email(subject=f"Loop {i}", sender="robot@example.test")).state for i in range(8)]
    assert states[:5] == [InboundState.PROCESSED] * 5
    assert states[5:] == [InboundState.IGNORED] * 3


def test_a_bounce_marks_our_email_and_tells_the_agent(people):
    ticket = ingest(raw_email()).ticket
    actions.do_reply(ticket, "Here is your refund.", actor=people.agent)
    ours = OutboundEmail.objects.get(ticket=ticket)
    bounce = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.test>\r\n"
        "To: support@anchordesk.localhost\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce1@mx.example.test>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail to dana@example.test could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.test\r\n\r\n"
        "Final-Recipient: rfc822; dana@example.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {ours.message_id}\r\nSubject: Re\r\n"
        "--B--\r\n"
    ).encode()
    inbound = ingest(bounce)
    assert inbound.state == InboundState.PROCESSED and inbound.ticket == ticket
    assert OutboundEmail.objects.get(pk=ours.pk).state == OutboundState.BOUNCED
    note = ticket.messages.filter(kind=MessageKind.NOTE).last()
    assert note is not None and "bounced" in note.body_text


def test_unparseable_mail_goes_to_quarantine_where_an_admin_can_retry_it(people, client):
    inbound = ingest(b"\x00\x01 this is not an email at all \xff\xfe")
    assert inbound.state in (InboundState.QUARANTINED, InboundState.IGNORED)
    assert inbound.reason
    client.force_login(people.admin)
    page = client.get(reverse("mail-quarantine") + f"?state={inbound.state}")
    assert page.status_code == 200 and inbound.reason[:30] in page.content.decode()
    raw = client.get(reverse("mail-raw", args=[inbound.pk]))
    assert b"".join(raw.streaming_content if raw.streaming else [raw.content]).startswith(b"\x00\x01")
    client.post(reverse("mail-discard", args=[inbound.pk]))
    assert InboundEmail.objects.get(pk=inbound.pk).state == InboundState.DISCARDED


def test_agents_cannot_see_the_quarantine(people, client):
    client.force_login(people.agent)
    assert client.get(reverse("mail-quarantine")).status_code == 403


def test_push_endpoint_needs_the_mailbox_secret(client):
    box = Mailbox.objects.create(name="Support", address="help@example.test", push_secret="s3cret")
    url = reverse("mail-push", args=[box.pk])
    raw = raw_email()
    assert client.post(url, raw, content_type="message/rfc822").status_code == 404
    assert (
        client.post(url, raw, content_type="message/rfc822", HTTP_X_ANCHORDESK_SECRET="wrong").status_code
        == 404
    )
    ok = client.post(url, raw, content_type="message/rfc822", HTTP_X_ANCHORDESK_SECRET="s3cret")
    assert ok.status_code == 202 and ok.json()["duplicate"] is False
    again = client.post(url, raw, content_type="message/rfc822", HTTP_X_ANCHORDESK_SECRET="s3cret")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    empty = client.post(url, b"", content_type="message/rfc822", HTTP_X_ANCHORDESK_SECRET="s3cret")
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "body"


def test_the_mta_pipe_command_ingests_standard_input(monkeypatch, capsys):
    raw = raw_email(subject="Piped in")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("ingest_email")
    assert Ticket.objects.get().subject == "Piped in"
    assert "stored" in capsys.readouterr().out


def test_a_batch_writes_its_reporting_facts_after_commit_and_a_rolled_back_message_leaves_nothing(
    monkeypatch,
):
    from anchordesk.insights.choices import FactKind
    from anchordesk.insights.models import ReportingEvent
    from anchordesk.mail import ingest as ingest_module

    good = [raw_email(subject=f"Where is order {i}", sender="same@example.test") for i in range(3)]
    broken = raw_email(subject="This one breaks", sender="new-sender@example.test")
    later = raw_email(subject="Trying again", sender="new-sender@example.test")
    stored = store_many([good[0], broken, good[1], later, good[2]], source=Source.IMAP)
    real_add_followers = ingest_module._add_followers

    def fail_for_one(ticket, addresses, sender):  # a bug after the customer and ticket were made
        if ticket.subject == "This one breaks":
            raise RuntimeError("boom")
        return real_add_followers(ticket, addresses, sender)

    monkeypatch.setattr(ingest_module, "_add_followers", fail_for_one)
    process_batch([row.pk for row, _ in stored])
    states = [InboundEmail.objects.get(pk=row.pk).state for row, _ in stored]
    assert states == [InboundState.PROCESSED, InboundState.QUARANTINED] + [InboundState.PROCESSED] * 3
    # The broken message's customer was undone with it; the sender's next mail made a real one.
    assert Ticket.objects.get(subject="Trying again").customer.email == "new-sender@example.test"
    assert not Ticket.objects.filter(subject="This one breaks").exists()
    tickets = Ticket.objects.filter(customer__email="same@example.test")
    assert tickets.count() == 3  # one customer record, found once and reused for the batch
    assert ReportingEvent.objects.filter(kind=FactKind.CREATED, ticket__in=tickets).count() == 3


def test_a_reply_joins_its_ticket_with_only_the_new_text():
    first = ingest(raw_email(message_id="<first@example.test>", body="My kettle is broken."))
    reply = ingest(
        raw_email(
            message_id="<second@example.test>",
            subject="Re: My parcel never arrived",
            headers={"In-Reply-To": "<first@example.test>"},
            body="It still does not work.\n\nOn Mon, 1 Dec 2026, Dana Doe wrote:\n> My kettle is broken.\n",
        )
    )
    assert reply.ticket == first.ticket
    newest = reply.ticket.messages.order_by("-id").first()
    assert newest is not None and newest.body_text == "It still does not work."
