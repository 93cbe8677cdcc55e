"""Request and response shapes shared by the routers.

Input schemas refuse unknown fields (a typo such as "asignee_id" is an error, not a
silent no-op) and NUL characters (which PostgreSQL cannot store).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from anchordesk.api.pagination import MAX_ID

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PriorityName = Literal["low", "normal", "high", "urgent"]
StatusName = Literal["new", "open", "pending", "on_hold", "solved", "closed"]


def _check_text(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        raise ValueError("Nested too deeply.")
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("Must not contain NUL characters.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("Must be valid Unicode text (no lone surrogates).") from None
    if isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, depth + 1)
            _check_text(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_text(item, depth + 1)
    return value


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _valid_text(cls, value: Any) -> Any:
        return _check_text(value)


class FieldError(Schema):
    field: str | None
    reason: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class UserRef(Schema):
    id: int
    name: str
    email: str


class TeamRef(Schema):
    id: int
    name: str


class CustomerRef(Schema):
    id: int
    email: str
    name: str


class OrganizationRef(Schema):
    id: int
    name: str


class TicketRef(Schema):
    id: int
    subject: str
    status: str


class TicketOut(Schema):
    id: int
    subject: str
    status: StatusName
    priority: PriorityName
    channel: str
    customer: CustomerRef
    assignee: UserRef | None
    team: TeamRef | None
    tags: list[str]
    fields: dict[str, Any]
    merged_into: int | None
    message_count: int
    temperature: int
    version: int
    first_response_at: datetime | None
    solved_at: datetime | None
    created_at: datetime
    updated_at: datetime


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class MessageOut(Schema):
    id: int
    ticket_id: int
    kind: Literal["customer", "reply", "note"]
    public: bool
    author: UserRef | None
    customer: CustomerRef | None
    channel: str
    body: str
    html: str
    attachments: list[AttachmentOut]
    created_at: datetime


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class CustomerOut(Schema):
    id: int
    email: str
    name: str
    organization: OrganizationRef | None
    notes: str
    sees_organization_tickets: bool
    created_at: datetime


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


class OrganizationOut(Schema):
    id: int
    name: str
    domain: str
    tier: str
    notes: str
    created_at: datetime


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    email: str
    members: list[UserRef]


class TagOut(Schema):
    name: str
    tickets: int


class MeOut(Schema):
    id: int
    username: str
    email: str
    name: str
    role: str
    teams: list[TeamRef]
