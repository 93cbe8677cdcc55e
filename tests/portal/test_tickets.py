"""The customer's tickets in the portal: the list, a new ticket, the conversation, replies, files."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from anchordesk.accounts.models import Customer
from anchordesk.tickets.actions import do_add_note, do_reply, do_set_status
from anchordesk.tickets.choices import Channel, MessageKind, Status
from anchordesk.tickets.models import Attachment, Ticket
from anchordesk.tickets.uploads import check_uploads
from tests import factories
from tests.conftest import Personas
from tests.portal.conftest import portal_client, upload


def ticket_for(customer: Customer, subject: str, **kw: object) -> Ticket:
    return factories.make_ticket(customer, subject=subject, **kw)  # type: ignore[arg-type]


@pytest.fixture
def tickets(people: Personas) -> dict[str, Ticket]:
    return {
        "carol": ticket_for(people.customer, "Carol cannot log in"),
        "cliff": ticket_for(people.customer_same_org, "Cliff needs an invoice copy"),
        "oscar": ticket_for(people.other_customer, "Oscar's parcel is late"),
    }


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, tickets: dict[str, Ticket]) -> None:
    for url in ["/portal/tickets/", "/portal/tickets/new", f"/portal/tickets/{tickets['carol'].pk}/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/portal/"
    assert (
        client.post(f"/portal/tickets/{tickets['carol'].pk}/reply", {"message": "hi"})["Location"]
        == "/portal/"
    )


def test_my_tickets_lists_my_own_and_not_others(people: Personas, tickets: dict[str, Ticket]) -> None:
    page = portal_client(people.customer).get("/portal/tickets/").text
    assert "Carol cannot log in" in page
    assert "Cliff needs an invoice copy" not in page
    assert "Oscar&#x27;s parcel is late" not in page and "Oscar's parcel" not in page


def test_organization_sharing_shows_colleagues_tickets_marked_as_theirs(
    people: Personas, tickets: dict[str, Ticket]
) -> None:
    people.customer_same_org.sees_organization_tickets = True
    people.customer_same_org.save()

    page = portal_client(people.customer_same_org).get("/portal/tickets/").text
    assert "Cliff needs an invoice copy" in page
    assert "Carol cannot log in" in page
    assert "opened by your colleague Carol Customer" in page
    assert "Oscar" not in page


def test_cliff_sees_carols_ticket_only_when_organization_sharing_is_on(
    people: Personas, tickets: dict[str, Ticket]
) -> None:
    cliff = portal_client(people.customer_same_org)
    url = f"/portal/tickets/{tickets['carol'].pk}/"
    assert cliff.get(url).status_code == 404

    people.customer_same_org.sees_organization_tickets = True
    people.customer_same_org.save()
    response = cliff.get(url)
    assert response.status_code == 200
    assert "Carol cannot log in" in response.text
    assert "by your colleague Carol Customer" in response.text

    people.customer_same_org.sees_organization_tickets = False
    people.customer_same_org.save()
    assert cliff.get(url).status_code == 404


def test_customer_cannot_open_another_customers_ticket(people: Personas, tickets: dict[str, Ticket]) -> None:
    oscar = portal_client(people.other_customer)
    forbidden = oscar.get(f"/portal/tickets/{tickets['carol'].pk}/")
    missing = oscar.get("/portal/tickets/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert "Carol" not in forbidden.text

    reply = oscar.post(f"/portal/tickets/{tickets['carol'].pk}/reply", {"message": "Let me in"})
    assert reply.status_code == 404
    assert tickets["carol"].messages.count() == 1


def test_customer_cannot_download_another_customers_attachment(people: Personas) -> None:
    ticket = factories.make_ticket(
        people.customer,
        subject="Broken screen",
        uploads=check_uploads([upload("photo.png", b"carol's photo")]),
    )
    file = Attachment.objects.get(message__ticket=ticket)
    url = f"/portal/files/{file.pk}/{file.filename}"

    carol = portal_client(people.customer).get(url)
    assert carol.status_code == 200
    assert b"".join(carol.streaming_content) == b"carol's photo"  # type: ignore[attr-defined]
    assert "attachment" in carol["Content-Disposition"]

    assert portal_client(people.other_customer).get(url).status_code == 404
    assert portal_client(people.customer_same_org).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_attachments_of_internal_notes_cannot_be_downloaded(
    people: Personas, tickets: dict[str, Ticket]
) -> None:
    note = do_add_note(
        tickets["carol"],
        "Internal: logs",
        actor=people.agent,
        uploads=check_uploads([upload("logs.txt", b"x")]),
    )
    file = note.attachments.get()
    assert portal_client(people.customer).get(f"/portal/files/{file.pk}/{file.filename}").status_code == 404


def test_internal_notes_never_appear_in_the_portal(people: Personas, tickets: dict[str, Ticket]) -> None:
    ticket = tickets["carol"]
    do_add_note(ticket, "PURPLE-PANGOLIN: customer is on the refund watchlist", actor=people.agent)
    do_reply(ticket, "We are looking into your login problem.", actor=people.agent)

    page = portal_client(people.customer).get(f"/portal/tickets/{ticket.pk}/").text
    assert "We are looking into your login problem." in page
    assert "PURPLE-PANGOLIN" not in page
    assert "refund watchlist" not in page
    assert "Alice" in page  # the agent's name on the public reply


def test_status_is_shown_in_customer_words(people: Personas, tickets: dict[str, Ticket]) -> None:
    ticket = tickets["carol"]
    client = portal_client(people.customer)
    expected = {
        Status.OPEN: "Open",
        Status.PENDING: "Awaiting your reply",
        Status.ON_HOLD: "In progress",
        Status.SOLVED: "Solved",
        Status.CLOSED: "Closed",
    }
    for status, words in expected.items():
        do_set_status(ticket, status, actor=people.agent)
        assert f">{words}</span>" in client.get("/portal/tickets/").text
        assert f">{words}</span>" in client.get(f"/portal/tickets/{ticket.pk}/").text


def test_customer_opens_a_ticket_with_an_attachment(people: Personas) -> None:
    client = portal_client(people.customer)
    assert "How can we help?" in client.get("/portal/tickets/new").text

    response = client.post(
        "/portal/tickets/new",
        {
            "subject": "Printer shows error E42",
            "message": "Since this morning the printer shows E42.",
            "attachments": [upload("error.png"), upload("manual.pdf", b"%PDF-1.4 fake")],
        },
        follow=True,
    )

    ticket = Ticket.objects.get(subject="Printer shows error E42")
    assert response.redirect_chain[-1][0] == f"/portal/tickets/{ticket.pk}/"
    assert ticket.customer == people.customer
    assert ticket.channel == Channel.WEB
    message = ticket.messages.get()
    assert message.kind == MessageKind.CUSTOMER
    assert sorted(a.filename for a in message.attachments.all()) == ["error.png", "manual.pdf"]
    assert "Since this morning the printer shows E42." in response.text
    assert "error.png" in response.text
    assert ticket.events.get(kind="ticket.created").actor_customer == people.customer


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_an_oversized_attachment_is_refused_and_the_typed_text_kept(people: Personas) -> None:
    response = portal_client(people.customer).post(
        "/portal/tickets/new",
        {
            "subject": "Big log file",
            "message": "Here is everything I have.",
            "attachments": upload("huge.txt", b"x" * 2048),
        },
    )
    assert response.status_code == 400
    assert "huge.txt is too large" in response.text
    assert 'value="Big log file"' in response.text
    assert "Here is everything I have.</textarea>" in response.text
    assert not Ticket.objects.exists()


def test_a_disallowed_attachment_is_refused_and_the_typed_text_kept(people: Personas) -> None:
    response = portal_client(people.customer).post(
        "/portal/tickets/new",
        {"subject": "Installer", "message": "Please run this.", "attachments": upload("setup.exe", b"MZ...")},
    )
    assert response.status_code == 400
    assert "setup.exe: files of type" in response.text
    assert "are not accepted" in response.text
    assert 'value="Installer"' in response.text
    assert "Please run this.</textarea>" in response.text
    assert not Ticket.objects.exists()


def test_a_new_ticket_without_subject_or_message_names_the_missing_field(people: Personas) -> None:
    client = portal_client(people.customer)
    no_subject = client.post("/portal/tickets/new", {"subject": "  ", "message": "Something broke"})
    assert no_subject.status_code == 400
    assert "Give your request a short subject." in no_subject.text
    assert "Something broke</textarea>" in no_subject.text

    too_long = client.post("/portal/tickets/new", {"subject": "x" * 300, "message": "Hi"})
    assert too_long.status_code == 400
    assert "at most 250 characters" in too_long.text

    no_message = client.post("/portal/tickets/new", {"subject": "Help"})
    assert no_message.status_code == 400
    assert "Write your message first." in no_message.text
    assert not Ticket.objects.exists()


def test_customer_replies_with_an_attachment(people: Personas, tickets: dict[str, Ticket]) -> None:
    ticket = tickets["carol"]
    response = portal_client(people.customer).post(
        f"/portal/tickets/{ticket.pk}/reply",
        {"message": "Here is a screenshot of the error.", "attachments": upload("login.png")},
        follow=True,
    )
    assert response.status_code == 200
    assert "Here is a screenshot of the error." in response.text
    assert "login.png" in response.text
    assert ticket.messages.filter(kind=MessageKind.CUSTOMER).count() == 2


def test_replying_to_a_solved_ticket_reopens_it(people: Personas, tickets: dict[str, Ticket]) -> None:
    ticket = tickets["carol"]
    do_reply(ticket, "Reset your password, that should do it.", actor=people.agent, status=Status.SOLVED)
    client = portal_client(people.customer)
    assert "Still need help?" in client.get(f"/portal/tickets/{ticket.pk}/").text

    response = client.post(
        f"/portal/tickets/{ticket.pk}/reply", {"message": "It still does not work."}, follow=True
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.solved_at is None
    assert "We have reopened your ticket." in response.text


def test_a_closed_ticket_takes_no_more_replies(people: Personas, tickets: dict[str, Ticket]) -> None:
    ticket = tickets["carol"]
    do_set_status(ticket, Status.CLOSED, actor=people.agent)
    client = portal_client(people.customer)
    assert "Open a new ticket" in client.get(f"/portal/tickets/{ticket.pk}/").text
    response = client.post(f"/portal/tickets/{ticket.pk}/reply", {"message": "One more thing"})
    assert response.status_code == 400
    assert "This ticket is closed" in response.text
    assert ticket.messages.count() == 1


def test_an_empty_or_refused_reply_is_a_400_with_the_reason(
    people: Personas, tickets: dict[str, Ticket]
) -> None:
    client = portal_client(people.customer)
    url = f"/portal/tickets/{tickets['carol'].pk}/reply"
    empty = client.post(url, {"message": "   "})
    assert empty.status_code == 400
    assert "Write your message first." in empty.text

    bad_file = client.post(url, {"message": "See attached", "attachments": upload("virus.bat", b"@echo")})
    assert bad_file.status_code == 400
    assert "virus.bat" in bad_file.text
    assert "See attached</textarea>" in bad_file.text
    assert tickets["carol"].messages.count() == 1


def test_too_many_attachments_are_refused(people: Personas) -> None:
    files = [upload(f"shot{n}.png") for n in range(settings.ATTACHMENT_MAX_COUNT + 1)]
    response = portal_client(people.customer).post(
        "/portal/tickets/new", {"subject": "Screens", "message": "Many", "attachments": files}
    )
    assert response.status_code == 400
    assert f"At most {settings.ATTACHMENT_MAX_COUNT} files" in response.text


def test_the_ticket_list_pages_and_ignores_a_bad_page_number(people: Personas) -> None:
    for n in range(30):
        ticket_for(people.customer, f"Question number {n}")
    client = portal_client(people.customer)
    first = client.get("/portal/tickets/")
    assert "Question number 29" in first.text
    assert "Page 1 of 2" in first.text
    assert client.get("/portal/tickets/?page=2").status_code == 200
    assert client.get("/portal/tickets/?page=banana").status_code == 200


def test_the_ticket_list_does_not_query_per_ticket(people: Personas, tickets: dict[str, Ticket]) -> None:
    people.customer.sees_organization_tickets = True
    people.customer.save()
    for n in range(10):
        ticket_for(people.customer_same_org, f"Colleague question {n}")
    client = portal_client(people.customer)
    with CaptureQueriesContext(connection) as few:
        client.get("/portal/tickets/")
    for n in range(10, 20):
        ticket_for(people.customer_same_org, f"Colleague question {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/portal/tickets/")
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_portal_pages_use_no_inline_script_or_style(people: Personas, tickets: dict[str, Ticket]) -> None:
    client = portal_client(people.customer)
    for url in ["/portal/tickets/", "/portal/tickets/new", f"/portal/tickets/{tickets['carol'].pk}/"]:
        html = client.get(url).text
        assert "style=" not in html
        assert "<style" not in html
        assert "<script>" not in html and "onclick" not in html
        assert "anchordesk/portal.css" in html
