"""Settings pages for outgoing webhooks: admins only. Every change is a POST (CSRF) calling an action."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anchordesk.accounts.models import User
from anchordesk.core.access import require_admin
from anchordesk.integrations.actions import do_create_webhook, do_delete_webhook, do_update_webhook
from anchordesk.integrations.enqueue import do_queue_test_delivery, do_retry_delivery
from anchordesk.integrations.forms import WebhookForm
from anchordesk.integrations.models import WEBHOOK_EVENTS, DeliveryState, WebhookDelivery
from anchordesk.integrations.queries import access_delivery, access_webhook, webhooks_visible_to

View = Callable[..., HttpResponse]
DELIVERIES_SHOWN = 50
EVENT_LABELS = dict(WEBHOOK_EVENTS)


def admin_required(view: View) -> View:
    """Admins only; everyone else signed in gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_admin(request, settings_page=True)
        return view(request, *args, **kwargs)

    return wrapper


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@admin_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    webhooks = (
        webhooks_visible_to(_actor(request))
        .annotate(
            failed=Count("deliveries", filter=Q(deliveries__state=DeliveryState.FAILED)),
            pending=Count("deliveries", filter=Q(deliveries__state=DeliveryState.PENDING)),
        )
        .order_by("-created_at")
    )
    return render(
        request, "integrations/webhook_list.html", {"webhooks": webhooks, "event_labels": EVENT_LABELS}
    )


@admin_required
def webhook_create(request: HttpRequest) -> HttpResponse:
    # Bound on every POST, even an empty one (which must say what is missing, not show a blank form).
    form = WebhookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = do_create_webhook(actor=_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            for field, reasons in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, reasons)
        else:
            # The secret is shown on this one answer; the receiver needs it to check signatures.
            return render(request, "integrations/webhook_secret.html", {"webhook": webhook, "created": True})
    return render(
        request, "integrations/webhook_form.html", {"form": form}, status=400 if form.errors else 200
    )


@admin_required
def webhook_detail(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = access_webhook(_actor(request), webhook_id)
    deliveries = list(
        WebhookDelivery.objects.filter(webhook=webhook).order_by("-created_at", "-pk")[:DELIVERIES_SHOWN]
    )
    return render(
        request,
        "integrations/webhook_detail.html",
        {
            "webhook": webhook,
            "deliveries": deliveries,
            "shown": DELIVERIES_SHOWN,
            "event_labels": EVENT_LABELS,
            "secret_hint": webhook.secret[:10] + "…",
        },
    )


@require_POST
@admin_required
def webhook_toggle(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = access_webhook(_actor(request), webhook_id)
    do_update_webhook(webhook, actor=_actor(request), active=not webhook.active)
    messages.success(request, f"Webhook {'turned on' if webhook.active else 'turned off'}.")
    return redirect("webhook-detail", webhook_id=webhook.pk)


@require_POST
@admin_required
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = access_webhook(_actor(request), webhook_id)
    do_delete_webhook(webhook, actor=_actor(request))
    messages.success(request, "Webhook deleted, with its delivery log.")
    return redirect("webhook-list")


@require_POST
@admin_required
def webhook_test(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = access_webhook(_actor(request), webhook_id)
    do_queue_test_delivery(webhook)
    messages.success(request, "Test event queued: its result appears in the log below.")
    return redirect("webhook-detail", webhook_id=webhook.pk)


@require_POST
@admin_required
def webhook_rotate_secret(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = access_webhook(_actor(request), webhook_id)
    do_update_webhook(webhook, actor=_actor(request), rotate_secret=True)
    return render(request, "integrations/webhook_secret.html", {"webhook": webhook, "created": False})


@require_POST
@admin_required
def delivery_retry(request: HttpRequest, webhook_id: int, delivery_id: int) -> HttpResponse:
    delivery = access_delivery(_actor(request), webhook_id, delivery_id)
    if do_retry_delivery(delivery):
        messages.success(request, f"Delivery {delivery.pk} queued again.")
    else:
        messages.info(request, f"Delivery {delivery.pk} is not failed, so it was not sent again.")
    return redirect("webhook-detail", webhook_id=webhook_id)
