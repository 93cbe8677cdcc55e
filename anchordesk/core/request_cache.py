"""Active rules read once per web request instead of once per event.

One reply publishes several events (the reply, each promise found in it, the status change)
and queues webhook calls for two of them; each used to load the active triggers and webhooks
again. Here a store opens when Django starts a request and closes when it finishes (WSGI
runs both in the request's thread and context). Outside a request (the worker, a command,
an ASGI request whose signals run elsewhere) `request_cached` is `core.snapshot.cached`,
so a batch's snapshot still applies. Saving or deleting a model registered with
`forget_on_change` drops its entry, so a request that edits a trigger sees the edit at its
next event: the same as two requests a moment apart.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import post_delete, post_save

from anchordesk.core.snapshot import cached

T = TypeVar("T")

_store: ContextVar[dict[str, Any] | None] = ContextVar("request_cache", default=None)


def _begin(**kwargs: Any) -> None:
    _store.set({})


def _end(**kwargs: Any) -> None:
    _store.set(None)


request_started.connect(_begin, dispatch_uid="anchordesk.request_cache.begin")
request_finished.connect(_end, dispatch_uid="anchordesk.request_cache.end")


def request_cached(key: str, load: Callable[[], T]) -> T:
    store = _store.get()
    if store is None:
        return cached(key, load)
    if key not in store:
        store[key] = cached(key, load)
    value: T = store[key]
    return value


def forget(key: str) -> None:
    store = _store.get()
    if store is not None:
        store.pop(key, None)


def forget_on_change(model: type[models.Model], key: str) -> None:
    """Drop the request's copy of `key` whenever a row of `model` is saved or deleted."""

    def drop(**kwargs: Any) -> None:
        forget(key)

    for signal in (post_save, post_delete):
        signal.connect(drop, sender=model, weak=False, dispatch_uid=f"request_cache:{key}:{signal}")


# --- handed on within one transaction ---------------------------------------------------------
# Two subscribers of one action (a reply's event, then its status change's) may need the same
# locked rows. The first hands them on on an object the action holds (its locked ticket), the
# second takes them if they are still good: the transaction they were read in has not committed
# or rolled back (a no-op on_commit marker Django drops on either, or on a rolled-back savepoint)
# and the action is the same (the same savepoints open around the subscriber's own). Taking is
# once: anything else reads again.


class _Marker:
    def __call__(self) -> None:
        return None


def _open_savepoints(using: str | None) -> tuple[str | None, ...]:
    return tuple(connections[using or DEFAULT_DB_ALIAS].savepoint_ids[:-1])


def hold_for_transaction(holder: object, key: str, value: object, *, using: str | None = None) -> None:
    """Leave `value` on `holder` for the next subscriber of the same action (see above)."""
    marker = _Marker()
    transaction.on_commit(marker, using=using)
    holder.__dict__[key] = (marker, _open_savepoints(using), value)


def take_from_transaction(holder: object, key: str, *, using: str | None = None) -> Any:
    """What `hold_for_transaction` left on `holder` if still good in this transaction, else None;
    either way it is gone from `holder`."""
    held = holder.__dict__.pop(key, None)
    if held is None:
        return None
    marker, savepoints, value = held
    connection = connections[using or DEFAULT_DB_ALIAS]
    if savepoints != _open_savepoints(using):
        return None
    if not any(entry[1] is marker for entry in connection.run_on_commit):  # (savepoints, func, robust)
        return None
    return value
