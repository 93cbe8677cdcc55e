"""Secrets at rest: encrypted with ANCHORDESK_ENCRYPTION_KEY, readable across a key rotation,
plain text from before the migration encrypted by `rotate_secrets`, a warning when no key is set."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection

from anchordesk.core.crypto import PREFIX
from anchordesk.integrations.actions import do_create_webhook
from anchordesk.integrations.models import Webhook
from anchordesk.mail.models import Mailbox

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _fernet_for(key: str, stored: str) -> str:
    return Fernet(key.encode()).decrypt(stored[len(PREFIX) :].encode()).decode()


def test_a_webhook_secret_is_encrypted_and_still_signs(people):
    webhook = do_create_webhook(
        actor=people.admin, url="https://hooks.example.test/in", events=["ticket.created"], description=""
    )
    stored = _raw("integrations_webhook", "secret", webhook.pk)
    assert stored.startswith(PREFIX) and webhook.secret not in stored
    assert Webhook.objects.get(pk=webhook.pk).secret == webhook.secret


def test_rotation_adds_a_key_re_encrypts_and_the_old_key_can_then_go(people, settings):
    settings.ANCHORDESK_ENCRYPTION_KEY = [OLD]
    box = Mailbox.objects.create(name="Support", address="s@example.test", password="imap-pw-1")
    assert _fernet_for(OLD, _raw("mail_mailbox", "password", box.pk)) == "imap-pw-1"

    settings.ANCHORDESK_ENCRYPTION_KEY = [NEW, OLD]  # new first: it encrypts, both decrypt
    assert Mailbox.objects.get(pk=box.pk).password == "imap-pw-1"
    out = StringIO()
    call_command("rotate_secrets", stdout=out)
    assert "Re-encrypted 1 secret(s)" in out.getvalue()
    assert _fernet_for(NEW, _raw("mail_mailbox", "password", box.pk)) == "imap-pw-1"

    settings.ANCHORDESK_ENCRYPTION_KEY = [NEW]  # the old key is gone: still readable
    assert Mailbox.objects.get(pk=box.pk).password == "imap-pw-1"


def test_plain_text_from_before_the_migration_reads_and_gets_encrypted(people):
    box = Mailbox.objects.create(name="Support", address="s@example.test")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE mail_mailbox SET password = %s WHERE id = %s", ["legacy-plain", box.pk])
    assert Mailbox.objects.get(pk=box.pk).password == "legacy-plain"
    call_command("rotate_secrets", stdout=StringIO())
    stored = _raw("mail_mailbox", "password", box.pk)
    assert stored.startswith(PREFIX) and "legacy-plain" not in stored
    assert Mailbox.objects.get(pk=box.pk).password == "legacy-plain"


def test_check_warns_when_no_key_is_set_and_errs_on_a_bad_one(settings):
    settings.ANCHORDESK_ENCRYPTION_KEY = []
    assert "anchordesk.W001" in {m.id for m in run_checks()}
    settings.ANCHORDESK_ENCRYPTION_KEY = [NEW]
    assert not {"anchordesk.W001", "anchordesk.E001"} & {m.id for m in run_checks()}
    settings.ANCHORDESK_ENCRYPTION_KEY = ["not-a-key"]
    assert "anchordesk.E001" in {m.id for m in run_checks()}
