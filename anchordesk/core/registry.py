"""Extension points: what the foundation (tickets, core) asks of the apps built on it.

The foundation imports none of the apps above it. Where it needs something only they know
(is there a promise still open? how does a handoff read in the timeline?), it asks one of
the extension points below, and the apps answer by registering a function in their
`AppConfig.ready()`. One mechanism per kind; see docs/ARCHITECTURE.md for who registers what.

Registrations run in INSTALLED_APPS order, so what the user reads (the "still open" list,
the panels) keeps a stable order. Registering the same function twice is harmless: an app's
`ready()` may run more than once in tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from anchordesk.tickets.models import Ticket

F = TypeVar("F", bound=Callable[..., object])


class ExtensionPoint(Generic[F]):
    """An ordered list of functions registered by the apps above the foundation."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: list[F] = []

    def register(self, fn: F) -> F:
        if fn not in self._items:
            self._items.append(fn)
        return fn

    def unregister(self, fn: F) -> None:
        if fn in self._items:
            self._items.remove(fn)

    def __iter__(self) -> Iterator[F]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}: {len(self._items)} registered>"


# --- Solve blockers -------------------------------------------------------------------------
# A function that returns, in the user's words, what is still open on a ticket that solving it
# would leave behind ("promise: refund by Friday", "handoff to Billing: credit note").
# Solving with any reason listed needs an explicit confirmation (UI and API alike).
SolveBlocker = Callable[["Ticket"], list[str]]
solve_blocker_registry: ExtensionPoint[SolveBlocker] = ExtensionPoint("solve blockers")


def register_solve_blocker(fn: SolveBlocker) -> SolveBlocker:
    return solve_blocker_registry.register(fn)


def solve_blockers(ticket: Ticket) -> list[str]:
    """Every reason, from every app, why solving this ticket needs a confirmation ([] if none)."""
    reasons: list[str] = []
    for blocker in solve_blocker_registry:
        reasons += blocker(ticket)
    return reasons
