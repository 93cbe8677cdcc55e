"""The second sign-in step, enrolling an authenticator, recovery codes and the security settings page."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from anchordesk.accounts import ratelimit
from anchordesk.accounts.choices import Role
from anchordesk.accounts.forms_people import CodeForm, SecurityForm
from anchordesk.accounts.middleware import VERIFIED_KEY
from anchordesk.accounts.models import SecurityPolicy, TOTPDevice, User
from anchordesk.accounts.two_factor import (
    do_enable_totp,
    do_regenerate_recovery_codes,
    do_update_security_policy,
    do_verify_second_factor,
    has_two_factor,
    new_secret,
    provisioning_uri,
    qr_svg,
    recovery_codes_left,
    role_requires_two_factor,
)
from anchordesk.core.access import require_admin

# After the password, the session holds who is signing in until the code is given (anonymous meanwhile).
PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300
ENROL_SECRET_KEY = "two_factor_enrol_secret"


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def start_second_step(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """Called by the password step for someone with an authenticator: ask for the code next."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "anchordesk.accounts.backends.EmailOrUsernameBackend"),
        "at": time.time(),
        "next": next_url,
    }
    return redirect("login-2fa")


def _pending_user(request: HttpRequest) -> tuple[User | None, dict[str, object]]:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None, {}
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    return user, pending


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, "Your sign-in took too long or was not started. Sign in again.")
        return redirect("login")
    if request.method == "GET":
        return render(request, "accounts/sign_in_code.html", {"form": CodeForm()})
    form = CodeForm(request.POST)
    context: dict[str, object] = {"form": form}
    if not form.is_valid():
        return render(request, "accounts/sign_in_code.html", context, status=400)
    key, address = f"2fa:{user.pk}", _address(request)
    if not ratelimit.do_claim_attempt(key, address):
        context["rate_limited"] = ratelimit.wait_minutes()
        return render(request, "accounts/sign_in_code.html", context, status=429)
    method = do_verify_second_factor(user, form.cleaned_data["code"])
    if method is None:  # the claimed attempt stays as the failure
        form.add_error(
            "code",
            "That code is not right. Enter the 6 digits your authenticator app shows now, "
            "or one of your recovery codes.",
        )
        return render(request, "accounts/sign_in_code.html", context, status=400)
    ratelimit.do_clear_failed_logins(key, address)
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=str(pending["backend"]))
    request.session[VERIFIED_KEY] = method
    if method == "recovery":
        left = recovery_codes_left(user)
        messages.warning(
            request,
            f"You signed in with a recovery code; it cannot be used again. {left} left. "
            "Make new ones on your two-factor page if you are running low.",
        )
    return redirect(str(pending.get("next") or "inbox"))


def _enrol_page(request: HttpRequest, user: User, form: CodeForm, *, status: int = 200) -> HttpResponse:
    secret = request.session.get(ENROL_SECRET_KEY)
    if not secret:
        secret = request.session[ENROL_SECRET_KEY] = new_secret()
    uri = provisioning_uri(user, secret)
    context = {
        "form": form,
        "secret": secret,
        "qr": qr_svg(uri),
        # The same reading as the enforcement middleware that sent them here, so the page and the
        # redirect never disagree about whether the role requires it.
        "required": role_requires_two_factor(user),
    }
    return render(request, "accounts/two_factor_enrol.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Your two-factor page: enrol an authenticator (QR code and secret as text), or see its state."""
    user = request.user
    assert isinstance(user, User)
    if has_two_factor(user):
        if request.method == "POST":
            return redirect("two-factor")
        return render(
            request,
            "accounts/two_factor.html",
            {"device": TOTPDevice.objects.get(user=user), "left": recovery_codes_left(user)},
        )
    if request.method == "GET":
        return _enrol_page(request, user, CodeForm())
    form = CodeForm(request.POST)
    secret = request.session.get(ENROL_SECRET_KEY)
    if not form.is_valid() or not secret:
        return _enrol_page(request, user, form, status=400)
    try:
        codes = do_enable_totp(user, secret=secret, code=form.cleaned_data["code"])
    except ValidationError as exc:
        for reason in exc.message_dict.get("code", exc.messages):
            form.add_error("code", reason)
        return _enrol_page(request, user, form, status=400)
    request.session.pop(ENROL_SECRET_KEY, None)
    request.session[VERIFIED_KEY] = "enrolled"
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": True})


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    try:
        codes = do_regenerate_recovery_codes(user, actor=user)
    except ValidationError:
        return redirect("two-factor")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": False})


def _security_page(request: HttpRequest, form: SecurityForm, *, status: int = 200) -> HttpResponse:
    with_device = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False))
    people = User.objects.filter(is_active=True).annotate(two_factor=with_device)
    rows = []
    for role in (Role.AGENT, Role.LEAD, Role.ADMIN):
        of_role = people.filter(role=role)
        rows.append(
            {
                "field": form[f"require_2fa_{role}"],
                "label": role.label,
                "total": of_role.count(),
                "without": of_role.filter(two_factor=False).count(),
            }
        )
    return render(request, "accounts/security.html", {"form": form, "rows": rows}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def security_settings(request: HttpRequest) -> HttpResponse:
    user = require_admin(request, settings_page=True)
    policy = SecurityPolicy.current()
    if request.method == "GET":
        initial = {
            "require_2fa_agent": policy.require_2fa_agent,
            "require_2fa_lead": policy.require_2fa_lead,
            "require_2fa_admin": policy.require_2fa_admin,
        }
        return _security_page(request, SecurityForm(initial=initial))
    form = SecurityForm(request.POST)
    if not form.is_valid():
        return _security_page(request, form, status=400)
    do_update_security_policy(
        actor=user,
        agent=form.cleaned_data["require_2fa_agent"],
        lead=form.cleaned_data["require_2fa_lead"],
        admin=form.cleaned_data["require_2fa_admin"],
    )
    messages.success(
        request, "Saved. People in a role that requires two-factor set it up at their next page view."
    )
    return redirect("settings-security")
