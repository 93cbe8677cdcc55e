"""A small help desk with a known week of history, written through the real actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from anchordesk.automation.csat import do_rate, do_send_survey
from anchordesk.automation.models import CsatSurvey
from anchordesk.recovery import actions as recovery
from anchordesk.tickets.actions import do_add_customer_message, do_reply, do_set_status
from anchordesk.tickets.models import Ticket
from tests.api.conftest import as_user  # noqa: F401 - the API tests' client fixture
from tests.factories import make_team, make_ticket

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)


@dataclass
class Desk:
    billing_ticket: Ticket
    tickets: list[Ticket]


@pytest.fixture
def at(time_machine):
    def move(moment: datetime) -> datetime:
        time_machine.move_to(moment, tick=False)
        return moment

    return move


@pytest.fixture
def desk(people, at) -> Desk:
    """Monday: four support tickets answered in 10, 20, 30 and 40 minutes, one email ticket for
    billing (answered in 2 h). Three are solved with one reply, one reopens and is solved again,
    one stays open. Two ratings (good, bad), two promises (one kept, one missed), two mistakes."""
    billing = make_team("Billing")
    tickets = []
    for i, wait in enumerate((10, 20, 30, 40)):
        at(MONDAY_9 + timedelta(hours=i))
        t = make_ticket(
            people.customer, team=people.support, assignee=people.agent, tags=["refund"] if i < 2 else []
        )
        at(MONDAY_9 + timedelta(hours=i, minutes=wait))
        do_reply(t, "Here is what I did for you.", actor=people.agent, status="solved")
        tickets.append(t)
    at(MONDAY_9 + timedelta(hours=5))
    billing_ticket = make_ticket(people.other_customer, team=billing, assignee=people.agent2, channel="email")
    at(MONDAY_9 + timedelta(hours=7))
    do_reply(billing_ticket, "We are checking the invoice.", actor=people.agent2)
    at(MONDAY_9 + timedelta(hours=8))
    do_add_customer_message(tickets[0], "Still broken.", customer=people.customer)  # reopens
    do_set_status(tickets[0], "solved", actor=people.agent)
    for t, rating in ((tickets[1], "good"), (tickets[2], "bad")):
        survey = do_send_survey(t) or CsatSurvey.objects.filter(ticket=t).first()
        assert survey is not None
        do_rate(survey, rating)
    kept = recovery.do_add_promise(
        tickets[3], actor=people.agent, action="Send the label", due_at=MONDAY_9 + timedelta(hours=10)
    )
    recovery.do_add_promise(
        tickets[3], actor=people.agent, action="Call back", due_at=MONDAY_9 + timedelta(hours=9)
    )
    for ticket, category in ((tickets[0], "wrong_information"), (billing_ticket, "billing_error")):
        recovery.do_log_mistake(
            ticket,
            actor=people.agent,
            category=category,
            what_happened="We told the customer the wrong date",
            impact="They waited at home",
            why_it_made_sense="The carrier's page showed that date",
        )
    at(MONDAY_9 + timedelta(hours=9, minutes=30))
    recovery.do_scan_promises()
    recovery.do_complete_promise(kept, actor=people.agent)
    at(datetime.combine(TODAY, datetime.min.time(), UTC) + timedelta(hours=12))
    return Desk(billing_ticket=billing_ticket, tickets=tickets)
