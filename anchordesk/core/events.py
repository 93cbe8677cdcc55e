"""In-process domain events: every audited ticket change is published here.

Handlers (SLA timers, triggers, temperature) subscribe in their AppConfig.ready() and run
synchronously inside the action's transaction, so their writes commit or roll back with
the change that caused them. A handler must be quick; slow work goes to the worker with
transaction.on_commit.

A handler that only records what happened (reporting facts, outcomes) may subscribe with
`may_wait=True`. Bulk work (email ingest) runs inside `waiting_handlers()`: those handlers
are then not called at once; the events' ids are collected and the worker replays them with
`replay()` after the batch has committed. Handlers that may wait must be idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from anchordesk.core.models import AuditEvent

if TYPE_CHECKING:
    from anchordesk.core.models import AuditEvent

log = logging.getLogger(__name__)

Handler = Callable[["AuditEvent"], None]
_handlers: list[Handler] = []
_may_wait: list[Handler] = []
_waiting: ContextVar[list[int] | None] = ContextVar("anchordesk_waiting_events", default=None)


def subscribe(handler: Handler, *, may_wait: bool = False) -> Handler:
    if handler not in _handlers:
        _handlers.append(handler)
    if may_wait and handler not in _may_wait:
        _may_wait.append(handler)
    return handler


def unsubscribe(handler: Handler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)
    if handler in _may_wait:
        _may_wait.remove(handler)


@contextmanager
def waiting_handlers() -> Iterator[list[int]]:
    """Collect, instead of running, what the may-wait handlers would do; yields the event ids."""
    waiting: list[int] = []
    token = _waiting.set(waiting)
    try:
        yield waiting
    finally:
        _waiting.reset(token)


def publish(event: AuditEvent) -> None:
    waiting = _waiting.get()
    if waiting is not None and _may_wait:
        waiting.append(event.pk)
    for handler in list(_handlers):
        if waiting is None or handler not in _may_wait:
            handler(event)


def replay(event_ids: list[int]) -> int:
    """Run the may-wait handlers for events collected in bulk work; returns how many events ran.

    Events that no longer exist (their message was rolled back) are skipped.
    """
    from django.db import transaction

    events = AuditEvent.objects.filter(pk__in=event_ids).select_related("ticket").order_by("id")
    count = 0
    for event in events:
        event.ticket_as_stored = True  # read with the event, just now
        with transaction.atomic():
            for handler in list(_may_wait):
                handler(event)
        count += 1
    return count
