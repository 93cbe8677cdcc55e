"""Two-factor enforcement: someone whose role must use two-factor sign-in (SecurityPolicy) and
who has no authenticator yet reaches only the enrolment page and sign-out until they set one up.

API tokens are a separate credential and are not affected: a token request has no session user.
A session whose sign-in already had a second factor (our code step, or single sign-on where the
identity provider does MFA: see mark_second_factor_done) is let through without a query.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from anchordesk.accounts.models import User
from anchordesk.accounts.two_factor import has_two_factor, role_requires_two_factor

# Set in the session once this sign-in passed a second factor ("totp", "recovery", "sso") or its user
# enrolled an authenticator ("enrolled"): the middleware then has nothing to check.
VERIFIED_KEY = "two_factor_verified"


def mark_second_factor_done(request: HttpRequest, method: str) -> None:
    """Call after login() when the sign-in had a second factor elsewhere (e.g. method="sso")."""
    request.session[VERIFIED_KEY] = method


class TwoFactorEnforcementMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            isinstance(user, User)
            and user.is_authenticated
            and not request.session.get(VERIFIED_KEY)
            and not self._always_allowed(request.path)
            and role_requires_two_factor(user)  # from the cache: no query for most requests
        ):
            if not has_two_factor(user):
                return self._refuse(request)
            # Enrolled (e.g. a session from before the requirement): no need to ask again.
            request.session[VERIFIED_KEY] = "enrolled"
        return self.get_response(request)

    @staticmethod
    def _always_allowed(path: str) -> bool:
        return (
            path in (reverse("two-factor"), reverse("logout"), "/healthz")
            or path.startswith(settings.STATIC_URL)
            or path.startswith("/api/v1/docs-assets/")
        )

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        text = "Your role must use two-factor sign-in: set up an authenticator app first."
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": text, "errors": []}, status=403)
        # A page's background htmx loads (the wellbeing banner, panels) would follow a redirect
        # and swap the whole enrolment page into the page, a second copy inside the first.
        if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
            return HttpResponse(text, status=403, content_type="text/plain; charset=utf-8")
        return redirect("two-factor")
