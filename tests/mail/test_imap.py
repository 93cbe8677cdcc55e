from __future__ import annotations

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from anchordesk.mail.imap import PROCESSED_FLAG, poll_mailbox
from anchordesk.mail.models import InboundEmail, Mailbox, Security
from anchordesk.tickets.models import Ticket
from tests.mail.mailfactory import raw_email

pytestmark = pytest.mark.django_db(transaction=True)


def _mailbox(dovecot, **kw) -> Mailbox:
    return Mailbox.objects.create(
        name="Support",
        address=dovecot.user,
        host=dovecot.host,
        port=dovecot.port,
        security=Security.PLAIN,
        username=dovecot.user,
        password=dovecot.password,
        **kw,
    )


def _client(dovecot) -> IMAPClient:
    client = IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    client.login(dovecot.user, dovecot.password)
    return client


def test_polling_turns_new_mail_into_tickets_and_flags_it_on_the_server(dovecot):
    with _client(dovecot) as client:
        for i in range(3):
            client.append("INBOX", raw_email(subject=f"Question {i}", sender=f"c{i}@example.test"))
    box = _mailbox(dovecot)
    result = poll_mailbox(box)
    assert (result.fetched, result.stored) == (3, 3)
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "Question 0",
        "Question 1",
        "Question 2",
    ]
    with _client(dovecot) as client:
        client.select_folder("INBOX")
        flags = client.get_flags(client.search("ALL"))
        assert all(PROCESSED_FLAG in f for f in flags.values())
    again = poll_mailbox(box)
    assert again.fetched == 0 and Ticket.objects.count() == 3


def test_processed_mail_can_be_moved_to_a_folder(dovecot):
    with _client(dovecot) as client:
        client.append("INBOX", raw_email(subject="Move me"))
    poll_mailbox(_mailbox(dovecot, processed_folder="Processed"))
    with _client(dovecot) as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
        assert client.select_folder("Processed")[b"EXISTS"] == 1
    assert Ticket.objects.get().subject == "Move me"


def test_a_message_fetched_again_after_a_crash_is_not_stored_twice(dovecot):
    raw = raw_email(subject="Crash before flagging")
    with _client(dovecot) as client:
        client.append("INBOX", raw)
    box = _mailbox(dovecot)
    poll_mailbox(box)
    with _client(dovecot) as client:  # as if the worker died before flagging
        client.select_folder("INBOX")
        client.remove_flags(client.search("ALL"), [PROCESSED_FLAG])
    result = poll_mailbox(box)
    assert result.fetched == 1 and result.duplicates == 1
    assert InboundEmail.objects.count() == 1 and Ticket.objects.count() == 1


def test_a_wrong_password_is_reported_on_the_mailbox(dovecot):
    box = _mailbox(dovecot)
    box.password = "wrong"
    box.save()
    with pytest.raises(LoginError):
        poll_mailbox(box)
    box.refresh_from_db()
    assert box.last_error
