"""What the wellbeing pages show: exposure per agent (never ranked), kind words, the leads' queue;
and what the actions apply: the break settings, the agent's day, exposure and hostile runs."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from anchordesk.accounts.models import Customer, Team, User
from anchordesk.core.access import NotAllowed
from anchordesk.recovery.models import MessageSignal
from anchordesk.tickets.models import Message, Ticket
from anchordesk.wellbeing.choices import OPEN_BREAK_STATES, BreakState, ExposureKind, Standing
from anchordesk.wellbeing.exposure import exposure_kind
from anchordesk.wellbeing.models import (
    Break,
    CustomerStanding,
    Exposure,
    KindWord,
    RestrictedMessage,
    WellbeingProfile,
)

WEEKS = 8


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class AgentExposure:
    agent: User
    abusive_today: int = 0
    hostile_today: int = 0
    breaks_today: int = 0
    break_minutes_today: int = 0
    on_break: bool = False
    weeks: list[int] = field(default_factory=list)  # oldest first, the current week last

    @property
    def today(self) -> int:
        return self.abusive_today + self.hostile_today


def exposure_table(agents: list[User], *, weeks: int = WEEKS) -> tuple[list[date], list[AgentExposure]]:
    """Per agent: today's abusive and hostile messages, breaks today, and a total per week.

    Rows are in name order: this is for noticing who needs support, not a ranking.
    """
    rows = {a.pk: AgentExposure(agent=a, weeks=[0] * weeks) for a in agents}
    today = {a.pk: agent_day(a) for a in agents}
    first_week = week_start(max(today.values(), default=date.today())) - timedelta(weeks=weeks - 1)
    week_starts = [first_week + timedelta(weeks=i) for i in range(weeks)]
    counts = (
        Exposure.objects.filter(agent_id__in=rows, day__gte=first_week - timedelta(days=1))
        .values("agent_id", "day", "kind")
        .annotate(n=Count("id"))
    )
    for row in counts:
        entry = rows[row["agent_id"]]
        if row["day"] == today[row["agent_id"]]:
            if row["kind"] == ExposureKind.ABUSIVE:
                entry.abusive_today += row["n"]
            else:
                entry.hostile_today += row["n"]
        index = (week_start(row["day"]) - first_week).days // 7
        if 0 <= index < weeks:
            entry.weeks[index] += row["n"]
    since = min(today.values(), default=date.today()) - timedelta(days=1)
    for brk in Break.objects.filter(agent_id__in=rows, started_at__date__gte=since):
        entry = rows[brk.agent_id]
        if brk.started_at is not None and agent_day(entry.agent, brk.started_at) == today[brk.agent_id]:
            entry.breaks_today += 1
            entry.break_minutes_today += brk.minutes
        if brk.state == BreakState.TAKEN:
            entry.on_break = True
    ordered = sorted(rows.values(), key=lambda r: r.agent.display_name.lower())
    return week_starts, ordered


def agents_for(team: Team | None) -> list[User]:
    qs = User.objects.filter(is_active=True).order_by("first_name", "username")
    if team is not None:
        qs = qs.filter(teams=team)
    return [u for u in qs if u.works_tickets]


@dataclass
class MyWellbeing:
    exposure_today: int
    exposure_week: int
    run: list[int]
    run_needed: int
    breaks: list[Break]
    kind_words: list[KindWord]


def my_wellbeing(user: User) -> MyWellbeing:
    today = agent_day(user)
    mine = Exposure.objects.filter(agent=user)
    return MyWellbeing(
        exposure_today=mine.filter(day=today).count(),
        exposure_week=mine.filter(day__gte=week_start(today)).count(),
        run=hostile_run(user),
        run_needed=break_after(),
        breaks=list(Break.objects.filter(agent=user).exclude(state=BreakState.DISMISSED)[:10]),
        kind_words=list(kind_words_for_agent(user)[:5]),
    )


def open_break(user: User) -> Break | None:
    return Break.objects.filter(agent=user, state__in=OPEN_BREAK_STATES).first()


def access_break(user: User, break_id: int) -> Break:
    brk = Break.objects.filter(pk=break_id, agent=user).first()
    if brk is None:
        raise NotAllowed("No such break", status=404)
    return brk


def kind_words_for_agent(user: User) -> QuerySet[KindWord]:
    return KindWord.objects.filter(agent=user).select_related("ticket", "agent")


def kind_words_teams_visible_to(user: User) -> QuerySet[Team]:
    """The teams whose kind words the user may read: leads any team, agents their own."""
    return Team.objects.all() if user.is_lead else user.teams.all()


def access_kind_words_team(user: User, team_id: int | str) -> Team:
    raw = str(team_id)
    if not raw.isdigit() or len(raw) > 18:
        raise NotAllowed("No such team", status=404)
    team = kind_words_teams_visible_to(user).filter(pk=int(raw)).first()
    if team is None:
        raise NotAllowed("No such team", status=404)
    return team


def kind_words_for_team(team: Team) -> QuerySet[KindWord]:
    return KindWord.objects.filter(agent__teams=team).select_related("ticket", "agent").distinct()


def lead_queue(*, include_taken: bool = False) -> list[RestrictedMessage]:
    qs = RestrictedMessage.objects.select_related("ticket", "customer", "message", "taken_by")
    if not include_taken:
        qs = qs.filter(taken_at__isnull=True)
    return list(qs.order_by("created_at", "id")[:200])


def access_restricted(user: User, item_id: int) -> RestrictedMessage:
    """An item of the restricted customers' queue: leads work it; to anyone else it is not there."""
    if not user.is_lead:
        raise NotAllowed("Not found", status=404)
    item = RestrictedMessage.objects.select_related("ticket", "message").filter(pk=item_id).first()
    if item is None:
        raise NotAllowed("Not found", status=404)
    return item


def abusive_ticket(ticket_id: int) -> bool:
    """Whether a customer message on the ticket was abusive or hostile toward staff (what counts
    as exposure), so the hard-conversation panel offers a hand-over."""
    candidates = (
        MessageSignal.objects.filter(ticket_id=ticket_id).filter(AIMED_AT_STAFF).select_related("message")
    )
    return any(exposure_of(signal) is not None for signal in candidates[:50])


@dataclass(frozen=True)
class CustomerStandingFacts:
    standing: CustomerStanding  # OK (unsaved) when never set
    ever_abusive: bool  # any of the customer's messages was abusive
    maybe_hostile_here: bool  # a message on this ticket was abusive or profane: see abusive_ticket


def standing_facts(customer: Customer, ticket_id: int) -> CustomerStandingFacts:
    """What the hard-conversation panel needs to know before anything else, in one statement:
    the customer's standing, whether they were ever abusive, and whether this ticket has a
    message that may have been aimed at staff (only then are the messages read, by abusive_ticket)."""
    abusive = MessageSignal.objects.filter(ticket__customer_id=OuterRef("pk"), abusive=True)
    aimed = MessageSignal.objects.filter(AIMED_AT_STAFF, ticket_id=ticket_id)
    row = (
        Customer.objects.filter(pk=customer.pk)
        .annotate(was_abusive=Exists(abusive), maybe_hostile=Exists(aimed))
        .select_related("standing")
        .first()
    )
    standing = getattr(row, "standing", None) if row is not None else None
    if standing is None:
        standing = CustomerStanding(customer=customer, state=Standing.OK)
    return CustomerStandingFacts(
        standing=standing,
        ever_abusive=bool(row is not None and row.was_abusive),
        maybe_hostile_here=bool(row is not None and row.maybe_hostile),
    )


def customer_was_abusive(customer_id: int) -> bool:
    return MessageSignal.objects.filter(ticket__customer_id=customer_id, abusive=True).exists()


# --- Settings, the agent's day, exposure and runs (the actions apply these) -----------------


def break_after() -> int:
    return max(1, int(getattr(settings, "WELLBEING_BREAK_AFTER", 3)))


def _break_window() -> timedelta:
    return timedelta(minutes=max(1, int(getattr(settings, "WELLBEING_BREAK_WINDOW", 120))))


def break_minutes() -> int:
    return max(1, int(getattr(settings, "WELLBEING_BREAK_MINUTES", 15)))


def agent_day(agent: User, at: datetime | None = None) -> date:
    """The agent's own calendar day: exposure counts per shift where the agent works."""
    try:
        tz = zoneinfo.ZoneInfo(agent.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    return (at or timezone.now()).astimezone(tz).date()


def exposure_of(signal: MessageSignal, message: Message | None = None) -> str | None:
    """ExposureKind for a scored customer message, or None when it is not aimed at staff."""
    body = message.body_text if message is not None else signal.message.body_text
    kind = exposure_kind(
        body, abusive=signal.abusive, profanity=signal.profanity, evidence=signal.evidence or []
    )
    return {"abusive": ExposureKind.ABUSIVE, "hostile": ExposureKind.HOSTILE}.get(kind or "")


# Only these can be aimed at staff (exposure.py): the rest is frustration with a product.
AIMED_AT_STAFF = Q(abusive=True) | Q(profanity=True)


def _run_start(agent: User, now: datetime) -> datetime:
    """A run counts from the window's start, or from the agent's last answer to a break, if later."""
    since = now - _break_window()
    last = Break.objects.filter(agent=agent).aggregate(r=Max("responded_at"), e=Max("ended_at"))
    for value in (last["r"], last["e"]):
        if value is not None and value > since:
            since = value
    return since


def hostile_run(agent: User, now: datetime | None = None) -> list[int]:
    """The conversations (ticket ids) with an abusive or hostile message to the agent in the current run."""
    now = now or timezone.now()
    ids = (
        Exposure.objects.filter(agent=agent, created_at__gte=_run_start(agent, now))
        .values_list("ticket_id", flat=True)
        .distinct()
    )
    return sorted(set(ids))


def handover_candidates(actor: User) -> list[User]:
    """Leads and volunteers who can take an abusive conversation, leads first, never the actor."""
    # One statement: whether each person volunteered comes with them.
    volunteered = Exists(WellbeingProfile.objects.filter(user_id=OuterRef("pk"), volunteer=True))
    rows = (
        User.objects.filter(is_active=True)
        .exclude(pk=actor.pk)
        .annotate(volunteered=volunteered)
        .order_by("first_name", "username")
    )
    people = [u for u in rows if u.works_tickets and (u.is_lead or u.volunteered)]
    return sorted(people, key=lambda u: (not u.is_lead, u.display_name.lower()))


def standing_of(customer: Customer) -> CustomerStanding:
    standing = CustomerStanding.objects.filter(customer=customer).first()
    return standing or CustomerStanding(customer=customer, state=Standing.OK)


def warning_template(ticket: Ticket, actor: User) -> str:
    first = ticket.customer.name.split()[0] if ticket.customer.name else ""
    greeting = f"Hello {first}," if first else "Hello,"
    return (
        f"{greeting}\n\n"
        "I understand this problem has frustrated you, and I'm sorry it isn't solved yet. I want to help "
        "you get it sorted, and I will keep working on it. I do need to ask you to stop using abusive "
        "language towards our team. If it continues, your messages will be handled by a team lead only, "
        "which can take longer.\n\n"
        "Here is where things stand with your request: I'll write to you by end of day tomorrow with the "
        "next step.\n\n"
        f"{actor.display_name}"
    )
