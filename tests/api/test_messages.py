"""Messages over the API: read the conversation, reply, note, customer message, attachments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from anchordesk.mail.models import OutboundEmail
from anchordesk.tickets.choices import Status
from anchordesk.tickets.models import Attachment
from tests import factories
from tests.api.conftest import field_errors


@pytest.fixture
def ticket(people):
    return factories.make_ticket(people.customer, subject="Where is my parcel?", team=people.support)


def test_a_reply_with_a_status_change_reaches_the_customer_in_one_step(people, as_user, ticket):
    api = as_user(people.agent)
    response = api.post(
        f"/tickets/{ticket.pk}/messages",
        {"kind": "reply", "body": "It ships tomorrow, sorry for the wait.", "status": "pending"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "reply" and body["public"] is True
    assert body["author"]["id"] == people.agent.pk
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert ticket.first_response_at is not None
    assert OutboundEmail.objects.filter(ticket=ticket).count() == 1


def test_html_is_sanitized_before_it_is_stored(people, as_user, ticket):
    api = as_user(people.agent)
    body = api.post(
        f"/tickets/{ticket.pk}/messages",
        {"kind": "customer", "body": "See below", "html": '<p onclick="x()">Hi<script>alert(1)</script></p>'},
    ).json()
    assert "script" not in body["html"] and "onclick" not in body["html"]
    assert "Hi" in body["html"]
    assert body["kind"] == "customer" and body["customer"]["id"] == people.customer.pk


def test_notes_are_internal_and_listed_in_order_with_pages(people, as_user, ticket):
    api = as_user(people.agent)
    for i in range(4):
        api.post(f"/tickets/{ticket.pk}/messages", {"kind": "note", "body": f"Note {i}"})
    first = api.get(f"/tickets/{ticket.pk}/messages", {"limit": 3}).json()
    second = api.get(f"/tickets/{ticket.pk}/messages", {"limit": 3, "cursor": first["next_cursor"]}).json()
    bodies = [m["body"] for m in first["items"] + second["items"]]
    assert bodies[0].startswith("Hello, my order")
    assert bodies[1:] == ["Note 0", "Note 1", "Note 2", "Note 3"]
    assert second["next_cursor"] is None
    assert all(m["public"] is False for m in first["items"][1:])


def test_an_empty_or_bad_message_names_the_field(people, as_user, ticket):
    api = as_user(people.agent)
    assert "body" in field_errors(api.post(f"/tickets/{ticket.pk}/messages", {"kind": "reply", "body": "  "}))
    assert "kind" in field_errors(api.post(f"/tickets/{ticket.pk}/messages", {"kind": "shout", "body": "x"}))
    bad_status = api.post(f"/tickets/{ticket.pk}/messages", {"kind": "note", "body": "x", "status": "solved"})
    assert "status" in field_errors(bad_status)


def test_a_reply_on_a_stale_version_is_refused_with_409(people, as_user, ticket):
    api = as_user(people.agent)
    version = api.get(f"/tickets/{ticket.pk}").json()["version"]
    as_user(people.agent2).post(f"/tickets/{ticket.pk}/messages", {"kind": "note", "body": "I'll take it"})
    response = api.post(
        f"/tickets/{ticket.pk}/messages", {"kind": "reply", "body": "Hi", "expected_version": version}
    )
    assert response.status_code == 409


def test_attachments_upload_and_download(people, as_user, ticket):
    api = as_user(people.agent)
    response = api.upload(
        f"/tickets/{ticket.pk}/messages/upload",
        {
            "kind": "note",
            "body": "Photo of the label attached.",
            "attachments": [
                SimpleUploadedFile("label.png", b"\x89PNG fake image", content_type="image/png"),
                SimpleUploadedFile("notes.txt", b"tracking 1Z999", content_type="text/plain"),
            ],
        },
    )
    assert response.status_code == 201, response.content
    files = response.json()["attachments"]
    assert [f["filename"] for f in files] == ["label.png", "notes.txt"]
    download = api.client.get(files[1]["url"], headers=api._headers())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"tracking 1Z999"
    assert "attachment" in download["Content-Disposition"]
    # The engineering collaborator cannot fetch a support ticket's file: same 404 as a missing one.
    outsider = as_user(people.collaborator)
    assert outsider.client.get(files[1]["url"], headers=outsider._headers()).status_code == 404
    assert api.get("/attachments/999999").status_code == 404


def test_a_disallowed_file_type_is_refused_with_the_reason(people, as_user, ticket):
    api = as_user(people.agent)
    response = api.upload(
        f"/tickets/{ticket.pk}/messages/upload",
        {"kind": "note", "body": "x", "attachments": [SimpleUploadedFile("run.exe", b"MZ...")]},
    )
    assert response.status_code == 422
    assert "not accepted" in field_errors(response)["attachments"]
    assert not Attachment.objects.exists()
    assert ticket.messages.count() == 1


@override_settings(ATTACHMENT_MAX_BYTES=10)
def test_a_file_over_the_size_limit_is_refused_with_the_reason(people, as_user, ticket):
    api = as_user(people.agent)
    response = api.upload(
        f"/tickets/{ticket.pk}/messages/upload",
        {"kind": "note", "body": "x", "attachments": [SimpleUploadedFile("big.txt", b"x" * 11)]},
    )
    assert response.status_code == 422
    assert "too large" in field_errors(response)["attachments"]


def test_an_upload_without_files_names_the_missing_field(people, as_user, ticket):
    api = as_user(people.agent)
    response = api.upload(f"/tickets/{ticket.pk}/messages/upload", {"kind": "note", "body": "x"})
    assert response.status_code == 422
    assert "attachments" in field_errors(response)
