"""A help desk where Alice (people.agent) holds one or more of every kind of open work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from anchordesk.accounts.actions import do_create_api_token
from anchordesk.automation.actions import do_save_macro
from anchordesk.automation.models import Macro
from anchordesk.collab.actions import do_open_escalation, do_open_handoff, do_take_escalation
from anchordesk.collab.choices import RequestedBy
from anchordesk.collab.models import Escalation, Handoff
from anchordesk.recovery import actions as recovery
from anchordesk.recovery.models import Mistake, Promise
from anchordesk.tickets.actions import do_save_view
from anchordesk.tickets.models import SavedView, Ticket
from tests.api.conftest import ApiClient, token_for
from tests.conftest import Personas
from tests.factories import make_ticket


@dataclass
class Desk:
    tickets: list[Ticket] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)
    follow_up: Promise | None = None
    handoff: Handoff | None = None
    escalation: Escalation | None = None
    mistake: Mistake | None = None
    macro: Macro | None = None
    view: SavedView | None = None
    token: str = ""
    session: Client | None = None


def build_desk(people: Personas) -> Desk:
    """Alice: 3 open tickets (one solved too), 2 promises, a follow-up, a handoff she works,
    an escalation she took as lead, a recovery plan she logged, a macro, a view, a token, a session."""
    alice = people.agent
    alice.role = "lead"  # she took an escalation: only leads do
    alice.save(update_fields=["role"])
    desk = Desk()
    for n in range(3):
        desk.tickets.append(
            make_ticket(people.customer, subject=f"Refund {n}", team=people.support, assignee=alice)
        )
    solved = make_ticket(people.customer, subject="Old one", team=people.support, assignee=alice)
    solved.status = "solved"
    solved.save(update_fields=["status"])
    first = desk.tickets[0]
    due = timezone.now() + timedelta(days=2)
    desk.promises = [
        recovery.do_add_promise(first, actor=alice, action="Refund the second charge", due_at=due),
        recovery.do_add_promise(desk.tickets[1], actor=alice, action="Call the carrier", due_at=None),
    ]
    desk.mistake = recovery.do_log_mistake(
        first,
        actor=alice,
        category="billing_error",
        what_happened="Charged twice",
        impact="Customer out of pocket",
        why_it_made_sense="The retry looked failed",
    )
    desk.follow_up = recovery.do_schedule_follow_up(
        desk.mistake, actor=alice, due_at=timezone.now() + timedelta(days=5)
    )
    people.engineering.members.add(alice, people.agent2)
    desk.handoff = do_open_handoff(
        first,
        actor=alice,
        team=people.engineering,
        subject="Check the payment log",
        needed="Why was the card charged twice?",
        assignee=alice,
    )
    escalated = make_ticket(people.customer, subject="Manager please", team=people.support)
    escalation, _ = do_open_escalation(
        escalated, requested_by=RequestedBy.AGENT, reason="Wants a manager", actor=people.agent2
    )
    desk.escalation = do_take_escalation(escalation, actor=alice, mode="coach")
    desk.macro = do_save_macro(
        actor=alice, name="My refund reply", body="Your refund is on its way.", personal=True
    )
    desk.view = do_save_view("My urgent", {"priority": "4"}, shared=False, actor=alice)
    _, desk.token = do_create_api_token(alice, "laptop", actor=alice)
    desk.session = Client()
    desk.session.force_login(alice)
    return desk


@pytest.fixture
def desk(people: Personas) -> Desk:
    return build_desk(people)


@pytest.fixture
def as_user(people: Personas):
    """as_user(person) → an API client with a fresh token of theirs (as in tests/api)."""

    def make(user):
        return ApiClient(Client(), token_for(user))

    return make
