"""Sign in with the identity provider, and the leads' page of people the provider deprovisioned."""

from __future__ import annotations

import logging

import requests
from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from anchordesk.accounts.middleware import mark_second_factor_done
from anchordesk.accounts.models import User
from anchordesk.core.access import require_lead
from anchordesk.sso import oidc
from anchordesk.sso.actions import do_review_deprovisioning, do_sign_in_with_claims
from anchordesk.sso.backends import SSO_BACKEND, SSO_SESSION_KEY
from anchordesk.sso.config import claim_rules, oidc_enabled
from anchordesk.sso.queries import access_deprovisioning, deprovisionings_visible_to

log = logging.getLogger(__name__)
_NEXT_KEY = "sso_next"


def _refused(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    return render(request, "sso/refused.html", {"reason": reason}, status=status)


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("inbox")


def _redirect_uri(request: HttpRequest) -> str:
    return settings.OIDC_REDIRECT_URI or request.build_absolute_uri(reverse("sso-callback"))


@require_GET
def sso_login(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404("Single sign-on is not configured")
    request.session[_NEXT_KEY] = _safe_next(request, request.GET.get("next", ""))
    try:
        response: HttpResponse = oidc.client().authorize_redirect(request, _redirect_uri(request))
    except (requests.RequestException, OAuthError, ValueError):
        log.exception("sso: the identity provider's discovery document could not be read")
        return _refused(
            request,
            "Anchordesk could not reach your identity provider. Try again in a minute, or sign in with "
            "your password if you have one.",
            status=502,
        )
    return response


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404("Single sign-on is not configured")
    if request.GET.get("error"):
        described = request.GET.get("error_description") or request.GET["error"]
        return _refused(
            request, f"Your identity provider did not sign you in: {described[:200]}.", status=400
        )
    try:
        token = oidc.client().authorize_access_token(request)
        claims = oidc.verified_claims(token)
        issuer = oidc.issuer()
    except OAuthError as exc:
        log.warning("sso: sign-in rejected: %s", exc)
        return _refused(
            request,
            "This sign-in could not be completed (it expired or was started in another window). "
            "Start again from the sign-in page.",
            status=400,
        )
    except (requests.RequestException, ValueError):
        log.exception("sso: the identity provider did not answer as expected")
        return _refused(request, "Anchordesk could not reach your identity provider. Try again.", status=502)
    outcome = do_sign_in_with_claims(
        claims,
        issuer=issuer,
        rules=claim_rules(),
        create_users=settings.OIDC_CREATE_USERS,
        link_by_email=settings.OIDC_LINK_BY_EMAIL,
        email_domains=settings.OIDC_EMAIL_DOMAINS,
    )
    if outcome.user is None:
        return _refused(request, outcome.refusal, status=403)
    next_url = request.session.pop(_NEXT_KEY, "")
    login(request, outcome.user, backend=SSO_BACKEND)
    request.session[SSO_SESSION_KEY] = True  # the provider did MFA: no TOTP step (backends.py)
    mark_second_factor_done(request, "sso")  # nor enrolment where a role requires two-factor
    return redirect(_safe_next(request, next_url))


def _lead(request: HttpRequest) -> User:
    return require_lead(request, settings_page=True)


@login_required
@require_GET
def deprovisioned(request: HttpRequest) -> HttpResponse:
    rows = deprovisionings_visible_to(_lead(request)).select_related("user", "reviewed_by")[:200]
    return render(request, "sso/deprovisioned.html", {"rows": list(rows)})


@login_required
@require_POST
def review_deprovisioning(request: HttpRequest, deprovisioning_id: int) -> HttpResponse:
    lead = _lead(request)
    row = access_deprovisioning(lead, deprovisioning_id)
    do_review_deprovisioning(row, actor=lead)
    return redirect("sso-deprovisioned")
