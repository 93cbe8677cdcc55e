"""No code in the package sends mail itself: every email goes through the durable outbox.

A direct send is lost when the SMTP server is down and can go out for a change that then
rolls back. This test reads the package's source and fails on any send outside the outbox.
"""

from __future__ import annotations

import re
from pathlib import Path

import anchordesk

PACKAGE = Path(anchordesk.__file__).parent
OUTBOX = PACKAGE / "mail" / "outbox.py"

# What sends mail in Django and the standard library, and the imports that lead to it.
DIRECT_SEND = re.compile(
    r"""
      \bsend_mail\s*\(
    | \bsend_mass_mail\s*\(
    | \bmail_(?:admins|managers)\s*\(
    | \bEmailMessage\s*\(
    | \bEmailMultiAlternatives\s*\(
    | \.send_messages\s*\(
    | \.send\(\s*(?!sender\b)           # mail.send(); a Django signal's .send(sender=...) is not mail
    | \bget_connection\s*\(             # a mail connection (transaction.get_connection() is allowed below)
    | \bimport\s+smtplib\b
    | \bfrom\s+smtplib\b
    | \bfrom\s+django\.core\s+import\s+mail\b
    | \bfrom\s+django\.core\.mail\b
    | \bdjango\.core\.mail\.(?!backends\.)  # naming a backend in settings is not sending
    """,
    re.VERBOSE,
)
ALLOWED = [re.compile(r"transaction\.get_connection\(\)")]


def direct_sends(source: str) -> list[str]:
    """The lines of this source that send mail without the outbox."""
    found = []
    for line in source.splitlines():
        code = line.split("#", 1)[0]
        for allowed in ALLOWED:
            code = allowed.sub("", code)
        if DIRECT_SEND.search(code):
            found.append(line.strip())
    return found


def test_no_module_but_the_outbox_sends_mail() -> None:
    offenders = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != OUTBOX and "migrations" not in path.parts
        for lines in [direct_sends(path.read_text(encoding="utf-8"))]
        if lines
    }
    assert offenders == {}, "send these through anchordesk.mail.outbox.do_queue_email instead"


def test_the_outbox_is_where_mail_is_sent() -> None:
    # The scan looks at the right place: the one module allowed to send does send.
    assert direct_sends(OUTBOX.read_text(encoding="utf-8"))


def test_the_scan_catches_each_way_of_sending() -> None:
    caught = [
        "from django.core.mail import send_mail",
        "send_mail(subject, body, None, [to])",
        "send_mass_mail(messages)",
        "mail_admins('x', 'y')",
        "EmailMessage(subject, body, to=[to]).send()",
        "EmailMultiAlternatives(subject, body)",
        "get_connection().send_messages(messages)",
        "connection = get_connection(fail_silently=False)",
        "message.send(fail_silently=True)",
        "from django.core import mail",
        "import smtplib",
        "django.core.mail.send_mail('x', 'y', None, [to])",
    ]
    allowed = [
        "assert not transaction.get_connection().in_atomic_block",
        "post_save.send(sender=Ticket, instance=ticket)",
        "do_queue_email(to=[to], subject=s, body=b, kind='digest.weekly')",
        "# send_mail( was used here once",
        'EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"',
    ]
    assert [line for line in caught if not direct_sends(line)] == []
    assert [line for line in allowed if direct_sends(line)] == []
