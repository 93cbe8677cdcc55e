"""Agent-side web UI: shared helpers. The inbox lives in views_inbox.py, the ticket page in views_ticket.py.

Views stay thin: they parse input, look tickets up through tickets/queries.py (so a
forbidden ticket is the same 404 as a missing one) and call tickets/actions.py.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from anchordesk.core.access import signed_in_user

current_user = signed_in_user  # views are wrapped in login_required, so this is the signed-in agent


def safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    """A same-site path to go back to after a POST, never somewhere else."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(value)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return default


def refresh_seconds() -> int:
    return int(getattr(settings, "INBOX_REFRESH_SECONDS", 10))


def presence_seconds() -> int:
    return int(getattr(settings, "PRESENCE_PING_SECONDS", 4))
