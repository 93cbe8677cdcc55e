from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from anchordesk.accounts.models import User

SSO_BACKEND = "anchordesk.sso.backends.OidcBackend"
SSO_SESSION_KEY = "sso_signed_in"


class OidcBackend(ModelBackend):
    """Sessions opened by single sign-on. It authenticates nothing itself (the callback view logs the
    user in after the provider's ID token was verified); it is here so those sessions load their user,
    which stops at once for a deactivated user (ModelBackend.get_user checks is_active).

    The provider does multi-factor authentication, so these sessions skip Anchordesk's own TOTP step:
    a second-factor check asks `skips_second_factor` of the session's backend, or `signed_in_with_sso`.
    """

    skips_second_factor = True

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        return None


def signed_in_with_sso(request: HttpRequest) -> bool:
    """True when this session was opened through the identity provider (which did the MFA)."""
    return bool(request.session.get(SSO_SESSION_KEY))
