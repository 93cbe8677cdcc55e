"""Who is calling the API: a personal bearer token, or the browser's session (with CSRF).

Tokens are looked up by their sha256 hash on every request, with no cache, so a revoked
token stops working at once. last_used_at is written at most once a minute per token.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from anchordesk.accounts.models import ApiToken, User, hash_token
from anchordesk.core.access import access_admin_work, access_lead_work, access_ticket_work

LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        # Kept on the request for the endpoints that report which token was used; the stubs' HttpRequest has no such field.
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class StaffSessionAuth(SessionAuth):
    """The signed-in agent's browser session. Unsafe methods need the CSRF token, as in the UI.

    The CSRF check only guards a session: a request that carries a bearer token (good or bad) or no
    signed-in session at all is not a browser request, so it gets 401 from the failed authentication
    instead of a 403 about a CSRF cookie it never had.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return None  # a token request is judged by its token alone
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no session: 401 from ninja, not a complaint about a CSRF cookie
        return super().__call__(request)  # CSRF check, then the session's user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


def auth_of(request: HttpRequest) -> object:
    """What the operation's authentication answered (django-ninja sets `request.auth`; the stubs'
    HttpRequest does not declare it)."""
    return getattr(request, "auth", None)


def current_user(request: HttpRequest) -> User:
    user = auth_of(request)
    assert isinstance(user, User)
    return user


# The API's role gates are the shared ones (anchordesk/core/access.py). In the API a role refusal
# is 403 wherever it is raised; an object the caller may not see is 404 from its access_* lookup.


def require_ticket_worker(user: User) -> None:
    """Agents, leads and admins work tickets; collaborators only answer on their teams' tickets."""
    access_ticket_work(user, status=403)


def require_lead(user: User) -> None:
    access_lead_work(user, status=403)


def require_admin(user: User) -> None:
    access_admin_work(user, status=403)
