"""Statement counts of the busiest requests, pinned in tests/query_budgets.json.

Each case builds a realistic desk (an SLA policy, active triggers, CSAT on, a subscribed
webhook, tickets with history), measures one request, holds the count to its pin (see
tests/budgets.py for refreshing it), and measures again with three times the data: the
count must not grow with the rows (an N+1 shows up here). After-commit work (emails to
the outbox, webhook deliveries, replayed handlers) runs inside the measurement, as the
queue runs immediately in tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from anchordesk.automation.actions import do_save_assignment, do_save_trigger
from anchordesk.automation.csat import do_save_csat_settings
from anchordesk.collab.actions import do_open_handoff
from anchordesk.integrations.actions import do_create_webhook
from anchordesk.mail.ingest import process_inbound, store_raw
from anchordesk.mail.models import InboundState, OutboundEmail, Source
from anchordesk.portal.auth import SESSION_KEY
from anchordesk.recovery.actions import do_add_promise
from anchordesk.sla.actions import CalendarData, PolicyData, do_save_calendar, do_save_policy
from anchordesk.tickets.actions import do_add_customer_message, do_add_note, do_change_tags, do_reply
from anchordesk.tickets.choices import Priority, Status
from anchordesk.tickets.models import Message, Ticket
from tests import factories
from tests.budgets import QueryBudgetNote, check_budget, count_queries, query_budget
from tests.conftest import Personas
from tests.integrations.receiver import Receiver, receiver
from tests.mail.mailfactory import raw_email

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
OFFICE_HOURS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
INBOX_TICKETS = 30
HISTORY = 5  # exchanges (customer message, reply, and every third a note and a tag) on a measured ticket
PROMISE = "Sorry for the wait. I'll refund you by Friday and send the receipt by email."

OnCommit = Callable[..., Any]


@pytest.fixture
def webhook_receiver() -> Iterator[Receiver]:
    with receiver(200) as server:
        yield server


@pytest.fixture
def desk(people: Personas, time_machine: Any, webhook_receiver: Receiver) -> Personas:
    """What a reply, a status change or an inbound email touches on a configured desk."""
    time_machine.move_to(MONDAY_10, tick=True)
    do_save_calendar(
        CalendarData(name="Office", timezone="UTC", hours=OFFICE_HOURS, is_default=True), actor=people.admin
    )
    do_save_policy(
        PolicyData(
            name="Standard",
            position=10,
            first_response_minutes=120,
            next_reply_minutes=240,
            resolution_minutes=2400,
            warn_percent=75,
        ),
        actor=people.admin,
    )
    do_save_assignment(people.support, "round_robin", actor=people.admin)
    do_save_csat_settings(enabled=True, delay_minutes=0, question="How did we do?", actor=people.admin)
    do_create_webhook(actor=people.admin, url=webhook_receiver.url, events=["*"])
    do_save_trigger(
        actor=people.admin,
        name="Urgent outages",
        events=["ticket.created", "ticket.customer_message"],
        conditions={"all": [{"field": "subject", "op": "contains", "value": "outage"}]},
        actions=[{"type": "set_priority", "value": Priority.URGENT}],
    )
    do_save_trigger(
        actor=people.admin,
        name="Tag replied",
        events=["ticket.replied"],
        conditions={"all": [{"field": "subject", "op": "contains", "value": "never-matches"}]},
        actions=[{"type": "add_tags", "value": ["replied"]}],
    )
    do_save_trigger(
        actor=people.admin,
        name="Note on solve",
        events=["ticket.status"],
        conditions={"all": [{"field": "status", "op": "is", "value": "closed"}]},
        actions=[{"type": "add_note", "value": "Closed."}],
    )
    return people


def grow(ticket: Ticket, people: Personas, exchanges: int) -> None:
    """A conversation: the customer writes, agents answer, now and then a note, a tag, a promise."""
    for i in range(exchanges):
        do_add_customer_message(ticket, f"Still waiting for my refund ({i}).", customer=ticket.customer)
        do_reply(ticket, f"Looking into it ({i}).", actor=people.agent2 if i % 2 else people.agent)
        if i % 3 == 0:
            do_add_note(ticket, f"Checked the payment log ({i}).", actor=people.lead)
            do_change_tags(ticket, actor=people.agent, add=[f"refund-{i}"])
            do_add_promise(
                ticket,
                actor=people.agent,
                action=f"Call the bank ({i})",
                due_at=MONDAY_10,
                owner=people.agent,
            )


def fill_inbox(people: Personas, n: int) -> None:
    for i in range(n):
        customer = factories.make_customer(f"inbox{Ticket.objects.count()}-{i}@example.test")
        ticket = factories.make_ticket(customer, subject=f"Refund question {i}", team=people.support)
        do_change_tags(ticket, actor=people.agent, add=[f"tag{i % 7}", "refund"])
        do_reply(ticket, "We are on it.", actor=people.agent2)
        do_add_customer_message(ticket, "This is ridiculous, still nothing!", customer=customer)


def agent_client(people: Personas) -> Client:
    client = Client()
    client.force_login(people.agent)
    return client


def measured_ticket(people: Personas, exchanges: int) -> Ticket:
    ticket = factories.make_ticket(people.customer, subject="Refund not received", team=people.support)
    grow(ticket, people, exchanges)
    do_open_handoff(
        ticket,
        actor=people.agent,
        team=people.engineering,
        subject="Refund stuck in the payment queue",
        needed="Tell us why the refund has not left the queue.",
    )
    ticket.refresh_from_db()
    return ticket


# --- the inbox ------------------------------------------------------------------------------


def test_the_inbox_stays_within_its_budget_however_many_tickets(desk: Personas) -> None:
    client = agent_client(desk)
    fill_inbox(desk, INBOX_TICKETS)
    client.get("/?view=all")  # warm the session
    with query_budget("inbox") as measured:
        response = client.get("/?view=all")
    assert response.status_code == 200 and "Refund question 29" in response.content.decode()
    fill_inbox(desk, 2 * INBOX_TICKETS)
    with count_queries() as big:
        response = client.get("/?view=all")
    assert response.status_code == 200
    assert big.count <= measured.count, "the inbox runs more statements with more tickets (an N+1)"


# --- the ticket page and its panels ---------------------------------------------------------


LOADED_WITH_THE_PAGE = re.compile(r'hx-get="([^"]+)"[^>]*hx-trigger="load"')


def _page_with_panels(client: Client, ticket: Ticket, *, check: bool) -> dict[str, int]:
    """The ticket page and every request for the ticket its HTML makes as it loads (htmx panels
    fetched on load): what an agent's browser costs the server to show one ticket."""
    counts = {}
    with count_queries("ticket_page") as measured:
        response = client.get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 200
    if check:
        check_budget("ticket_page", measured.count, measured.statements)
    counts["ticket_page"] = measured.count
    # The layout's own load (the wellbeing banner, on every page: the inbox's count leaves it out
    # too) is not the ticket's; the ticket's panels are addressed under its number.
    own = [
        u
        for u in LOADED_WITH_THE_PAGE.findall(response.content.decode())
        if f"tickets/{ticket.pk}/" in u.split("?")[0]
    ]
    for url in own:
        with count_queries(url) as measured:
            panel = client.get(url, HTTP_HX_REQUEST="true")
        assert panel.status_code == 200, (url, panel.status_code)
        counts[url] = measured.count
    return counts


def test_the_ticket_page_with_its_panels_stays_within_its_budget(desk: Personas) -> None:
    client = agent_client(desk)
    fill_inbox(desk, 5)
    ticket = measured_ticket(desk, HISTORY)
    _page_with_panels(client, ticket, check=False)  # warm the session
    counts = _page_with_panels(client, ticket, check=True)
    total = sum(counts.values())
    print(f"ticket page with panels: {total} statements ({counts})")
    check_budget("ticket_page_with_panels", total)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    # The apps' panels come with the page: the open handoff, the policy box, the promises.
    assert "Refund stuck in the payment queue" in page
    assert 'id="policies"' in page and "Call the bank (0)" in page

    big = measured_ticket(desk, 3 * HISTORY)
    big_counts = _page_with_panels(client, big, check=False)
    assert sum(big_counts.values()) <= total, (counts, big_counts)


# --- a reply and a status change ------------------------------------------------------------


def _reply(client: Client, ticket: Ticket, status: str) -> Any:
    return client.post(
        f"/tickets/{ticket.pk}/reply", {"body": PROMISE, "status": status, "version": ticket.version}
    )


def test_a_reply_stays_within_its_budget(
    desk: Personas, webhook_receiver: Receiver, django_capture_on_commit_callbacks: OnCommit
) -> None:
    client = agent_client(desk)
    fill_inbox(desk, 5)
    ticket = measured_ticket(desk, HISTORY)
    client.get(f"/tickets/{ticket.pk}/")  # warm the session
    delivered = len(webhook_receiver.requests)
    with query_budget("reply_post") as measured, django_capture_on_commit_callbacks(execute=True):
        response = _reply(client, ticket, Status.PENDING)
    assert response.status_code == 302
    reply = Message.objects.filter(ticket=ticket).order_by("-pk").first()
    assert reply is not None and reply.body_text == PROMISE
    assert reply.outbound_emails.exists()  # queued to the customer in the same transaction
    assert ticket.promises.filter(action__icontains="refund").exists()  # the promise was found
    assert len(webhook_receiver.requests) > delivered  # the subscribed webhook heard of it

    big = measured_ticket(desk, 3 * HISTORY)
    fill_inbox(desk, 10)
    client.get(f"/tickets/{big.pk}/")
    with count_queries() as grown, django_capture_on_commit_callbacks(execute=True):
        assert _reply(client, big, Status.PENDING).status_code == 302
    # The same reply on a ticket three times as long, on a fuller desk, costs no more.
    assert grown.count <= measured.count, (measured.count, grown.count)


def _solve(client: Client, ticket: Ticket) -> Any:
    return client.post(
        f"/tickets/{ticket.pk}/properties",
        {
            "status": Status.SOLVED,
            "priority": ticket.priority,
            "assignee": ticket.assignee_id or "",
            "team": ticket.team_id or "",
            "confirm_open_work": "1",
        },
    )


def test_a_status_change_stays_within_its_budget(
    desk: Personas, django_capture_on_commit_callbacks: OnCommit
) -> None:
    client = agent_client(desk)
    fill_inbox(desk, 5)
    ticket = measured_ticket(desk, HISTORY)
    client.get(f"/tickets/{ticket.pk}/")
    with query_budget("status_change") as measured, django_capture_on_commit_callbacks(execute=True):
        response = _solve(client, ticket)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.csat_surveys.exists()  # CSAT is on: the survey went out with the solve

    big = measured_ticket(desk, 3 * HISTORY)
    client.get(f"/tickets/{big.pk}/")
    with count_queries() as grown, django_capture_on_commit_callbacks(execute=True):
        assert _solve(client, big).status_code == 302
    # Solving a ticket three times as long costs no more.
    assert grown.count <= measured.count, (measured.count, grown.count)


# --- the portal -----------------------------------------------------------------------------


def _portal(customer: Any) -> Client:
    client = Client()
    session = client.session
    session[SESSION_KEY] = customer.pk
    session.save()
    return client


def test_a_portal_ticket_page_stays_within_its_budget(desk: Personas) -> None:
    ticket = measured_ticket(desk, HISTORY)
    client = _portal(desk.customer)
    client.get(f"/portal/tickets/{ticket.pk}/")
    with query_budget("portal_ticket_page"):
        response = client.get(f"/portal/tickets/{ticket.pk}/")
    assert response.status_code == 200 and "Looking into it (4)." in response.content.decode()
    assert "Checked the payment log" not in response.content.decode()  # notes stay internal

    big = measured_ticket(desk, 3 * HISTORY)
    client.get(f"/portal/tickets/{big.pk}/")
    with count_queries() as grown:
        assert client.get(f"/portal/tickets/{big.pk}/").status_code == 200
    with count_queries() as small:
        client.get(f"/portal/tickets/{ticket.pk}/")
    assert grown.count <= small.count, (small.count, grown.count)


# --- one inbound email ----------------------------------------------------------------------

ATTACHMENTS = [
    ("receipt.pdf", b"%PDF-1.4 receipt of the order", "application/pdf"),
    ("screenshot.png", b"\x89PNG\r\n\x1a\n not really an image", "image/png"),
]


def _ingest(raw: bytes, on_commit: OnCommit) -> tuple[Any, Any]:
    with count_queries() as measured, on_commit(execute=True):
        inbound, created = store_raw(raw, source=Source.PIPE)
        assert created
        inbound = process_inbound(inbound.pk)
    assert inbound.state == InboundState.PROCESSED, inbound.reason
    return inbound, measured


def _customer_reply(ticket: Ticket, n: int) -> bytes:
    """The customer answers our last reply from their mail client: threaded by In-Reply-To."""
    last = OutboundEmail.objects.filter(ticket=ticket, ticket_message__isnull=False).order_by("-pk").first()
    assert last is not None
    return raw_email(
        sender=f"{ticket.customer.name} <{ticket.customer.email}>",
        subject=f"Re: {ticket.subject}",
        body=f"Hello again, this is an outage for us and still no refund ({n}).\n\n> quoted text",
        in_reply_to=last.message_id,
        headers={"X-Anchordesk-Test": str(n)},
        attachments=ATTACHMENTS,
    )


def _new_email(n: int) -> bytes:
    return raw_email(
        sender=f"New Person {n} <new{n}@example.test>",
        subject=f"Refund never arrived ({n})",
        attachments=ATTACHMENTS,
    )


def test_an_inbound_email_opening_a_ticket_stays_within_its_budget(
    desk: Personas, django_capture_on_commit_callbacks: OnCommit
) -> None:
    fill_inbox(desk, 5)
    _ingest(_new_email(0), django_capture_on_commit_callbacks)  # warm what is read once per process
    inbound, measured = _ingest(_new_email(1), django_capture_on_commit_callbacks)
    check_budget("inbound_email_new_ticket", measured.count, measured.statements)
    message = inbound.ticket.messages.get()
    assert sorted(a.filename for a in message.attachments.all()) == ["receipt.pdf", "screenshot.png"]

    fill_inbox(desk, 10)
    _, grown = _ingest(_new_email(2), django_capture_on_commit_callbacks)
    assert grown.count <= measured.count, (measured.count, grown.count)


def test_an_inbound_reply_on_a_ticket_stays_within_its_budget(
    desk: Personas, django_capture_on_commit_callbacks: OnCommit
) -> None:
    fill_inbox(desk, 5)
    warm = measured_ticket(desk, HISTORY)
    _ingest(_customer_reply(warm, 0), django_capture_on_commit_callbacks)
    ticket = measured_ticket(desk, HISTORY)
    before = ticket.messages.count()
    inbound, measured = _ingest(_customer_reply(ticket, 1), django_capture_on_commit_callbacks)
    check_budget("inbound_email_reply", measured.count, measured.statements)
    assert inbound.ticket_id == ticket.pk and ticket.messages.count() == before + 1
    message = ticket.messages.order_by("-pk").first()
    assert message is not None and "still no refund (1)" in message.body_text
    assert message.attachments.count() == 2

    big = measured_ticket(desk, 3 * HISTORY)
    fill_inbox(desk, 10)
    _, grown = _ingest(_customer_reply(big, 2), django_capture_on_commit_callbacks)
    assert grown.count <= measured.count, (measured.count, grown.count)


# --- the helper itself ----------------------------------------------------------------------


@pytest.fixture
def budgets_file(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from django.db import connection

    from tests import budgets

    path = tmp_path / "query_budgets.json"
    path.write_text(json.dumps({connection.vendor: {"page": 10}}))
    monkeypatch.setattr(budgets, "BUDGETS_FILE", path)
    monkeypatch.delenv("UPDATE_QUERY_BUDGETS", raising=False)
    monkeypatch.delenv("CI", raising=False)
    return path


def test_a_count_over_its_pin_fails_listing_the_statements_and_how_to_refresh(budgets_file: Any) -> None:
    with pytest.raises(pytest.fail.Exception) as failed:
        check_budget("page", 11, ["SELECT 1", "SELECT 2"])
    assert "over its pinned 10" in str(failed.value) and "UPDATE_QUERY_BUDGETS=1" in str(failed.value)
    assert "SELECT 2" in str(failed.value)
    with pytest.raises(pytest.fail.Exception, match="no pinned statement count"):
        check_budget("unknown", 1)
    check_budget("page", 10)  # at the pin: fine


def test_a_count_well_under_its_pin_asks_for_a_lower_pin_without_failing(budgets_file: Any) -> None:
    with pytest.warns(QueryBudgetNote, match="lower the pin"):
        check_budget("page", 6)


def test_refreshing_writes_the_measured_count_but_never_in_ci(
    budgets_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    monkeypatch.setenv("UPDATE_QUERY_BUDGETS", "1")
    check_budget("page", 12)
    check_budget("new", 3)
    assert json.loads(budgets_file.read_text())[connection.vendor] == {"new": 3, "page": 12}
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="refused in CI"):
        check_budget("page", 20)
    assert json.loads(budgets_file.read_text())[connection.vendor]["page"] == 12
