from __future__ import annotations

import pytest

from anchordesk.tickets.actions import do_add_customer_message
from tests.factories import make_ticket

ABUSIVE = "You are a useless idiot, you stupid moron."
HOSTILE = "What the hell is wrong with you people? Fix it!"
CALM = "My order is late, can you check?"
THANKS = "Thank you so much, that was really helpful!"


@pytest.fixture
def write(people):
    """The customer writes on a ticket assigned to Alice (a new ticket for each call unless given)."""

    def _write(text: str, ticket=None, customer=None):
        customer = customer or people.customer
        if ticket is None:
            ticket = make_ticket(customer, team=people.support, assignee=people.agent, body=CALM)
        do_add_customer_message(ticket, text, customer=customer)
        return ticket

    return _write
