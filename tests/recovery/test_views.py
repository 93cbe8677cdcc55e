from __future__ import annotations

import pytest

from anchordesk.recovery.choices import PromiseState
from anchordesk.recovery.models import Mistake, Promise
from tests.factories import make_ticket


@pytest.fixture
def ticket(people):
    return make_ticket(people.customer, team=people.support)


def test_an_agent_adds_a_promise_and_sees_it_in_my_promises(people, client, ticket):
    client.force_login(people.agent)
    response = client.post(
        f"/tickets/{ticket.pk}/promises", {"action": "Call the carrier", "due_at": "2030-01-02 10:00"}
    )
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert promise.owner == people.agent and promise.due_at.year == 2030
    page = client.get("/promises/")
    assert page.status_code == 200 and "Call the carrier" in page.content.decode()


def test_a_bad_due_date_is_a_400_naming_the_field(people, client, ticket):
    client.force_login(people.agent)
    response = client.post(f"/tickets/{ticket.pk}/promises", {"action": "Call", "due_at": "next blursday"})
    assert response.status_code == 400 and "due_at" in response.content.decode()
    assert not Promise.objects.exists()


def test_marking_done_prefills_a_line_telling_the_customer(people, client, ticket):
    client.force_login(people.agent)
    client.post(f"/tickets/{ticket.pk}/promises", {"action": "Refund the fee"})
    promise = Promise.objects.get()
    client.post(f"/promises/{promise.pk}", {"op": "done"})
    promise.refresh_from_db()
    assert promise.state == PromiseState.DONE
    assert client.session["reply_suggestion"].startswith("I said I'd refund the fee, and that's now done.")


def test_collaborators_and_anonymous_users_cannot_reach_promises(people, client, ticket):
    assert client.post(f"/tickets/{ticket.pk}/promises", {"action": "x"}).status_code == 302  # to sign in
    client.force_login(people.collaborator)
    assert client.post(f"/tickets/{ticket.pk}/promises", {"action": "x"}).status_code == 404
    assert client.get("/promises/").status_code == 403
    assert not Promise.objects.exists()


def test_gets_change_nothing(people, client, ticket):
    client.force_login(people.agent)
    assert client.get(f"/tickets/{ticket.pk}/mistakes").status_code == 405


def test_logging_a_mistake_and_the_lead_review(people, client, ticket):
    client.force_login(people.agent)
    form = {
        "category": "wrong_information",
        "severity": "minor",
        "what_happened": "Told the wrong return window",
        "impact": "Customer missed the deadline",
        "why_it_made_sense": "The old policy page was still up",
    }
    assert client.post(f"/tickets/{ticket.pk}/mistakes", form).status_code == 302
    mistake = Mistake.objects.get()
    assert mistake.steps.count() == 5
    assert client.get("/mistakes/review/").status_code == 403  # agents do not review
    client.force_login(people.lead)
    page = client.get("/mistakes/review/")
    assert "The old policy page was still up" in page.content.decode()


def test_missing_why_it_made_sense_is_refused(people, client, ticket):
    client.force_login(people.agent)
    response = client.post(
        f"/tickets/{ticket.pk}/mistakes", {"category": "other", "what_happened": "x", "impact": "y"}
    )
    assert response.status_code == 400 and "why_it_made_sense" in response.content.decode()


def test_solving_with_an_open_promise_warns_first_and_solves_when_confirmed(people, client, ticket):
    from django.urls import reverse

    from anchordesk.recovery.actions import do_add_promise
    from anchordesk.tickets.models import Ticket

    do_add_promise(ticket, actor=people.agent, action="Send the return label", due_at=None)
    client.force_login(people.agent)
    url = reverse("ticket-properties", args=[ticket.pk])
    form = {"status": "solved", "priority": ticket.priority, "assignee": "", "team": people.support.pk}
    warned = client.post(url, form)
    assert warned.status_code == 409 and "Send the return label" in warned.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status != "solved"
    client.post(url, {**form, "confirm_open_work": "1"})
    assert Ticket.objects.get(pk=ticket.pk).status == "solved"


def test_replying_and_solving_with_an_open_promise_warns_first_and_keeps_the_draft(people, client, ticket):
    from anchordesk.recovery.actions import do_add_promise
    from anchordesk.tickets.models import Message, Ticket

    do_add_promise(ticket, actor=people.agent, action="Send the return label", due_at=None)
    client.force_login(people.agent)
    form = {"body": "All sorted, thanks for your patience.", "status": "solved", "version": ticket.version}
    warned = client.post(f"/tickets/{ticket.pk}/reply", form)
    page = warned.content.decode()
    assert warned.status_code == 409 and "Send the return label" in page
    assert "All sorted, thanks for your patience." in page  # the draft is still in the box
    assert 'name="confirm_open_work" value="1" form="reply-form"' in page
    assert not Message.objects.filter(ticket=ticket, kind="reply").exists()
    client.post(f"/tickets/{ticket.pk}/reply", {**form, "confirm_open_work": "1"})
    assert Ticket.objects.get(pk=ticket.pk).status == "solved"
    assert Message.objects.filter(ticket=ticket, kind="reply").count() == 1


def test_my_promises_lists_the_soonest_first_and_undated_ones_last(people, client, ticket):
    from datetime import UTC, datetime

    from anchordesk.recovery.actions import do_add_promise

    do_add_promise(ticket, actor=people.agent, action="Undated promise", due_at=None)
    do_add_promise(
        ticket, actor=people.agent, action="Later promise", due_at=datetime(2030, 2, 1, tzinfo=UTC)
    )
    do_add_promise(
        ticket, actor=people.agent, action="Sooner promise", due_at=datetime(2030, 1, 1, tzinfo=UTC)
    )
    do_add_promise(
        ticket, actor=people.agent2, action="Bob's promise", due_at=datetime(2029, 1, 1, tzinfo=UTC)
    )
    client.force_login(people.agent)
    page = client.get("/promises/").content.decode()
    assert page.index("Sooner promise") < page.index("Later promise") < page.index("Undated promise")
    assert "Bob's promise" not in page


def test_bulk_solving_a_ticket_with_an_open_promise_warns(people, client, ticket):
    from anchordesk.recovery.actions import do_add_promise

    do_add_promise(ticket, actor=people.agent, action="Send the return label", due_at=None)
    calm = make_ticket(people.other_customer)
    client.force_login(people.agent)
    page = client.post(
        "/inbox/bulk", {"op": "status", "status": "solved", "ticket": [ticket.pk, calm.pk]}, follow=True
    ).content.decode()
    assert f"#{ticket.pk} still has 1 open promise" in page
    assert f"#{calm.pk} still has" not in page
