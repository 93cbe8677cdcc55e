"""Messages on a ticket: list, write (reply, note, customer message), upload attachments, download."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from ninja import File, Form, Query, Router, Status, UploadedFile
from pydantic import Field

from anchordesk.accounts.models import User
from anchordesk.api import serialize
from anchordesk.api.auth import current_user
from anchordesk.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Ordering, keyset_page
from anchordesk.api.schemas import ErrorOut, Id, InputSchema, MessageOut, MessagePage, StatusName
from anchordesk.core.access import NotAllowed
from anchordesk.tickets import actions
from anchordesk.tickets.choices import Channel
from anchordesk.tickets.models import Message, Ticket
from anchordesk.tickets.queries import access_attachment, access_ticket
from anchordesk.tickets.uploads import CheckedUpload, check_uploads

router = Router(tags=["messages"])

ERRORS: dict[int | tuple[int, ...], type] = {(400, 401, 403, 404, 409, 413, 422): ErrorOut}
MessageKindName = Literal["reply", "note", "customer"]


class MessagePageParams(InputSchema):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class MessageCreate(InputSchema):
    kind: MessageKindName = Field(
        "reply",
        description="reply: public answer to the customer; note: internal; customer: in the customer's name.",
    )
    body: str = Field(description="Plain text.")
    html: str = Field("", max_length=1_000_000, description="Optional HTML; sanitized before it is stored.")
    status: StatusName | None = Field(None, description="Replies only: set the status in the same step.")
    expected_version: int | None = Field(
        None, description="Replies only: refuse with 409 if the ticket changed since this version."
    )
    confirm_open_work: bool = Field(
        False,
        description="Replies only: solve even though promises or handoffs are still open on the ticket; "
        "without it a solving reply answers 409 listing them, and nothing is sent.",
    )


def _message_qs() -> Any:
    return Message.objects.select_related("author", "customer").prefetch_related("attachments")


def write_message(
    user: User, ticket: Ticket, payload: MessageCreate, uploads: list[CheckedUpload]
) -> Message:
    if payload.kind != "note" and not user.works_tickets:
        raise NotAllowed("Your role can add internal notes only.", status=403)
    if payload.status is not None and payload.kind != "reply":
        raise ValidationError({"status": "Only a reply can change the status."})
    if payload.kind == "reply":
        return actions.do_reply(
            ticket,
            payload.body,
            actor=user,
            status=payload.status,
            html=payload.html,
            uploads=uploads,
            expected_version=payload.expected_version,
            confirm_open_work=payload.confirm_open_work,
        )
    if payload.kind == "note":
        return actions.do_add_note(ticket, payload.body, actor=user, uploads=uploads)
    return actions.do_add_customer_message(
        ticket,
        payload.body,
        customer=ticket.customer,
        channel=Channel.API,
        html=payload.html,
        uploads=uploads,
    )


@router.get("/tickets/{ticket_id}/messages", response={200: MessagePage, **ERRORS}, summary="List messages")
def list_messages(request: HttpRequest, ticket_id: Id, params: Query[MessagePageParams]) -> Any:
    """Oldest first, notes included (the API is for agents)."""
    ticket = access_ticket(current_user(request), ticket_id)
    page = keyset_page(
        _message_qs().filter(ticket=ticket),
        sort="id",
        ordering=Ordering("pk", False),
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": [serialize.message(m) for m in page.items], "next_cursor": page.next_cursor}


@router.post("/tickets/{ticket_id}/messages", response={201: MessageOut, **ERRORS}, summary="Write a message")
def create_message(request: HttpRequest, ticket_id: Id, payload: MessageCreate) -> Any:
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    message = write_message(user, ticket, payload, [])
    return Status(201, serialize.message(_message_qs().get(pk=message.pk)))


@router.post(
    "/tickets/{ticket_id}/messages/upload",
    response={201: MessageOut, **ERRORS},
    summary="Write a message with attachments (multipart)",
)
def create_message_with_attachments(
    request: HttpRequest,
    ticket_id: Id,
    data: Form[MessageCreate],
    attachments: File[list[UploadedFile]],
) -> Any:
    """multipart/form-data: the message fields as form fields, files under `attachments` (repeatable).

    Size and type limits come from ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_COUNT and
    ATTACHMENT_ALLOWED_TYPES; a refused file answers 422 naming it and the reason.
    """
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    uploads = check_uploads(list(attachments))
    message = write_message(user, ticket, data, uploads)
    return Status(201, serialize.message(_message_qs().get(pk=message.pk)))


@router.get(
    "/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    url_name="attachment_download",
    summary="Download an attachment",
)
def download_attachment(request: HttpRequest, attachment_id: Id) -> Any:
    attachment = access_attachment(current_user(request), attachment_id)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=attachment.content_type
    )
