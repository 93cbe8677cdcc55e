"""Changes to webhook configuration: admins only (callers check), atomic, audited.

The audit trail records the URL and events, never the secret.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from anchordesk.accounts.models import User
from anchordesk.core.audit import record_event
from anchordesk.integrations.choices import IntegrationsEvent
from anchordesk.integrations.models import WEBHOOK_EVENTS, Webhook

EVENT_NAMES = [name for name, _ in WEBHOOK_EVENTS]
_url_validator = URLValidator(schemes=["http", "https"])


def _new_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": "Enter the URL that receives the events."})
    if len(url) > 500:
        raise ValidationError({"url": "At most 500 characters."})
    try:
        _url_validator(url)
    except ValidationError:
        raise ValidationError({"url": "Enter a full http:// or https:// URL."}) from None
    return url


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(e) for e in events))
    if not chosen:
        raise ValidationError({"events": "Choose at least one event."})
    unknown = [e for e in chosen if e not in EVENT_NAMES and e != "*"]
    if unknown:
        raise ValidationError({"events": f"Unknown event {unknown[0]!r}: use {', '.join(EVENT_NAMES)} or *."})
    return chosen


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > 200:
        raise ValidationError({"description": "At most 200 characters."})
    return description


@transaction.atomic
def do_create_webhook(
    *, actor: User, url: str, events: Iterable[str], description: str = "", active: bool = True
) -> Webhook:
    """Register a receiver. Its generated secret is on the returned object; show it to the admin."""
    webhook = Webhook.objects.create(
        url=_clean_url(url),
        events=_clean_events(events),
        description=_clean_description(description),
        active=active,
        secret=_new_secret(),
    )
    record_event(
        IntegrationsEvent.WEBHOOK_CREATED,
        actor=actor,
        obj=webhook,
        after={"url": webhook.url, "events": webhook.events, "active": webhook.active},
    )
    return webhook


@transaction.atomic
def do_update_webhook(
    webhook: Webhook, *, actor: User, rotate_secret: bool = False, **changes: Any
) -> Webhook:
    cleaners: dict[str, Callable[[Any], Any]] = {
        "url": _clean_url,
        "events": _clean_events,
        "description": _clean_description,
        "active": bool,
    }
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in cleaners:
            raise ValidationError({key: "This field cannot be changed."})
        value = cleaners[key](value)
        if getattr(webhook, key) != value:
            before[key], after[key] = getattr(webhook, key), value
            setattr(webhook, key, value)
    if rotate_secret:
        webhook.secret = _new_secret()
        after["secret"] = "rotated"
    if after:
        webhook.save()
        record_event(IntegrationsEvent.WEBHOOK_UPDATED, actor=actor, obj=webhook, before=before, after=after)
    return webhook


@transaction.atomic
def do_delete_webhook(webhook: Webhook, *, actor: User) -> None:
    record_event(
        IntegrationsEvent.WEBHOOK_DELETED,
        actor=actor,
        obj=webhook,
        before={"url": webhook.url, "events": webhook.events},
    )
    webhook.delete()
