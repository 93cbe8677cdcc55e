"""Huey's Django task decorators with types, so the type checker sees what a task is.

Huey ships no types: its decorators would turn each task function into Any. These are the
same decorators (the objects returned are huey's own) declared as what the app uses of them:
calling a task queues it, `.schedule` queues it for later, `.call_local` runs it here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Generic, ParamSpec, Protocol, TypedDict, TypeVar, Unpack, cast

from huey.contrib import djhuey

P = ParamSpec("P")
R = TypeVar("R", covariant=True)


class TaskOptions(TypedDict, total=False):
    """The options of huey's task decorators that the app passes (only those given are passed on)."""

    retries: int
    retry_delay: int
    expires: int | timedelta | datetime


class QueuedTask(Protocol, Generic[P, R]):
    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> object:
        """Queue a run with these arguments (huey's Result, or None without a result store)."""

    def schedule(
        self,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        eta: datetime | None = None,
        delay: float | timedelta | None = None,
    ) -> object:
        """Queue a run for a moment (eta) or after a delay in seconds."""

    def call_local(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run the function here and now, not through the queue."""


def db_task(**options: Unpack[TaskOptions]) -> Callable[[Callable[P, R]], QueuedTask[P, R]]:
    """huey.contrib.djhuey.db_task: a task that closes its database connection when done."""
    return cast("Callable[[Callable[P, R]], QueuedTask[P, R]]", djhuey.db_task(**options))


def db_periodic_task(
    when: Callable[[datetime], bool], **options: Unpack[TaskOptions]
) -> Callable[[Callable[[], R]], QueuedTask[[], R]]:
    """huey.contrib.djhuey.db_periodic_task: run by the scheduler whenever `when` (a crontab) says."""
    return cast("Callable[[Callable[[], R]], QueuedTask[[], R]]", djhuey.db_periodic_task(when, **options))
