"""Portal test helpers: a customer signed in to the portal, and uploaded files."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anchordesk.accounts.models import Customer
from anchordesk.portal.auth import SESSION_KEY
from tests.outbox import deliver_outbox

LINK_RE = re.compile(r"https?://[^\s]+/portal/sign-in/([A-Za-z0-9_\-]+)")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # The rate-limit counters live in the (process-wide) cache; each test starts from zero.
    cache.clear()


def portal_client(customer: Customer) -> Client:
    """A browser already signed in to the portal as this customer."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = customer.pk
    session.save()
    return client


def emailed_token(to: str) -> str:
    """The token from the last sign-in email sent to this address."""
    sent = [m for m in deliver_outbox() if to in m.to]
    assert sent, f"no email to {to}"
    match = LINK_RE.search(str(sent[-1].body))
    assert match, sent[-1].body
    return match.group(1)


def upload(name: str = "screenshot.png", content: bytes = b"\x89PNG fake image bytes") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
