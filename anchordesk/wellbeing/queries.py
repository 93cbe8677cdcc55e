"""What the wellbeing pages show: exposure per agent (never ranked), kind words, the leads' queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, QuerySet

from anchordesk.accounts.models import Customer, Team, User
from anchordesk.core.access import NotAllowed
from anchordesk.recovery.models import MessageSignal
from anchordesk.wellbeing.actions import AIMED_AT_STAFF, agent_day, break_after, exposure_of, hostile_run
from anchordesk.wellbeing.choices import OPEN_BREAK_STATES, BreakState, ExposureKind, Standing
from anchordesk.wellbeing.models import Break, CustomerStanding, Exposure, KindWord, RestrictedMessage

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
