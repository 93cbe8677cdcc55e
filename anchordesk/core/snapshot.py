"""Configuration read once per batch instead of once per event.

A worker routing a batch of a few hundred emails would otherwise load the active triggers,
SLA policies, our mailbox addresses and webhooks again for every event of every message.
Inside `config_snapshot()` each of these is loaded at its first use and reused until the
batch ends; outside one, `cached()` simply loads. An admin's edit therefore reaches a
running batch at the next batch, a second or so later: the same as if the mail had
arrived a moment earlier.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_store: ContextVar[dict[str, Any] | None] = ContextVar("config_snapshot", default=None)


@contextmanager
def config_snapshot() -> Iterator[None]:
    """Hold configuration for the length of the block; nested blocks share the outer one."""
    if _store.get() is not None:
        yield
        return
    token = _store.set({})
    try:
        yield
    finally:
        _store.reset(token)


def cached(key: str, load: Callable[[], T]) -> T:
    store = _store.get()
    if store is None:
        return load()
    if key not in store:
        store[key] = load()
    value: T = store[key]
    return value
