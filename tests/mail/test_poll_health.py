"""A mailbox whose poll fails says why on its page, and the next poll that works clears it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from anchordesk.core import leases
from anchordesk.mail.models import Mailbox, Security
from anchordesk.mail.tasks import poll_one_mailbox
from anchordesk.tickets.models import Ticket
from tests.mail.mailfactory import raw_email
from tests.mail.test_imap import _client

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_mailbox_page_shows_why_the_last_poll_failed_until_a_poll_works(people, dovecot):
    with _client(dovecot) as imap:
        imap.append("INBOX", raw_email(subject="Refund please"))
    box = Mailbox.objects.create(
        name="Support",
        address=dovecot.user,
        host=dovecot.host,
        port=dovecot.port,
        security=Security.PLAIN,
        username=dovecot.user,
        password="not-the-password",
    )
    client = Client()
    client.force_login(people.admin)

    poll_one_mailbox(box.pk)  # the queue runs it at once in tests
    html = client.get("/mail/mailboxes/").content.decode()
    error = re.search(r'<p class="flash flash-error mailbox-error"[^>]*>(.*?)</p>', html, re.S)
    assert error, html
    assert "Last poll failed at" in error.group(1)
    assert "The server refused the user name" in error.group(1)  # plain words, not "LoginError"
    assert '<time datetime="' in error.group(1)  # and when
    assert Ticket.objects.count() == 0
    assert leases.acquire(f"poll-mailbox-{box.pk}", heartbeat=False) is not None  # released on failure
    leases.release_all()

    Mailbox.objects.filter(pk=box.pk).update(password=dovecot.password)
    poll_one_mailbox(box.pk)
    html = client.get("/mail/mailboxes/").content.decode()
    assert "mailbox-error" not in html and "refused" not in html
    assert Ticket.objects.get().subject == "Refund please"
    assert 'href="/mail/mailboxes/"' in client.get("/settings/").content.decode()  # on the settings hub

    client.force_login(people.agent)
    assert client.get("/mail/mailboxes/").status_code == 403
