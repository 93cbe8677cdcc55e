from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from anchordesk.accounts.models import User


class EmailOrUsernameBackend(ModelBackend):
    """Agents sign in with their email address (or username); matching is case-insensitive."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = User.objects.filter(Q(email__iexact=username) | Q(username__iexact=username)).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing tells nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
