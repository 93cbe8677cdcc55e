"""Admins manage mailboxes in the product: secrets are write-only, bad input is a 400 beside the field."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client

from anchordesk.core.models import AuditEvent
from anchordesk.mail.models import Mailbox

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Support",
    "address": "support@example.test",
    "team": "",
    "host": "imap.example.test",
    "port": "993",
    "security": "ssl",
    "username": "support@example.test",
    "password_new": "s3cret-imap-password",
    "folder": "INBOX",
    "processed_folder": "",
    "active": "on",
}


def _admin(people) -> Client:
    client = Client()
    client.force_login(people.admin)
    return client


def _stored(box: Mailbox, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM mail_mailbox WHERE id = %s", [box.pk])
        return cursor.fetchone()[0]


def test_an_admin_adds_a_mailbox_and_its_password_is_stored_encrypted_and_never_shown(people):
    client = _admin(people)
    response = client.post("/mail/mailboxes/new/", {**FORM, "team": people.support.pk})
    box = Mailbox.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mail/mailboxes/{box.pk}/"
    assert box.password == "s3cret-imap-password" and box.team == people.support
    assert "s3cret-imap-password" not in _stored(box, "password")

    page = client.get(response["Location"]).content.decode()
    assert "s3cret-imap-password" not in page and _stored(box, "password") not in page
    assert re.search(r'data-secret="password".*?<span class="badge secret-state">set</span>', page, re.S)
    assert re.search(
        r'data-secret="oauth2_token".*?<span class="badge secret-state">not set</span>', page, re.S
    )
    assert "Test connection" in page
    event = AuditEvent.objects.get(kind="mail.mailbox.created")
    assert event.after["secrets"] == {"password": "replaced"}
    assert "s3cret" not in str(event.after)


def test_leaving_the_password_empty_keeps_it_and_clear_removes_it(people):
    client = _admin(people)
    box = Mailbox.objects.create(
        name="Support",
        address="support@example.test",
        host="imap.example.test",
        username="u",
        password="old-pw",
    )
    edit = {**FORM, "password_new": "", "oauth2_token_new": "tok-123", "name": "Support desk"}
    assert client.post(f"/mail/mailboxes/{box.pk}/", edit).status_code == 302
    box.refresh_from_db()
    assert (box.name, box.password, box.oauth2_token) == ("Support desk", "old-pw", "tok-123")

    edit = {**edit, "oauth2_token_new": "", "password_clear": "on"}
    assert client.post(f"/mail/mailboxes/{box.pk}/", edit).status_code == 302
    box.refresh_from_db()
    assert (box.password, box.oauth2_token) == ("", "tok-123")


def test_a_generated_push_secret_is_shown_once(people):
    client = _admin(people)
    response = client.post("/mail/mailboxes/new/", {**FORM, "push_secret_generate": "on"}, follow=True)
    box = Mailbox.objects.get()
    assert len(box.push_secret) >= 32
    assert box.push_secret in response.content.decode()  # once, in the flash message
    assert box.push_secret not in client.get(f"/mail/mailboxes/{box.pk}/").content.decode()


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"address": "not-an-address"}, "address", "Enter a valid email address."),
        ({"port": "99999"}, "port", "less than or equal to 65535"),
        ({"port": "abc"}, "port", "Enter a whole number."),
        ({"security": "quantum"}, "security", "Select a valid choice."),
        ({"host": "imaps://imap.example.test:993"}, "host", "Only the server's name"),
        ({"username": ""}, "username", "Enter the user name"),
        ({"password_new": ""}, "password_new", "Enter the password (or an OAuth2 token)"),
        ({"push_secret_new": "short"}, "push_secret_new", "at least 16 characters"),
        ({"team": "999999"}, "team", "Select a valid choice."),
        ({"folder": ""}, "folder", "This field is required."),
    ],
)
def test_bad_mailbox_input_is_a_400_with_the_reason_beside_the_field(people, change, field, reason):
    response = _admin(people).post("/mail/mailboxes/new/", {**FORM, **change})
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'<p class="field-error" data-field="{field}">(.*?)</p>', html)
    assert error and reason in unescape(error.group(1)), html
    assert "s3cret-imap-password" not in html  # a typed secret is not echoed back either
    assert not Mailbox.objects.exists()


def test_a_duplicate_address_is_a_field_error(people):
    Mailbox.objects.create(name="Other", address="support@example.test")
    response = _admin(people).post("/mail/mailboxes/new/", FORM)
    assert response.status_code == 400
    assert 'data-field="address"' in response.content.decode()


def test_only_admins_manage_mailboxes(people):
    box = Mailbox.objects.create(name="Support", address="support@example.test")
    for persona in (people.lead, people.agent):
        client = Client()
        client.force_login(persona)
        assert client.get("/mail/mailboxes/new/").status_code == 403
        assert client.post(f"/mail/mailboxes/{box.pk}/", FORM).status_code == 403
        assert client.post(f"/mail/mailboxes/{box.pk}/test").status_code == 403
    box.refresh_from_db()
    assert box.host == ""


def test_the_django_admin_never_shows_a_mailbox_secret(people):
    from anchordesk.accounts.choices import Role
    from tests import factories

    root = factories.make_user(Role.ADMIN, username="root", is_staff=True, is_superuser=True)
    box = Mailbox.objects.create(name="Support", address="support@example.test", password="admin-pw-123")
    client = Client()
    client.force_login(root)
    page = client.get(f"/admin/mail/mailbox/{box.pk}/change/").content.decode()
    assert "admin-pw-123" not in page and 'name="password"' not in page


def test_test_connection_answers_in_plain_words_as_a_page_or_an_htmx_fragment(people):
    box = Mailbox.objects.create(name="Push only", address="push@example.test")
    client = _admin(people)
    page = client.post(f"/mail/mailboxes/{box.pk}/test")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<form method="post" class="card"' in html  # the whole page, the form below the result
    assert "this mailbox only gets push or pipe mail" in html and 'data-stage="setup"' in html

    fragment = client.post(f"/mail/mailboxes/{box.pk}/test", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="diagnosis"') and "<html" not in fragment
    assert "this mailbox only gets push or pipe mail" in fragment
    assert client.get(f"/mail/mailboxes/{box.pk}/test").status_code == 405  # testing is a POST
