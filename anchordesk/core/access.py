"""Who is asking, for views: one place for "signed in", "agents only" and "leads only".

Outsiders get 404, the same answer as for something that does not exist, so nothing
leaks about what is there.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from anchordesk.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise Http404
    return user


def require_agent(request: HttpRequest) -> User:
    """Agents, leads and admins: the people who work tickets."""
    user = signed_in_user(request)
    if not user.works_tickets:
        raise Http404
    return user


def require_lead(request: HttpRequest) -> User:
    user = require_agent(request)
    if not user.is_lead:
        raise Http404
    return user


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as {field: [reasons]}, whether it was raised with a dict or a message."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
