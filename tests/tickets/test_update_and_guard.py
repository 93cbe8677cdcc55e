"""The rules of changing a ticket live in the actions: do_update_ticket (one step, audited, with the
version check), the open-work guard with its confirmation flag, and do_reply running the macros."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anchordesk.automation.actions import do_save_macro
from anchordesk.collab.models import Handoff
from anchordesk.core.registry import solve_blockers
from anchordesk.mail.models import OutboundEmail
from anchordesk.recovery.actions import do_add_promise
from anchordesk.tickets import actions
from anchordesk.tickets.actions import OpenWorkPending, StaleTicket
from anchordesk.tickets.choices import EventKind, MessageKind, Priority, Status
from anchordesk.tickets.models import Message
from tests.factories import make_ticket


@pytest.fixture
def ticket(people):
    return make_ticket(people.customer, subject="Refund please", body="Where is my refund?")


def _replies(ticket) -> int:
    return Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).count()


def test_an_update_applies_every_change_and_audits_each(people, ticket):
    actions.do_update_ticket(
        ticket,
        actor=people.agent,
        changes={
            "assignee": people.agent2,
            "team": people.engineering,
            "priority": Priority.HIGH,
            "add_tags": ["refund"],
            "status": Status.PENDING,
        },
    )
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.team, ticket.priority, ticket.status) == (
        people.agent2,
        people.engineering,
        Priority.HIGH,
        Status.PENDING,
    )
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    kinds = set(ticket.events.filter(actor=people.agent).values_list("kind", flat=True))
    assert {EventKind.ASSIGNED, EventKind.TEAM, EventKind.PRIORITY, EventKind.TAGS, EventKind.STATUS} <= kinds


def test_one_refused_change_leaves_the_ticket_untouched(people, ticket):
    with pytest.raises(ValidationError) as refused:
        actions.do_update_ticket(
            ticket, actor=people.agent, changes={"priority": Priority.URGENT, "subject": "   "}
        )
    assert "subject" in refused.value.message_dict
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL and ticket.subject == "Refund please"
    assert not ticket.events.filter(kind=EventKind.PRIORITY).exists()


def test_an_unknown_or_null_change_is_refused_naming_the_field(people, ticket):
    with pytest.raises(ValidationError) as unknown:
        actions.do_update_ticket(ticket, actor=people.agent, changes={"colour": "red"})
    assert unknown.value.message_dict == {"colour": ["Unknown field."]}
    with pytest.raises(ValidationError) as null:
        actions.do_update_ticket(ticket, actor=people.agent, changes={"status": None})
    assert "status" in null.value.message_dict


def test_an_update_from_an_old_version_is_refused_and_changes_nothing(people, ticket):
    seen = ticket.version
    actions.do_update_ticket(ticket, actor=people.agent2, changes={"priority": Priority.HIGH})
    with pytest.raises(StaleTicket):
        actions.do_update_ticket(
            ticket, actor=people.agent, changes={"priority": Priority.LOW}, expected_version=seen
        )
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH


def test_solving_with_an_open_promise_or_handoff_needs_confirming(people, ticket):
    do_add_promise(ticket, actor=people.agent, action="Send the return label", due_at=None)
    Handoff.objects.create(ticket=ticket, team=people.engineering, subject="Refund the fee", needed="N")
    assert solve_blockers(ticket) == [
        "promise: Send the return label",
        f"handoff to {people.engineering.name}: Refund the fee",
    ]
    for status in (Status.SOLVED, Status.CLOSED):
        with pytest.raises(OpenWorkPending) as pending:
            actions.do_update_ticket(ticket, actor=people.agent, changes={"status": status, "priority": 3})
        assert pending.value.reasons == solve_blockers(ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and ticket.priority == Priority.NORMAL
    actions.do_update_ticket(
        ticket, actor=people.agent, changes={"status": Status.SOLVED}, confirm_open_work=True
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_other_changes_need_no_confirmation_while_work_is_open(people, ticket):
    do_add_promise(ticket, actor=people.agent, action="Call back", due_at=None)
    actions.do_update_ticket(ticket, actor=people.agent, changes={"status": Status.PENDING})
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING


def test_a_solving_reply_with_open_work_sends_nothing_until_confirmed(people, ticket):
    do_add_promise(ticket, actor=people.agent, action="Send the return label", due_at=None)
    with pytest.raises(OpenWorkPending) as pending:
        actions.do_reply(ticket, "All done.", actor=people.agent, status=Status.SOLVED)
    assert pending.value.reasons == ["promise: Send the return label"]
    assert _replies(ticket) == 0 and not OutboundEmail.objects.filter(ticket=ticket).exists()
    actions.do_reply(ticket, "All done.", actor=people.agent, status=Status.SOLVED, confirm_open_work=True)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and _replies(ticket) == 1
    assert (
        OutboundEmail.objects.filter(ticket_message__ticket=ticket).count() == 1
    )  # the reply, not the survey


def test_a_bulk_solve_skips_a_ticket_with_open_work_and_says_why(people, ticket):
    other = make_ticket(people.customer, subject="Nothing open")
    do_add_promise(ticket, actor=people.agent, action="Call back", due_at=None)
    result = actions.do_bulk_update([ticket, other], actor=people.agent, status=Status.SOLVED)
    assert result.changed == 1
    assert result.errors == {ticket.pk: "still open: promise: Call back; solve it from the ticket"}


def test_a_reply_runs_the_chosen_macros_with_it(people, ticket):
    macro = do_save_macro(
        actor=people.lead,
        name="Refund sent",
        body="The refund is on its way.",
        actions=[{"type": "add_tags", "value": ["refund"]}, {"type": "set_priority", "value": 3}],
    )
    actions.do_reply(ticket, "The refund is on its way.", actor=people.agent, macro_ids=[macro.pk])
    ticket.refresh_from_db()
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    assert ticket.priority == Priority.HIGH and _replies(ticket) == 1


def test_a_status_chosen_in_the_reply_wins_over_a_macros_status(people, ticket):
    macro = do_save_macro(
        actor=people.lead,
        name="Waiting on you",
        body="Could you send a photo?",
        actions=[{"type": "set_status", "value": "pending"}, {"type": "add_tags", "value": ["photo"]}],
    )
    actions.do_reply(
        ticket, "Could you send a photo?", actor=people.agent, status=Status.OPEN, macro_ids=[macro.pk]
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN  # what the agent picked, not the macro's hidden Pending
    assert list(ticket.tags.values_list("name", flat=True)) == ["photo"]  # the other actions still run
    # With no status chosen (an API reply that leaves it out), the macro's status applies.
    actions.do_reply(ticket, "Still waiting for the photo.", actor=people.agent, macro_ids=[macro.pk])
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING


def test_a_reply_with_a_macro_gone_meanwhile_is_not_sent(people, ticket):
    with pytest.raises(ValidationError) as refused:
        actions.do_reply(ticket, "Hello", actor=people.agent, macro_ids=["999999"])
    assert "macro" in refused.value.message_dict
    assert _replies(ticket) == 0 and not OutboundEmail.objects.filter(ticket=ticket).exists()


def test_the_sidebar_applies_and_audits_only_what_the_agent_changed(people, client, ticket):
    actions.do_update_ticket(
        ticket, actor=people.lead, changes={"assignee": people.agent2, "team": people.engineering}
    )
    client.force_login(people.agent)
    form = {"status": "open", "priority": "3", "assignee": people.agent2.pk, "team": people.engineering.pk}
    assert client.post(f"/tickets/{ticket.pk}/properties", form).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee, ticket.team) == (
        Priority.HIGH,
        people.agent2,
        people.engineering,
    )
    assert list(ticket.events.filter(actor=people.agent).values_list("kind", flat=True)) == [
        EventKind.PRIORITY
    ]


def test_the_sidebar_asks_before_solving_over_open_work_then_solves_when_confirmed(people, client, ticket):
    do_add_promise(ticket, actor=people.agent, action="Send the return label", due_at=None)
    client.force_login(people.agent)
    form = {"status": "solved", "priority": "2"}
    asked = client.post(f"/tickets/{ticket.pk}/properties", form)
    assert asked.status_code == 409
    page = asked.content.decode()
    assert "Still open on this ticket: promise: Send the return label. Solve anyway?" in page
    assert 'name="confirm_open_work"' in page
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert (
        client.post(f"/tickets/{ticket.pk}/properties", {**form, "confirm_open_work": "1"}).status_code == 302
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
