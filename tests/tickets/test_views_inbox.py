"""The agent inbox in the web UI: who sees what, views, filters, search, pages, bulk actions, saved views."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from anchordesk.tickets.actions import do_assign_ticket, do_change_tags, do_reply, do_set_status
from anchordesk.tickets.choices import Priority, Status
from anchordesk.tickets.models import SavedView, Ticket
from tests import factories
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def numbers(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(n) for n in re.findall(r'data-ticket-id="(\d+)"', response.content.decode())]


@pytest.fixture
def alice(client: Client, people: Personas) -> Client:
    client.force_login(people.agent)
    return client


@pytest.mark.parametrize("url", ["/", "/inbox/list", "/?view=all"])
def test_anonymous_visitor_is_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=")


def test_anonymous_bulk_update_is_refused_and_changes_nothing(client: Client, people: Personas) -> None:
    ticket = factories.make_ticket(people.customer)
    response = client.post("/inbox/bulk", {"op": "status", "status": "solved", "ticket": [ticket.pk]})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_inbox_shows_open_tickets_with_their_customer_status_and_assignee(
    alice: Client, people: Personas
) -> None:
    ticket = factories.make_ticket(
        people.customer, subject="Router keeps rebooting", priority=Priority.URGENT
    )
    do_assign_ticket(ticket, people.agent2, actor=people.agent)
    response = alice.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Router keeps rebooting" in body
    assert "Carol Customer" in body
    assert 'class="badge badge-open"' in body
    assert "Bob" in body and "Urgent" in body


def test_collaborator_sees_only_tickets_of_their_teams(client: Client, people: Personas) -> None:
    theirs = factories.make_ticket(people.customer, subject="Engineering question", team=people.engineering)
    other = factories.make_ticket(people.customer, subject="Support only", team=people.support)
    client.force_login(people.collaborator)
    shown = numbers(client.get("/?view=all"))
    assert theirs.pk in shown
    assert other.pk not in shown


def test_mine_view_lists_only_my_tickets_and_sidebar_counts_them(alice: Client, people: Personas) -> None:
    mine = factories.make_ticket(people.customer, subject="Mine")
    do_assign_ticket(mine, people.agent, actor=people.agent)
    bobs = factories.make_ticket(people.customer, subject="Bob's")
    do_assign_ticket(bobs, people.agent2, actor=people.agent)
    response = alice.get("/?view=mine")
    assert numbers(response) == [mine.pk]
    assert '<span class="count" id="count-mine">1</span>' in response.content.decode()


def test_unassigned_filter_and_priority_filter_narrow_the_list(alice: Client, people: Personas) -> None:
    urgent = factories.make_ticket(people.customer, subject="Urgent", priority=Priority.URGENT)
    normal = factories.make_ticket(people.customer, subject="Normal")
    assigned = factories.make_ticket(people.customer, subject="Assigned", priority=Priority.URGENT)
    do_assign_ticket(assigned, people.agent, actor=people.agent)
    assert numbers(alice.get("/?view=all&assignee=0&priority=4")) == [urgent.pk]
    assert set(numbers(alice.get("/?view=all&assignee=0"))) == {urgent.pk, normal.pk}


def test_status_team_tag_and_customer_filters(alice: Client, people: Personas) -> None:
    pending = factories.make_ticket(people.customer, subject="Waiting", team=people.engineering)
    do_set_status(pending, Status.PENDING, actor=people.agent)
    do_change_tags(pending, actor=people.agent, add=["billing"])
    other = factories.make_ticket(people.other_customer, subject="Other")
    assert numbers(alice.get("/?view=all&status=pending")) == [pending.pk]
    assert numbers(alice.get(f"/?view=all&team={people.engineering.pk}")) == [pending.pk]
    assert numbers(alice.get("/?view=all&tag=billing")) == [pending.pk]
    assert numbers(alice.get(f"/?view=all&customer={people.other_customer.pk}")) == [other.pk]


def test_search_finds_words_in_messages_not_only_subjects(alice: Client, people: Personas) -> None:
    hit = factories.make_ticket(people.customer, subject="Help", body="The flux capacitor is leaking.")
    factories.make_ticket(people.customer, subject="Other", body="Nothing to see.")
    response = alice.get("/?view=all&q=capacitor")
    assert numbers(response) == [hit.pk]
    assert "Search: capacitor" in response.content.decode()


def test_search_with_no_hits_says_so(alice: Client, people: Personas) -> None:
    factories.make_ticket(people.customer)
    response = alice.get("/?view=all&q=zebra")
    assert numbers(response) == []
    assert "No tickets match" in response.content.decode()


def test_sort_by_priority_puts_urgent_first(alice: Client, people: Personas) -> None:
    low = factories.make_ticket(people.customer, subject="Low", priority=Priority.LOW)
    urgent = factories.make_ticket(people.customer, subject="Urgent", priority=Priority.URGENT)
    normal = factories.make_ticket(people.customer, subject="Normal")
    assert numbers(alice.get("/?view=all&sort=priority")) == [urgent.pk, normal.pk, low.pk]


def test_next_page_link_reaches_page_two_without_repeats(alice: Client, people: Personas) -> None:
    created = {factories.make_ticket(people.customer, subject=f"Ticket {i}").pk for i in range(55)}
    first = alice.get("/?view=all")
    page1 = numbers(first)
    assert len(page1) == 50
    link = re.search(r'href="([^"]*cursor=[^"]*)" rel="next"', first.content.decode())
    assert link, "a Next page link"
    second = alice.get(link.group(1).replace("&amp;", "&"))
    page2 = numbers(second)
    assert len(page2) == 5
    assert not set(page1) & set(page2)
    assert set(page1) | set(page2) == created
    assert 'rel="next"' not in second.content.decode()


def test_live_list_partial_returns_rows_and_fresh_counts(alice: Client, people: Personas) -> None:
    ticket = factories.make_ticket(people.customer, subject="Arrived just now")
    response = alice.get("/inbox/list?view=open", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert numbers(response) == [ticket.pk]
    assert "<html" not in body
    assert 'id="count-open" hx-swap-oob="true"' in body


def test_inbox_page_polls_the_list_for_live_refresh(alice: Client) -> None:
    body = alice.get("/?view=mine").content.decode()
    assert 'hx-get="/inbox/list?view=mine' in body
    assert 'hx-trigger="every 10s"' in body


def test_bulk_assign_changes_every_selected_ticket(alice: Client, people: Personas) -> None:
    a = factories.make_ticket(people.customer)
    b = factories.make_ticket(people.customer)
    untouched = factories.make_ticket(people.customer)
    response = alice.post(
        "/inbox/bulk",
        {"op": "assign", "assignee": people.agent2.pk, "ticket": [a.pk, b.pk], "next": "/?view=all"},
        follow=True,
    )
    assert "Updated 2 tickets." in response.content.decode()
    assert response.redirect_chain[-1][0] == "/?view=all"
    assert set(Ticket.objects.filter(assignee=people.agent2).values_list("pk", flat=True)) == {a.pk, b.pk}
    untouched.refresh_from_db()
    assert untouched.assignee_id is None


def test_bulk_status_reports_refusals_and_changes_the_rest(alice: Client, people: Personas) -> None:
    ok = factories.make_ticket(people.customer)
    closed = factories.make_ticket(people.customer)
    do_set_status(closed, Status.CLOSED, actor=people.agent)
    response = alice.post(
        "/inbox/bulk", {"op": "status", "status": "solved", "ticket": [ok.pk, closed.pk]}, follow=True
    )
    body = response.content.decode()
    assert "Updated 1 ticket." in body
    assert f"#{closed.pk} was not changed" in body
    ok.refresh_from_db()
    assert ok.status == Status.SOLVED


def test_bulk_add_tag_and_unassign(alice: Client, people: Personas) -> None:
    ticket = factories.make_ticket(people.customer)
    do_assign_ticket(ticket, people.agent, actor=people.agent)
    alice.post("/inbox/bulk", {"op": "tag", "tag": "Outage 42", "ticket": [ticket.pk]})
    alice.post("/inbox/bulk", {"op": "assign", "assignee": "none", "ticket": [ticket.pk]})
    ticket.refresh_from_db()
    assert list(ticket.tags.values_list("name", flat=True)) == ["outage-42"]
    assert ticket.assignee_id is None


def test_bulk_update_cannot_touch_tickets_the_collaborator_cannot_see(
    client: Client, people: Personas
) -> None:
    hidden = factories.make_ticket(people.customer, team=people.support)
    client.force_login(people.collaborator)
    response = client.post("/inbox/bulk", {"op": "status", "status": "solved", "ticket": [hidden.pk]})
    assert response.status_code == 400
    hidden.refresh_from_db()
    assert hidden.status == Status.NEW


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"op": "status", "status": "exploded"}, "status"),
        ({"op": "status"}, "status"),
        ({"op": "assign", "assignee": "999999"}, "assignee"),
        ({"op": "tag", "tag": ""}, "tag"),
        ({"op": "teleport"}, "op"),
    ],
)
def test_bulk_update_with_bad_input_answers_400_naming_the_field(
    alice: Client, people: Personas, data: dict[str, str], field: str
) -> None:
    ticket = factories.make_ticket(people.customer)
    response = alice.post("/inbox/bulk", {**data, "ticket": [ticket.pk]})
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()


def test_bulk_update_without_a_selection_answers_400(alice: Client) -> None:
    response = alice.post("/inbox/bulk", {"op": "status", "status": "open"})
    assert response.status_code == 400
    assert 'data-field="ticket"' in response.content.decode()


def test_agent_saves_a_personal_view_that_only_they_see(client: Client, people: Personas) -> None:
    client.force_login(people.agent)
    response = client.post("/inbox/views", {"name": "My urgent", "params": "view=all&priority=4&cursor=abc"})
    assert response.status_code == 302
    view = SavedView.objects.get(name="My urgent")
    assert view.owner == people.agent
    assert view.filters == {"view": "all", "priority": [4], "sort": "updated"}
    assert "My urgent" in client.get("/").content.decode()
    client.force_login(people.agent2)
    assert "My urgent" not in client.get("/").content.decode()


def test_agent_cannot_create_a_shared_view(alice: Client) -> None:
    response = alice.post("/inbox/views", {"name": "Everyone's", "shared": "1", "params": "view=all"})
    assert response.status_code == 403
    assert 'data-field="shared"' in response.content.decode()
    assert not SavedView.objects.exists()


def test_lead_creates_a_shared_view_everyone_sees_and_only_leads_delete(
    client: Client, people: Personas
) -> None:
    client.force_login(people.lead)
    client.post("/inbox/views", {"name": "Billing backlog", "shared": "1", "params": "view=open&tag=billing"})
    view = SavedView.objects.get(name="Billing backlog")
    assert view.owner is None
    client.force_login(people.agent)
    assert "Billing backlog" in client.get("/").content.decode()
    assert client.post(f"/inbox/views/{view.pk}/delete").status_code == 403
    assert SavedView.objects.filter(pk=view.pk).exists()
    client.force_login(people.lead)
    assert client.post(f"/inbox/views/{view.pk}/delete").status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_someone_elses_personal_view_cannot_be_deleted(client: Client, people: Personas) -> None:
    client.force_login(people.agent2)
    client.post("/inbox/views", {"name": "Bob's", "params": "view=all"})
    view = SavedView.objects.get(name="Bob's")
    client.force_login(people.lead)
    assert client.post(f"/inbox/views/{view.pk}/delete").status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_saving_a_view_without_a_name_answers_400(alice: Client) -> None:
    response = alice.post("/inbox/views", {"name": "", "params": "view=all"})
    assert response.status_code == 400
    assert 'data-field="name"' in response.content.decode()


def test_inbox_uses_the_same_number_of_queries_for_3_and_30_tickets(
    alice: Client, people: Personas, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    def fill(n: int) -> None:
        for i in range(n):
            ticket = factories.make_ticket(factories.make_customer(), subject=f"T{i}", team=people.support)
            do_assign_ticket(ticket, people.agent2, actor=people.agent)
            do_change_tags(ticket, actor=people.agent, add=[f"tag{i}", "common"])
            do_reply(ticket, "On it", actor=people.agent2)

    fill(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert len(numbers(alice.get("/?view=all"))) == 3
    fill(27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(numbers(alice.get("/?view=all"))) == 30
