"""Our addresses: Message-IDs we mint and the ticket and handoff tokens in the reply address."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from email.utils import parseaddr

from django.conf import settings

from anchordesk.core.snapshot import cached
from anchordesk.mail.models import Mailbox

_TOKEN = re.compile(r"\+t(\d{1,12})-([0-9a-f]{8})@", re.IGNORECASE)
_SUBJECT_TOKEN = re.compile(r"\[#(\d{1,12})\]")
# A handoff emailed to someone without an account: support+h7-1a2b3c4d@..., subject "[handoff H7]".
_HANDOFF_TOKEN = re.compile(r"\+h(\d{1,12})-([0-9a-f]{8})@", re.IGNORECASE)
_HANDOFF_SUBJECT_TOKEN = re.compile(r"\[handoff H(\d{1,12})\]", re.IGNORECASE)


def _signature(ticket_id: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"ticket:{ticket_id}".encode(), hashlib.sha256).hexdigest()[:8]


def reply_address(ticket_id: int) -> str:
    """support+t42-1a2b3c4d@example.com: replies find their ticket even without threading headers."""
    name, address = parseaddr(settings.MAIL_REPLY_ADDRESS)
    local, _, domain = address.partition("@")
    return f"{local}+t{ticket_id}-{_signature(ticket_id)}@{domain}"


def ticket_from_addresses(addresses: list[str]) -> int | None:
    """The ticket named by a signed token in any recipient address; forged tokens are ignored."""
    for address in addresses:
        match = _TOKEN.search(address or "")
        if match and hmac.compare_digest(match.group(2).lower(), _signature(int(match.group(1)))):
            return int(match.group(1))
    return None


def _handoff_signature(handoff_id: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"handoff:{handoff_id}".encode(), hashlib.sha256).hexdigest()[:8]


def handoff_reply_address(handoff_id: int) -> str:
    """support+h7-1a2b3c4d@example.com: replies from outside the company find their handoff."""
    _, address = parseaddr(settings.MAIL_REPLY_ADDRESS)
    local, _, domain = address.partition("@")
    return f"{local}+h{handoff_id}-{_handoff_signature(handoff_id)}@{domain}"


def handoff_subject_token(handoff_id: int) -> str:
    return f"[handoff H{handoff_id}]"


def handoff_from_addresses(addresses: list[str]) -> int | None:
    """The handoff named by a signed token in any recipient address; forged tokens are ignored."""
    for address in addresses:
        match = _HANDOFF_TOKEN.search(address or "")
        if match and hmac.compare_digest(match.group(2).lower(), _handoff_signature(int(match.group(1)))):
            return int(match.group(1))
    return None


def handoff_from_subject(subject: str) -> int | None:
    match = _HANDOFF_SUBJECT_TOKEN.search(subject or "")
    return int(match.group(1)) if match else None


def ticket_from_subject(subject: str) -> int | None:
    match = _SUBJECT_TOKEN.search(subject or "")
    return int(match.group(1)) if match else None


def new_message_id() -> str:
    domain = parseaddr(settings.MAIL_REPLY_ADDRESS)[1].partition("@")[2] or "anchordesk.localhost"
    return f"<{secrets.token_hex(12)}@{domain}>"


def normalize_message_id(value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if not value.startswith("<"):
        value = f"<{value}>"
    return value


def our_addresses() -> set[str]:
    ours = {parseaddr(settings.MAIL_REPLY_ADDRESS)[1].lower()}
    ours.update(
        a.lower()
        for a in cached("mail.addresses", lambda: list(Mailbox.objects.values_list("address", flat=True)))
    )
    return ours


def is_our_address(address: str, ours: set[str] | None = None) -> bool:
    """Whether mail from or to this address is our own; pass `ours` to check many with one query."""
    ours = our_addresses() if ours is None else ours
    address = (address or "").lower()
    local, _, domain = address.partition("@")
    base = f"{local.split('+', 1)[0]}@{domain}"
    return address in ours or base in ours
