"""Customers, organizations, teams, tags and the caller (/me).

Agents read and write customers; leads and admins manage teams and organizations;
collaborators see teams and their own profile only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anchordesk.accounts.actions import (
    do_create_customer,
    do_create_organization,
    do_create_team,
    do_update_customer,
    do_update_organization,
    do_update_team,
)
from anchordesk.accounts.choices import TeamKind, Tier
from anchordesk.accounts.models import Customer, Organization, Team
from anchordesk.api import serialize
from anchordesk.api.auth import current_user, require_lead, require_ticket_worker
from anchordesk.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Ordering, keyset_page
from anchordesk.api.schemas import (
    CustomerOut,
    CustomerPage,
    ErrorOut,
    Id,
    InputSchema,
    MeOut,
    OrganizationOut,
    TagOut,
    TeamOut,
)
from anchordesk.tickets.models import Tag

router = Router()

ERRORS: dict[int | tuple[int, ...], type] = {(401, 403, 404, 422): ErrorOut}
BY_ID = Ordering("pk", False)


def _not_null(payload: Schema, names: tuple[str, ...]) -> None:
    for name in names:
        if name in payload.model_fields_set and getattr(payload, name) is None:
            raise ValidationError({name: "This field cannot be null."})


def _organization(org_id: int | None, field: str = "organization_id") -> Organization | None:
    if org_id is None:
        return None
    org = Organization.objects.filter(pk=org_id).first()
    if org is None:
        raise ValidationError({field: f"No organization with id {org_id}."})
    return org


# Customers -----------------------------------------------------------------------------


class CustomerFilters(InputSchema):
    email: str = Field("", max_length=254, description="Exact address, any case.")
    organization: Id | None = None
    q: str = Field("", max_length=100, description="Part of the name or email.")
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class CustomerCreate(InputSchema):
    email: str = Field(max_length=254)
    name: str = Field("", max_length=120)
    organization_id: Id | None = Field(None, description="Default: the organization whose domain matches.")
    notes: str = Field("", max_length=10_000)
    sees_organization_tickets: bool = False


class CustomerUpdate(InputSchema):
    email: str | None = Field(None, max_length=254)
    name: str | None = Field(None, max_length=120)
    organization_id: Id | None = None
    notes: str | None = Field(None, max_length=10_000)
    sees_organization_tickets: bool | None = None


@router.get(
    "/customers", response={200: CustomerPage, **ERRORS}, tags=["customers"], summary="List customers"
)
def list_customers(request: HttpRequest, filters: Query[CustomerFilters]) -> Any:
    require_ticket_worker(current_user(request))
    qs = Customer.objects.select_related("organization")
    if filters.email.strip():
        qs = qs.with_email(filters.email)
    if filters.organization is not None:
        qs = qs.filter(organization_id=filters.organization)
    if filters.q.strip():
        q = filters.q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q))
    page = keyset_page(qs, sort="id", ordering=BY_ID, cursor=filters.cursor, limit=filters.limit)
    return {"items": [serialize.customer(c) for c in page.items], "next_cursor": page.next_cursor}


def _load_customer(customer_id: int) -> Customer:
    customer = Customer.objects.select_related("organization").filter(pk=customer_id).first()
    if customer is None:
        raise Http404
    return customer


@router.get("/customers/{customer_id}", response={200: CustomerOut, **ERRORS}, tags=["customers"])
def get_customer(request: HttpRequest, customer_id: Id) -> Any:
    require_ticket_worker(current_user(request))
    return serialize.customer(_load_customer(customer_id))


@router.post(
    "/customers", response={201: CustomerOut, **ERRORS}, tags=["customers"], summary="Create a customer"
)
def create_customer(request: HttpRequest, payload: CustomerCreate) -> Any:
    user = current_user(request)
    require_ticket_worker(user)
    customer = do_create_customer(
        payload.email,
        actor=user,
        name=payload.name,
        organization=_organization(payload.organization_id),
        notes=payload.notes,
        sees_organization_tickets=payload.sees_organization_tickets,
    )
    return Status(201, serialize.customer(_load_customer(customer.pk)))


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **ERRORS}, tags=["customers"])
def update_customer(request: HttpRequest, customer_id: Id, payload: CustomerUpdate) -> Any:
    user = current_user(request)
    require_ticket_worker(user)
    customer = _load_customer(customer_id)
    _not_null(payload, ("email", "name", "notes", "sees_organization_tickets"))
    changes: dict[str, Any] = {}
    for name in ("email", "name", "notes", "sees_organization_tickets"):
        if name in payload.model_fields_set:
            changes[name] = getattr(payload, name)
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    if "organization_id" in payload.model_fields_set:
        changes["organization"] = _organization(payload.organization_id)
    do_update_customer(customer, actor=user, **changes)
    return serialize.customer(_load_customer(customer_id))


# Organizations -------------------------------------------------------------------------


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    next_cursor: str | None


class OrganizationFilters(InputSchema):
    q: str = Field("", max_length=100)
    domain: str = Field("", max_length=120)
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class OrganizationCreate(InputSchema):
    name: str = Field(max_length=500)
    domain: str = Field("", max_length=500)
    tier: str = Field(Tier.STANDARD, description=f"One of {', '.join(Tier.values)}.")
    notes: str = Field("", max_length=10_000)


class OrganizationUpdate(InputSchema):
    name: str | None = Field(None, max_length=500)
    domain: str | None = Field(None, max_length=500)
    tier: str | None = None
    notes: str | None = Field(None, max_length=10_000)


@router.get("/organizations", response={200: OrganizationPage, **ERRORS}, tags=["organizations"])
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilters]) -> Any:
    require_ticket_worker(current_user(request))
    qs = Organization.objects.all()
    if filters.q.strip():
        qs = qs.filter(name__icontains=filters.q.strip())
    if filters.domain.strip():
        qs = qs.filter(domain__iexact=filters.domain.strip())
    page = keyset_page(qs, sort="id", ordering=BY_ID, cursor=filters.cursor, limit=filters.limit)
    return {"items": [serialize.organization(o) for o in page.items], "next_cursor": page.next_cursor}


def _load_organization(org_id: int) -> Organization:
    org = Organization.objects.filter(pk=org_id).first()
    if org is None:
        raise Http404
    return org


@router.get("/organizations/{org_id}", response={200: OrganizationOut, **ERRORS}, tags=["organizations"])
def get_organization(request: HttpRequest, org_id: Id) -> Any:
    require_ticket_worker(current_user(request))
    return serialize.organization(_load_organization(org_id))


@router.post("/organizations", response={201: OrganizationOut, **ERRORS}, tags=["organizations"])
def create_organization(request: HttpRequest, payload: OrganizationCreate) -> Any:
    user = current_user(request)
    require_lead(user)
    org = do_create_organization(actor=user, **payload.model_dump())
    return Status(201, serialize.organization(org))


@router.patch("/organizations/{org_id}", response={200: OrganizationOut, **ERRORS}, tags=["organizations"])
def update_organization(request: HttpRequest, org_id: Id, payload: OrganizationUpdate) -> Any:
    user = current_user(request)
    require_ticket_worker(user)
    org = _load_organization(org_id)
    require_lead(user)
    _not_null(payload, ("name", "tier"))
    changes = payload.model_dump(exclude_unset=True)
    org = do_update_organization(org, actor=user, **changes)
    return serialize.organization(org)


# Teams ---------------------------------------------------------------------------------


class TeamCreate(InputSchema):
    name: str = Field(max_length=500)
    kind: str = Field(TeamKind.SUPPORT, description=f"One of {', '.join(TeamKind.values)}.")
    description: str = Field("", max_length=1000)
    email: str = Field("", max_length=254)
    member_ids: list[Id] | None = Field(None, max_length=1000)


class TeamUpdate(InputSchema):
    name: str | None = Field(None, max_length=500)
    kind: str | None = None
    description: str | None = Field(None, max_length=1000)
    email: str | None = Field(None, max_length=254)
    member_ids: list[Id] | None = Field(None, max_length=1000, description="Replaces the members.")


def _teams() -> Any:
    return Team.objects.prefetch_related("members")


@router.get("/teams", response={200: list[TeamOut], **ERRORS}, tags=["teams"], summary="List teams")
def list_teams(request: HttpRequest) -> Any:
    current_user(request)
    return [serialize.team(t) for t in _teams()]


@router.get("/teams/{team_id}", response={200: TeamOut, **ERRORS}, tags=["teams"])
def get_team(request: HttpRequest, team_id: Id) -> Any:
    current_user(request)
    team = _teams().filter(pk=team_id).first()
    if team is None:
        raise Http404
    return serialize.team(team)


@router.post("/teams", response={201: TeamOut, **ERRORS}, tags=["teams"])
def create_team(request: HttpRequest, payload: TeamCreate) -> Any:
    user = current_user(request)
    require_lead(user)
    team = do_create_team(actor=user, **payload.model_dump())
    return Status(201, serialize.team(_teams().get(pk=team.pk)))


@router.patch("/teams/{team_id}", response={200: TeamOut, **ERRORS}, tags=["teams"])
def update_team(request: HttpRequest, team_id: Id, payload: TeamUpdate) -> Any:
    user = current_user(request)
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise Http404
    require_lead(user)
    _not_null(payload, ("name", "kind", "description", "email"))
    changes = payload.model_dump(exclude_unset=True)
    do_update_team(team, actor=user, **changes)
    return serialize.team(_teams().get(pk=team_id))


# Tags and me -------------------------------------------------------------------------


@router.get("/tags", response={200: list[TagOut], **ERRORS}, tags=["tags"], summary="Tags with ticket counts")
def list_tags(request: HttpRequest) -> Any:
    """Tags are created by setting them on tickets. Counts cover the tickets the caller can see."""
    user = current_user(request)
    if user.works_tickets:
        count = Count("tickets")
    else:
        count = Count("tickets", filter=Q(tickets__team__in=user.teams.all()))
    rows = Tag.objects.annotate(n=count).order_by("name")
    return [{"name": t.name, "tickets": t.n} for t in rows if user.works_tickets or t.n]


@router.get("/me", response={200: MeOut, **ERRORS}, tags=["me"], summary="The caller")
def me(request: HttpRequest) -> Any:
    user = current_user(request)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "email": user.email,
        "name": user.display_name,
        "role": user.role,
        "teams": [{"id": t.pk, "name": t.name} for t in user.teams.all()],
    }
