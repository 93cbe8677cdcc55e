"""do_queue_email: any email through the outbox, in the caller's transaction, capped in recipients."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anchordesk.mail.models import OutboundEmail, OutboundKind, OutboundState
from anchordesk.mail.outbox import REDACTED, do_queue_email
from anchordesk.mail.tasks import sweep_mail
from anchordesk.tickets import actions
from anchordesk.tickets.choices import Status
from anchordesk.tickets.models import Follower
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(r"https?://[^\s]+/portal/sign-in/([A-Za-z0-9_\-]+)")


def test_an_email_queued_in_an_action_that_rolls_back_is_never_sent(people, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        do_queue_email(kind=OutboundKind.ESCALATION, to=[people.lead.email], subject="Escalation", body="x")
        raise RuntimeError("the action failed after queuing its notice")
    sweep_mail.call_local()
    assert OutboundEmail.objects.count() == 0
    assert smtp_server.messages == []


def test_a_queued_notice_is_sent_by_the_sweep_with_its_kind_and_headers(people, smtp_server):
    [row] = do_queue_email(
        kind=OutboundKind.DIGEST,
        to=[people.lead.email],
        subject="Weekly digest:\r\n 1-7 Dec",  # a line break in a subject must not break the send
        body="Tickets created: 5\n",
        reply_to="noreply@anchordesk.localhost",
        headers={"Auto-Submitted": "auto-generated"},
    )
    assert row.state == OutboundState.QUEUED and row.ticket_id is None
    sweep_mail.call_local()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.kind) == (OutboundState.SENT, 1, "digest.weekly")
    [mail] = smtp_server.messages
    assert mail["To"] == people.lead.email
    assert mail["Subject"] == "Weekly digest: 1-7 Dec"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Reply-To"] == "noreply@anchordesk.localhost"
    assert mail["Message-ID"] == row.message_id
    assert "Tickets created: 5" in mail.get_body(("plain",)).get_content()


def test_an_unknown_kind_is_refused_before_anything_is_written(people):
    with pytest.raises(ValueError, match="Unknown kind of email 'notice.gossip'"):
        do_queue_email(kind="notice.gossip", to=[people.lead.email], subject="x", body="y")
    assert OutboundEmail.objects.count() == 0


def test_nobody_to_write_to_writes_nothing(people):
    assert do_queue_email(kind=OutboundKind.ESCALATION, to=["", "  "], subject="x", body="y") == []
    assert OutboundEmail.objects.count() == 0


def test_an_email_over_the_recipient_cap_is_split_and_each_person_gets_it_once(people, smtp_server, settings):
    settings.OUTBOUND_MAX_RECIPIENTS = 3
    addresses = [f"lead{n}@example.test" for n in range(7)]
    rows = do_queue_email(
        kind=OutboundKind.ANNOUNCEMENT,
        to=[*addresses, "LEAD0@example.test", ""],  # the same person twice, and a blank
        subject="Policy changed",
        body="Please read it.",
    )
    assert [len(r.to) + len(r.cc) for r in rows] == [3, 3, 1]
    assert len({r.message_id for r in rows}) == 3
    sweep_mail.call_local()
    assert {r.state for r in OutboundEmail.objects.all()} == {OutboundState.SENT}
    assert all(len(envelope.rcpt_tos) <= 3 for envelope in smtp_server.envelopes)
    delivered = sorted(rcpt for envelope in smtp_server.envelopes for rcpt in envelope.rcpt_tos)
    assert delivered == sorted(addresses)


def test_a_reply_to_more_people_than_the_cap_keeps_the_customer_in_the_first_email(
    people, smtp_server, settings, client
):
    settings.OUTBOUND_MAX_RECIPIENTS = 3
    ticket = make_ticket(people.customer)
    for n in range(4):
        Follower.objects.create(ticket=ticket, email=f"follower{n}@acme.test")
    actions.do_reply(ticket, "Fixed for everyone.", actor=people.agent)
    rows = list(OutboundEmail.objects.filter(ticket=ticket).order_by("id"))
    assert [(r.to, r.cc) for r in rows] == [
        ([people.customer.email], ["follower0@acme.test", "follower1@acme.test"]),
        (["follower2@acme.test", "follower3@acme.test"], []),
    ]
    assert {r.kind for r in rows} == {OutboundKind.REPLY}
    sweep_mail.call_local()
    assert sorted(r for e in smtp_server.envelopes for r in e.rcpt_tos) == sorted(
        [people.customer.email, *(f"follower{n}@acme.test" for n in range(4))]
    )
    # Every part carries the signed reply address, so an answer to any of them threads.
    assert len({m["Reply-To"] for m in smtp_server.messages}) == 1


def test_a_portal_sign_in_link_arrives_through_the_outbox_and_signs_the_customer_in(
    people, smtp_server, client
):
    response = client.post("/portal/", {"email": "carol@acme.test"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200 and "Check your inbox" in response.text
    row = OutboundEmail.objects.get()
    assert (row.kind, row.to, row.state) == (OutboundKind.PORTAL_LINK, ["carol@acme.test"], "queued")
    sweep_mail.call_local()
    [mail] = smtp_server.messages
    assert mail["To"] == "carol@acme.test"
    match = LINK_RE.search(mail.get_body(("plain",)).get_content())
    assert match, mail.as_string()
    token = match.group(1)
    # Once sent, the database no longer holds the token: only its hash signs anyone in.
    row.refresh_from_db()
    assert row.state == OutboundState.SENT and token not in row.body_text and row.body_text == REDACTED
    signed_in = client.post(f"/portal/sign-in/{token}")
    assert signed_in.status_code == 302 and signed_in["Location"] == "/portal/tickets/"


def test_a_sign_in_link_that_expires_during_an_outage_is_dropped_not_sent_late(people, smtp_server, client):
    smtp_server.refuse = True
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post("/portal/", {"email": "carol@acme.test"}, REMOTE_ADDR="203.0.113.9")
        sweep_mail.call_local()
        row = OutboundEmail.objects.get()
        row.refresh_from_db()
        assert (row.state, row.attempts) == (OutboundState.QUEUED, 1)
        smtp_server.refuse = False
        traveller.shift(timedelta(seconds=settings.PORTAL_LINK_MAX_AGE + 1))
        sweep_mail.call_local()
    row.refresh_from_db()
    assert row.state == OutboundState.FAILED and row.last_error == "Expired before it could be sent"
    assert row.body_text == REDACTED
    assert smtp_server.messages == []


def test_the_outbox_admin_page_lists_each_email_with_its_kind_and_state(people, client):
    ticket = make_ticket(people.customer, assignee=people.agent)
    actions.do_reply(ticket, "On it.", actor=people.agent)
    do_queue_email(
        kind=OutboundKind.DIGEST, to=[people.lead.email], subject="Weekly digest: last week", body="x"
    )
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    client.force_login(people.admin)
    page = client.get("/admin/mail/outboundemail/").content.decode()
    assert "Weekly digest" in page and "Reply to the customer" in page and "Queued" in page
    only_digests = client.get("/admin/mail/outboundemail/?kind__exact=digest.weekly").content.decode()
    assert "Weekly digest: last week" in only_digests and "On it." not in only_digests
    assert "Re: " not in only_digests
    client.force_login(people.agent)
    assert client.get("/admin/mail/outboundemail/").status_code == 302  # agents are sent to sign in


def test_a_notice_about_a_ticket_shows_on_its_timeline_with_its_delivery(people, smtp_server, client):
    ticket = make_ticket(people.customer, assignee=people.agent)
    actions.do_set_status(ticket, Status.SOLVED, actor=people.agent)  # queues the satisfaction survey
    survey = OutboundEmail.objects.get(ticket=ticket, kind=OutboundKind.CSAT_SURVEY)
    client.force_login(people.agent)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'id="email-{survey.pk}"' in page
    assert "Satisfaction survey emailed to carol@acme.test" in page and "Sending…" in page
    sweep_mail.call_local()
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    entry = page.split(f'id="email-{survey.pk}"', 1)[1].split("</li>", 1)[0]
    assert "Emailed" in entry


def test_a_bounce_of_an_email_about_no_ticket_marks_it_bounced_and_opens_nothing(people):
    from anchordesk.mail.ingest import process_inbound, store_raw
    from anchordesk.mail.models import InboundState, Source
    from anchordesk.tickets.models import Ticket

    [digest] = do_queue_email(
        kind=OutboundKind.DIGEST, to=["gone@example.test"], subject="Weekly digest", body="x"
    )
    bounce = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.test>\r\n"
        "To: support@anchordesk.localhost\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-digest@mx.example.test>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail to gone@example.test could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.test\r\n\r\n"
        "Final-Recipient: rfc822; gone@example.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {digest.message_id}\r\nSubject: x\r\n"
        "--B--\r\n"
    ).encode()
    inbound, _ = store_raw(bounce, source=Source.PIPE)
    inbound = process_inbound(inbound.pk)
    assert inbound.state == InboundState.PROCESSED and inbound.ticket is None  # not quarantined
    digest.refresh_from_db()
    assert digest.state == OutboundState.BOUNCED
    assert not Ticket.objects.exists()


def test_a_recipient_cap_below_one_is_refused_at_start_up(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "OUTBOUND_MAX_RECIPIENTS": "0", "DJANGO_SETTINGS_MODULE": "anchordesk.settings"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env["ANCHORDESK_DATA_DIR"] = str(tmp_path)
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert started.returncode != 0
    assert "OUTBOUND_MAX_RECIPIENTS must be 1 or more, got 0" in started.stderr


def _failed(people, **fields):
    [row] = do_queue_email(
        kind=OutboundKind.SLA_BREACH, to=[people.lead.email], subject="SLA breached", body="x"
    )
    OutboundEmail.objects.filter(pk=row.pk).update(
        state=OutboundState.FAILED, attempts=8, last_error="SMTPRecipientsRefused: 550", **fields
    )
    return row


def test_the_outbox_page_shows_admins_every_email_by_state_and_kind(people, client):
    do_queue_email(
        kind=OutboundKind.DIGEST, to=[people.lead.email], subject="Weekly digest: last week", body="x"
    )
    failed = _failed(people)
    client.force_login(people.admin)
    page = client.get("/mail/outbox/").content.decode()
    assert "Weekly digest: last week" in page and "SLA breached" in page
    assert "Weekly digest" in page and "SLA breach" in page and "SMTPRecipientsRefused: 550" in page
    only_failed = client.get("/mail/outbox/?state=failed").content.decode()
    assert f'id="outbound-{failed.pk}"' in only_failed and "Weekly digest: last week" not in only_failed
    only_digests = client.get("/mail/outbox/?kind=digest.weekly").content.decode()
    assert "Weekly digest: last week" in only_digests and f'id="outbound-{failed.pk}"' not in only_digests
    wrong = client.get("/mail/outbox/?kind=notice.gossip")
    assert wrong.status_code == 400 and "Unknown kind &#x27;notice.gossip&#x27;" in wrong.content.decode()
    client.force_login(people.agent)
    assert client.get("/mail/outbox/").status_code == 403
    assert client.post(f"/mail/outbox/{failed.pk}/retry").status_code == 403


def test_an_admin_sends_a_failed_email_again_and_it_is_delivered(people, client, smtp_server):
    from anchordesk.core.models import AuditEvent

    failed = _failed(people)
    client.force_login(people.admin)
    response = client.post(f"/mail/outbox/{failed.pk}/retry")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (OutboundState.QUEUED, 0)
    assert AuditEvent.objects.filter(
        kind="mail.outbound_retried", object_id=failed.pk, actor=people.admin
    ).exists()
    sweep_mail.call_local()
    failed.refresh_from_db()
    assert failed.state == OutboundState.SENT
    assert [m["Subject"] for m in smtp_server.messages] == ["SLA breached"]
    again = client.post(f"/mail/outbox/{failed.pk}/retry")  # already sent: refused with the reason
    assert (
        again.status_code == 409 and "Only an email that failed can be sent again." in again.content.decode()
    )


def test_a_failed_sign_in_link_cannot_be_sent_again_its_token_is_gone(people, client):
    failed = _failed(people, sensitive=True, body_text=REDACTED)
    client.force_login(people.admin)
    response = client.post(f"/mail/outbox/{failed.pk}/retry")
    assert response.status_code == 409 and "one-time link" in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == OutboundState.FAILED
