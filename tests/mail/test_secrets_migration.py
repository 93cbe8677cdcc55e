"""Upgrading: mail 0006 encrypts the plain-text secrets stored before it, and going back restores them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from anchordesk.core.crypto import PREFIX
from anchordesk.mail.models import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("mail", "0005_outbound_kind_new_contact")]
AFTER = [("mail", "0006_mailbox_secrets_encrypted")]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _raw() -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password, oauth2_token, push_secret FROM mail_mailbox")
        return cursor.fetchone()


def test_the_migration_encrypts_existing_secrets_and_reverses_cleanly():
    _migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mail_mailbox (name, address, host, port, security, username, password, oauth2_token,"
            " folder, processed_folder, push_secret, active, last_error)"
            " VALUES ('Support', 's@example.test', 'imap.example.test', 993, 'ssl', 'u', 'plain-pw', '',"
            " 'INBOX', '', 'plain-push-secret-123', %s, '')",
            [True],
        )
    try:
        _migrate(AFTER)
        password, token, push = _raw()
        assert password.startswith(PREFIX) and push.startswith(PREFIX) and token == ""
        box = Mailbox.objects.get()
        assert (box.password, box.push_secret) == ("plain-pw", "plain-push-secret-123")

        _migrate(BEFORE)
        assert _raw() == ("plain-pw", "", "plain-push-secret-123")
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("mail"))
