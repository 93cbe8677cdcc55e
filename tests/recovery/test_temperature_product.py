"""Customer temperature in the product: scored from a real ingested email, shown in the inbox and on the ticket."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anchordesk.core.models import AuditEvent
from anchordesk.mail.ingest import process_batch, store_raw
from anchordesk.mail.models import Source
from anchordesk.recovery.models import MessageSignal
from anchordesk.signals import HOT_AT, WARM_AT
from anchordesk.tickets.models import Ticket
from tests import factories
from tests.mail.mailfactory import raw_email

HOSTILE = (
    "This is the THIRD time I am writing about this!!! Your service is a joke and your agents are useless "
    "idiots. I want to speak to a manager right now."
)


def ingest(body: str, **kw: str) -> Ticket:
    inbound, _ = store_raw(raw_email(body=body, **kw), source=Source.PIPE)
    [routed] = process_batch([inbound.pk])
    assert routed.ticket is not None
    return Ticket.objects.get(pk=routed.ticket_id)


def test_a_hostile_email_makes_its_ticket_hot_with_the_words_that_did_it(people):
    ticket = ingest(HOSTILE, subject="Still no refund")
    assert ticket.temperature >= HOT_AT
    signal = MessageSignal.objects.get(ticket=ticket)
    assert signal.frustration == 2 and signal.abusive and signal.manager_request == 1
    words = " ".join(e["text"].lower() for e in signal.evidence)
    assert "idiots" in words and "manager" in words
    kinds = set(AuditEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {"customer.abuse", "customer.manager_requested", "ticket.temperature"} <= kinds


def test_a_calm_email_leaves_the_ticket_calm(people):
    ticket = ingest("Hi, could you tell me when my kettle will ship? Thanks, Dana")
    assert ticket.temperature < WARM_AT
    assert not AuditEvent.objects.filter(ticket=ticket, kind="ticket.temperature").exists()


def test_the_inbox_shows_hot_tickets_with_the_evidence_on_hover(people, client):
    hot = ingest(HOSTILE, subject="Still no refund")
    calm = ingest("Hi, when will my kettle ship?", subject="Kettle", sender="Ed <ed@example.test>")
    client.force_login(people.agent)
    page = html.unescape(client.get("/?view=all").content.decode())
    row = page[page.index(f'data-ticket-id="{hot.pk}"') :]
    row = row[: row.index("</tr>")]
    assert 'class="badge small temp temp-hot"' in row and ">Hot<" in row
    title = row[row.index('title="Customer temperature') :]
    assert "idiots" in title[: title.index('"', 7)]
    calm_row = page[page.index(f'data-ticket-id="{calm.pk}"') :]
    assert "temp-" not in calm_row[: calm_row.index("</tr>")]


def test_the_ticket_page_shows_the_temperature_with_evidence_and_a_de_escalation_hint(people, client):
    hot = ingest(HOSTILE, subject="Still no refund")
    client.force_login(people.agent)
    page = html.unescape(client.get(f"/tickets/{hot.pk}/").content.decode())
    assert 'class="badge temp temp-hot"' in page
    badge = page[page.index('class="badge temp temp-hot"') :]
    assert "idiots" in badge[: badge.index(">")]
    # Not only in a hover tooltip: the evidence opens from the badge by keyboard and is read out.
    why = page[page.index('class="temp-why"') :]
    assert "<summary" in why[:200] and "idiots" in why[: why.index("</details>")].split("temp-why-text")[1]
    assert "You don't have to take it" in page  # the hint for an abusive customer


@pytest.mark.parametrize("extra", [27])
def test_temperature_in_the_inbox_costs_no_query_per_row(people, client, extra):
    def fill(n: int) -> None:
        for i in range(n):
            factories.make_ticket(
                factories.make_customer(), subject=f"Angry {i}", body=HOSTILE, team=people.support
            )

    fill(3)
    client.force_login(people.agent)
    client.get("/?view=all")  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        assert client.get("/?view=all").content.decode().count(">Hot<") == 3
    fill(extra)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/?view=all").content.decode().count(">Hot<") == 3 + extra
    assert len(large.captured_queries) <= len(small.captured_queries)


def test_temperature_events_feed_triggers_that_raise_priority_and_route_to_a_lead(people):
    from anchordesk.automation.actions import do_save_trigger
    from anchordesk.tickets.choices import Priority

    do_save_trigger(
        actor=people.admin,
        name="Manager wanted: to the lead",
        events=["customer.manager_requested"],
        conditions={},
        actions=[{"type": "set_assignee", "value": people.lead.pk}],
    )
    do_save_trigger(
        actor=people.admin,
        name="Hot customers first",
        events=["ticket.temperature"],
        conditions={"all": [{"field": "temperature", "op": "gt", "value": HOT_AT - 1}]},
        actions=[{"type": "set_priority", "value": Priority.URGENT}],
    )
    ticket = ingest(HOSTILE, subject="Still no refund")
    assert ticket.assignee == people.lead and ticket.priority == Priority.URGENT
    calm = ingest("Hello, when will my kettle ship?", subject="Kettle", sender="Ed <ed@example.test>")
    assert calm.assignee is None and calm.priority != Priority.URGENT


def test_a_customer_chasing_an_answer_warms_the_ticket_even_in_calm_words(people):
    from datetime import UTC, datetime, timedelta

    import time_machine

    from anchordesk.tickets.actions import do_add_customer_message, do_reply

    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        ticket = factories.make_ticket(people.customer, body="Hello, when will my order ship?")
    for hours in (8, 24, 40):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            do_add_customer_message(ticket, "Any news on this?", customer=people.customer)
    ticket.refresh_from_db()
    assert ticket.temperature >= WARM_AT  # warm: three chasers and 40 hours without an answer
    event = AuditEvent.objects.filter(ticket=ticket, kind="ticket.temperature").latest("id")
    assert "without an answer" in event.note and "waiting 40 h" in event.note
    from anchordesk.recovery.temperature import deescalation_hint

    assert "Apologize for the wait" in deescalation_hint(ticket)
    # Once answered, the next calm message starts from zero again.
    with time_machine.travel(start + timedelta(hours=41), tick=False):
        do_reply(ticket, "It ships today, tracking to follow.", actor=people.agent)
    with time_machine.travel(start + timedelta(hours=42), tick=False):
        do_add_customer_message(ticket, "Great, thank you!", customer=people.customer)
    ticket.refresh_from_db()
    assert ticket.temperature < WARM_AT
