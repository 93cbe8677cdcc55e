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

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet
    from django.utils.safestring import SafeString

    from anchordesk.accounts.models import User
    from anchordesk.core.models import AuditEvent
    from anchordesk.tickets.models import Message, Ticket

F = TypeVar("F", bound=Callable[..., object])
T = TypeVar("T")


class ExtensionPoint(Generic[T]):
    """An ordered list of functions (or small records of them) registered by the apps above the foundation."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: list[T] = []

    def register(self, fn: T) -> T:
        if fn not in self._items:
            self._items.append(fn)
        return fn

    def unregister(self, fn: T) -> None:
        if fn in self._items:
            self._items.remove(fn)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}: {len(self._items)} registered>"


class NamedExtensionPoint(Generic[F]):
    """Functions registered under a name the foundation already knows (an inbox view, a sort):
    the foundation owns the word and its label, an app says what it means."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, F] = {}

    def register(self, key: str, fn: F) -> F:
        self._items[key] = fn
        return fn

    def get(self, key: str) -> F | None:
        return self._items.get(key)

    def __repr__(self) -> str:
        return f"<NamedExtensionPoint {self.name}: {', '.join(sorted(self._items)) or 'none'}>"


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


# --- Timeline describers --------------------------------------------------------------------
# A function that says how one audit event reads in a ticket's timeline, after the actor's name
# ("took the escalation", "ran the rule “VIP”"), or None when the event is not its app's. Plain
# text is escaped; a SafeString (format_html) is kept as it is. Each app describes its own kinds,
# and they are asked before the generic labels of tickets' own event kinds.
TimelineDescriber = Callable[["AuditEvent"], "str | SafeString | None"]
timeline_describer_registry: ExtensionPoint[TimelineDescriber] = ExtensionPoint("timeline describers")


def register_timeline_describer(fn: TimelineDescriber) -> TimelineDescriber:
    return timeline_describer_registry.register(fn)


def describe_by_apps(event: AuditEvent) -> str | SafeString | None:
    """The first registered app's sentence for this event, or None if no app knows its kind."""
    for describer in timeline_describer_registry:
        if (said := describer(event)) is not None:
            return said
    return None


# --- After-reply effects --------------------------------------------------------------------
# A function called with a reply to the customer (an agent's or an automatic one) INSIDE the
# transaction that wrote it, after its audit event. Mail registers the outbox row here, so a
# committed reply is never unsent and a rolled-back one is never sent. Slow work goes to
# transaction.on_commit, as in event handlers.
AfterReply = Callable[["Message"], object]
after_reply_registry: ExtensionPoint[AfterReply] = ExtensionPoint("after-reply effects")


def register_after_reply(fn: AfterReply) -> AfterReply:
    return after_reply_registry.register(fn)


def run_after_reply(message: Message) -> None:
    for effect in after_reply_registry:
        effect(message)


# --- Reply Message-IDs ----------------------------------------------------------------------
# A function giving a new Message-ID for a reply to the customer, so the reply's row is written
# with the id its email will carry (the after-reply effect then only reads it) instead of being
# updated after it. Mail registers its id maker; without one a reply has no id until an
# after-reply effect gives it one.
ReplyMessageId = Callable[[], str]
reply_message_id_registry: ExtensionPoint[ReplyMessageId] = ExtensionPoint("reply Message-IDs")


def register_reply_message_id(fn: ReplyMessageId) -> ReplyMessageId:
    return reply_message_id_registry.register(fn)


def reply_message_id() -> str:
    """A new Message-ID for a reply from the first registered maker, or "" when none is."""
    for make in reply_message_id_registry:
        return make()
    return ""


# --- Outward ticket events ------------------------------------------------------------------
# A function told, after the transaction commits, that something happened to a ticket that the
# outside world may subscribe to ("message.created", "ticket.merged"...), with a JSON-ready
# payload. Integrations registers its webhook queue here.
OutwardEvent = Callable[[str, dict[str, Any]], object]
outward_event_registry: ExtensionPoint[OutwardEvent] = ExtensionPoint("outward ticket events")


def register_outward_event(fn: OutwardEvent) -> OutwardEvent:
    return outward_event_registry.register(fn)


def send_outward_event(event: str, payload: dict[str, Any]) -> None:
    for sink in outward_event_registry:
        sink(event, payload)


# --- Conversation moves ---------------------------------------------------------------------
# A function called inside the transaction when messages move between tickets, so what an app
# keeps about them follows the conversation (recovery moves the promises made in them):
# on merge, every message of `source` went to `target` (message_ids is None); on split, only
# the messages listed went to the new ticket `target`.
ConversationMoved = Callable[["Ticket", "Ticket", "list[int] | None", "User"], object]
conversation_moved_registry: ExtensionPoint[ConversationMoved] = ExtensionPoint("conversation moves")


def register_conversation_moved(fn: ConversationMoved) -> ConversationMoved:
    return conversation_moved_registry.register(fn)


def conversation_moved(source: Ticket, target: Ticket, message_ids: list[int] | None, *, actor: User) -> None:
    for follow in conversation_moved_registry:
        follow(source, target, message_ids, actor)


# --- Ticket-page panels ---------------------------------------------------------------------
# A function that gives the agent's ticket page what an app's panel shows (the promises and
# mistakes box, the temperature badge and de-escalation hint), as template context. The panel's
# markup lives in the app's templates, included by tickets/ticket.html; the function is called
# once per page (and per re-render after a refused form), for the signed-in agent.
TicketPanel = Callable[["Ticket", "User"], dict[str, Any]]
ticket_panel_registry: ExtensionPoint[TicketPanel] = ExtensionPoint("ticket-page panels")


def register_ticket_panel(fn: TicketPanel) -> TicketPanel:
    return ticket_panel_registry.register(fn)


def ticket_panels_context(ticket: Ticket, user: User) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for panel in ticket_panel_registry:
        context.update(panel(ticket, user))
    return context


# --- Timeline entries -----------------------------------------------------------------------
# A function that adds entries of its own to a ticket's timeline, beside messages and audit
# events: (kind, when, object). Mail adds the emails about the ticket that are not replies
# (notices, surveys) as kind "email"; tickets/ticket.html renders each kind.
TimelineEntries = Callable[["Ticket"], "Iterable[tuple[str, datetime, Any]]"]
timeline_entries_registry: ExtensionPoint[TimelineEntries] = ExtensionPoint("timeline entries")


def register_timeline_entries(fn: TimelineEntries) -> TimelineEntries:
    return timeline_entries_registry.register(fn)


def timeline_entries(ticket: Ticket) -> list[tuple[str, datetime, Any]]:
    entries: list[tuple[str, datetime, Any]] = []
    for source in timeline_entries_registry:
        entries.extend(source(ticket))
    return entries


# --- Inbox rows -----------------------------------------------------------------------------
# A function given the page of tickets the agent's inbox is about to show, which adds what its
# app shows on the rows: it may annotate the tickets in place (the temperature badge) and
# returns template context for the list (the SLA due times, as {"sla": ...}). One call per page,
# in a fixed number of queries however many rows.
InboxRows = Callable[["list[Ticket]"], dict[str, Any]]
inbox_rows_registry: ExtensionPoint[InboxRows] = ExtensionPoint("inbox rows")


def register_inbox_rows(fn: InboxRows) -> InboxRows:
    return inbox_rows_registry.register(fn)


def inbox_rows_context(tickets: list[Ticket]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for rows in inbox_rows_registry:
        context.update(rows(tickets))
    return context


# --- Inbox views and sorts ------------------------------------------------------------------
# The inbox names its views and sorts (tickets/inbox.py: VIEWS, SORTS); the app that knows
# what one means registers a queryset function under its name. The "breaching" view narrows the
# tickets to those with an SLA target overdue or due soon; the "sla" sort annotates `sla_due_at`
# for the keyset pagination to order by. Both are registered by sla.
QuerysetRefiner = Callable[["QuerySet[Ticket]"], "QuerySet[Ticket]"]
inbox_view_filters: NamedExtensionPoint[QuerysetRefiner] = NamedExtensionPoint("inbox views")
inbox_sort_annotations: NamedExtensionPoint[QuerysetRefiner] = NamedExtensionPoint("inbox sorts")


def register_inbox_view_filter(view: str, fn: QuerysetRefiner) -> QuerysetRefiner:
    return inbox_view_filters.register(view, fn)


def register_inbox_sort(sort: str, fn: QuerysetRefiner) -> QuerysetRefiner:
    return inbox_sort_annotations.register(sort, fn)


def refine_inbox(
    queryset: QuerySet[Ticket], point: NamedExtensionPoint[QuerysetRefiner], key: str
) -> QuerySet[Ticket]:
    refine = point.get(key)
    return refine(queryset) if refine is not None else queryset


# --- Reply macros ---------------------------------------------------------------------------
# The function that applies the macros an agent inserted into a reply (their actions: tags,
# status, fields), given the macros' ids as posted; called inside the reply's transaction so
# they run with the reply or not at all, and raises ValidationError({"macro": ...}) for one that
# no longer exists. Automation registers it; without automation a reply carries no macros.
# The last argument says the reply chose a status itself: the agent's visible choice then wins
# over a macro's "set status" (the reply box shows the macro's status when it is inserted).
ReplyMacros = Callable[["Ticket", "list[str]", "User", bool], object]
reply_macros_registry: ExtensionPoint[ReplyMacros] = ExtensionPoint("reply macros")


def register_reply_macros(fn: ReplyMacros) -> ReplyMacros:
    return reply_macros_registry.register(fn)


def apply_reply_macros(
    ticket: Ticket, macro_ids: list[str], *, actor: User, status_chosen: bool = False
) -> None:
    if not macro_ids:
        return
    for apply in reply_macros_registry:
        apply(ticket, macro_ids, actor, status_chosen)


# --- Outgoing email -------------------------------------------------------------------------
# The function that queues an email in the durable outbox, in the caller's transaction (sent
# after commit, retried): `kind` is one of mail's OutboundKind values ("invitation"...). The
# foundation sends its few emails (invitations) through it; mail registers `outbox.do_queue_email`.
QueueEmail = Callable[..., object]
queue_email_registry: ExtensionPoint[QueueEmail] = ExtensionPoint("outgoing email")


def register_queue_email(fn: QueueEmail) -> QueueEmail:
    return queue_email_registry.register(fn)


def queue_email(*, kind: str, to: list[str], subject: str, body: str, **extra: Any) -> None:
    """Queue one email through the outbox; RuntimeError when no app sends email (a setup bug)."""
    senders = list(queue_email_registry)
    if not senders:
        raise RuntimeError("no app registered to queue email (anchordesk.mail is not installed?)")
    senders[0](kind=kind, to=to, subject=subject, body=body, **extra)


# --- Agent offboarding ----------------------------------------------------------------------
# The function that deactivates an agent and hands over their open work with the default plan
# (tickets, promises, handoffs, follow-ups). accounts.do_deactivate_agent asks it; people
# registers `do_offboard_agent`.
OffboardAgent = Callable[..., object]
offboard_agent_registry: ExtensionPoint[OffboardAgent] = ExtensionPoint("agent offboarding")


def register_offboard_agent(fn: OffboardAgent) -> OffboardAgent:
    return offboard_agent_registry.register(fn)


def offboard_agent(user: User, *, actor: User | None, source: str) -> None:
    handlers = list(offboard_agent_registry)
    if not handlers:
        raise RuntimeError("no app registered to offboard agents (anchordesk.people is not installed?)")
    handlers[0](user, actor=actor, plan=None, source=source)


# --- Bulk-solve warnings --------------------------------------------------------------------
# A function given the tickets a bulk action just solved or closed, which returns what the agent
# should still hear about them ("#12 still has 2 open promises: keep or drop them."), one
# sentence each. The bulk action does not refuse: the warnings follow it.
BulkSolveWarnings = Callable[["list[int]"], "list[str]"]
bulk_solve_warning_registry: ExtensionPoint[BulkSolveWarnings] = ExtensionPoint("bulk-solve warnings")


def register_bulk_solve_warnings(fn: BulkSolveWarnings) -> BulkSolveWarnings:
    return bulk_solve_warning_registry.register(fn)


def bulk_solve_warnings(ticket_ids: list[int]) -> list[str]:
    warnings: list[str] = []
    for warn in bulk_solve_warning_registry:
        warnings += warn(ticket_ids)
    return warnings


# --- Inbound-mail routers -------------------------------------------------------------------
# A function asked, for each inbound email that is not a bounce or a loop, before ticket
# threading: does this email belong to your app? It returns None when not, else what became of
# it (a MailRouted). Collab registers the emailed answers to handoffs (a comment, never a ticket).
@dataclass(frozen=True)
class MailRouted:
    reason: str  # what the admin's list of inbound mail shows
    ignored: bool = False  # set aside (an automatic reply) rather than processed
    ticket: Ticket | None = None  # the ticket it is about, if any


InboundRouter = Callable[[Any, str, bool], "MailRouted | None"]
inbound_router_registry: ExtensionPoint[InboundRouter] = ExtensionPoint("inbound-mail routers")


def register_inbound_router(fn: InboundRouter) -> InboundRouter:
    return inbound_router_registry.register(fn)


def route_inbound(parsed: Any, sender: str, *, force: bool) -> MailRouted | None:
    """The first app's answer for this email (`parsed` is mail.parse's ParsedEmail), or None."""
    for router in inbound_router_registry:
        if (routed := router(parsed, sender, force)) is not None:
            return routed
    return None


# --- Deferred message analysis --------------------------------------------------------------
# Bulk email ingest holds the analysis of customers' words (the slowest step) until its batch
# commits: it enters every registered `deferred()` context around the batch, then hands the new
# customer messages' ids to every registered `later(ids)` after commit (the worker's queue).
# Recovery registers its temperature scoring.
@dataclass(frozen=True)
class DeferredAnalysis:
    deferred: Callable[[], AbstractContextManager[object]]
    later: Callable[[list[int]], object]


deferred_analysis_registry: ExtensionPoint[DeferredAnalysis] = ExtensionPoint("deferred message analysis")


def register_deferred_analysis(analysis: DeferredAnalysis) -> DeferredAnalysis:
    return deferred_analysis_registry.register(analysis)


@contextmanager
def analysis_deferred() -> Iterator[None]:
    with ExitStack() as stack:
        for analysis in deferred_analysis_registry:
            stack.enter_context(analysis.deferred())
        yield


def analyse_later(message_ids: list[int]) -> None:
    for analysis in deferred_analysis_registry:
        analysis.later(message_ids)


# --- Escalation facts -----------------------------------------------------------------------
# A function that gives the lead's escalation page (collab.queries.escalation_context) what an
# app knows about the ticket, as fields of collab's EscalationContext: recovery the temperature
# points, promises and mistakes; policies the decisions and exceptions.
EscalationFacts = Callable[["Ticket"], dict[str, Any]]
escalation_facts_registry: ExtensionPoint[EscalationFacts] = ExtensionPoint("escalation facts")


def register_escalation_facts(fn: EscalationFacts) -> EscalationFacts:
    return escalation_facts_registry.register(fn)


def escalation_facts(ticket: Ticket) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for gather in escalation_facts_registry:
        facts.update(gather(ticket))
    return facts
