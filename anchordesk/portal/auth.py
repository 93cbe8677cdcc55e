"""The portal's own session: a customer id in the session, apart from agent sign-in.

Customers never get a Django user; an agent signed in to the agent side in the same
browser stays signed in there when a customer signs in or out of the portal.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from anchordesk.accounts.models import Customer

SESSION_KEY = "portal_customer_id"
NEXT_KEY = "portal_next"

P = ParamSpec("P")


def get_portal_customer(request: HttpRequest) -> Customer | None:
    customer_id = request.session.get(SESSION_KEY)
    if customer_id is None:
        return None
    customer = Customer.objects.select_related("organization").filter(pk=customer_id).first()
    if customer is None:  # the customer was deleted or merged away since signing in
        request.session.pop(SESSION_KEY, None)
    return customer


def sign_in(request: HttpRequest, customer: Customer) -> None:
    # A new session key, so a session id planted before sign-in is worth nothing after it.
    request.session.cycle_key()
    request.session[SESSION_KEY] = customer.pk


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(NEXT_KEY, None)
    request.session.cycle_key()


def safe_next(request: HttpRequest, target: str | None) -> str | None:
    """A portal path to return to after sign-in, or None if target points anywhere else."""
    if not target or not target.startswith("/portal/"):
        return None
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return None
    return target


def pop_next(request: HttpRequest) -> str:
    return safe_next(request, request.session.pop(NEXT_KEY, None)) or reverse("portal:tickets")


def customer_required(
    view: Callable[Concatenate[HttpRequest, Customer, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Pass the signed-in customer to the view; send anyone else to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        customer = get_portal_customer(request)
        if customer is None:
            if request.method == "GET":
                request.session[NEXT_KEY] = request.get_full_path()
            return redirect("portal:home")
        return view(request, customer, *args, **kwargs)

    return wrapper
