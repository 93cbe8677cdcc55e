"""/webhooks: admins register receivers and read their delivery log (the same as Settings → Webhooks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anchordesk.api.auth import current_user, require_admin
from anchordesk.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Ordering, keyset_page
from anchordesk.api.schemas import ErrorOut, Id, InputSchema
from anchordesk.integrations.actions import do_create_webhook, do_delete_webhook, do_update_webhook
from anchordesk.integrations.enqueue import do_queue_test_delivery, do_retry_delivery
from anchordesk.integrations.models import Webhook, WebhookDelivery
from anchordesk.integrations.queries import access_delivery, access_webhook, webhooks_visible_to

router = Router(tags=["webhooks"])

ERRORS: dict[int | tuple[int, ...], type] = {(401, 403, 404, 422): ErrorOut}


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    active: bool
    description: str
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Shown once: the receiver checks signatures with it.")


class WebhookCreate(InputSchema):
    url: str = Field(max_length=500)
    events: list[str] = Field(
        max_length=20, description="ticket.created, ticket.updated, ticket.merged, message.created or *"
    )
    description: str = Field("", max_length=200)
    active: bool = True


class WebhookUpdate(InputSchema):
    url: str | None = Field(None, max_length=500)
    events: list[str] | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=200)
    active: bool | None = None


class DeliveryOut(Schema):
    id: int
    event: str
    state: str
    attempts: int
    response_status: int | None
    last_error: str
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class DeliveryParams(InputSchema):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _webhook(w: Webhook) -> dict[str, Any]:
    return {
        "id": w.pk,
        "url": w.url,
        "events": list(w.events),
        "active": w.active,
        "description": w.description,
        "created_at": w.created_at,
    }


def _delivery(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "event": d.event,
        "state": d.state,
        "attempts": d.attempts,
        "response_status": d.response_status,
        "last_error": d.last_error,
        "next_attempt_at": d.next_attempt_at,
        "created_at": d.created_at,
        "delivered_at": d.delivered_at,
    }


def _admin_webhook(request: HttpRequest, webhook_id: int) -> Webhook:
    user = current_user(request)
    require_admin(user)
    return access_webhook(user, webhook_id)


@router.get("/webhooks", response={200: list[WebhookOut], **ERRORS}, summary="List webhooks")
def list_webhooks(request: HttpRequest) -> Any:
    user = current_user(request)
    require_admin(user)
    return [_webhook(w) for w in webhooks_visible_to(user).order_by("pk")]


@router.post("/webhooks", response={201: WebhookCreated, **ERRORS}, summary="Register a webhook")
def create_webhook(request: HttpRequest, payload: WebhookCreate) -> Any:
    user = current_user(request)
    require_admin(user)
    webhook = do_create_webhook(actor=user, **payload.model_dump())
    return Status(201, {**_webhook(webhook), "secret": webhook.secret})


@router.get("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS})
def get_webhook(request: HttpRequest, webhook_id: Id) -> Any:
    return _webhook(_admin_webhook(request, webhook_id))


@router.patch("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS})
def update_webhook(request: HttpRequest, webhook_id: Id, payload: WebhookUpdate) -> Any:
    webhook = _admin_webhook(request, webhook_id)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return _webhook(do_update_webhook(webhook, actor=current_user(request), **changes))


@router.delete("/webhooks/{webhook_id}", response={204: None, **ERRORS})
def delete_webhook(request: HttpRequest, webhook_id: Id) -> Any:
    webhook = _admin_webhook(request, webhook_id)
    do_delete_webhook(webhook, actor=current_user(request))
    return Status(204, None)


@router.get(
    "/webhooks/{webhook_id}/deliveries", response={200: DeliveryPage, **ERRORS}, summary="Delivery log"
)
def list_deliveries(request: HttpRequest, webhook_id: Id, params: Query[DeliveryParams]) -> Any:
    """Newest first."""
    webhook = _admin_webhook(request, webhook_id)
    page = keyset_page(
        WebhookDelivery.objects.filter(webhook=webhook),
        sort="-id",
        ordering=Ordering("pk", True),
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": [_delivery(d) for d in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/webhooks/{webhook_id}/test", response={202: DeliveryOut, **ERRORS}, summary="Send a ping event"
)
def test_webhook(request: HttpRequest, webhook_id: Id) -> Any:
    webhook = _admin_webhook(request, webhook_id)
    delivery = do_queue_test_delivery(webhook)
    delivery.refresh_from_db()
    return Status(202, _delivery(delivery))


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
    response={202: DeliveryOut, **ERRORS},
    summary="Send a failed delivery again",
)
def retry(request: HttpRequest, webhook_id: Id, delivery_id: Id) -> Any:
    user = current_user(request)
    require_admin(user)
    delivery = access_delivery(user, webhook_id, delivery_id)
    if not do_retry_delivery(delivery):
        raise ValidationError(
            {"state": f"Only a failed delivery can be retried; this one is {delivery.state}."}
        )
    delivery.refresh_from_db()
    return Status(202, _delivery(delivery))
