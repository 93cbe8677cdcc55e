"""Agent sign in and out, and personal API tokens. (The agents list is in views_people.py.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from anchordesk.accounts import ratelimit
from anchordesk.accounts.actions import do_create_api_token, do_revoke_api_token
from anchordesk.accounts.forms import SignInForm, TokenForm
from anchordesk.accounts.models import User
from anchordesk.accounts.queries import access_token, tokens_visible_to
from anchordesk.accounts.two_factor import has_two_factor
from anchordesk.accounts.views_two_factor import start_second_step


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _next(request: HttpRequest) -> str:
    value = request.POST.get("next") or request.GET.get("next") or ""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("inbox")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if request.user.is_authenticated:
            return redirect(_next(request))
        return render(request, "accounts/sign_in.html", {"form": SignInForm(), "next": _next(request)})
    form = SignInForm(request.POST)
    context = {"form": form, "next": _next(request)}
    if not form.is_valid():
        return render(request, "accounts/sign_in.html", context, status=400)
    email, address = form.cleaned_data["email"], _address(request)
    if not ratelimit.do_claim_attempt(email, address):
        context["rate_limited"] = ratelimit.wait_minutes()
        return render(request, "accounts/sign_in.html", context, status=429)
    user = authenticate(request, username=email, password=form.cleaned_data["password"])
    if user is None:  # the claimed attempt stays as the failure
        form.add_error(None, "That email and password do not match an active account.")
        return render(request, "accounts/sign_in.html", context, status=400)
    ratelimit.do_clear_failed_logins(email, address)
    if has_two_factor(user):  # the second step (its own page and template) signs them in
        return start_second_step(request, user, _next(request))
    login(request, user)
    return redirect(_next(request))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("login")


def _tokens_page(
    request: HttpRequest, user: User, form: TokenForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    rows = list(tokens_visible_to(user).order_by("revoked_at", "-created_at"))
    return render(
        request, "accounts/tokens.html", {"form": form, "tokens": rows, "secret": secret}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The current agent's API tokens. A new token's secret is shown on this response only."""
    user = request.user
    assert isinstance(user, User)
    if request.method == "GET":
        return _tokens_page(request, user, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, user, form, status=400)
    try:
        _token, secret = do_create_api_token(user, form.cleaned_data["name"], actor=user)
    except ValidationError as exc:
        for field, reasons in exc.message_dict.items():
            for reason in reasons:
                form.add_error(field if field in form.fields else None, reason)
        return _tokens_page(request, user, form, status=400)
    return _tokens_page(request, user, TokenForm(), secret=secret, status=201)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    token = access_token(user, token_id)
    do_revoke_api_token(token, actor=user)
    messages.success(request, f"Revoked “{token.name}”. It stops working at once.")
    return redirect("api-tokens")
