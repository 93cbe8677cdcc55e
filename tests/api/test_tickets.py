"""Tickets over the API: list with filters and pages, get, create, update, merge, links."""

from __future__ import annotations

import pytest

from anchordesk.accounts.models import Customer
from anchordesk.core.models import AuditEvent
from anchordesk.tickets.actions import do_add_note, do_set_status
from anchordesk.tickets.choices import Priority, Status
from anchordesk.tickets.models import CustomField, Ticket, TicketLink
from tests import factories
from tests.api.conftest import field_errors


@pytest.fixture
def agent_api(people, as_user):
    return as_user(people.agent)


def test_an_agent_opens_a_ticket_for_a_new_customer_by_email(people, agent_api):
    response = agent_api.post(
        "/tickets",
        {
            "customer_email": "Dana@Initech.test",
            "customer_name": "Dana",
            "subject": "Invoice is wrong",
            "body": "I was charged twice this month.",
            "priority": "high",
            "team_id": people.support.pk,
            "assignee_id": people.agent2.pk,
            "tags": ["Billing", "double charge"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == "Invoice is wrong"
    assert body["priority"] == "high"
    assert body["status"] == "open"  # assigned at once
    assert body["customer"]["email"] == "Dana@Initech.test"
    assert body["assignee"]["id"] == people.agent2.pk
    assert body["team"] == {"id": people.support.pk, "name": "Support"}
    assert body["tags"] == ["billing", "double-charge"]
    assert body["channel"] == "api"
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.messages.get().body_text == "I was charged twice this month."
    assert AuditEvent.objects.filter(ticket=ticket, kind="ticket.created", actor=people.agent).exists()


def test_an_existing_customer_is_reused_by_id_or_by_email_in_any_case(people, agent_api):
    by_id = agent_api.post("/tickets", {"customer_id": people.customer.pk, "subject": "Hi", "body": "One"})
    by_email = agent_api.post(
        "/tickets", {"customer_email": "CAROL@acme.test", "subject": "Hi", "body": "Two"}
    )
    assert by_id.json()["customer"]["id"] == by_email.json()["customer"]["id"] == people.customer.pk
    assert Customer.objects.filter(email__iexact="carol@acme.test").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customer_id": None, "subject": "Hi", "body": "x"}, "customer_id"),
        ({"customer_email": "not-an-address", "subject": "Hi", "body": "x"}, "customer_email"),
        ({"customer_email": "a@b.test", "subject": "   ", "body": "x"}, "subject"),
        ({"customer_email": "a@b.test", "subject": "S" * 251, "body": "x"}, "subject"),
        ({"customer_email": "a@b.test", "body": "x"}, "subject"),
        ({"customer_email": "a@b.test", "subject": "Hi", "body": ""}, "body"),
        ({"customer_email": "a@b.test", "subject": "Hi", "body": "x", "priority": "asap"}, "priority"),
        ({"customer_email": "a@b.test", "subject": "Hi", "body": "x", "team_id": 987654}, "team_id"),
        ({"customer_email": "a@b.test", "subject": "Hi", "body": "x", "assignee_id": 987654}, "assignee_id"),
        ({"customer_email": "a@b.test", "subject": "Hi", "body": "x", "tags": ["t" * 51]}, "tags.0"),
        ({"customer_email": "a@b.test", "subject": "Hi", "body": "x", "fields": {"nope": 1}}, "fields.nope"),
        ({"customer_email": "a@b.test", "subject": "Hi", "body": "x", "sujbect": "typo"}, "sujbect"),
        ({"customer_email": "a@b.test", "subject": 12, "body": "x"}, "subject"),
        ({"customer_email": "a@b.test", "subject": "Hi\x00", "body": "x"}, "subject"),
    ],
)
def test_creating_a_ticket_with_bad_input_names_the_field(people, agent_api, body, field):
    response = agent_api.post("/tickets", body)
    assert response.status_code == 422, response.content
    errors = field_errors(response)
    assert field in errors, errors
    assert errors[field]
    assert not Ticket.objects.exists()


def test_a_collaborator_cannot_be_assigned_a_ticket(people, agent_api):
    response = agent_api.post(
        "/tickets",
        {
            "customer_id": people.customer.pk,
            "subject": "Hi",
            "body": "x",
            "assignee_id": people.collaborator.pk,
        },
    )
    assert response.status_code == 422
    assert "cannot be assigned" in field_errors(response)["assignee_id"]


def test_update_applies_every_change_through_the_audited_actions(people, agent_api):
    CustomField.objects.create(key="order", label="Order number", type="number")
    ticket = factories.make_ticket(people.customer, tags=["old"])
    response = agent_api.patch(
        f"/tickets/{ticket.pk}",
        {
            "subject": "Order 1234 never arrived",
            "status": "pending",
            "priority": "urgent",
            "assignee_id": people.agent.pk,
            "team_id": people.support.pk,
            "tags": ["shipping", "late"],
            "fields": {"order": "1234"},
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["subject"], body["status"], body["priority"]) == (
        "Order 1234 never arrived",
        "pending",
        "urgent",
    )
    assert body["assignee"]["id"] == people.agent.pk
    assert body["tags"] == ["late", "shipping"]
    assert body["fields"] == {"order": 1234}
    kinds = set(AuditEvent.objects.filter(ticket=ticket, actor=people.agent).values_list("kind", flat=True))
    assert {
        "ticket.subject",
        "ticket.status",
        "ticket.priority",
        "ticket.assigned",
        "ticket.team",
        "ticket.tags",
        "ticket.fields",
    } <= kinds


def test_a_refused_change_leaves_the_whole_update_undone(people, agent_api):
    ticket = factories.make_ticket(people.customer)
    response = agent_api.patch(
        f"/tickets/{ticket.pk}", {"priority": "urgent", "tags": ["ok"], "assignee_id": people.collaborator.pk}
    )
    assert response.status_code == 422
    assert "assignee_id" in field_errors(response)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert not ticket.tags.exists()


def test_null_unassigns_and_clears_the_team_but_a_missing_key_changes_nothing(people, agent_api):
    ticket = factories.make_ticket(people.customer, assignee=people.agent, team=people.support)
    body = agent_api.patch(f"/tickets/{ticket.pk}", {"assignee_id": None}).json()
    assert body["assignee"] is None
    assert body["team"]["id"] == people.support.pk
    assert agent_api.patch(f"/tickets/{ticket.pk}", {"team_id": None}).json()["team"] is None
    assert agent_api.patch(f"/tickets/{ticket.pk}", {"status": None}).status_code == 422


def test_a_closed_ticket_refuses_a_status_change_with_the_reason(people, agent_api):
    ticket = factories.make_ticket(people.customer)
    do_set_status(ticket, Status.CLOSED, actor=people.agent)
    response = agent_api.patch(f"/tickets/{ticket.pk}", {"status": "open"})
    assert response.status_code == 422
    assert "closed" in field_errors(response)["status"]


def test_an_update_based_on_an_old_version_is_refused_with_409(people, agent_api):
    ticket = factories.make_ticket(people.customer)
    seen = agent_api.get(f"/tickets/{ticket.pk}").json()["version"]
    do_add_note(ticket, "Someone else got here first.", actor=people.agent2)
    response = agent_api.patch(f"/tickets/{ticket.pk}", {"priority": "high", "expected_version": seen})
    assert response.status_code == 409
    assert field_errors(response)["expected_version"]


def test_pages_of_tickets_follow_each_other_without_repeats_or_gaps(people, agent_api):
    made = {factories.make_ticket(people.customer, subject=f"Ticket {i}").pk for i in range(23)}
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        body = agent_api.get("/tickets", params).json()
        seen += [t["id"] for t in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == made


def test_ticket_pages_can_run_oldest_first(people, agent_api):
    first = factories.make_ticket(people.customer, subject="First")
    second = factories.make_ticket(people.customer, subject="Second")
    body = agent_api.get("/tickets", {"sort": "created_at", "limit": 1}).json()
    assert [t["id"] for t in body["items"]] == [first.pk]
    body = agent_api.get("/tickets", {"sort": "created_at", "limit": 1, "cursor": body["next_cursor"]}).json()
    assert [t["id"] for t in body["items"]] == [second.pk]


def test_a_cursor_from_another_sort_or_garbage_is_a_400_class_error_naming_cursor(people, agent_api):
    for i in range(3):
        factories.make_ticket(people.customer, subject=f"T{i}")
    cursor = agent_api.get("/tickets", {"limit": 1}).json()["next_cursor"]
    for bad in ["garbage", "!!!", "eyJhIjoxfQ", cursor + "x", "e" * 600]:
        response = agent_api.get("/tickets", {"cursor": bad})
        assert response.status_code == 422, bad
        assert "cursor" in field_errors(response)
    response = agent_api.get("/tickets", {"cursor": cursor, "sort": "created_at"})
    assert response.status_code == 422


def test_list_filters_combine(people, agent_api):
    match = factories.make_ticket(
        people.customer,
        subject="Match",
        priority=Priority.HIGH,
        team=people.support,
        tags=["vip"],
        assignee=people.agent,
    )
    factories.make_ticket(people.customer, subject="Wrong priority", team=people.support, tags=["vip"])
    factories.make_ticket(
        people.other_customer, subject="Wrong customer", priority=Priority.HIGH, tags=["vip"]
    )
    params = {
        "status": ["open"],
        "priority": ["high", "urgent"],
        "team": people.support.pk,
        "tag": "VIP",
        "customer": people.customer.pk,
        "assignee": people.agent.pk,
    }
    assert [t["id"] for t in agent_api.get("/tickets", params).json()["items"]] == [match.pk]
    unassigned = agent_api.get("/tickets", {"assignee": 0}).json()["items"]
    assert match.pk not in [t["id"] for t in unassigned] and len(unassigned) == 2


def test_full_text_search_finds_words_in_messages_and_subjects(people, agent_api):
    router = factories.make_ticket(
        people.customer, subject="Connection drops", body="My router blinks orange."
    )
    factories.make_ticket(people.customer, subject="Billing", body="Charged twice.")
    assert [t["id"] for t in agent_api.get("/tickets", {"q": "orange"}).json()["items"]] == [router.pk]
    assert [t["id"] for t in agent_api.get("/tickets", {"q": "connect"}).json()["items"]] == [router.pk]
    assert agent_api.get("/tickets", {"q": '"); DROP TABLE x; --'}).status_code == 200


def test_updated_since_returns_only_recent_changes(people, agent_api):
    import time_machine

    with time_machine.travel("2026-01-01 10:00Z"):
        factories.make_ticket(people.customer, subject="Old")
    with time_machine.travel("2026-01-05 10:00Z"):
        recent = factories.make_ticket(people.customer, subject="Recent")
    items = agent_api.get("/tickets", {"updated_since": "2026-01-03T00:00:00Z"}).json()["items"]
    assert [t["id"] for t in items] == [recent.pk]
    assert agent_api.get("/tickets", {"updated_since": "yesterday-ish"}).status_code == 422


def test_merge_moves_the_conversation_and_answers_with_the_target(people, agent_api):
    source = factories.make_ticket(people.customer, subject="Duplicate", body="Same problem again")
    target = factories.make_ticket(people.customer, subject="Original")
    response = agent_api.post(f"/tickets/{source.pk}/merge", {"into": target.pk})
    assert response.status_code == 200
    assert response.json()["id"] == target.pk
    assert response.json()["message_count"] == 2
    source.refresh_from_db()
    assert source.merged_into_id == target.pk and source.status == Status.CLOSED
    again = agent_api.post(f"/tickets/{source.pk}/merge", {"into": target.pk})
    assert again.status_code == 422 and "source" in field_errors(again)
    assert "into" in field_errors(agent_api.post(f"/tickets/{target.pk}/merge", {"into": 999999}))


def test_links_are_added_listed_and_removed(people, agent_api):
    a = factories.make_ticket(people.customer, subject="Outage in Berlin")
    b = factories.make_ticket(people.other_customer, subject="Outage in Munich")
    response = agent_api.post(f"/tickets/{a.pk}/links", {"ticket_id": b.pk})
    assert response.status_code == 201
    assert response.json() == [{"id": b.pk, "subject": "Outage in Munich", "status": "new"}]
    assert [t["id"] for t in agent_api.get(f"/tickets/{b.pk}/links").json()] == [a.pk]
    assert agent_api.post(f"/tickets/{a.pk}/links", {"ticket_id": a.pk}).status_code == 422
    assert agent_api.delete(f"/tickets/{a.pk}/links/{b.pk}").status_code == 204
    assert not TicketLink.objects.exists()


def test_list_query_count_does_not_grow_with_the_page(people, agent_api, django_assert_max_num_queries):
    for i in range(30):
        factories.make_ticket(
            people.customer, subject=f"T{i}", tags=["a", "b"], assignee=people.agent, team=people.support
        )
    with django_assert_max_num_queries(8):
        body = agent_api.get("/tickets", {"limit": 30}).json()
    assert len(body["items"]) == 30
