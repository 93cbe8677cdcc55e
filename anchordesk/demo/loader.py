"""Load a realistic demo help desk (the `anchordesk demo` command calls `load_demo`).

Every ticket, message and change goes through the real actions (tickets.actions,
recovery.actions, automation.csat, ...), each run with the clock set to when it happens in
the story (several weeks of history), so the audit trail, SLA timers, promises and their due
dates, mistakes, ratings and the reporting facts are exactly what the product would have
produced had the desk run for those weeks. Agents reply in their office hours; customers
write at any time. Deterministic for a given --seed.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import time_machine
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from anchordesk import business_clock as sla_clock
from anchordesk.accounts.actions import do_create_agent, do_get_or_create_customer
from anchordesk.accounts.choices import Role, TeamKind
from anchordesk.accounts.models import Customer, Organization, Team, User
from anchordesk.automation.csat import do_rate
from anchordesk.automation.demo import load_automation_demo, load_sla_demo
from anchordesk.automation.models import CsatSurvey
from anchordesk.collab.actions import do_resolve_escalation
from anchordesk.collab.queries import open_escalation_for
from anchordesk.demo import content
from anchordesk.insights.backfill import backfill
from anchordesk.mail.models import OutboundEmail, OutboundState
from anchordesk.policies.demo import load_demo_policies
from anchordesk.recovery import actions as recovery
from anchordesk.recovery.choices import GestureKind, Outcome, PromiseState, StepKind
from anchordesk.recovery.models import Mistake, Promise
from anchordesk.sla.models import BusinessCalendar
from anchordesk.tickets import actions
from anchordesk.tickets.choices import Channel, Priority, Status
from anchordesk.tickets.models import Message, Ticket
from anchordesk.wellbeing.demo import align_with_history

PASSWORD = "demo-password-1"
DEMO_DOMAIN = "demo.anchordesk.test"
DEMO_CUSTOMER = "maria.lopez@example.com"
HISTORY_DAYS = 42

T = TypeVar("T")

TEAMS = [
    ("Support", TeamKind.SUPPORT, "First line: every question, every channel."),
    ("Billing", TeamKind.BILLING, "Invoices, refunds, plans and payments."),
    ("Engineering", TeamKind.ENGINEERING, "Bugs and firmware; answers handoffs from support."),
    ("Network", TeamKind.NETWORK, "Lines, outages and installation visits."),
    ("Marketing", TeamKind.MARKETING, "Campaigns, newsletters, discount codes."),
]
# email local part, name, role, teams, weight when picking who works a ticket of their team
AGENTS = [
    ("agent", "Alex Morgan", Role.AGENT, ["Support"], 5),
    ("lead", "Jordan Reyes", Role.LEAD, ["Support", "Billing"], 1),
    ("admin", "Casey Nguyen", Role.ADMIN, [], 0),
    ("priya.shah", "Priya Shah", Role.AGENT, ["Support"], 3),
    ("tom.becker", "Tom Becker", Role.AGENT, ["Billing"], 3),
    ("sara.olsen", "Sara Olsen", Role.LEAD, ["Billing"], 1),
    ("ines.costa", "Ines Costa", Role.AGENT, ["Network", "Support"], 3),
    ("mia.hart", "Mia Hart", Role.AGENT, ["Marketing", "Support"], 2),
    ("dev.kumar", "Dev Kumar", Role.COLLABORATOR, ["Engineering"], 0),
]
PRIORITIES = {
    "low": Priority.LOW,
    "normal": Priority.NORMAL,
    "high": Priority.HIGH,
    "urgent": Priority.URGENT,
}


@dataclass
class Cast:
    agents: dict[str, User]
    by_team: dict[str, list[tuple[User, int]]]
    lead: User
    teams: dict[str, Team]
    customers: list[Customer]
    maria: Customer


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


@contextmanager
def _history_mode() -> Iterator[None]:
    """Demo history must not email anyone (replies, CSAT surveys) nor fill the worker's queue with
    hundreds of sends: mail goes to the dummy backend and tasks run in-process while loading."""
    from huey.contrib.djhuey import HUEY

    saved_backend, saved_immediate = settings.EMAIL_BACKEND, HUEY.immediate
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    HUEY.immediate = True
    logging.disable(logging.INFO)  # not a log line per task and per "sent" email of the history
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = saved_backend
        HUEY.immediate = saved_immediate
        logging.disable(logging.NOTSET)


def _max_id(model: Any) -> int:
    return int(model.objects.aggregate(m=Max("id"))["m"] or 0)


def make_cast(rng: random.Random) -> Cast:
    # Teams and organizations have no actions of their own yet (configuration, not audited).
    teams = {}
    for name, kind, description in TEAMS:
        teams[name] = Team.objects.get_or_create(
            name=name, defaults={"kind": kind, "description": description}
        )[0]
    agents: dict[str, User] = {}
    by_team: dict[str, list[tuple[User, int]]] = {}
    for local, name, role, team_names, weight in AGENTS:
        user = User.objects.filter(email__iexact=demo_email(local)).first()
        if user is None:
            user = do_create_agent(
                email=demo_email(local),
                name=name,
                role=role,
                password=PASSWORD,
                team_names=team_names,
                actor=None,
            )
        if role == Role.ADMIN and not user.is_superuser:
            # Full Django admin for the demo administrator; do_create_agent already made them staff.
            User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
        agents[local] = user
        for team_name in team_names:
            if user.works_tickets and weight:
                by_team.setdefault(team_name, []).append((user, weight))
    orgs = []
    for name, domain, tier in content.ORGANIZATIONS:
        orgs.append(
            Organization.objects.get_or_create(name=name, defaults={"domain": domain, "tier": tier})[0]
        )
    maria, _ = do_get_or_create_customer(DEMO_CUSTOMER, name="Maria Lopez")
    customers = [maria]
    used: set[str] = {DEMO_CUSTOMER}
    for i in range(64):
        first = content.FIRST_NAMES[(i * 7 + 3) % len(content.FIRST_NAMES)]
        last = content.LAST_NAMES[(i * 11 + 5) % len(content.LAST_NAMES)]
        org = orgs[i % len(orgs)] if i % 5 else None  # every fifth customer writes from a personal address
        domain = org.domain if org else content.FREE_MAIL_DOMAINS[i % len(content.FREE_MAIL_DOMAINS)]
        email = f"{first.lower()}.{last.lower()}@{domain}"
        if email in used:
            email = f"{first.lower()}.{last.lower()}{i}@{domain}"
        used.add(email)
        customer, _ = do_get_or_create_customer(email, name=f"{first} {last}", organization=org)
        customers.append(customer)
    return Cast(
        agents=agents, by_team=by_team, lead=agents["lead"], teams=teams, customers=customers, maria=maria
    )


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _plan_status(rng: random.Random, age_days: float, turns: int) -> tuple[str, int]:
    """The ticket's status today and how many turns of its conversation have happened."""
    if age_days >= 10:
        return ("closed" if age_days >= 14 and rng.random() < 0.8 else "solved"), turns
    if age_days >= 3:
        roll = rng.random()
        if roll < 0.65 or turns < 3:
            return "solved", turns
        return ("pending", 2) if roll < 0.85 else ("open", 3)
    roll = rng.random()
    if roll < 0.35 or turns < 2:
        return "new", 1
    if roll < 0.7:
        return "open", 3 if turns >= 3 and rng.random() < 0.5 else 1
    if roll < 0.9:
        return "pending", 2
    return "on_hold", 2


def _office_calendar() -> sla_clock.BusinessCalendar | None:
    """The demo agents' office hours: the default business calendar (the SLA clock's)."""
    row = BusinessCalendar.objects.filter(is_default=True).first()
    calendar = row.to_clock() if row is not None else None
    return calendar if calendar is not None and calendar.has_hours else None


class DemoLoader:
    def __init__(self, rng: random.Random, cast: Cast, now: datetime) -> None:
        self.rng = rng
        self.cast = cast
        self.now = now
        self.created: list[Ticket] = []
        self.office = _office_calendar()

    def _step(self, at: datetime, action: Callable[[], T]) -> T:
        """Run one action with the clock at the story's moment: everything it stamps (messages,
        audit events, timers, due dates, facts) is dated as it happened."""
        with time_machine.travel(at, tick=False):
            return action()

    def _at_work(self, at: datetime, latest: datetime) -> datetime:
        """When an agent gets to a message that came in at `at`: then, in office hours, else soon
        after the office opens (unless that is still ahead of the story's present)."""
        if self.office is None or sla_clock.is_open(at, self.office):
            return at
        opening = sla_clock.next_opening(at, self.office) + timedelta(minutes=self.rng.randint(5, 55))
        return opening if opening < latest else at

    def _pick_agent(self, team: str) -> User:
        options = self.cast.by_team.get(team) or self.cast.by_team["Support"]
        return self.rng.choices([u for u, _ in options], [w for _, w in options])[0]

    def ticket(self, conv: content.Conversation, customer: Customer, created: datetime) -> Ticket:
        rng, cast = self.rng, self.cast
        agent = self._pick_agent(conv.team)
        values = {
            "name": customer.name.split()[0] if customer.name else "there",
            "agent": agent.first_name,
            "lead": cast.lead.first_name,
            "product": rng.choice(content.PRODUCTS),
            "order": f"AD-{rng.randrange(10000, 99999)}",
            "amount": f"€{rng.randrange(19, 480)}.{rng.choice(['00', '50', '90', '99'])}",
            "plan": rng.choice(content.PLANS),
            "day": rng.choice(content.DAYS),
            "city": rng.choice(content.CITIES),
        }
        age_days = (self.now - created).total_seconds() / 86400
        status, played = _plan_status(rng, age_days, len(conv.turns))
        turns = conv.turns[:played]
        # Gaps between turns: agents answer within hours, customers come back within a day or two.
        times = [created]
        for who, _ in turns[1:]:
            hours = rng.uniform(0.3, 7) if who != "customer" else rng.uniform(1, 30)
            times.append(times[-1] + timedelta(hours=hours))
        latest = self.now - timedelta(minutes=rng.randint(5, 90))
        if times[-1] > latest:  # squeeze a recent ticket's story into the time it has had
            span = max((times[-1] - created).total_seconds(), 1.0)
            room = max((latest - created).total_seconds(), 60.0)
            times = [created + (t - created) * (room / span) for t in times]
        # Agents answer in their office hours; customers write whenever they like.
        for i, (who, _) in enumerate(turns[1:], start=1):
            at = max(times[i], times[i - 1] + timedelta(minutes=1))
            times[i] = at if who == "customer" else self._at_work(at, latest)
        priority = PRIORITIES[conv.priority]
        tags = list(conv.tags)
        if customer.organization and customer.organization.tier == "enterprise":
            tags.append("vip")
        phone = conv.channel == Channel.PHONE
        first_who, first_text = turns[0]
        new = actions.NewTicket(
            customer=customer,
            subject=_fill(conv.subject, values),
            body=_fill(first_text, values),
            channel=conv.channel,
            priority=priority,
            team=cast.teams[conv.team],
            tags=tags,
        )
        # Phone calls are typed in by the agent who took them; the rest the customer wrote.
        ticket = self._step(times[0], lambda: actions.do_create_ticket(new, actor=agent if phone else None))
        first_reply_at = solved_at = None
        last_customer_at = times[0]
        mistake: Mistake | None = None
        for n, ((who, text), at) in enumerate(zip(turns[1:], times[1:], strict=True), start=2):
            body = _fill(text, values)
            is_last = n == len(turns)
            if who == "customer":
                self._step(at, partial(actions.do_add_customer_message, ticket, body, customer=customer))
                last_customer_at = at
            elif who == "note":
                self._step(at, partial(actions.do_add_note, ticket, body, actor=agent))
            else:
                author = cast.lead if who == "lead" else agent
                wanted: str | None = None
                if is_last and status in ("solved", "closed"):
                    wanted = Status.SOLVED
                elif is_last and status in ("pending", "on_hold"):
                    wanted = status
                if who == "lead":
                    self._step(at, partial(actions.do_assign_ticket, ticket, cast.lead, actor=cast.lead))
                # The scripted agent solves as the story says, promises still open or not.
                reply = partial(
                    actions.do_reply, ticket, body, actor=author, status=wanted, confirm_open_work=True
                )
                sent = self._step(at, reply)
                self._confirm_promises(sent, author, at)
                if mistake is None and conv.subject in content.MISTAKES and "wrong" in body:
                    mistake = self._log_mistake(ticket, conv, sent, author, at)
                first_reply_at = first_reply_at or at
                if wanted == Status.SOLVED:
                    solved_at = at
            ticket.refresh_from_db()
        last = times[-1]
        if status in ("solved", "closed") and solved_at is None:
            # The conversation ended with the customer's thanks: the agent solves it an hour later.
            last = self._at_work(min(last + timedelta(hours=1), latest), latest)
            self._step(last, lambda: actions.do_set_status(ticket, Status.SOLVED, actor=agent))
            solved_at = last
        if solved_at is not None and self.rng.random() < 0.07:
            reopened = self._reopen(ticket, customer, agent, values, solved_at, latest)
            if reopened is not None:
                last_customer_at, solved_at = reopened
                last = solved_at
        self._settle_promises(ticket, solved_at, latest)
        escalation = open_escalation_for(ticket) if solved_at is not None else None
        if escalation is not None and solved_at is not None:
            # The lead followed the escalated ticket to its end: the queue holds only live ones.
            outcome = "Stayed with the customer until it was solved."
            self._step(solved_at, partial(do_resolve_escalation, escalation, outcome, actor=cast.lead))
        if mistake is not None:
            self._recover(mistake, values, done=played == len(conv.turns), at=last)
        if solved_at is not None:
            self._rate(ticket, conv, values, solved_at, latest)
        if status == "closed" and solved_at is not None:
            last = solved_at + timedelta(days=4)  # closed automatically four days after solving
            self._step(last, lambda: actions.do_set_status(ticket, Status.CLOSED, actor=None))
        if status == "open" and ticket.assignee_id is None:
            self._step(last, lambda: actions.do_assign_ticket(ticket, agent, actor=agent))
        if status == "on_hold" and ticket.status != Status.ON_HOLD:
            self._step(last, lambda: actions.do_set_status(ticket, Status.ON_HOLD, actor=agent))
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=times[0],
            updated_at=last,
            first_response_at=first_reply_at,
            solved_at=solved_at if status in ("solved", "closed") else None,
            last_customer_message_at=last_customer_at,
        )
        self.created.append(ticket)
        return ticket

    def _reopen(
        self,
        ticket: Ticket,
        customer: Customer,
        agent: User,
        values: dict[str, str],
        solved_at: datetime,
        latest: datetime,
    ) -> tuple[datetime, datetime] | None:
        """A few solved tickets come back: the customer writes that it is happening again (which
        reopens the ticket) and the agent sorts it out and solves it again. Returns when the
        customer wrote and when it was solved again, or None when the story has no room for it."""
        back = solved_at + timedelta(hours=self.rng.uniform(2, 30))
        fixed = self._at_work(back + timedelta(hours=self.rng.uniform(0.5, 4)), latest)
        if fixed >= latest or fixed + timedelta(days=4) >= self.now:
            return None
        text = _fill(self.rng.choice(content.REOPENED), values)
        self._step(back, partial(actions.do_add_customer_message, ticket, text, customer=customer))
        answer = _fill(content.REOPENED_ANSWER, values)
        reply = partial(
            actions.do_reply, ticket, answer, actor=agent, status=Status.SOLVED, confirm_open_work=True
        )
        self._step(fixed, reply)
        return back, fixed

    def _confirm_promises(self, reply: Message, author: User, at: datetime) -> None:
        """Most agents confirm the promises found in their reply when they send it."""
        for promise in Promise.objects.filter(message=reply, state=PromiseState.PROPOSED):
            if self.rng.random() < 0.9:
                self._step(at, partial(recovery.do_update_promise, promise, actor=author, confirm=True))

    def _settle_promises(self, ticket: Ticket, solved_at: datetime | None, latest: datetime) -> None:
        """Promises are mostly kept before they are due. Some slip: the scan finds them missed (an
        escalation for the lead), and they are kept late when the ticket is solved, or still owed
        on a ticket that is open today."""
        live = (PromiseState.PROPOSED, PromiseState.OPEN)
        for promise in Promise.objects.filter(ticket=ticket, state__in=live).order_by("id"):
            due = promise.due_at
            end = solved_at or latest
            slips = due is not None and due < end and self.rng.random() < 0.3
            if due is not None and due <= latest and (slips or solved_at is None and due < end):
                if slips or self.rng.random() < 0.5:
                    self._step(due, partial(recovery.do_fire_promise, promise.pk))
                    promise.refresh_from_db()
                    if solved_at is None:
                        continue  # still to keep: the lead's escalation is open
                    keep_at = solved_at
                else:
                    keep_at = max(promise.created_at + timedelta(minutes=10), due - timedelta(minutes=30))
            elif solved_at is None:
                continue  # not due yet on an open ticket
            elif due is not None and due < solved_at:
                keep_at = max(promise.created_at + timedelta(minutes=10), due - timedelta(minutes=30))
            else:
                keep_at = solved_at
            self._step(keep_at, partial(recovery.do_complete_promise, promise, actor=promise.owner))

    def _log_mistake(
        self, ticket: Ticket, conv: content.Conversation, reply: Message, agent: User, at: datetime
    ) -> Mistake:
        """The agent who admitted a mistake in their reply logs it and starts the recovery plan:
        admitted and apologized in that reply, fixed, and a check-in promised."""
        category, what, impact, why = content.MISTAKES[conv.subject]
        logged_at = at + timedelta(minutes=3)
        mistake: Mistake = self._step(
            logged_at,
            partial(
                recovery.do_log_mistake,
                ticket,
                actor=agent,
                category=category,
                what_happened=what,
                impact=impact,
                why_it_made_sense=why,
            ),
        )
        steps = {step.kind: step for step in mistake.steps.all()}
        for kind in (StepKind.ADMIT, StepKind.APOLOGIZE):
            self._step(logged_at, partial(recovery.do_complete_step, steps[kind], actor=agent, message=reply))
        self._step(
            logged_at, partial(recovery.do_complete_step, steps[StepKind.FIX], actor=agent, note="Put right")
        )
        return mistake

    def _recover(self, mistake: Mistake, values: dict[str, str], *, done: bool, at: datetime) -> None:
        """Most plans are walked to the end (make good, follow up) and the customer stays; a plan
        whose conversation is still going has its last steps open."""
        if not done or self.rng.random() < 0.25:
            return
        agent = mistake.logged_by
        assert agent is not None
        gesture = GestureKind.REFUND if mistake.category == "billing_error" else GestureKind.CREDIT
        amount = values["amount"].lstrip("€")
        self._step(at, partial(recovery.do_record_gesture, mistake, actor=agent, kind=gesture, amount=amount))
        follow_up = self._step(
            at, partial(recovery.do_schedule_follow_up, mistake, actor=agent, due_at=at + timedelta(days=2))
        )
        checked = self._at_work(at + timedelta(days=1), self.now)
        if checked < self.now:
            self._step(checked, partial(recovery.do_complete_promise, follow_up, actor=agent))
            if self.rng.random() < 0.8:
                self._step(checked, partial(recovery.do_record_outcome, mistake, Outcome.STAYED, actor=agent))

    def _rate(
        self,
        ticket: Ticket,
        conv: content.Conversation,
        values: dict[str, str],
        solved_at: datetime,
        latest: datetime,
    ) -> None:
        """About a third of customers answer the survey sent on solve; some write a comment."""
        survey = CsatSurvey.objects.filter(ticket=ticket, answered_at__isnull=True).first()
        rated_at = solved_at + timedelta(hours=self.rng.uniform(0.2, 20))
        if survey is None or rated_at >= latest or self.rng.random() >= 0.35:
            return
        good = self.rng.random() < (0.55 if conv.mood == "angry" else 0.85)
        comments = content.GOOD_COMMENTS if good else content.BAD_COMMENTS
        comment = _fill(self.rng.choice(comments), values) if self.rng.random() < 0.5 else ""
        self._step(rated_at, partial(do_rate, survey, "good" if good else "bad", comment))


def _history_emails_sent(before: int) -> None:
    """The history's emails (replies, surveys, notices) count as sent when they were written, so
    the worker does not send weeks-old mail when the demo starts."""
    OutboundEmail.objects.filter(id__gt=before, state=OutboundState.QUEUED).update(
        state=OutboundState.SENT, sent_at=F("created_at"), next_attempt_at=F("created_at"), attempts=1
    )


def load_demo(*, tickets: int = 300, seed: int = 7) -> Cast:
    rng = random.Random(seed)
    now = timezone.now()
    with _history_mode():
        with transaction.atomic():
            cast = make_cast(rng)
        emails_before = _max_id(OutboundEmail)
        # Office hours and SLA policies exist from the start of the history, so each ticket's
        # timers run (and are met or breached) on the story's clock.
        with time_machine.travel(now - timedelta(days=HISTORY_DAYS + 1), tick=False), transaction.atomic():
            load_sla_demo(admin=cast.agents["admin"])
        # Older tickets first, so numbers grow with time; more tickets in recent weeks.
        ages = sorted(
            (HISTORY_DAYS * rng.random() ** 1.4 + rng.random() / 3 for _ in range(tickets)), reverse=True
        )
        conversations = list(content.CONVERSATIONS)
        loader = DemoLoader(rng, cast, now)
        for i, age in enumerate(ages):
            if i % len(conversations) == 0:
                rng.shuffle(conversations)
            conv = conversations[i % len(conversations)]
            # Maria, the demo customer, has a handful of tickets to see in the portal.
            customer = cast.maria if i % 45 == 7 else rng.choice(cast.customers[1:])
            created = now - timedelta(days=age)
            with transaction.atomic():
                loader.ticket(conv, customer, created)
        with transaction.atomic():
            _history_emails_sent(emails_before)
            _link_and_merge(loader.created, cast)
        with transaction.atomic():
            load_demo_policies(
                admin=cast.agents["admin"],
                lead=cast.lead,
                agents=[cast.agents["agent"], cast.agents["priya.shah"]],
                tickets=loader.created,
            )
        align_with_history()
        with transaction.atomic():
            load_automation_demo(admin=cast.agents["admin"], lead=cast.lead)
    # The facts were written as the history happened; the backfill adds the past days' rollups
    # and proves the point: rebuilt from the rows, they are the same facts.
    backfill(rebuild=True)
    return cast


def _link_and_merge(created: list[Ticket], cast: Cast) -> None:
    """Show the related-ticket features: link tickets about the same outage; merge one duplicate."""
    outages = [t for t in created if t.tags.filter(name="outage").exists()][-3:]
    for other in outages[1:]:
        actions.do_link_tickets(outages[0], other, actor=cast.lead)
    maria_tickets = [t for t in created if t.customer_id == cast.maria.pk]
    if len(maria_tickets) >= 2:
        source, target = (
            Ticket.objects.get(pk=maria_tickets[-1].pk),
            Ticket.objects.get(pk=maria_tickets[-2].pk),
        )
        if source.status != Status.CLOSED and target.status != Status.CLOSED:
            actions.do_merge_tickets(source, target, actor=cast.lead)
