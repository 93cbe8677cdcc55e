"""Handoffs beyond the basics: the collaborator's own page, progress and the prompt on the ticket,
solving by reply with a handoff open, and a handoff emailed to someone without an account."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import time_machine
from django.core import mail
from django.utils import timezone

from anchordesk.collab.actions import (
    do_comment_on_handoff,
    do_open_handoff,
    do_scan_overdue_handoffs,
    do_set_handoff_status,
)
from anchordesk.collab.choices import HandoffStatus
from anchordesk.collab.models import Handoff, HandoffComment
from anchordesk.core.models import AuditEvent
from anchordesk.mail.ingest import process_inbound, store_raw
from anchordesk.mail.models import InboundState, OutboundEmail, OutboundState, Source
from anchordesk.tickets.actions import do_reply
from anchordesk.tickets.choices import Status
from anchordesk.tickets.models import Ticket
from tests.factories import make_ticket
from tests.mail.mailfactory import raw_email


def _open(people, ticket, **kw):
    values = {"team": people.engineering, "subject": "Sync fails", "needed": "Check the sync logs"}
    values.update(kw)
    return do_open_handoff(ticket, actor=people.agent, **values)


def test_a_collaborator_signing_in_lands_on_their_own_handoffs_page(people, client, ticket):
    mine = _open(people, ticket, subject="Orders stuck", assignee=people.collaborator)
    _open(people, ticket, subject="Webhook retries")
    client.force_login(people.collaborator)
    assert client.get("/").url == "/collab/handoffs/"
    page = client.get("/collab/handoffs/").content.decode()
    mine_section = page[page.index('id="focus-mine"') : page.index('id="focus-unassigned"')]
    waiting_section = page[page.index('id="focus-unassigned"') :]
    assert "Orders stuck" in mine_section and "Webhook retries" not in mine_section
    assert "Webhook retries" in waiting_section
    assert client.get("/?view=all").status_code == 200  # their team's tickets stay reachable
    do_set_handoff_status(mine, HandoffStatus.DONE, actor=people.collaborator)
    page = client.get("/collab/handoffs/").content.decode()
    assert "Closed in the last two weeks" in page


def test_agents_keep_the_table_of_handoffs(people, client, ticket):
    _open(people, ticket)
    client.force_login(people.agent)
    page = client.get("/collab/handoffs/").content.decode()
    assert "<table" in page and "Sync fails" in page


def test_progress_shows_on_the_ticket_and_done_prompts_the_agent_to_tell_the_customer(people, client, ticket):
    handoff = _open(people, ticket)
    do_comment_on_handoff(handoff, "Found it: the sync job timed out.", actor=people.collaborator)
    client.force_login(people.agent)
    panel = client.get(f"/collab/tickets/{ticket.pk}/panel").content.decode()
    assert "the sync job timed out" in panel and "1 comment" in panel
    assert "Tell the customer" not in panel

    do_set_handoff_status(handoff, HandoffStatus.DONE, actor=people.collaborator, note="Resynced")
    panel = client.get(f"/collab/tickets/{ticket.pk}/panel").content.decode()
    assert "Update the customer?" in panel and "Tell the customer" in panel

    response = client.post(f"/collab/handoffs/{handoff.pk}/tell-customer")
    assert response.status_code == 302 and response.url == f"/tickets/{ticket.pk}/#composer"
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "our engineering team has finished their part" in page
    assert "What they found: Resynced" in page

    do_reply(ticket, "Good news: it ships today.", actor=people.agent)
    panel = client.get(f"/collab/tickets/{ticket.pk}/panel").content.decode()
    assert "Tell the customer" not in panel  # answered: the prompt goes away


def test_only_agents_can_start_the_customer_update(people, client, ticket):
    handoff = _open(people, ticket)
    client.force_login(people.collaborator)
    assert client.post(f"/collab/handoffs/{handoff.pk}/tell-customer").status_code == 404
    assert client.get(f"/collab/handoffs/{handoff.pk}/tell-customer").status_code in (404, 405)
    client.logout()
    assert client.post(f"/collab/handoffs/{handoff.pk}/tell-customer").status_code == 302


def test_solving_by_reply_with_an_open_handoff_asks_first(people, client, ticket):
    _open(people, ticket, subject="Refund the fee")
    client.force_login(people.agent)
    data = {"body": "All sorted, closing this.", "status": "solved", "version": ticket.version}
    asked = client.post(f"/tickets/{ticket.pk}/reply", data)
    assert asked.status_code == 409
    page = asked.content.decode()
    assert "Refund the fee" in page and "Solve anyway" in page
    assert "All sorted, closing this." in page  # the draft is kept
    ticket.refresh_from_db()
    assert ticket.status != Status.SOLVED and not ticket.messages.filter(kind="reply").exists()

    sent = client.post(f"/tickets/{ticket.pk}/reply", {**data, "confirm_open_work": "1"})
    assert sent.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED


def test_a_bad_outside_address_is_a_400_naming_the_field(people, client, ticket):
    client.force_login(people.agent)
    response = client.post(
        f"/collab/tickets/{ticket.pk}/handoffs/new",
        {"team": people.engineering.pk, "subject": "S", "needed": "N", "external_email": "not-an-address"},
    )
    assert response.status_code == 400 and "external_email" in response.content.decode()
    ours = client.post(
        f"/collab/tickets/{ticket.pk}/handoffs/new",
        {
            "team": people.engineering.pk,
            "subject": "S",
            "needed": "N",
            "external_email": "support@anchordesk.localhost",
        },
    )
    assert ours.status_code == 400 and "our own support addresses" in ours.content.decode()
    assert not Handoff.objects.exists()


def _reply_to(sent: EmailMessage, *, body: str, subject: str | None = None, to: str | None = None) -> bytes:
    return raw_email(
        sender="Dev Contractor <dev@contractor.test>",
        to=to or str(sent["Reply-To"]),
        subject=subject or f"Re: {sent['Subject']}",
        body=body,
        in_reply_to=str(sent["Message-ID"]),
    )


def test_a_handoff_emailed_outside_the_company_threads_replies_back(
    people, client, ticket, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(people.agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/collab/tickets/{ticket.pk}/handoffs/new",
            {
                "team": people.engineering.pk,
                "subject": "Carrier lost parcel",
                "needed": "Where is parcel 88123?",
                "external_email": "dev@contractor.test",
                "external_name": "Dev",
            },
        )
    assert response.status_code == 302
    handoff = Handoff.objects.get()
    outbound = OutboundEmail.objects.get(to=["dev@contractor.test"])
    # The worker (Huey, immediate in tests) sent it on commit through a real SMTP server.
    assert outbound.state == OutboundState.SENT
    [sent] = [m for m in smtp_server.messages if m["To"] == "dev@contractor.test"]
    assert f"[handoff H{handoff.pk}]" in sent["Subject"]
    assert str(sent["Reply-To"]).startswith(f"support+h{handoff.pk}-")
    assert "Where is parcel 88123?" in sent.get_body(("plain",)).get_content()

    reply = _reply_to(sent, body="Found it in the depot, it goes out tomorrow.\n\n> Hello Dev,\n> old text")
    inbound, _ = store_raw(reply, source=Source.PIPE)
    inbound = process_inbound(inbound.pk)
    assert inbound.state == InboundState.PROCESSED and inbound.ticket_id == ticket.pk
    comment = HandoffComment.objects.get(handoff=handoff)
    assert comment.author_email == "dev@contractor.test" and comment.author is None
    assert comment.body == "Found it in the depot, it goes out tomorrow."
    assert Ticket.objects.count() == 1  # no ticket was opened for the contractor
    assert AuditEvent.objects.filter(ticket=ticket, kind="handoff.emailed").exists()
    page = client.get(f"/collab/handoffs/{handoff.pk}/").content.decode()
    assert "it goes out tomorrow" in page and "by email" in page

    # The agent answers on the handoff page: the contractor gets it by email, and can answer again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/collab/handoffs/{handoff.pk}/comment", {"body": "Thanks! Can you send the tracking link?"}
        )
    follow_up = OutboundEmail.objects.filter(to=["dev@contractor.test"]).order_by("-id").first()
    assert follow_up is not None and follow_up.pk != outbound.pk
    assert follow_up.state == OutboundState.SENT
    assert "tracking link" in smtp_server.messages[-1].get_body(("plain",)).get_content()


def test_a_forged_handoff_token_does_not_thread(people, ticket):
    handoff = _open(people, ticket, external_email="dev@contractor.test")
    forged = raw_email(
        sender="Mallory <mallory@evil.test>",
        to=f"support+h{handoff.pk}-deadbeef@anchordesk.localhost",
        subject=f"Re: Sync fails [handoff H{handoff.pk}]",
        body="Please wire the refund to me.",
    )
    inbound, _ = store_raw(forged, source=Source.PIPE)
    inbound = process_inbound(inbound.pk)
    assert not HandoffComment.objects.filter(handoff=handoff).exists()
    assert inbound.ticket_id != ticket.pk  # it became an ordinary new ticket from Mallory


def test_the_subject_token_threads_only_from_the_outside_contact(people, ticket):
    handoff = _open(people, ticket, external_email="dev@contractor.test")
    raw = raw_email(
        sender="dev@contractor.test",
        to="support@anchordesk.localhost",
        subject=f"Re: Sync fails [handoff H{handoff.pk}]",
        body="Fixed on our side.",
    )
    inbound, _ = store_raw(raw, source=Source.PIPE)
    assert process_inbound(inbound.pk).state == InboundState.PROCESSED
    assert HandoffComment.objects.get(handoff=handoff).body == "Fixed on our side."


def test_an_overdue_handoff_reminds_its_team_and_the_agent_once(
    people, ticket, django_capture_on_commit_callbacks
):
    handoff = _open(people, ticket, due_on=timezone.localdate() + timedelta(days=1))
    mail.outbox.clear()
    assert do_scan_overdue_handoffs() == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        with django_capture_on_commit_callbacks(execute=True):
            assert do_scan_overdue_handoffs() == 1
        assert do_scan_overdue_handoffs() == 0  # once
    [reminder] = mail.outbox
    assert set(reminder.to) == {people.collaborator.email, people.agent.email}
    assert "Overdue handoff" in reminder.subject
    assert AuditEvent.objects.filter(ticket=ticket, kind="handoff.overdue", object_id=handoff.pk).exists()


def test_bulk_solving_leaves_a_ticket_with_an_open_handoff_and_says_why(people, client, ticket):
    _open(people, ticket, subject="Refund the fee")
    other = make_ticket(people.customer, team=people.support, assignee=people.agent)
    client.force_login(people.agent)
    response = client.post(
        "/inbox/bulk", {"op": "status", "status": "solved", "ticket": [ticket.pk, other.pk]}, follow=True
    )
    page = response.content.decode()
    assert f"#{ticket.pk} was not changed" in page and "Refund the fee" in page
    assert Ticket.objects.get(pk=ticket.pk).status != Status.SOLVED
    assert Ticket.objects.get(pk=other.pk).status == Status.SOLVED
