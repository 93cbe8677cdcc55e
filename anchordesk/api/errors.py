"""Every API error is JSON: {"detail": "...", "errors": [{"field": ..., "reason": ...}]}.

Validation problems (from pydantic or from an action's django ValidationError) answer
422 with each field and its reason; a missing and a forbidden object answer the same 404, and
any other refusal (NotAllowed, see anchordesk/core/access.py) 403.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from anchordesk.core.access import NotAllowed, refusal_status
from anchordesk.tickets.actions import OpenWorkPending, StaleTicket

if TYPE_CHECKING:
    from ninja import NinjaAPI

log = logging.getLogger(__name__)

# Where ninja says a value came from; not part of the field name a client knows.
_LOCATIONS = {"body", "query", "path", "form", "file", "header", "cookie"}
# Names of the schema parameters in our route signatures; also not part of the field name.
_PARAM_NAMES = {"payload", "filters", "data"}


def _field_from_loc(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    if parts and parts[0] in _PARAM_NAMES:
        parts = parts[1:]
    return ".".join(parts)


def _reason(error: dict[str, Any]) -> str:
    msg = str(error.get("msg", "Invalid value."))
    if error.get("type") == "missing":
        return "This field is required."
    if error.get("type") == "extra_forbidden":
        return "Unknown field."
    # pydantic prefixes messages raised by our own validators with "Value error, ".
    return msg.removeprefix("Value error, ")


def error_body(detail: str, errors: list[dict[str, str | None]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def django_errors(exc: DjangoValidationError) -> list[dict[str, str | None]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if field == "__all__" else field, "reason": reason}
            for field, reasons in exc.message_dict.items()
            for reason in reasons
        ]
    return [{"field": None, "reason": reason} for reason in exc.messages]


def install(api: NinjaAPI) -> None:
    def validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors: list[dict[str, str | None]] = [
            {"field": _field_from_loc(e.get("loc", ())) or None, "reason": _reason(e)} for e in exc.errors
        ]
        return api.create_response(request, error_body("Some fields are not valid.", errors), status=422)

    def django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(
            request, error_body("Some fields are not valid.", django_errors(exc)), status=422
        )

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, error_body("Not found"), status=404)

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = api.create_response(
            request,
            error_body("Authentication required: send 'Authorization: Bearer <token>' with a valid token."),
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="anchordesk"'
        return response

    def not_allowed(request: HttpRequest, exc: Any) -> HttpResponse:
        # An object the caller may not see is the same 404 as a missing one; elsewhere 403 says why.
        status = refusal_status(request, exc)
        detail = "Not found" if status == 404 else exc.reason
        return api.create_response(request, error_body(detail), status=status)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)

    def stale(request: HttpRequest, exc: Any) -> HttpResponse:
        body = error_body(
            "The ticket changed since that version; reload it and send again.",
            [{"field": "expected_version", "reason": f"The ticket is now at version {exc.ticket.version}."}],
        )
        return api.create_response(request, body, status=409)

    def open_work(request: HttpRequest, exc: Any) -> HttpResponse:
        body = error_body(
            "Promises or handoffs are still open on this ticket; send confirm_open_work: true to solve anyway.",
            [
                {
                    "field": "status",
                    "reason": f"Still open on this ticket: {'; '.join(exc.reasons)}. "
                    "Send confirm_open_work: true to solve anyway.",
                }
            ],
        )
        return api.create_response(request, body, status=409)

    def too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(
            request,
            error_body("The request body is too large; send files with the upload endpoint."),
            status=413,
        )

    def suspicious(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, error_body("Bad request."), status=400)

    api.add_exception_handler(NinjaValidationError, validation)
    api.add_exception_handler(RequestDataTooBig, too_big)
    api.add_exception_handler(SuspiciousOperation, suspicious)
    api.add_exception_handler(DjangoValidationError, django_validation)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(NotAllowed, not_allowed)
    api.add_exception_handler(StaleTicket, stale)
    api.add_exception_handler(OpenWorkPending, open_work)
