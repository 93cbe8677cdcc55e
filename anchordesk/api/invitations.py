"""Invitations: list (leads and admins), create, resend and revoke (admins).

The invitation link is emailed to the person and never appears in an API answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anchordesk.accounts.choices import Role
from anchordesk.accounts.invitations import do_invite_agent, do_resend_invitation, do_revoke_invitation
from anchordesk.accounts.models import Invitation, User
from anchordesk.accounts.queries import access_invitation, invitations_visible_to
from anchordesk.api import serialize
from anchordesk.api.auth import current_user, require_admin, require_lead
from anchordesk.api.schemas import ErrorOut, Id, InputSchema, TeamRef, UserRef

router = Router()

ERRORS: dict[int | tuple[int, ...], type] = {(401, 403, 404, 422): ErrorOut}
STATES = ("pending", "expired", "accepted", "revoked")


class InvitationOut(Schema):
    id: int
    email: str
    name: str
    role: str
    teams: list[TeamRef]
    state: str = Field(description=f"One of {', '.join(STATES)}.")
    invited_by: UserRef | None
    created_at: datetime
    sent_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None
    user: UserRef | None = Field(description="The account made when the invitation was accepted.")


class InvitationCreate(InputSchema):
    email: str = Field(max_length=254)
    name: str = Field("", max_length=150)
    role: str = Field(Role.AGENT, description=f"One of {', '.join(Role.values)}.")
    team_ids: list[Id] = Field(default_factory=list, max_length=100)


class InvitationFilters(InputSchema):
    state: str | None = Field(None, description=f"One of {', '.join(STATES)}; all when left out.")


def _out(inv: Invitation) -> dict[str, Any]:
    return {
        "id": inv.pk,
        "email": inv.email,
        "name": inv.name,
        "role": inv.role,
        "teams": [serialize.team_ref(t) for t in inv.teams.all()],
        "state": inv.state,
        "invited_by": serialize.user_ref(inv.invited_by),
        "created_at": inv.created_at,
        "sent_at": inv.sent_at,
        "expires_at": inv.expires_at,
        "accepted_at": inv.accepted_at,
        "revoked_at": inv.revoked_at,
        "user": serialize.user_ref(inv.user),
    }


def _invitations(user: User) -> QuerySet[Invitation]:
    return invitations_visible_to(user).select_related("invited_by", "user").prefetch_related("teams")


def _load(user: User, invitation_id: int) -> Invitation:
    """With who invited and the teams, for the answer; a missing one is NotAllowed (404) as well."""
    access_invitation(user, invitation_id)
    return _invitations(user).get(pk=invitation_id)


@router.get(
    "/invitations",
    response={200: list[InvitationOut], **ERRORS},
    tags=["invitations"],
    summary="List invitations (leads and admins)",
)
def list_invitations(request: HttpRequest, filters: Query[InvitationFilters]) -> Any:
    user = current_user(request)
    require_lead(user)
    if filters.state is not None and filters.state not in STATES:
        raise ValidationError({"state": f"Must be one of {', '.join(STATES)}."})
    qs = _invitations(user)
    if filters.state is not None:
        now = timezone.now()
        open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
        qs = qs.filter(
            {
                "pending": open_ & Q(expires_at__gt=now),
                "expired": open_ & Q(expires_at__lte=now),
                "accepted": Q(accepted_at__isnull=False),
                "revoked": Q(accepted_at__isnull=True, revoked_at__isnull=False),
            }[filters.state]
        )
    return [_out(inv) for inv in qs.order_by("-created_at", "-pk")[:500]]


@router.post(
    "/invitations",
    response={201: InvitationOut, **ERRORS},
    tags=["invitations"],
    summary="Invite someone by email (admins)",
)
def create_invitation(request: HttpRequest, payload: InvitationCreate) -> Any:
    """Emails the person a single-use link to choose their password; expires after INVITATION_TTL_HOURS."""
    user = current_user(request)
    require_admin(user)
    invitation, _raw = do_invite_agent(
        email=payload.email, name=payload.name, role=payload.role, team_ids=payload.team_ids, actor=user
    )
    return Status(201, _out(_load(user, invitation.pk)))


@router.post(
    "/invitations/{invitation_id}/resend",
    response={200: InvitationOut, **ERRORS},
    tags=["invitations"],
    summary="Email a new link (admins); the old link stops working",
)
def resend_invitation(request: HttpRequest, invitation_id: Id) -> Any:
    user = current_user(request)
    require_lead(user)  # leads see invitations anyway, so only then may a 403 differ from a 404
    invitation = access_invitation(user, invitation_id)
    require_admin(user)
    do_resend_invitation(invitation, actor=user)
    return _out(_load(user, invitation_id))


@router.post(
    "/invitations/{invitation_id}/revoke",
    response={200: InvitationOut, **ERRORS},
    tags=["invitations"],
    summary="Revoke an invitation (admins); its link stops working",
)
def revoke_invitation(request: HttpRequest, invitation_id: Id) -> Any:
    user = current_user(request)
    require_lead(user)  # leads see invitations anyway, so only then may a 403 differ from a 404
    invitation = access_invitation(user, invitation_id)
    require_admin(user)
    do_revoke_invitation(invitation, actor=user)
    return _out(_load(user, invitation_id))
