from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anchordesk.core.models import AuditEvent
from anchordesk.tickets import actions, search
from anchordesk.tickets.choices import EventKind, MessageKind, Priority, Status
from anchordesk.tickets.models import Message, Ticket
from tests.factories import make_ticket


def test_new_ticket_has_the_customers_message_and_a_created_event(people):
    ticket = make_ticket(people.customer, subject="Charged twice", body="You charged my card twice!")
    assert ticket.status == Status.NEW
    assert ticket.message_count == 1
    message = ticket.messages.get()
    assert message.kind == MessageKind.CUSTOMER and message.customer == people.customer
    assert ticket.events.filter(kind=EventKind.CREATED).exists()


def test_reply_sets_first_response_assigns_and_changes_status_in_one_step(people):
    ticket = make_ticket(people.customer)
    actions.do_reply(
        ticket, "I'm sorry, I've refunded the second charge.", actor=people.agent, status=Status.PENDING
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.assignee == people.agent
    assert ticket.status == Status.PENDING
    status_event = ticket.events.get(kind=EventKind.STATUS)
    assert (status_event.before, status_event.after, status_event.actor) == ("new", "pending", people.agent)


def test_customer_message_reopens_a_pending_ticket(people):
    ticket = make_ticket(people.customer)
    actions.do_reply(ticket, "Could you send the order number?", actor=people.agent, status=Status.PENDING)
    actions.do_add_customer_message(ticket, "It is 4411.", customer=people.customer)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.message_count == 3


def test_reply_on_a_stale_ticket_is_refused_until_confirmed(people):
    ticket = make_ticket(people.customer)
    opened_version = ticket.version
    actions.do_add_note(ticket, "Checking with billing", actor=people.agent2)
    with pytest.raises(actions.StaleTicket):
        actions.do_reply(ticket, "Done!", actor=people.agent, expected_version=opened_version)
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).exists()
    actions.do_reply(ticket, "Done!", actor=people.agent)  # sending anyway after the warning
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).count() == 1


def test_empty_reply_names_the_field(people):
    ticket = make_ticket(people.customer)
    with pytest.raises(ValidationError) as exc:
        actions.do_reply(ticket, "   ", actor=people.agent)
    assert "body" in exc.value.message_dict


def test_merge_moves_messages_and_closes_the_source(people):
    a = make_ticket(people.customer, subject="Order late")
    b = make_ticket(people.customer, subject="Order still late")
    actions.do_merge_tickets(b, a, actor=people.agent)
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.status == Status.CLOSED and b.merged_into == a
    assert a.messages.count() == 2
    assert AuditEvent.objects.filter(ticket=a, kind=EventKind.MERGED).exists()


def test_agent_cannot_merge_two_customers_tickets_but_a_lead_can(people):
    a = make_ticket(people.customer)
    b = make_ticket(people.other_customer)
    with pytest.raises(ValidationError):
        actions.do_merge_tickets(b, a, actor=people.agent)
    actions.do_merge_tickets(b, a, actor=people.lead)
    assert Ticket.objects.get(pk=b.pk).merged_into_id == a.pk


def test_tags_are_normalized_and_audited(people):
    ticket = make_ticket(people.customer)
    actions.do_set_tags(ticket, ["Billing", "refund  request"], actor=people.agent)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["billing", "refund-request"]
    event = ticket.events.get(kind=EventKind.TAGS)
    assert event.before == [] and event.after == ["billing", "refund-request"]


def test_priority_out_of_range_is_refused(people):
    ticket = make_ticket(people.customer)
    with pytest.raises(ValidationError):
        actions.do_set_priority(ticket, 9, actor=people.agent)
    actions.do_set_priority(ticket, Priority.URGENT, actor=people.agent)
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.URGENT


def test_search_finds_words_in_messages_and_subjects(people):
    refund = make_ticket(people.customer, subject="Refund please", body="The blender arrived broken")
    make_ticket(people.customer, subject="Password reset", body="I cannot sign in")
    assert search.matching_ticket_ids("blender") == [refund.pk]
    assert search.matching_ticket_ids("refu") == [refund.pk]  # prefix while typing
    assert search.matching_ticket_ids('"; DROP TABLE') == []
