"""In-process domain events: every audited ticket change is published here.

Handlers (SLA timers, triggers, temperature) subscribe in their AppConfig.ready() and run
synchronously inside the action's transaction, so their writes commit or roll back with
the change that caused them. A handler must be quick; slow work goes to the worker with
transaction.on_commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anchordesk.core.models import AuditEvent

log = logging.getLogger(__name__)

Handler = Callable[["AuditEvent"], None]
_handlers: list[Handler] = []


def subscribe(handler: Handler) -> Handler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def unsubscribe(handler: Handler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def publish(event: AuditEvent) -> None:
    for handler in list(_handlers):
        handler(event)
