"""The ticket page in the web UI: access, reply with status, notes, sidebar forms, presence, stale replies."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anchordesk.tickets.actions import (
    do_add_customer_message,
    do_add_note,
    do_change_tags,
    do_reply,
    do_set_priority,
    do_set_status,
)
from anchordesk.tickets.choices import FieldType, MessageKind, Priority, Status
from anchordesk.tickets.models import CustomField, Message, Presence, Ticket, TicketLink
from tests import factories
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(people: Personas) -> Ticket:
    return factories.make_ticket(people.customer, subject="Cannot log in", team=people.support)


@pytest.fixture
def alice(client: Client, people: Personas) -> Client:
    client.force_login(people.agent)
    return client


def page(client: Client, ticket: Ticket) -> str:
    response = client.get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def presence_url(ticket: Ticket, typing: bool = False) -> str:
    return reverse("api-v1:ticket_presence", args=[ticket.pk]) + ("?typing=true" if typing else "")


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "reply", "note", "properties", "presence/leave"])
def test_anonymous_visitor_is_sent_to_sign_in(client: Client, ticket: Ticket, suffix: str) -> None:
    url = f"/tickets/{ticket.pk}/{suffix}"
    response = client.post(url, {"body": "hi"}) if suffix else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")
    assert ticket.messages.count() == 1


def test_an_anonymous_presence_ping_is_refused(client: Client, ticket: Ticket) -> None:
    assert client.post(presence_url(ticket)).status_code == 401
    assert not Presence.objects.exists()


def test_missing_and_forbidden_tickets_are_the_same_404(
    client: Client, people: Personas, ticket: Ticket
) -> None:
    client.force_login(people.collaborator)  # engineering; the ticket is support's
    forbidden = client.get(f"/tickets/{ticket.pk}/")
    missing = client.get("/tickets/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert "Cannot log in" not in forbidden.content.decode()


def test_collaborator_cannot_reply_on_a_ticket_of_another_team(
    client: Client, people: Personas, ticket: Ticket
) -> None:
    client.force_login(people.collaborator)
    assert client.post(f"/tickets/{ticket.pk}/reply", {"body": "Sneaky"}).status_code == 404
    assert client.post(presence_url(ticket)).status_code == 404
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()


def test_collaborator_opens_a_ticket_of_their_team(client: Client, people: Personas) -> None:
    handoff = factories.make_ticket(people.customer, subject="Crash on upload", team=people.engineering)
    client.force_login(people.collaborator)
    assert "Crash on upload" in page(client, handoff)


def test_ticket_page_shows_header_conversation_and_customer_sidebar(
    alice: Client, people: Personas, ticket: Ticket
) -> None:
    older = factories.make_ticket(people.customer, subject="Old invoice question")
    do_add_note(ticket, "Checked the auth logs", actor=people.agent2)
    body = page(alice, ticket)
    assert f"#{ticket.pk}" in body
    assert "Cannot log in" in body
    assert "Carol Customer" in body and "carol@acme.test" in body and "Acme" in body
    assert f'href="/tickets/{older.pk}/"' in body
    assert "Checked the auth logs" in body


def test_ticket_page_get_changes_nothing(alice: Client, ticket: Ticket) -> None:
    version = ticket.version
    page(alice, ticket)
    ticket.refresh_from_db()
    assert ticket.version == version
    assert not Presence.objects.exists()


# --- reply and note -----------------------------------------------------------------------


def test_send_and_next_opens_the_next_open_ticket_or_says_none_is_left(
    alice: Client, people: Personas, ticket: Ticket
) -> None:
    reply = {"body": "Done on our side.", "status": "pending", "then": "next"}
    response = alice.post(f"/tickets/{ticket.pk}/reply", {**reply, "version": ticket.version})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "No other ticket is waiting in your Open view." in alice.get("/").content.decode()

    waiting = factories.make_ticket(people.other_customer, subject="Second in line")
    solved = factories.make_ticket(people.customer, subject="Already solved")
    do_set_status(solved, Status.SOLVED, actor=people.agent)
    ticket.refresh_from_db()
    response = alice.post(f"/tickets/{ticket.pk}/reply", {**reply, "version": ticket.version})
    assert response["Location"] == f"/tickets/{waiting.pk}/"
    assert ticket.messages.filter(kind=MessageKind.REPLY).count() == 2


def test_reply_with_status_change_in_one_step(alice: Client, people: Personas, ticket: Ticket) -> None:
    response = alice.post(
        f"/tickets/{ticket.pk}/reply",
        {"body": "Reset your password from the link I sent.", "status": "pending", "version": ticket.version},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    reply = ticket.messages.get(kind=MessageKind.REPLY)
    assert reply.author == people.agent
    body = alice.get(response["Location"]).content.decode()
    assert "Reset your password from the link I sent." in body
    assert "Reply sent. The ticket is pending." in body
    assert "changed the status from New to Pending" in body


def test_plain_text_is_escaped_with_line_breaks(alice: Client, people: Personas) -> None:
    ticket = factories.make_ticket(people.customer, body="Line one <b>not bold</b>\nLine two")
    body = page(alice, ticket)
    assert "Line one &lt;b&gt;not bold&lt;/b&gt;<br>Line two" in body


def test_hostile_html_in_a_message_is_rendered_sanitized(alice: Client, people: Personas) -> None:
    ticket = factories.make_ticket(
        people.customer,
        body="Look",
        html='<p>Look</p><img src=x onerror="alert(1)"><script>window.pwned=1</script><a href="javascript:alert(2)">x</a>',
    )
    body = page(alice, ticket)
    timeline = body.split('id="timeline"', 1)[1]
    assert "<p>Look</p>" in timeline
    assert "onerror" not in timeline
    assert "<script>window.pwned" not in timeline
    assert "javascript:" not in timeline


def test_internal_note_is_shown_as_a_note_and_never_sent_as_public(
    alice: Client, people: Personas, ticket: Ticket
) -> None:
    response = alice.post(f"/tickets/{ticket.pk}/note", {"body": "Customer is on the legacy plan"})
    assert response.status_code == 302
    note = ticket.messages.get(body_text="Customer is on the legacy plan")
    assert note.kind == MessageKind.NOTE
    assert not note.is_public
    body = page(alice, ticket)
    assert re.search(rf'class="msg msg-note" id="message-{note.pk}"', body)
    from anchordesk.mail.models import OutboundEmail

    assert not OutboundEmail.objects.filter(ticket_message=note).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": "   "}, "body"),
        ({"body": "Hi", "status": "exploded"}, "status"),
        ({"body": "Hi", "version": "x"}, "version"),
    ],
)
def test_bad_reply_answers_422_naming_the_field_and_keeps_the_draft(
    alice: Client, ticket: Ticket, data: dict[str, str], field: str
) -> None:
    response = alice.post(f"/tickets/{ticket.pk}/reply", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert f'data-field="{field}"' in body
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()
    if data["body"].strip():
        assert f">{data['body']}</textarea>" in body


def test_empty_note_answers_422(alice: Client, ticket: Ticket) -> None:
    response = alice.post(f"/tickets/{ticket.pk}/note", {"body": ""})
    assert response.status_code == 422
    assert 'data-field="body"' in response.content.decode()


def test_disallowed_attachment_is_refused_with_a_clear_reason(alice: Client, ticket: Ticket) -> None:
    upload = SimpleUploadedFile("invoice.exe", b"MZ\x90\x00", content_type="application/pdf")
    response = alice.post(f"/tickets/{ticket.pk}/reply", {"body": "See attached", "attachments": [upload]})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-field="attachments"' in body and "invoice.exe" in body
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()


def test_attachment_downloads_only_through_the_permission_check(
    client: Client, people: Personas, ticket: Ticket
) -> None:
    client.force_login(people.agent)
    upload = SimpleUploadedFile("steps.txt", b"1. open the app", content_type="text/plain")
    client.post(f"/tickets/{ticket.pk}/reply", {"body": "Steps attached", "attachments": [upload]})
    attachment = ticket.messages.get(kind=MessageKind.REPLY).attachments.get()
    body = page(client, ticket)
    assert f'href="/attachments/{attachment.pk}"' in body
    assert "/media/" not in body
    response = client.get(f"/attachments/{attachment.pk}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"1. open the app"  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(people.collaborator)
    assert client.get(f"/attachments/{attachment.pk}").status_code == 404
    client.logout()
    assert client.get(f"/attachments/{attachment.pk}").status_code == 302


# --- stale reply ----------------------------------------------------------------------------


def test_reply_on_a_ticket_that_changed_warns_and_keeps_the_draft(
    alice: Client, people: Personas, ticket: Ticket
) -> None:
    opened_at = ticket.version
    do_reply(ticket, "I'm looking into it", actor=people.agent2)
    response = alice.post(
        f"/tickets/{ticket.pk}/reply", {"body": "My own answer", "status": "solved", "version": opened_at}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "This ticket changed since you opened it" in body
    assert "<strong>Bob</strong> replied" in body
    assert ">My own answer</textarea>" in body
    assert 'name="force" value="1"' in body
    assert ticket.messages.filter(kind=MessageKind.REPLY).count() == 1

    response = alice.post(
        f"/tickets/{ticket.pk}/reply",
        {"body": "My own answer", "status": "solved", "version": opened_at, "force": "1"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.messages.filter(kind=MessageKind.REPLY).count() == 2
    assert ticket.status == Status.SOLVED


# --- sidebar forms ------------------------------------------------------------------------


def test_properties_form_assigns_and_sets_priority_and_team(
    alice: Client, people: Personas, ticket: Ticket
) -> None:
    response = alice.post(
        f"/tickets/{ticket.pk}/properties",
        {"status": "new", "priority": "3", "assignee": people.agent2.pk, "team": people.engineering.pk},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == people.agent2
    assert ticket.priority == Priority.HIGH
    assert ticket.team == people.engineering
    # Assigning opened the ticket; the untouched status field must not undo that.
    assert ticket.status == Status.OPEN
    body = page(alice, ticket)
    assert "assigned the ticket to Bob" in body
    assert "changed the priority from Normal to High" in body


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "new", "priority": "9"}, "priority"),
        ({"status": "bogus", "priority": "2"}, "status"),
        ({"status": "new", "priority": "2", "assignee": "424242"}, "assignee"),
    ],
)
def test_bad_property_answers_422_naming_the_field(
    alice: Client, ticket: Ticket, data: dict[str, str], field: str
) -> None:
    response = alice.post(f"/tickets/{ticket.pk}/properties", data)
    assert response.status_code == 422
    assert f'data-field="{field}"' in response.content.decode()


def test_collaborator_cannot_be_assigned(alice: Client, people: Personas, ticket: Ticket) -> None:
    response = alice.post(
        f"/tickets/{ticket.pk}/properties",
        {"status": "new", "priority": "2", "assignee": people.collaborator.pk},
    )
    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.assignee_id is None


def test_subject_edit_and_empty_subject(alice: Client, ticket: Ticket) -> None:
    assert alice.post(f"/tickets/{ticket.pk}/subject", {"subject": "Cannot log in on iOS"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.subject == "Cannot log in on iOS"
    response = alice.post(f"/tickets/{ticket.pk}/subject", {"subject": " "})
    assert response.status_code == 422
    assert 'data-field="subject"' in response.content.decode()


def test_tags_are_added_and_removed(alice: Client, ticket: Ticket) -> None:
    alice.post(f"/tickets/{ticket.pk}/tags", {"op": "add", "tag": "vip, Login Issue"})
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["login-issue", "vip"]
    alice.post(f"/tickets/{ticket.pk}/tags", {"op": "remove", "tag": "vip"})
    assert list(ticket.tags.values_list("name", flat=True)) == ["login-issue"]
    response = alice.post(f"/tickets/{ticket.pk}/tags", {"op": "add", "tag": "x" * 60})
    assert response.status_code == 422
    assert 'data-field="tags"' in response.content.decode()


def test_custom_fields_are_typed(alice: Client, ticket: Ticket) -> None:
    CustomField.objects.create(key="refund", label="Refund amount", type=FieldType.NUMBER)
    CustomField.objects.create(key="vip", label="VIP", type=FieldType.BOOLEAN)
    body = page(alice, ticket)
    assert 'name="field_refund" type="number"' in body
    response = alice.post(f"/tickets/{ticket.pk}/fields", {"field_refund": "12.50", "field_vip": "true"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.fields == {"refund": 12.5, "vip": True}
    response = alice.post(f"/tickets/{ticket.pk}/fields", {"field_refund": "a lot"})
    assert response.status_code == 422
    assert 'data-field="fields.refund"' in response.content.decode()


def test_merge_asks_for_confirmation_then_moves_the_conversation(
    alice: Client, people: Personas, ticket: Ticket
) -> None:
    target = factories.make_ticket(people.customer, subject="Login trouble (duplicate)")
    response = alice.post(f"/tickets/{ticket.pk}/merge", {"number": f"#{target.pk}"})
    assert response.status_code == 200
    assert f"Merge #{ticket.pk} into #{target.pk}?" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.merged_into_id is None
    response = alice.post(f"/tickets/{ticket.pk}/merge", {"number": target.pk, "confirm": "1"})
    assert response["Location"] == f"/tickets/{target.pk}/"
    ticket.refresh_from_db()
    assert ticket.merged_into_id == target.pk
    assert ticket.status == Status.CLOSED


@pytest.mark.parametrize("number", ["999999", "abc", ""])
def test_merge_into_a_missing_ticket_answers_422(alice: Client, ticket: Ticket, number: str) -> None:
    response = alice.post(f"/tickets/{ticket.pk}/merge", {"number": number, "confirm": "1"})
    assert response.status_code == 422
    assert 'data-field="number"' in response.content.decode()


def test_merge_into_a_ticket_the_collaborator_cannot_see_is_refused(client: Client, people: Personas) -> None:
    mine = factories.make_ticket(people.customer, team=people.engineering)
    hidden = factories.make_ticket(people.customer, team=people.support)
    client.force_login(people.collaborator)
    response = client.post(f"/tickets/{mine.pk}/merge", {"number": hidden.pk, "confirm": "1"})
    assert response.status_code == 422
    assert f"There is no ticket #{hidden.pk}" in response.content.decode()


def test_link_and_unlink_a_related_ticket(alice: Client, people: Personas, ticket: Ticket) -> None:
    other = factories.make_ticket(people.other_customer, subject="Same outage")
    alice.post(f"/tickets/{ticket.pk}/links", {"op": "link", "number": other.pk})
    assert TicketLink.objects.count() == 1
    assert "Same outage" in page(alice, ticket)
    alice.post(f"/tickets/{ticket.pk}/links", {"op": "unlink", "number": other.pk})
    assert TicketLink.objects.count() == 0
    response = alice.post(f"/tickets/{ticket.pk}/links", {"op": "link", "number": ticket.pk})
    assert response.status_code == 422
    assert 'data-field="number"' in response.content.decode()


# --- presence -----------------------------------------------------------------------------


def test_presence_shows_who_else_is_viewing_and_typing(
    client: Client, people: Personas, ticket: Ticket
) -> None:
    alice, bob = Client(), Client()
    alice.force_login(people.agent)
    bob.force_login(people.agent2)
    assert presence_url(ticket) in page(alice, ticket)  # the page's script asks the API
    assert alice.post(presence_url(ticket)).json()["others"] == []
    seen_by_bob = bob.post(presence_url(ticket)).json()
    assert seen_by_bob["others"] == [{"name": "Alice", "typing": False}]
    assert seen_by_bob["version"] == ticket.version
    alice.post(presence_url(ticket, typing=True))
    assert bob.post(presence_url(ticket)).json()["others"] == [{"name": "Alice", "typing": True}]
    assert "Bob is viewing" in page(alice, ticket)
    assert alice.post(f"/tickets/{ticket.pk}/presence/leave").status_code == 204
    assert bob.post(presence_url(ticket)).json()["others"] == []


def test_presence_needs_post(alice: Client, ticket: Ticket) -> None:
    assert alice.get(presence_url(ticket)).status_code == 405


def test_the_pages_presence_ping_needs_its_csrf_token(people: Personas, ticket: Ticket) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people.agent)
    assert browser.post(presence_url(ticket)).status_code == 403
    assert not Presence.objects.exists()
    browser.get(f"/tickets/{ticket.pk}/")  # the page sets the CSRF cookie its script sends back
    token = browser.cookies["csrftoken"].value
    assert browser.post(presence_url(ticket), headers={"X-CSRFToken": token}).status_code == 200
    assert Presence.objects.filter(ticket=ticket, user=people.agent).exists()


def test_presence_reports_a_newer_version_after_a_change(
    alice: Client, people: Personas, ticket: Ticket
) -> None:
    opened = alice.post(presence_url(ticket)).json()["version"]
    do_set_priority(ticket, Priority.URGENT, actor=people.agent2)
    assert alice.post(presence_url(ticket)).json()["version"] > opened


# --- query counts -------------------------------------------------------------------------


def _grow(ticket: Ticket, people: Personas, n: int) -> None:
    for i in range(n):
        do_add_customer_message(ticket, f"Still broken {i}", customer=people.customer)
        do_reply(ticket, f"Working on it {i}", actor=people.agent2 if i % 2 else people.agent)
        if i % 3 == 0:
            do_add_note(ticket, f"Note {i}", actor=people.lead)
            do_change_tags(ticket, actor=people.agent, add=[f"t{i}"])


def test_ticket_page_uses_the_same_number_of_queries_for_4_and_35_messages(
    alice: Client, people: Personas, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    small = factories.make_ticket(people.customer)
    big = factories.make_ticket(people.customer)
    _grow(small, people, 1)
    _grow(big, people, 15)
    assert Message.objects.filter(ticket=small).count() <= 4
    assert Message.objects.filter(ticket=big).count() >= 30
    page(alice, small)  # warm the session and caches
    with CaptureQueriesContext(connection) as baseline:
        page(alice, small)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        body = page(alice, big)
    assert "Working on it 14" in body
