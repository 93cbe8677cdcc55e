"""Who may see which escalations and handoffs, what the pages show, who answers and the drafts to say it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone

from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import User
from anchordesk.collab.choices import OPEN_HANDOFF_STATUSES, EscalationState, HandoffStatus, LeadMode
from anchordesk.collab.models import Escalation, Handoff, HandoffComment
from anchordesk.core.access import NotAllowed
from anchordesk.core.registry import escalation_facts
from anchordesk.mail.addresses import handoff_from_addresses, handoff_from_subject
from anchordesk.sla.models import SlaTimer
from anchordesk.tickets.choices import MessageKind
from anchordesk.tickets.models import Message, Ticket
from anchordesk.tickets.queries import tickets_visible_to

RECENT_MESSAGES = 8


def _pk(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotAllowed("Not found", status=404) from None


# --- Escalations ---------------------------------------------------------------------------


def escalations_visible_to(user: User) -> QuerySet[Escalation]:
    """Agents, leads and admins see escalations of the tickets they can see; nobody else any."""
    if not user.is_authenticated or not user.is_active or not user.works_tickets:
        return Escalation.objects.none()
    return Escalation.objects.filter(ticket__in=tickets_visible_to(user))


def access_escalation(user: User, escalation_id: int | str) -> Escalation:
    escalation = (
        escalations_visible_to(user)
        .select_related("ticket", "ticket__customer", "ticket__assignee", "ticket__team", "lead", "opened_by")
        .filter(pk=_pk(escalation_id))
        .first()
    )
    if escalation is None:
        raise NotAllowed("No such escalation", status=404)
    return escalation


def escalation_queue(user: User, *, include_resolved: bool = False) -> list[Escalation]:
    """Open first (untaken before taken), oldest first; resolved ones last, newest first."""
    qs = escalations_visible_to(user).select_related("ticket", "ticket__customer", "lead")
    if not include_resolved:
        qs = qs.exclude(state=EscalationState.RESOLVED)
    order = Case(
        When(state=EscalationState.OPEN, then=Value(0)),
        When(state=EscalationState.TAKEN, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(qs.annotate(state_order=order).order_by("state_order", "created_at", "id")[:200])


@dataclass
class EscalationContext:
    """Everything a lead needs on one page to take an escalation."""

    recent_messages: list[Message]
    message_total: int
    temperature_points: list[dict[str, Any]]
    promises: list[Any]
    mistakes: list[Any]
    sla_timers: list[Any]
    summary: list[str] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    policies_available: bool = False


def escalation_context(ticket: Ticket) -> EscalationContext:
    """The lead's page: the conversation from tickets, the SLA timers, and what the apps above
    know about the ticket (temperature, promises, mistakes, policy decisions) through the
    escalation-facts extension point (core/registry.py)."""
    messages = list(
        ticket.messages.select_related("author", "customer").order_by("-created_at", "-id")[:RECENT_MESSAGES]
    )
    messages.reverse()
    facts: dict[str, Any] = {
        "temperature_points": [],
        "promises": [],
        "mistakes": [],
        "decisions": [],
        "exceptions": [],
        "policies_available": False,
    }
    facts.update(escalation_facts(ticket))
    return EscalationContext(
        summary=conversation_summary(
            ticket,
            facts["temperature_points"],
            facts["promises"],
            len(facts["mistakes"]),
            facts["decisions"],
            facts["exceptions"],
        ),
        recent_messages=messages,
        message_total=ticket.messages.count(),
        sla_timers=list(SlaTimer.objects.filter(ticket=ticket).order_by("started_at", "id")),
        **facts,
    )


def conversation_summary(
    ticket: Ticket,
    points: list[dict[str, Any]],
    promises: list[Any],
    mistake_count: int,
    decisions: list[dict[str, Any]],
    exceptions: list[dict[str, Any]],
) -> list[str]:
    """The conversation in a few plain sentences, so a lead knows where things stand before
    reading a single message."""
    counts: dict[str, int] = {
        row["kind"]: row["n"] for row in ticket.messages.order_by().values("kind").annotate(n=Count("id"))
    }
    first = ticket.messages.filter(kind=MessageKind.CUSTOMER).order_by("created_at", "id").first()
    customer = ticket.customer.display_name
    written = counts.get(MessageKind.CUSTOMER, 0)
    replies = counts.get(MessageKind.REPLY, 0)
    lines = [
        f"{customer} wrote {_times(written)} since {timezone.localtime(ticket.created_at):%-d %B}"
        f" and got {_plural(replies, 'reply', 'replies')}"
        + (
            f"; {_plural(counts.get(MessageKind.NOTE, 0), 'internal note')}"
            if counts.get(MessageKind.NOTE)
            else ""
        )
        + "."
    ]
    if first is not None and first.body_text.strip():
        lines.append(f"It started with: “{_clip(first.body_text, 160)}”")
    if points:
        heats = [p["heat"] for p in points]
        trend = "rose" if heats[-1] > heats[0] else "fell" if heats[-1] < heats[0] else "stayed"
        lines.append(
            f"Temperature {trend} from {heats[0]} to {heats[-1]} (peak {max(heats)})"
            + (
                f"; {_plural(sum(p['abusive'] for p in points), 'abusive message')}"
                if any(p["abusive"] for p in points)
                else ""
            )
            + "."
        )
    if promises:
        states = Counter(str(c.state) for c in promises)
        parts = [f"{n} {state}" for state, n in sorted(states.items())]
        lines.append(f"{_plural(len(promises), 'promise')} made: {', '.join(parts)}.")
    if mistake_count:
        lines.append(f"{_plural(mistake_count, 'mistake')} logged on this ticket.")
    if decisions:
        lines.append(f"Latest policy decision: {decisions[0]['text']}.")
    if exceptions:
        lines.append(f"{_plural(len(exceptions), 'policy exception')}: {exceptions[0]['text']}.")
    return lines


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Handoffs ------------------------------------------------------------------------------


def handoffs_visible_to(user: User) -> QuerySet[Handoff]:
    """Agents, leads and admins see every handoff; collaborators only their teams'."""
    if not user.is_authenticated or not user.is_active:
        return Handoff.objects.none()
    if user.works_tickets:
        return Handoff.objects.all()
    return Handoff.objects.filter(team__in=user.teams.all())


def access_handoff(user: User, handoff_id: int | str) -> Handoff:
    handoff = (
        handoffs_visible_to(user)
        .select_related("ticket", "ticket__customer", "team", "assignee", "created_by")
        .filter(pk=_pk(handoff_id))
        .first()
    )
    if handoff is None:
        raise NotAllowed("No such handoff", status=404)
    return handoff


def handoff_queue(user: User, *, show: str = "open") -> list[Handoff]:
    """Handoffs the user can see: open ones (default), "mine" (assigned to or opened by me) or "all"."""
    qs = handoffs_visible_to(user).select_related("ticket", "team", "assignee", "created_by")
    if show == "mine":
        qs = qs.filter(Q(assignee=user) | Q(created_by=user))
    if show != "all":
        qs = qs.filter(status__in=OPEN_HANDOFF_STATUSES)
    return list(qs.order_by(F("due_on").asc(nulls_last=True), "created_at", "id")[:200])


@dataclass
class HandoffFocus:
    """A collaborator's own page: what is theirs, what their team has not picked up, what just closed."""

    mine: list[Handoff]
    unassigned: list[Handoff]
    teammates: list[Handoff]
    recently_closed: list[Handoff]

    @property
    def empty(self) -> bool:
        return not (self.mine or self.unassigned or self.teammates or self.recently_closed)


def handoff_focus(user: User, *, closed_days: int = 14) -> HandoffFocus:
    from datetime import timedelta

    from django.utils import timezone

    qs = handoffs_visible_to(user).filter(team__in=user.teams.all()).select_related("team", "assignee")
    order = (F("due_on").asc(nulls_last=True), "created_at", "id")
    open_qs = qs.filter(status__in=OPEN_HANDOFF_STATUSES)
    since = timezone.now() - timedelta(days=closed_days)
    return HandoffFocus(
        mine=list(open_qs.filter(assignee=user).order_by(*order)[:100]),
        unassigned=list(open_qs.filter(assignee__isnull=True).order_by(*order)[:100]),
        teammates=list(open_qs.exclude(assignee=user).exclude(assignee__isnull=True).order_by(*order)[:100]),
        recently_closed=list(
            qs.exclude(status__in=OPEN_HANDOFF_STATUSES)
            .filter(closed_at__gte=since)
            .order_by("-closed_at")[:50]
        ),
    )


@dataclass
class HandoffProgress:
    """One handoff as the agent sees it on the customer's ticket."""

    handoff: Handoff
    last_comment: Any
    comment_count: int
    update_customer: bool  # closed, and nobody has replied to the customer since


def ticket_handoff_progress(ticket: Ticket, limit: int = 20) -> list[HandoffProgress]:
    """The ticket's handoffs, newest first, each with its latest comment; at most three queries."""
    handoffs = list(ticket.handoffs.select_related("team", "assignee").order_by("-created_at", "-id")[:limit])
    if not handoffs:
        return []
    comments: dict[int, list[HandoffComment]] = {}
    for comment in HandoffComment.objects.filter(handoff__in=handoffs).select_related("author"):
        comments.setdefault(comment.handoff_id, []).append(comment)
    # The last reply matters only for a handoff that is done: was the customer told since?
    done = [h for h in handoffs if not h.is_open and h.closed_at is not None]
    last_reply = (
        ticket.messages.filter(kind=MessageKind.REPLY).aggregate(at=Max("created_at"))["at"] if done else None
    )
    return [
        HandoffProgress(
            handoff=h,
            last_comment=comments[h.pk][-1] if comments.get(h.pk) else None,
            comment_count=len(comments.get(h.pk, [])),
            update_customer=h in done
            and h.closed_at is not None
            and (last_reply is None or last_reply < h.closed_at),
        )
        for h in handoffs
    ]


def open_handoffs(ticket: Ticket) -> QuerySet[Handoff]:
    """Handoffs of the ticket still waiting on another team: warn before solving the ticket."""
    return Handoff.objects.filter(ticket=ticket, status__in=OPEN_HANDOFF_STATUSES).select_related("team")


# --- Who answers, and what to say ------------------------------------------------------------


def on_duty_leads(ticket: Ticket) -> list[User]:
    """The leads of the ticket's team; all leads when the team has none (or there is no team)."""
    leads = User.objects.filter(is_active=True, role=Role.LEAD)
    if ticket.team_id is not None:
        team_leads = list(leads.filter(teams=ticket.team_id).order_by("id"))
        if team_leads:
            return team_leads
    return list(leads.order_by("id"))


def open_escalation_for(ticket: Ticket) -> Escalation | None:
    return Escalation.objects.filter(ticket=ticket).exclude(state=EscalationState.RESOLVED).first()


def suggested_lead_reply(escalation: Escalation, lead: User) -> str:
    """What the customer is told, honestly: who now handles their request."""
    team = escalation.ticket.team
    team_name = team.name.lower() if team is not None else "support"
    first = escalation.ticket.customer.name.split()[0] if escalation.ticket.customer.name else ""
    greeting = f"Hello {first}," if first else "Hello,"
    return (
        f"{greeting}\n\n"
        f"My name is {lead.display_name}, I lead the {team_name} team, and I'm now looking after your "
        "request personally. I'm sorry you had to ask for a manager to be heard, and I understand why you "
        "did. I've read the whole conversation, so you won't need to repeat anything.\n\n"
        "Here is what I'll do next: I'll write to you by end of day tomorrow with what I've done and "
        "what happens after that.\n\n"
        f"{lead.display_name}"
    )


def suggested_agent_reply(escalation: Escalation) -> str:
    """What the agent tells the customer while a lead has the escalation: who really handles
    it and by when, never a manager who is not involved."""
    ticket = escalation.ticket
    first = ticket.customer.name.split()[0] if ticket.customer.name else ""
    greeting = f"Hello {first}," if first else "Hello,"
    # They asked for a manager: the request is not settled yet, and they should hear that we know it.
    sorry = (
        "I'm sorry we haven't resolved this for you yet, and I understand why you want a manager to "
        "look at it. "
    )
    if escalation.lead is not None and escalation.mode == LeadMode.COACH:
        body = sorry + (
            f"My team lead, {escalation.lead.display_name}, is now reviewing your request with me. "
            "I'm staying your contact, so you won't need to repeat anything, and I'll come back to you "
            "with what we decide within 1 working day."
        )
    elif escalation.lead is not None:
        body = sorry + (
            f"My team lead, {escalation.lead.display_name}, has taken over your request personally "
            "and will write to you directly. I've passed on our whole conversation, so you won't need "
            "to repeat anything."
        )
    else:
        leads = on_duty_leads(ticket)
        who = f"my team lead, {leads[0].display_name}," if len(leads) == 1 else "my team lead"
        due = timezone.localtime(escalation.due_at)
        body = sorry + (
            f"You asked to speak to a manager, so I've passed your request to {who} together with our "
            f"whole conversation. You'll hear back by {due:%H:%M} on {due:%-d %B} ({due:%Z}). "
            "Until then I'm still here if there is anything new."
        )
    return f"{greeting}\n\n{body}"


def handoff_for_email(recipients: Sequence[str], subject: str, sender: str) -> Handoff | None:
    """The emailed handoff an incoming message answers, if any.

    The signed reply address is enough; the subject token alone is easy to forge, so it only
    counts when the mail comes from the handoff's own outside contact.
    """
    handoff_id = handoff_from_addresses(list(recipients))
    if handoff_id is not None:
        return Handoff.objects.filter(pk=handoff_id).first()
    handoff_id = handoff_from_subject(subject)
    if handoff_id is not None:
        return (
            Handoff.objects.filter(pk=handoff_id, external_email__iexact=(sender or "").strip())
            .exclude(external_email="")
            .first()
        )
    return None


def suggested_customer_update(handoff: Handoff) -> str:
    """A draft for the agent once another team is done: what happened and what comes next."""
    ticket = handoff.ticket
    first = ticket.customer.name.split()[0] if ticket.customer.name else ""
    greeting = f"Hello {first}," if first else "Hello,"
    last = handoff.comments.order_by("-created_at", "-id").first()
    team = handoff.team.name.lower()
    if handoff.status == HandoffStatus.DONE:
        news = f"our {team} team has finished their part."
        step = "I'll check with you by end of day tomorrow that everything works as it should."
    else:
        news = f"our {team} team has started on it, and here is where things stand."
        step = f"I'll write to you again by end of day tomorrow with the {team} team's progress."
    lines = [greeting, "", f"An update on your request: {news}"]
    if last is not None:
        lines += ["", f"What they found: {_clip(last.body, 400)}"]
    lines += ["", f"Here is what happens next: {step}", ""]
    return "\n".join(lines)
