"""Promises survive whatever happens to their ticket.

A thousand random ticket lifecycles, run through the real actions on the test database: the
customer writes, agents reply with promises (dated or not), promises are kept, dropped and
edited by hand, tickets are merged, split, reassigned, moved between teams, set pending, on
hold, solved (through the "solve anyway?" confirmation) and reopened, agents are deactivated,
and time passes (the reminder and missed-promise scan). After every step:

- no promise is lost: every promise ever made still exists, on a ticket someone works (not one
  merged away), in a known state;
- every promise still to keep (proposed, open or missed) has an active owner who works tickets
  and can see its ticket;
- the ticket, owner, state and due date of each promise are what its audit trail says, so a
  due date never moves, and a promise never changes hands or state, without an audit event.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from anchordesk.accounts.actions import do_deactivate_agent
from anchordesk.accounts.models import Team, User
from anchordesk.collab.models import Escalation
from anchordesk.core.models import AuditEvent
from anchordesk.recovery import actions
from anchordesk.recovery.choices import PromiseState
from anchordesk.recovery.models import Promise
from anchordesk.tickets.actions import (
    do_add_customer_message,
    do_assign_ticket,
    do_merge_tickets,
    do_reply,
    do_set_status,
    do_set_team,
    do_split_ticket,
)
from anchordesk.tickets.choices import Status
from anchordesk.tickets.models import Ticket
from anchordesk.tickets.queries import open_work, tickets_visible_to
from tests.factories import make_ticket

LIFECYCLES = int(__import__("os").environ.get("LIFECYCLES", "1000"))
STEPS = 6

REPLIES = [
    "I will refund the second charge by Friday.",
    "I will call the carrier and get back to you.",
    "I'll send you a replacement by tomorrow.",
    "Thanks for your patience, we are looking into it.",
]
TO_KEEP = (PromiseState.PROPOSED, PromiseState.OPEN, PromiseState.MISSED)
LIVE = (PromiseState.PROPOSED, PromiseState.OPEN)
# What each audit event says about a promise's state.
STATE_OF = {
    "promise.dropped": PromiseState.DROPPED,
    "promise.kept": PromiseState.DONE,
    "promise.missed": PromiseState.MISSED,
}

# CI shrinks a failure to its shortest story; SHRINK=0 reports the first one found, at once.
PHASES = [p for p in Phase if __import__("os").environ.get("SHRINK") != "0" or p != Phase.shrink]

pick = st.integers(min_value=0, max_value=7)


def _at(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


class PromiseLifecycles(RuleBasedStateMachine):
    staff_ids: list[int]
    ticket_ids: list[int]
    support_id: int
    engineering_id: int

    lifecycles = 0
    steps: Counter[str] = Counter()

    def __init__(self) -> None:
        super().__init__()
        PromiseLifecycles.lifecycles += 1
        # Each lifecycle runs in a savepoint rolled back at its end: the next starts afresh.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.tickets = list(self.ticket_ids)
        self.seen: set[int] = set()
        self.clock = timezone.now()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- choosing what a step acts on -----------------------------------------------------------

    def _ticket(self, i: int, *, live: bool = True) -> Ticket | None:
        qs = Ticket.objects.filter(pk__in=self.tickets)
        if live:
            qs = qs.filter(merged_into__isnull=True)
        rows = list(qs.order_by("pk"))
        return rows[i % len(rows)] if rows else None

    def _person(self, i: int, *, leads_only: bool = False, but: User | None = None) -> User:
        people = [u for u in User.objects.filter(pk__in=self.staff_ids).order_by("pk") if u.works_tickets]
        if leads_only:
            people = [u for u in people if u.is_lead]
        if but is not None:
            people = [u for u in people if u.pk != but.pk]
        return people[i % len(people)]

    def _promise(self, i: int, states: tuple[str, ...] = LIVE) -> Promise | None:
        rows = list(Promise.objects.filter(state__in=states).select_related("ticket").order_by("pk"))
        return rows[i % len(rows)] if rows else None

    # --- the steps ------------------------------------------------------------------------------

    @rule(t=pick)
    def customer_writes(self, t: int) -> None:
        self.steps["customer_writes"] += 1
        ticket = self._ticket(t)
        assert ticket is not None
        do_add_customer_message(ticket, "Any news on this?", customer=ticket.customer)

    @rule(t=pick, who=pick, text=st.sampled_from(REPLIES), stale_tab=st.booleans())
    def agent_replies(self, t: int, who: int, text: str, stale_tab: bool) -> None:
        self.steps["agent_replies"] += 1
        # An agent with an old tab open may answer on a ticket merged away since.
        ticket = self._ticket(t, live=not stale_tab)
        assert ticket is not None
        if ticket.status == Status.CLOSED and ticket.merged_into_id is None:
            return
        do_reply(ticket, text, actor=self._person(who))

    @rule(t=pick, who=pick, owner=pick, hours=st.one_of(st.none(), st.integers(-3, 72)))
    def promise_by_hand(self, t: int, who: int, owner: int, hours: int | None) -> None:
        self.steps["promise_by_hand"] += 1
        ticket = self._ticket(t, live=False)
        assert ticket is not None
        actions.do_add_promise(
            ticket,
            actor=self._person(who),
            owner=self._person(owner),
            action="Check the refund went through",
            due_at=None if hours is None else self.clock + timedelta(hours=hours),
        )

    @rule(p=pick, who=pick)
    def keep(self, p: int, who: int) -> None:
        self.steps["keep"] += 1
        promise = self._promise(p, TO_KEEP)
        if promise is not None:
            actions.do_complete_promise(promise, actor=self._person(who))
            promise.refresh_from_db()
            assert promise.state == PromiseState.DONE

    @rule(p=pick, who=pick)
    def drop(self, p: int, who: int) -> None:
        self.steps["drop"] += 1
        promise = self._promise(p)
        if promise is not None:
            actions.do_drop_promise(promise, actor=self._person(who), reason="not a promise")
            promise.refresh_from_db()
            assert promise.state == PromiseState.DROPPED

    @rule(p=pick, who=pick, hours=st.one_of(st.none(), st.integers(1, 96)), confirm=st.booleans())
    def edit(self, p: int, who: int, hours: int | None, confirm: bool) -> None:
        self.steps["edit"] += 1
        promise = self._promise(p)
        if promise is not None:
            due = None if hours is None else self.clock + timedelta(hours=hours)
            actions.do_update_promise(
                promise, actor=self._person(who), action="Refund both charges", due_at=due, confirm=confirm
            )
            promise.refresh_from_db()
            if due is not None:
                assert promise.due_at == due

    @rule(a=pick, b=pick, who=pick)
    def merge(self, a: int, b: int, who: int) -> None:
        self.steps["merge"] += 1
        source, target = self._ticket(a), self._ticket(b)
        assert source is not None and target is not None
        if source.pk != target.pk:
            carried = set(source.promises.values_list("pk", flat=True))
            do_merge_tickets(source, target, actor=self._person(who))
            assert carried <= set(target.promises.values_list("pk", flat=True))

    @rule(t=pick, k=st.integers(1, 3), who=pick)
    def split(self, t: int, k: int, who: int) -> None:
        self.steps["split"] += 1
        ticket = self._ticket(t)
        assert ticket is not None
        ids = list(ticket.messages.order_by("-pk").values_list("pk", flat=True))
        if len(ids) < 2:
            return
        new = do_split_ticket(ticket, ids[: min(k, len(ids) - 1)], actor=self._person(who))
        self.tickets.append(new.pk)

    @rule(t=pick, who=st.one_of(st.none(), pick), by=pick)
    def reassign(self, t: int, who: int | None, by: int) -> None:
        self.steps["reassign"] += 1
        ticket = self._ticket(t)
        assert ticket is not None
        assignee = None if who is None else self._person(who)
        do_assign_ticket(ticket, assignee, actor=self._person(by))

    @rule(t=pick, team=st.sampled_from(["support", "engineering", None]), by=pick)
    def team_move(self, t: int, team: str | None, by: int) -> None:
        self.steps["team_move"] += 1
        ticket = self._ticket(t)
        assert ticket is not None
        ids = {"support": self.support_id, "engineering": self.engineering_id}
        moved_to = None if team is None else Team.objects.get(pk=ids[team])
        do_set_team(ticket, moved_to, actor=self._person(by))

    @rule(who=pick, by=pick)
    def offboard(self, who: int, by: int) -> None:
        self.steps["offboard"] += 1
        leaving = self._person(who)
        if leaving.is_admin_role:
            return  # someone must stay to run the desk
        do_deactivate_agent(leaving, actor=self._person(by, leads_only=True, but=leaving))
        assert not Promise.objects.filter(owner=leaving, state__in=TO_KEEP).exists()

    @rule(t=pick, status=st.sampled_from(list(Status)), who=pick)
    def set_status(self, t: int, status: str, who: int) -> None:
        self.steps["set_status"] += 1
        ticket = self._ticket(t)
        assert ticket is not None
        if status in (Status.SOLVED, Status.CLOSED) and ticket.status != status:
            # The confirmation names every promise still open; the agent solves anyway.
            waiting = open_work(ticket)
            for promise in ticket.promises.filter(state__in=LIVE):
                assert f"promise: {promise.action}" in waiting
        try:
            do_set_status(ticket, status, actor=self._person(who))
        except ValidationError as refused:
            assert ticket.status == Status.CLOSED, refused.messages

    @rule(hours=st.integers(1, 80))
    def time_passes(self, hours: int) -> None:
        self.steps["time_passes"] += 1
        self.clock += timedelta(hours=hours)
        actions.do_scan_promises(now=self.clock)
        overdue = Promise.objects.filter(state__in=LIVE, due_at__lte=self.clock)
        assert not overdue.exists(), "a promise past due was not marked missed"
        for promise in Promise.objects.filter(state=PromiseState.MISSED, missed_at=self.clock):
            assert Escalation.objects.filter(ticket_id=promise.ticket_id).exists()

    # --- what must hold after every step ---------------------------------------------------------

    @invariant()
    def promises_survive(self) -> None:
        promises = list(Promise.objects.select_related("ticket", "owner").order_by("pk"))
        ids = {c.pk for c in promises}
        assert self.seen <= ids, f"promises lost: {sorted(self.seen - ids)}"
        self.seen |= ids
        for c in promises:
            assert c.state in PromiseState.values
            assert c.ticket.merged_into_id is None, f"promise {c.pk} left on merged #{c.ticket_id}"

        to_keep = [c for c in promises if c.state in TO_KEEP]
        by_owner: dict[int, list[Promise]] = {}
        for c in to_keep:
            by_owner.setdefault(c.owner_id, []).append(c)
        for owner_promises in by_owner.values():
            owner = owner_promises[0].owner
            assert owner.is_active and owner.works_tickets, f"{owner} cannot keep promises"
            wanted = {c.ticket_id for c in owner_promises}
            seen_by_owner = set(tickets_visible_to(owner).filter(pk__in=wanted).values_list("pk", flat=True))
            assert wanted <= seen_by_owner, f"{owner} cannot see #{sorted(wanted - seen_by_owner)}"

        trail: dict[int, dict[str, Any]] = {}
        for event in AuditEvent.objects.filter(object_type="promise").order_by("pk"):
            after = event.after or {}
            if event.kind == "promise.added":
                trail[event.object_id] = {
                    "ticket": event.ticket_id,
                    "owner": after["owner"],
                    "state": after["state"],
                    "due_at": _at(after["due_at"]),
                }
                continue
            known = trail[event.object_id]
            if event.kind == "promise.updated":
                known["state"], known["due_at"] = after["state"], _at(after["due_at"])
            elif event.kind in STATE_OF:
                known["state"] = STATE_OF[event.kind]
            elif event.kind == "promise.moved":
                known["ticket"] = after["ticket"]
                assert event.ticket_id == after["ticket"]
            elif event.kind == "promise.handed_over":
                known["owner"] = after["owner"]
            else:
                assert event.kind == "promise.reminder", f"unknown promise event {event.kind}"
        for c in promises:
            now = {"ticket": c.ticket_id, "owner": c.owner_id, "state": c.state, "due_at": c.due_at}
            assert now == trail[c.pk], f"promise {c.pk} changed without an audit event"


@pytest.mark.django_db
def test_promises_survive_a_thousand_random_ticket_lifecycles(people):
    first = make_ticket(people.customer, subject="Charged twice", team=people.support, assignee=people.agent)
    second = make_ticket(people.customer, subject="Parcel lost", team=people.support, assignee=people.agent2)
    third = make_ticket(people.customer, subject="Unrouted question")
    # Every lifecycle starts with promises of several owners: on their own ticket, on a
    # colleague's, on one of no team, dated and not.
    soon = timezone.now() + timedelta(hours=4)
    actions.do_add_promise(first, actor=people.agent, action="Refund the second charge", due_at=soon)
    actions.do_add_promise(first, actor=people.agent2, action="Ask the warehouse", due_at=None)
    actions.do_add_promise(second, actor=people.agent, action="Call the carrier", due_at=soon)
    actions.do_add_promise(third, actor=people.lead, action="Find the right team", due_at=soon)
    PromiseLifecycles.staff_ids = [people.agent.pk, people.agent2.pk, people.lead.pk, people.admin.pk]
    PromiseLifecycles.ticket_ids = [first.pk, second.pk, third.pk]
    PromiseLifecycles.support_id = people.support.pk
    PromiseLifecycles.engineering_id = people.engineering.pk
    PromiseLifecycles.lifecycles, PromiseLifecycles.steps = 0, Counter()
    run_state_machine_as_test(
        PromiseLifecycles,
        settings=settings(
            max_examples=LIFECYCLES,
            stateful_step_count=STEPS,
            derandomize=True,
            deadline=None,
            database=None,
            phases=PHASES,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    print(f"{PromiseLifecycles.lifecycles} lifecycles, steps: {dict(PromiseLifecycles.steps)}")
    assert PromiseLifecycles.lifecycles >= LIFECYCLES
