"""A minimal SCIM 2.0 (RFC 7643/7644) Users endpoint, so identity providers (Okta, Entra ID, ...)
deprovision people: PATCH active=false or DELETE stops them and runs the offboarding.

Authenticated by a bearer token (SCIM_TOKEN). Errors are SCIM error documents with the HTTP status.
The SCIM id of a user is Anchordesk's user id; userName is their email address.
"""

from __future__ import annotations

import hmac
import json
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from anchordesk.accounts.models import User
from anchordesk.sso.actions import do_deprovision_agent, do_provision_agent, do_reactivate_agent
from anchordesk.sso.config import scim_enabled
from anchordesk.sso.models import DeprovisionSource

SCIM_JSON = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
_FILTER = re.compile(r'^\s*(userName|externalId|emails(?:\.value)?)\s+eq\s+"([^"]*)"\s*$', re.IGNORECASE)
_MAX_PAGE = 100


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, content_type=SCIM_JSON)


def scim_error(status: int, detail: str, scim_type: str = "") -> JsonResponse:
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    response = _json(body, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def _authorized(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    expected = str(settings.SCIM_TOKEN)
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), expected.encode())


def _resource(request: HttpRequest, user: User) -> dict[str, Any]:
    return {
        "schemas": [USER_SCHEMA],
        "id": str(user.pk),
        "userName": user.email,
        "name": {
            "givenName": user.first_name,
            "familyName": user.last_name,
            "formatted": user.get_full_name(),
        },
        "displayName": user.display_name,
        "emails": [{"value": user.email, "primary": True, "type": "work"}],
        "active": user.is_active,
        "meta": {
            "resourceType": "User",
            "created": user.date_joined.isoformat(),
            "location": request.build_absolute_uri(reverse("scim-user", args=[user.pk])),
        },
    }


def _guarded(request: HttpRequest) -> JsonResponse | None:
    if not scim_enabled():
        return scim_error(404, "SCIM provisioning is not enabled on this Anchordesk (set SCIM_TOKEN).")
    if not _authorized(request):
        return scim_error(401, "A valid bearer token is required (Authorization: Bearer <SCIM_TOKEN>).")
    return None


@csrf_exempt
def users(request: HttpRequest) -> HttpResponse:
    """GET /scim/v2/Users?filter=userName eq "someone@example.com" (startIndex/count paging); POST creates."""
    if (denied := _guarded(request)) is not None:
        return denied
    if request.method == "POST":
        return _create(request)
    if request.method != "GET":
        return scim_error(405, "Use GET to find people and POST to create one.")
    people = User.objects.order_by("pk")
    raw_filter = request.GET.get("filter", "")
    if raw_filter:
        match = _FILTER.match(raw_filter)
        if match is None:
            return scim_error(
                400, 'Only filters of the form userName eq "address" are supported.', "invalidFilter"
            )
        if match.group(1).lower() == "externalid":
            people = people.none()  # Anchordesk keeps no externalId: nobody matches one
        else:
            people = people.filter(email__iexact=match.group(2))
    try:
        start = max(1, int(request.GET.get("startIndex", "1")))
        count = min(_MAX_PAGE, max(0, int(request.GET.get("count", str(_MAX_PAGE)))))
    except ValueError:
        return scim_error(400, "startIndex and count must be whole numbers.", "invalidValue")
    total = people.count()
    page = list(people[start - 1 : start - 1 + count])
    return _json(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(page),
            "Resources": [_resource(request, u) for u in page],
        }
    )


def _create(request: HttpRequest) -> HttpResponse:
    """POST /scim/v2/Users: Entra ID and Okta create people they cannot find before they sign in."""
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return scim_error(400, "The body is not valid JSON.", "invalidSyntax")
    if not isinstance(body, dict) or not isinstance(body.get("userName"), str):
        return scim_error(400, "A User with a userName (their email address) is required.", "invalidValue")
    raw_name = body.get("name")
    name: dict[str, Any] = raw_name if isinstance(raw_name, dict) else {}
    active = _as_bool(body.get("active", True))
    if active is None:
        return scim_error(400, "active must be true or false.", "invalidValue")
    try:
        person = do_provision_agent(
            email=body["userName"],
            first_name=str(name.get("givenName") or ""),
            last_name=str(name.get("familyName") or ""),
            active=active,
        )
    except ValidationError as exc:
        detail = " ".join(m for msgs in exc.message_dict.values() for m in msgs)
        if "already exists" in detail:
            return scim_error(409, detail, "uniqueness")
        return scim_error(400, detail, "invalidValue")
    response = _json(_resource(request, person), 201)
    response["Location"] = _resource(request, person)["meta"]["location"]
    return response


def _as_bool(value: Any) -> bool | None:
    # Entra ID sends "False"/"True" as strings in PATCH operations.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return None


def _active_from_patch(body: Any) -> tuple[bool | None, str, str]:
    """The `active` value a PatchOp sets (None when it does not touch it), or an error and its scimType."""
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        return None, "A PATCH body is a PatchOp with a list of Operations.", "invalidSyntax"
    active: bool | None = None
    for op in body["Operations"]:
        if not isinstance(op, dict) or str(op.get("op", "")).lower() not in {"add", "replace", "remove"}:
            return None, "Each operation needs op: add, replace or remove.", "invalidSyntax"
        path = str(op.get("path") or "")
        value = op.get("value")
        if path.lower() == "active":
            candidate = _as_bool(value)
        elif not path and isinstance(value, dict) and "active" in value:
            candidate = _as_bool(value["active"])
        else:
            continue  # other attributes come from the identity provider on the next sign-in
        if candidate is None:
            return None, "active must be true or false.", "invalidValue"
        active = candidate
    return active, "", ""


def _apply_active(user: User, active: bool | None) -> User:
    if active is False:
        return do_deprovision_agent(user, source=DeprovisionSource.SCIM)
    if active is True:
        return do_reactivate_agent(user, source=DeprovisionSource.SCIM)
    return user


@csrf_exempt
def user(request: HttpRequest, user_id: str) -> HttpResponse:
    """GET, PATCH (active), PUT (active) and DELETE (deprovision) one user."""
    if (denied := _guarded(request)) is not None:
        return denied
    person = User.objects.filter(pk=int(user_id)).first() if user_id.isdigit() else None
    if person is None:
        return scim_error(404, f"No user with id {user_id[:40]}.")
    if request.method == "GET":
        return _json(_resource(request, person))
    if request.method == "DELETE":
        do_deprovision_agent(person, source=DeprovisionSource.SCIM)
        return HttpResponse(status=204)
    if request.method not in {"PATCH", "PUT"}:
        return scim_error(405, "Use GET, PATCH, PUT or DELETE on a user.")
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return scim_error(400, "The body is not valid JSON.", "invalidSyntax")
    if request.method == "PUT":
        if not isinstance(body, dict):
            return scim_error(400, "A PUT body is a User resource.", "invalidSyntax")
        active = _as_bool(body["active"]) if "active" in body else None
        if "active" in body and active is None:
            return scim_error(400, "active must be true or false.", "invalidValue")
    else:
        active, problem, scim_type = _active_from_patch(body)
        if problem:
            return scim_error(400, problem, scim_type)
    person = _apply_active(person, active)
    person.refresh_from_db()
    return _json(_resource(request, person))
