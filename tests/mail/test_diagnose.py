"""Test connection: each way a mailbox can be unreachable is said in plain words, against real servers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from django.db import connection
from imapclient.exceptions import LoginError

from anchordesk.core.crypto import PREFIX, UnreadableSecret
from anchordesk.mail.diagnose import FolderMissing, Stage, diagnose
from anchordesk.mail.imap import poll_mailbox
from anchordesk.mail.models import Mailbox, Security
from tests.mail.conftest import free_port
from tests.mail.mailfactory import raw_email
from tests.mail.test_imap import _client

pytestmark = pytest.mark.django_db(transaction=True)


def _box(dovecot, **kw) -> Mailbox:
    fields = {
        "name": "Support",
        "address": dovecot.user,
        "host": dovecot.host,
        "port": dovecot.port,
        "security": Security.PLAIN,
        "username": dovecot.user,
        "password": dovecot.password,
    }
    fields.update(kw)
    return Mailbox.objects.create(**fields)


def test_a_working_mailbox_says_connected_and_how_many_messages_wait(dovecot):
    with _client(dovecot) as imap:
        for i in range(2):
            imap.append("INBOX", raw_email(subject=f"Hello {i}"))
    result = diagnose(_box(dovecot))
    assert result.ok
    assert result.message == "Connected; INBOX has 2 messages."
    assert result.message_count == 2 and "Processed" in result.folders


def test_a_wrong_password_is_the_server_refusing_the_credentials(dovecot):
    result = diagnose(_box(dovecot, password="not-the-password"))
    assert result.stage == Stage.CREDENTIALS
    assert result.message == (
        f"The server refused the user name “{dovecot.user}” or the password. Check both."
    )
    assert "not-the-password" not in result.message + result.detail


def test_a_missing_folder_lists_the_folders_the_server_has(dovecot):
    result = diagnose(_box(dovecot, folder="Support"))
    assert result.stage == Stage.FOLDER
    assert result.message == "The server has no folder named “Support”. It has: INBOX, Processed."

    result = diagnose(_box(dovecot, name="Other", address="other@example.test", processed_folder="Done"))
    assert result.stage == Stage.FOLDER and "no folder named “Done”" in result.message


def test_nothing_listening_is_connection_refused(dovecot):
    port = free_port()  # bound and released: nothing listens there
    result = diagnose(_box(dovecot, port=port))
    assert result.stage == Stage.CONNECT
    assert result.message.startswith(f"Connection refused: nothing is listening on 127.0.0.1:{port}.")


def test_a_host_name_that_does_not_exist_is_a_dns_failure(dovecot):
    result = diagnose(_box(dovecot, host="imap.anchordesk.invalid"))
    assert result.stage == Stage.DNS
    assert "“imap.anchordesk.invalid”" in result.message
    assert result.message.startswith(("No such host", "The name"))


def test_tls_against_a_plain_port_is_a_failed_handshake(dovecot):
    result = diagnose(_box(dovecot, security=Security.SSL))
    assert result.stage == Stage.TLS
    assert result.message.startswith(f"The TLS handshake with {dovecot.host}:{dovecot.port} failed")


def test_starttls_on_a_server_without_it_says_so(dovecot):
    result = diagnose(_box(dovecot, security=Security.STARTTLS))
    assert result.stage == Stage.TLS
    assert f"The server on {dovecot.host}:{dovecot.port} does not offer STARTTLS" in result.message


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never says a word (not an IMAP server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_times_out_in_plain_words(dovecot, silent_server):
    result = diagnose(_box(dovecot, port=silent_server), timeout=1)
    assert result.stage == Stage.CONNECT
    assert "accepted the connection but did not answer in time" in result.message


def test_setup_gaps_are_named_before_any_connection(db):
    box = Mailbox.objects.create(name="Push only", address="push@example.test")
    assert diagnose(box).stage == Stage.SETUP and "only gets push or pipe mail" in diagnose(box).message
    box.host, box.username = "imap.example.test", "me"
    assert diagnose(box).message == "Set a password or an OAuth2 token to sign in with."


def test_the_poller_stores_the_same_plain_words_as_its_last_error(dovecot):
    box = _box(dovecot, password="not-the-password")
    with pytest.raises(LoginError):
        poll_mailbox(box)
    box.refresh_from_db()
    assert box.last_error.startswith("The server refused the user name")

    Mailbox.objects.filter(pk=box.pk).update(password=dovecot.password, folder="Nope")
    box.refresh_from_db()
    with pytest.raises(FolderMissing):
        poll_mailbox(box)
    box.refresh_from_db()
    assert box.last_error == "The server has no folder named “Nope”. It has: INBOX, Processed."


def test_secrets_are_encrypted_in_the_database_and_read_back_plain(dovecot):
    box = _box(dovecot, oauth2_token="", push_secret="push-me")
    with connection.cursor() as cursor:
        cursor.execute("SELECT password, push_secret FROM mail_mailbox WHERE id = %s", [box.pk])
        stored_password, stored_push = cursor.fetchone()
    assert stored_password.startswith(PREFIX) and dovecot.password not in stored_password
    assert stored_push.startswith(PREFIX) and "push-me" not in stored_push
    fresh = Mailbox.objects.get(pk=box.pk)
    assert (fresh.password, fresh.push_secret) == (dovecot.password, "push-me")
    assert diagnose(fresh).ok  # the poller's sign-in reads the decrypted password


def test_a_secret_from_another_key_is_reported_not_sent_as_a_password(dovecot, settings):
    box = _box(dovecot)
    key_it_was_saved_with = list(settings.ANCHORDESK_ENCRYPTION_KEY)
    settings.ANCHORDESK_ENCRYPTION_KEY = ["x" * 43 + "="]  # a different (valid) key
    fresh = Mailbox.objects.get(pk=box.pk)
    assert isinstance(fresh.password, UnreadableSecret)
    result = diagnose(fresh)
    assert result.stage == Stage.SETUP
    assert "cannot be decrypted with ANCHORDESK_ENCRYPTION_KEY" in result.message
    fresh.save()  # saving other fields keeps the ciphertext for when the key comes back
    settings.ANCHORDESK_ENCRYPTION_KEY = key_it_was_saved_with
    assert Mailbox.objects.get(pk=box.pk).password == dovecot.password
