"""Handoffs: a ticket's requests to other teams, and the comments and status the other team gives them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from anchordesk.accounts.models import Team, User
from anchordesk.api import serialize
from anchordesk.api.auth import current_user, require_ticket_worker
from anchordesk.api.schemas import ErrorOut, Id, InputSchema, TeamRef, UserRef
from anchordesk.collab import actions, queries
from anchordesk.collab.models import Handoff
from anchordesk.tickets.queries import access_ticket

router = Router(tags=["handoffs"])

ERRORS: dict[int | tuple[int, ...], type] = {(400, 401, 403, 404, 422): ErrorOut}
HandoffStatusName = Literal["new", "in_progress", "waiting", "done", "declined"]


class CommentOut(Schema):
    id: int
    author: UserRef | None
    author_email: str
    body: str
    created_at: datetime


class HandoffOut(Schema):
    id: int
    ticket_id: int
    team: TeamRef
    subject: str
    needed: str
    due_on: date | None
    status: HandoffStatusName
    assignee: UserRef | None
    external_email: str
    overdue: bool
    created_at: datetime
    closed_at: datetime | None
    message_ids: list[int]
    comments: list[CommentOut] = []


class HandoffList(Schema):
    items: list[HandoffOut]


class HandoffCreate(InputSchema):
    team_id: Id
    subject: str = Field(max_length=200)
    needed: str = Field(max_length=10_000, description="What the other team is asked to do.")
    due_on: date | None = None
    message_ids: list[Id] = Field(default_factory=list, max_length=100)
    assignee_id: Id | None = None
    external_email: str = Field(
        "", max_length=254, description="Email the handoff to someone without an account."
    )
    external_name: str = Field("", max_length=120)


class HandoffUpdate(InputSchema):
    status: HandoffStatusName | None = None
    note: str = Field("", max_length=1000, description="With a status change: a comment saying why.")
    assignee_id: Id | None = Field(None, description="A member of the handoff's team.")
    unassign: bool = False


class CommentCreate(InputSchema):
    body: str = Field(max_length=10_000)


class ListParams(Schema):
    show: Literal["open", "mine", "all"] = "open"


_API_FIELDS = {"team": "team_id", "messages": "message_ids", "assignee": "assignee_id"}


def _out(h: Handoff, *, comments: bool = False) -> dict[str, Any]:
    return {
        "id": h.pk,
        "ticket_id": h.ticket_id,
        "team": serialize.team_ref(h.team),
        "subject": h.subject,
        "needed": h.needed,
        "due_on": h.due_on,
        "status": h.status,
        "assignee": serialize.user_ref(h.assignee),
        "external_email": h.external_email,
        "overdue": h.is_overdue,
        "created_at": h.created_at,
        "closed_at": h.closed_at,
        "message_ids": [m.pk for m in h.messages.all()],
        "comments": [
            {
                "id": c.pk,
                "author": serialize.user_ref(c.author),
                "author_email": c.author_email,
                "body": c.body,
                "created_at": c.created_at,
            }
            for c in h.comments.select_related("author")
        ]
        if comments
        else [],
    }


def _person(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError({field: "No such person."})
    return user


@router.get("/handoffs", response={200: HandoffList, **ERRORS}, summary="List handoffs")
def list_handoffs(request: HttpRequest, params: Query[ListParams]) -> Any:
    """Agents see every handoff; collaborators their teams'. Open ones by default, soonest due first."""
    rows = queries.handoff_queue(current_user(request), show=params.show)
    return {"items": [_out(h) for h in rows]}


@router.post("/tickets/{ticket_id}/handoffs", response={201: HandoffOut, **ERRORS}, summary="Open a handoff")
def open_handoff(request: HttpRequest, ticket_id: Id, payload: HandoffCreate) -> Any:
    user = current_user(request)
    require_ticket_worker(user)
    ticket = access_ticket(user, ticket_id)
    team = Team.objects.filter(pk=payload.team_id).first()
    if team is None:
        raise ValidationError({"team_id": "No such team."})
    try:
        handoff = actions.do_open_handoff(
            ticket,
            actor=user,
            team=team,
            subject=payload.subject,
            needed=payload.needed,
            due_on=payload.due_on,
            message_ids=payload.message_ids,
            assignee=_person(payload.assignee_id, "assignee_id"),
            external_email=payload.external_email,
            external_name=payload.external_name,
        )
    except ValidationError as exc:
        # The API names fields as its payload does.
        renamed = {_API_FIELDS.get(k, k): v for k, v in exc.message_dict.items()}
        raise ValidationError(renamed) from None
    return Status(201, _out(handoff, comments=True))


@router.get("/handoffs/{handoff_id}", response={200: HandoffOut, **ERRORS}, summary="Get a handoff")
def get_handoff(request: HttpRequest, handoff_id: Id) -> Any:
    return _out(queries.access_handoff(current_user(request), handoff_id), comments=True)


@router.post(
    "/handoffs/{handoff_id}/comments", response={201: CommentOut, **ERRORS}, summary="Comment on a handoff"
)
def comment(request: HttpRequest, handoff_id: Id, payload: CommentCreate) -> Any:
    user = current_user(request)
    handoff = queries.access_handoff(user, handoff_id)
    c = actions.do_comment_on_handoff(handoff, payload.body, actor=user)
    return Status(
        201,
        {
            "id": c.pk,
            "author": serialize.user_ref(user),
            "author_email": "",
            "body": c.body,
            "created_at": c.created_at,
        },
    )


@router.patch(
    "/handoffs/{handoff_id}", response={200: HandoffOut, **ERRORS}, summary="Change status or assignee"
)
def update_handoff(request: HttpRequest, handoff_id: Id, payload: HandoffUpdate) -> Any:
    user = current_user(request)
    handoff = queries.access_handoff(user, handoff_id)
    if payload.unassign and payload.assignee_id is not None:
        raise HttpError(400, "Give assignee_id or unassign, not both.")
    if payload.assignee_id is not None or payload.unassign:
        try:
            actions.do_assign_handoff(handoff, _person(payload.assignee_id, "assignee_id"), actor=user)
        except ValidationError as exc:
            raise ValidationError({"assignee_id": exc.message_dict.get("assignee", exc.messages)}) from None
    if payload.status is not None:
        actions.do_set_handoff_status(handoff, payload.status, actor=user, note=payload.note)
    return _out(queries.access_handoff(user, handoff_id), comments=True)
