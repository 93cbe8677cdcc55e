"""Load a realistic demo help desk (the `anchordesk demo` command calls `load_demo`).

Every ticket, message and change goes through the real actions (tickets.actions,
accounts.actions), so the audit trail, search index, temperature and the rest are exactly
what the product would have produced. The actions stamp everything "now"; afterwards the
command moves each step back to when it happened in the story (several weeks of history)
with queryset updates of the timestamps only. Deterministic for a given --seed.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from anchordesk.accounts.actions import do_create_agent, do_get_or_create_customer
from anchordesk.accounts.choices import Role, TeamKind
from anchordesk.accounts.models import Customer, Organization, Team, User
from anchordesk.automation.demo import load_automation_demo
from anchordesk.core.models import AuditEvent
from anchordesk.demo import content
from anchordesk.insights.backfill import backfill
from anchordesk.mail.models import OutboundEmail, OutboundState
from anchordesk.policies.demo import load_demo_policies
from anchordesk.recovery.actions import promise_calendar
from anchordesk.recovery.choices import CommitmentState
from anchordesk.recovery.models import Commitment
from anchordesk.signals import find_commitments
from anchordesk.tickets import actions
from anchordesk.tickets.choices import Channel, Priority, Status
from anchordesk.tickets.models import Message, Ticket
from anchordesk.wellbeing.demo import align_with_history

PASSWORD = "demo-password-1"
DEMO_DOMAIN = "demo.anchordesk.test"
DEMO_CUSTOMER = "maria.lopez@example.com"
HISTORY_DAYS = 42

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


@dataclass
class Clock:
    """Timestamps to put back on what each step created, applied after the actions ran."""

    message_times: list[tuple[int, int, datetime]] = field(default_factory=list)
    event_times: list[tuple[int, int, datetime]] = field(default_factory=list)


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


class DemoLoader:
    def __init__(self, rng: random.Random, cast: Cast, now: datetime) -> None:
        self.rng = rng
        self.cast = cast
        self.now = now
        self.clock = Clock()
        self.created: list[Ticket] = []

    def _step(self, at: datetime, action: Callable[[], Any]) -> Any:
        messages, events = _max_id(Message), _max_id(AuditEvent)
        result = action()
        self.clock.message_times.append((messages, _max_id(Message), at))
        self.clock.event_times.append((events, _max_id(AuditEvent), at))
        return result

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
                self._step(at, reply)
                first_reply_at = first_reply_at or at
                if wanted == Status.SOLVED:
                    solved_at = at
            ticket.refresh_from_db()
        last = times[-1]
        if status in ("solved", "closed") and solved_at is None:
            # The conversation ended with the customer's thanks: the agent solves it an hour later.
            last = min(last + timedelta(hours=1), latest)
            self._step(last, lambda: actions.do_set_status(ticket, Status.SOLVED, actor=agent))
            solved_at = last
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

    def apply_clock(self) -> None:
        for low, high, at in self.clock.message_times:
            if high > low:
                Message.objects.filter(id__gt=low, id__lte=high).update(created_at=at)
                # The history's reply emails count as sent at the time of the reply.
                OutboundEmail.objects.filter(ticket_message_id__gt=low, ticket_message_id__lte=high).update(
                    state=OutboundState.SENT, sent_at=at, next_attempt_at=at, created_at=at, attempts=1
                )
        for low, high, at in self.clock.event_times:
            if high > low:
                AuditEvent.objects.filter(id__gt=low, id__lte=high).update(created_at=at)
        self._date_promises()

    def _date_promises(self) -> None:
        """Promises in the history's replies were read "now": read them again from when the reply
        was written, and count those on tickets solved since as kept, so a running worker does
        not chase promises from weeks ago."""
        by_message: dict[int, list[Commitment]] = {}
        for promise in Commitment.objects.filter(message__isnull=False).order_by("id"):
            assert promise.message_id is not None
            by_message.setdefault(promise.message_id, []).append(promise)
        messages = Message.objects.select_related("author", "ticket").in_bulk(list(by_message))
        for message_id, promises in by_message.items():
            message = messages[message_id]
            tz = (message.author.timezone if message.author else "") or "UTC"
            found = find_commitments(
                message.body_text,
                sent_at=message.created_at,
                tz=tz,
                calendar=promise_calendar(message.ticket),
            )
            for promise, again in zip(promises, found, strict=False):
                changes: dict[str, Any] = {"created_at": message.created_at, "due_at": again.due}
                if message.ticket.status in (Status.SOLVED, Status.CLOSED):
                    kept_at = message.ticket.solved_at or message.created_at
                    changes.update(state=CommitmentState.DONE, done_at=min(kept_at, again.due or kept_at))
                Commitment.objects.filter(pk=promise.pk).update(**changes)


def load_demo(*, tickets: int = 300, seed: int = 7) -> Cast:
    rng = random.Random(seed)
    now = timezone.now()
    with _history_mode():
        with transaction.atomic():
            cast = make_cast(rng)
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
            loader.apply_clock()
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
    # The history's reporting facts were written at load time; write them again dated as the history.
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
