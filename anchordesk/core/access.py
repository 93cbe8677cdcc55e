"""Who may ask: one exception for a refusal, and the gates views, API routes and actions share.

Every refusal raises `NotAllowed`; one place turns it into the answer (docs/access.md):

- signed out: the sign-in page (pages) or 401 (the API, through its authentication);
- an address that names an object (a path parameter ending in `_id`): 404, the same answer as
  for something that does not exist, so nothing leaks about what is there;
- any other address (a settings page, a queue, a dashboard, a list): 403;
- `NotAllowed(..., status=403)` where the user may see the object but not act on it (and in
  actions, and in the API, where every role refusal is 403).

The UI mapping is `NotAllowedMiddleware`; the API's is a ninja exception handler in
anchordesk/api/errors.py. Both call `refusal_status`. Querysets of what a user may see are
`*_visible_to(user)` and fetch-with-check helpers `access_*(user, id)` in each app's queries.py;
those raise `NotAllowed(..., status=404)`, the same answer for a missing object and a forbidden one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse

if TYPE_CHECKING:  # accounts builds on core (audit, registry): core names its users for typing only
    from anchordesk.accounts.models import User


class NotAllowed(PermissionDenied):
    """This user may not do this. A PermissionDenied, so even an unmapped path answers 403, never 500.

    `status` forces the answer (404 or 403) where the address alone does not say it.
    """

    def __init__(self, reason: str = "You are not allowed to do this.", *, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def names_an_object(request: HttpRequest) -> bool:
    """True when the address carries an object's id (e.g. /tickets/<ticket_id>/); a dashboard's
    slug or a step's name is part of a page's address, not an object."""
    match = getattr(request, "resolver_match", None)
    return bool(match and any(name.endswith("_id") for name in match.kwargs))


def refusal_status(request: HttpRequest, exc: NotAllowed) -> int:
    if exc.status is not None:
        return exc.status
    return 404 if names_an_object(request) else 403


def _active_user(user: Any) -> bool:
    # A signed-in, active account (AUTH_USER_MODEL); the anonymous user is neither.
    return user is not None and bool(user.is_authenticated) and bool(user.is_active)


def is_signed_in(request: HttpRequest) -> bool:
    return _active_user(getattr(request, "user", None))


class NotAllowedMiddleware:
    """The UI's one mapping of NotAllowed: sign-in for visitors, 404 for objects, 403 for pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, NotAllowed):
            return None
        # An object's lookup (`access_*`) answers "not found" to everyone alike, signed in or not (the
        # portal and the help center are read signed out); any other refusal asks a visitor to sign in.
        if not is_signed_in(request) and exception.status != 404:
            return redirect_to_login(request.get_full_path())
        if refusal_status(request, exception) == 404:
            return response_for_exception(request, Http404(exception.reason))
        return response_for_exception(request, PermissionDenied(exception.reason))


# --- gates for views: each returns the signed-in user or raises NotAllowed ----------------------
# `settings_page=True` on a settings page (SLAs, webhooks, mailboxes, agents, ...): its address says
# nothing secret, so a refusal is a plain 403 even when it carries an id.


def _status(settings_page: bool) -> int | None:
    return 403 if settings_page else None


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not _active_user(user):
        raise NotAllowed("Sign in first.")
    return cast("User", user)


def require_agent(request: HttpRequest, *, settings_page: bool = False) -> User:
    """Agents, leads and admins: the people who work tickets."""
    user = signed_in_user(request)
    access_ticket_work(user, status=_status(settings_page))
    return user


def require_lead(request: HttpRequest, *, settings_page: bool = False) -> User:
    user = signed_in_user(request)
    access_lead_work(user, status=_status(settings_page))
    return user


def require_admin(request: HttpRequest, *, settings_page: bool = False) -> User:
    user = signed_in_user(request)
    access_admin_work(user, status=_status(settings_page))
    return user


# --- the same rules on a user, for API routes and actions ---------------------------------------


def access_ticket_work(user: User, *, status: int | None = None) -> None:
    """Agents, leads and admins work tickets; collaborators only answer handoffs."""
    if not user.works_tickets:
        raise NotAllowed("Only agents, leads and admins can do this.", status=status)


def access_lead_work(user: User, *, status: int | None = None) -> None:
    if not user.is_lead:
        raise NotAllowed("Only leads and admins can do this.", status=status)


def access_admin_work(user: User, *, status: int | None = None) -> None:
    if not user.is_admin_role:
        raise NotAllowed("Only admins can do this.", status=status)


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as {field: [reasons]}, whether it was raised with a dict or a message."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
