"""Handing over an abusive conversation, and the abusive-customer policy: warn, restrict, reverse."""

from __future__ import annotations

from django.core import mail

from anchordesk.core.models import AuditEvent
from anchordesk.mail.models import OutboundEmail
from anchordesk.tickets.actions import do_add_customer_message
from anchordesk.tickets.choices import MessageKind
from anchordesk.tickets.models import Ticket
from anchordesk.wellbeing.choices import Standing
from anchordesk.wellbeing.models import CustomerStanding, RestrictedMessage
from tests.factories import make_ticket
from tests.wellbeing.conftest import ABUSIVE, CALM


def test_an_abusive_conversation_goes_to_a_lead_in_one_step(people, client, write):
    ticket = write(ABUSIVE)
    client.force_login(people.agent)
    panel = client.get(f"/wellbeing/tickets/{ticket.pk}/panel").content.decode()
    assert "Hand over" in panel and "Lena (lead)" in panel and "Bob" not in panel
    response = client.post(
        f"/wellbeing/tickets/{ticket.pk}/hand-over", {"to": people.lead.pk, "note": "Too much today"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == people.lead
    note = ticket.messages.filter(kind=MessageKind.NOTE).last()
    assert "handed this abusive conversation to Lena" in note.body_text and "Too much today" in note.body_text
    assert AuditEvent.objects.filter(ticket=ticket, kind="wellbeing.handed_over", actor=people.agent).exists()


def test_volunteers_can_be_chosen_too_and_others_cannot(people, client, write):
    ticket = write(ABUSIVE)
    client.force_login(people.agent)
    refused = client.post(f"/wellbeing/tickets/{ticket.pk}/hand-over", {"to": people.agent2.pk})
    assert refused.status_code == 400 and "to:" in refused.content.decode()
    assert client.post(f"/wellbeing/tickets/{ticket.pk}/hand-over", {"to": "x"}).status_code == 400
    client.force_login(people.agent2)
    client.post("/wellbeing/volunteer", {"volunteer": "1"})
    client.force_login(people.agent)
    assert "Bob (volunteer)" in client.get(f"/wellbeing/tickets/{ticket.pk}/panel").content.decode()
    assert (
        client.post(f"/wellbeing/tickets/{ticket.pk}/hand-over", {"to": people.agent2.pk}).status_code == 302
    )
    assert Ticket.objects.get(pk=ticket.pk).assignee == people.agent2


def test_a_calm_ticket_has_no_hard_conversation_panel(people, client):
    ticket = make_ticket(people.customer, team=people.support, assignee=people.agent, body=CALM)
    client.force_login(people.agent)
    assert "Hand over" not in client.get(f"/wellbeing/tickets/{ticket.pk}/panel").content.decode()


def test_warn_then_restrict_then_a_lead_reverses(people, client, write):
    ticket = write(ABUSIVE)
    client.force_login(people.agent)
    form = client.get(f"/wellbeing/tickets/{ticket.pk}/warn").content.decode()
    assert "stop using abusive language" in form
    # Restricting before a warning is refused for an agent.
    early = client.post(f"/wellbeing/tickets/{ticket.pk}/standing", {"state": "restricted"})
    assert early.status_code == 400 and "Warn the customer first" in early.content.decode()

    sent = client.post(f"/wellbeing/tickets/{ticket.pk}/warn", {"body": "Please stop insulting our team."})
    assert sent.status_code == 302
    reply = ticket.messages.filter(kind=MessageKind.REPLY).last()
    assert reply.body_text == "Please stop insulting our team."
    assert OutboundEmail.objects.filter(ticket_message=reply).exists()  # the customer is emailed
    assert CustomerStanding.objects.get(customer=people.customer).state == Standing.WARNED

    assert (
        client.post(
            f"/wellbeing/tickets/{ticket.pk}/standing", {"state": "restricted", "reason": "kept on"}
        ).status_code
        == 302
    )
    assert CustomerStanding.objects.get(customer=people.customer).state == Standing.RESTRICTED

    # Their next message goes to the leads, and away from Alice.
    do_add_customer_message(ticket, "You idiots again.", customer=people.customer)
    ticket.refresh_from_db()
    assert ticket.assignee is None
    item = RestrictedMessage.objects.get()
    assert item.ticket == ticket and item.taken_at is None
    assert client.get("/wellbeing/lead-queue/").status_code == 403  # agents do not work the queue
    # Agents cannot undo a step.
    assert (
        client.post(f"/wellbeing/tickets/{ticket.pk}/standing", {"state": "ok", "reason": "x"}).status_code
        == 403
    )

    client.force_login(people.lead)
    queue = client.get("/wellbeing/lead-queue/").content.decode()
    assert "You idiots again." in queue
    assert client.post(f"/wellbeing/lead-queue/{item.pk}/take").status_code == 302
    item.refresh_from_db()
    assert item.taken_by == people.lead and Ticket.objects.get(pk=ticket.pk).assignee == people.lead

    missing_reason = client.post(f"/wellbeing/tickets/{ticket.pk}/standing", {"state": "ok"})
    assert missing_reason.status_code == 400 and "reason" in missing_reason.content.decode()
    lifted = client.post(
        f"/wellbeing/tickets/{ticket.pk}/standing", {"state": "ok", "reason": "Apologized by phone"}
    )
    assert lifted.status_code == 302
    assert CustomerStanding.objects.get(customer=people.customer).state == Standing.OK
    notes = list(
        AuditEvent.objects.filter(kind="wellbeing.customer_standing")
        .order_by("id")
        .values_list("note", flat=True)
    )
    assert notes == [
        "no action → warned: warning sent",
        "warned → restricted: kept on",
        "restricted → no action: Apologized by phone",
    ]
    other = make_ticket(people.customer, team=people.support, assignee=people.agent, body=CALM)
    assert Ticket.objects.get(pk=other.pk).assignee == people.agent  # no longer routed to the leads
    assert RestrictedMessage.objects.count() == 1


def test_a_new_ticket_from_a_restricted_customer_goes_to_the_leads(
    people, django_capture_on_commit_callbacks
):
    CustomerStanding.objects.create(customer=people.customer, state=Standing.RESTRICTED)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(people.customer, team=people.support, assignee=people.agent, body=CALM)
    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    assert RestrictedMessage.objects.get().ticket == ticket
    assert [m.to for m in mail.outbox] == [[people.lead.email]]  # the team's lead is told


def test_collaborators_and_other_customers_tickets_are_out_of_reach(people, client, write):
    ticket = write(ABUSIVE)
    client.force_login(people.collaborator)
    assert client.get(f"/wellbeing/tickets/{ticket.pk}/panel").status_code == 404
    assert client.post(f"/wellbeing/tickets/{ticket.pk}/warn", {"body": "x"}).status_code == 404
    assert client.post(f"/wellbeing/tickets/{ticket.pk}/hand-over", {"to": people.lead.pk}).status_code == 404
    assert not CustomerStanding.objects.exists()
