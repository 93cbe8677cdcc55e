from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from anchordesk.accounts.choices import Role
from anchordesk.collab.actions import do_open_escalation
from anchordesk.collab.choices import EscalationState, RequestedBy
from anchordesk.collab.models import Escalation
from anchordesk.collab.queries import on_duty_leads
from anchordesk.core.audit import record_event
from anchordesk.core.models import AuditEvent
from anchordesk.recovery.actions import do_add_promise, do_log_mistake
from anchordesk.recovery.models import MessageSignal
from anchordesk.tickets.actions import do_add_customer_message
from anchordesk.tickets.choices import MessageKind
from anchordesk.tickets.models import Message
from tests.factories import make_team, make_ticket, make_user

NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _manager_requested(ticket):
    return record_event("customer.manager_requested", ticket=ticket, after={"evidence": ["your manager"]})


def test_a_manager_request_opens_one_escalation_not_two(people, ticket):
    _manager_requested(ticket)
    _manager_requested(ticket)
    escalation = Escalation.objects.get()
    assert escalation.ticket == ticket and escalation.state == EscalationState.OPEN
    assert escalation.requested_by == RequestedBy.CUSTOMER and "your manager" in escalation.reason
    assert AuditEvent.objects.filter(ticket=ticket, kind="escalation.opened").count() == 1


def test_a_customer_demanding_a_manager_in_a_message_opens_an_escalation(people, ticket):
    do_add_customer_message(
        ticket, "This is ridiculous. I want to speak to your manager now.", customer=people.customer
    )
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.message is not None and escalation.message.kind == MessageKind.CUSTOMER


def test_after_resolution_a_new_demand_opens_a_new_escalation(people, ticket):
    _manager_requested(ticket)
    first = Escalation.objects.get()
    first.state = EscalationState.RESOLVED  # direct write: only the precondition matters here
    first.save()
    _manager_requested(ticket)
    assert Escalation.objects.filter(ticket=ticket).count() == 2


def test_the_team_leads_are_emailed_once_the_escalation_commits(
    people, ticket, django_capture_on_commit_callbacks
):
    other_team = make_team("Other")
    make_user(Role.LEAD, username="olga", teams=[other_team])
    with django_capture_on_commit_callbacks(execute=True):
        _manager_requested(ticket)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [people.lead.email]  # the support team's lead, not Olga
    assert f"#{ticket.pk}" in mail.outbox[0].subject
    assert f"/collab/escalations/{Escalation.objects.get().pk}/" in mail.outbox[0].body


def test_without_a_team_lead_every_lead_is_on_duty(people):
    olga = make_user(Role.LEAD, username="olga", teams=[make_team("Other")])
    ticket = make_ticket(people.customer)
    assert set(on_duty_leads(ticket)) == {people.lead, olga}


def test_an_agent_escalates_by_hand_and_the_lead_sees_it_in_the_queue(people, client, ticket):
    client.force_login(people.agent)
    response = client.post(
        f"/collab/tickets/{ticket.pk}/escalate", {"reason": "Wants a refund over my limit"}
    )
    assert response.status_code == 302
    escalation = Escalation.objects.get()
    assert escalation.requested_by == RequestedBy.AGENT and escalation.opened_by == people.agent
    client.force_login(people.lead)
    page = client.get("/collab/escalations/").content.decode()
    assert "Wants a refund over my limit" in page and ticket.subject in page


def test_the_context_page_shows_promises_mistakes_and_temperature(people, client, ticket):
    do_add_promise(ticket, actor=people.agent, action="Refund the shipping fee", due_at=None)
    do_log_mistake(
        ticket,
        actor=people.agent,
        category="wrong_information",
        what_happened="Quoted the old return window",
        impact="Customer missed the deadline",
        why_it_made_sense="The old policy page was still up",
    )
    message = Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER).first()
    MessageSignal.objects.update_or_create(
        message=message,
        defaults={
            "ticket": ticket,
            "frustration": 2,
            "frustration_score": 0.9,
            "manager_request": 1,
            "evidence": [{"text": "unacceptable"}],
        },
    )
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.lead)
    page = client.get(f"/collab/escalations/{escalation.pk}/").content.decode()
    assert "Refund the shipping fee" in page
    assert "Quoted the old return window" in page and "The old policy page was still up" in page
    assert "unacceptable" in page and "asked for a manager" in page
    assert "my order #1234 has not arrived" in page  # the conversation summary
    assert f"My name is {people.lead.display_name}, I lead the support team" in page


def test_the_lead_takes_the_escalation_and_the_ticket(people, client, ticket):
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.lead)
    assert client.post(f"/collab/escalations/{escalation.pk}/take", {"mode": "handle"}).status_code == 302
    escalation.refresh_from_db()
    ticket.refresh_from_db()
    assert escalation.state == EscalationState.TAKEN and escalation.lead == people.lead
    assert ticket.assignee == people.lead
    assert AuditEvent.objects.filter(ticket=ticket, kind="escalation.taken").exists()


def test_a_coaching_lead_leaves_the_ticket_with_the_agent_and_adds_a_note(people, client, ticket):
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.lead)
    client.post(f"/collab/escalations/{escalation.pk}/take", {"mode": "coach"})
    response = client.post(f"/collab/escalations/{escalation.pk}/note", {"body": "Offer the refund now."})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == people.agent
    note = Message.objects.get(ticket=ticket, kind=MessageKind.NOTE)
    assert note.body_text == "Offer the refund now." and note.author == people.lead


def test_the_lead_resolves_with_an_outcome_and_an_empty_outcome_is_refused(people, client, ticket):
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.lead)
    refused = client.post(f"/collab/escalations/{escalation.pk}/resolve", {"outcome": "  "})
    assert refused.status_code == 400 and "outcome" in refused.content.decode()
    ok = client.post(
        f"/collab/escalations/{escalation.pk}/resolve", {"outcome": "Refunded in full; customer happy."}
    )
    assert ok.status_code == 302
    escalation.refresh_from_db()
    assert escalation.state == EscalationState.RESOLVED and escalation.resolved_at is not None
    assert escalation.outcome == "Refunded in full; customer happy."
    assert client.get("/collab/escalations/").content.decode().count("Refunded") == 0  # gone from the queue


def test_the_lead_replies_to_the_customer_from_the_escalation(people, client, ticket):
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.lead)
    body = "My name is Lena, I lead the support team, and I'm now looking after your request personally."
    assert client.post(f"/collab/escalations/{escalation.pk}/reply", {"body": body}).status_code == 302
    assert Message.objects.get(ticket=ticket, kind=MessageKind.REPLY).body_text == body


def test_agents_cannot_take_or_resolve_escalations(people, client, ticket):
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.agent)
    assert client.get("/collab/escalations/").status_code == 403
    assert client.get(f"/collab/escalations/{escalation.pk}/").status_code == 200  # may read, not act
    assert client.post(f"/collab/escalations/{escalation.pk}/take", {"mode": "handle"}).status_code == 403
    assert client.post(f"/collab/escalations/{escalation.pk}/resolve", {"outcome": "x"}).status_code == 403
    assert client.post(f"/collab/escalations/{escalation.pk}/note", {"body": "x"}).status_code == 403
    escalation.refresh_from_db()
    assert escalation.state == EscalationState.OPEN and escalation.lead is None


def test_collaborators_and_strangers_get_404_and_anonymous_users_sign_in(people, client, ticket):
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    urls_get = ["/collab/escalations/", f"/collab/escalations/{escalation.pk}/"]
    urls_post = [f"/collab/escalations/{escalation.pk}/take", f"/collab/tickets/{ticket.pk}/escalate"]
    for url in urls_get:
        assert client.get(url).status_code == 302  # to sign in
    client.force_login(people.collaborator)
    assert client.get("/collab/escalations/").status_code == 403  # the queue is a page, not an object
    assert client.get(f"/collab/escalations/{escalation.pk}/").status_code == 404
    for url in urls_post:
        assert client.post(url, {"mode": "handle"}).status_code == 404
    assert client.get("/collab/escalations/999999/").status_code == 404
    escalation.refresh_from_db()
    assert escalation.state == EscalationState.OPEN


def test_gets_change_nothing(people, client, ticket):
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.lead)
    assert client.get(f"/collab/escalations/{escalation.pk}/take").status_code == 405
    assert client.get(f"/collab/tickets/{ticket.pk}/escalate").status_code == 405


def test_an_escalation_past_its_own_sla_is_marked_overdue(people, client, ticket, time_machine):
    time_machine.move_to(NOON, tick=False)
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    assert escalation.due_at == NOON + timedelta(hours=4)
    client.force_login(people.lead)
    time_machine.move_to(NOON + timedelta(hours=3, minutes=59), tick=False)
    assert "Overdue" not in client.get("/collab/escalations/").content.decode()
    time_machine.move_to(NOON + timedelta(hours=4, minutes=1), tick=False)
    assert "Overdue" in client.get("/collab/escalations/").content.decode()


def test_the_escalation_sla_follows_the_setting(people, ticket, settings, time_machine):
    time_machine.move_to(NOON, tick=False)
    settings.ANCHORDESK_ESCALATION_MINUTES = 60
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    assert escalation.due_at == NOON + timedelta(hours=1) and escalation.sla_minutes == 60


def test_the_queue_lists_open_before_taken_and_oldest_first(people, client, time_machine):
    time_machine.move_to(NOON, tick=False)
    old = make_ticket(people.customer, subject="Oldest complaint", team=people.support)
    do_open_escalation(old, requested_by=RequestedBy.CUSTOMER)
    time_machine.move_to(NOON + timedelta(minutes=5), tick=False)
    newer = make_ticket(people.customer, subject="Newer complaint", team=people.support)
    do_open_escalation(newer, requested_by=RequestedBy.CUSTOMER)
    time_machine.move_to(NOON + timedelta(minutes=10), tick=False)
    taken_ticket = make_ticket(people.customer, subject="Already taken", team=people.support)
    from anchordesk.collab.actions import do_take_escalation

    taken, _ = do_open_escalation(taken_ticket, requested_by=RequestedBy.CUSTOMER)
    do_take_escalation(taken, actor=people.lead)
    # Taken escalations wait behind the untaken ones, whatever their age.
    client.force_login(people.lead)
    page = client.get("/collab/escalations/").content.decode()
    assert page.index("Oldest complaint") < page.index("Newer complaint") < page.index("Already taken")


@pytest.mark.parametrize("mode", ["", "boss-it"])
def test_an_unknown_take_mode_is_a_400_naming_the_field(people, client, ticket, mode):
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.lead)
    response = client.post(f"/collab/escalations/{escalation.pk}/take", {"mode": mode})
    assert response.status_code == 400 and "mode" in response.content.decode()


def test_leads_are_told_once_when_an_untaken_escalation_passes_its_deadline(
    people, ticket, time_machine, django_capture_on_commit_callbacks
):
    from anchordesk.collab.actions import do_scan_overdue_escalations

    time_machine.move_to(NOON, tick=False)
    do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert do_scan_overdue_escalations() == 0
    time_machine.move_to(NOON + timedelta(hours=5), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert do_scan_overdue_escalations() == 1
        assert do_scan_overdue_escalations() == 0
    assert [m.subject.startswith("Overdue escalation") for m in mail.outbox] == [True]
    assert mail.outbox[0].to == [people.lead.email]
    assert AuditEvent.objects.filter(ticket=ticket, kind="escalation.overdue").count() == 1


def test_escalation_events_read_as_sentences_in_the_timeline(people, ticket):
    from anchordesk.collab.timeline import describe_event

    _manager_requested(ticket)
    event = AuditEvent.objects.get(ticket=ticket, kind="escalation.opened")
    assert describe_event(event).startswith("escalated the ticket — The customer asked for a manager")
    assert describe_event(AuditEvent.objects.get(ticket=ticket, kind="ticket.created")) is None


def test_an_empty_reply_from_the_escalation_page_is_a_400_and_sends_nothing(people, client, ticket):
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.lead)
    response = client.post(f"/collab/escalations/{escalation.pk}/reply", {"body": "   "})
    assert response.status_code == 400 and "<strong>reply</strong>" in response.content.decode()
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).exists()


def test_the_context_page_shows_policy_decisions_and_exceptions(people, client, ticket):
    from anchordesk.policies import actions as policy_actions
    from anchordesk.policies.models import Policy
    from tests.policies.conftest import refunds_definition

    version = policy_actions.do_create_policy(
        policy_actions.PolicyDraft(definition=refunds_definition()), actor=people.admin
    )
    policy_actions.do_publish_version(version, actor=people.admin)
    decision = policy_actions.do_decide(
        ticket,
        Policy.objects.get(pk=version.policy_id),
        {"delivered_on": "2020-01-01", "reason": "late"},
        actor=people.agent,
    )
    policy_actions.do_request_exception(
        decision, actor=people.agent, reason_code="carrier_lost", amount="80", note="Lost in transit"
    )
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.lead)
    page = client.get(f"/collab/escalations/{escalation.pk}/").content.decode()
    assert "Refunds v1: Not allowed" in page and "no rule in this policy allows this request" in page
    assert "policy change not yet acknowledged" in page  # Alice had not read the announcement
    assert "Refunds: Carrier lost the parcel 80.00 (waiting for approval)" in page
    assert "Lost in transit" in page and "asked by Alice" in page


def test_the_agent_is_offered_honest_wording_about_who_handles_the_escalation(
    people, client, ticket, settings
):
    settings.ANCHORDESK_ESCALATION_MINUTES = 240
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.agent)
    panel = client.get(f"/collab/tickets/{ticket.pk}/panel").content.decode()
    assert "Tell the customer who is handling it" in panel
    assert "passed your request to my team lead, Lena, together with our whole conversation" in panel
    due = timezone.localtime(escalation.due_at)
    assert f"You&#x27;ll hear back by {due:%H:%M} on {due:%-d %B}" in panel
    response = client.post(f"/collab/escalations/{escalation.pk}/use-wording")
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/#reply"
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "passed your request to my team lead, Lena" in page  # prefilled in the reply box
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).exists()


def test_once_a_lead_coaches_the_wording_says_the_agent_stays_the_contact(people, client, ticket):
    from anchordesk.collab.actions import do_take_escalation
    from anchordesk.collab.queries import suggested_agent_reply

    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    do_take_escalation(escalation, actor=people.lead, mode="coach")
    escalation.refresh_from_db()
    text = suggested_agent_reply(escalation)
    assert text.startswith("Hello Carol,")
    assert "My team lead, Lena, is now reviewing your request with me. I'm staying your contact" in text
    do_take_escalation(escalation, actor=people.lead, mode="handle")
    escalation.refresh_from_db()
    assert "has taken over your request personally" in suggested_agent_reply(escalation)


def test_a_stranger_cannot_use_an_escalations_wording(people, client, ticket):
    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    client.force_login(people.collaborator)
    assert client.post(f"/collab/escalations/{escalation.pk}/use-wording").status_code == 404
    assert client.get(f"/collab/escalations/{escalation.pk}/use-wording").status_code == 405


def test_the_lead_reads_a_plain_summary_of_the_conversation_first(people, client, ticket):
    from anchordesk.tickets.actions import do_reply

    do_reply(ticket, "We're checking with the carrier now.", actor=people.agent)
    do_add_customer_message(
        ticket, "Still nothing. I want to speak to your manager.", customer=people.customer
    )
    do_add_promise(ticket, actor=people.agent, action="Call the carrier", due_at=None)
    escalation = Escalation.objects.get(ticket=ticket)
    client.force_login(people.lead)
    page = client.get(f"/collab/escalations/{escalation.pk}/")
    summary = page.context["ctx"].summary
    assert summary[0].startswith("Carol Customer wrote twice since ") and summary[0].endswith(
        " and got 1 reply."
    )
    assert summary[1] == "It started with: “Hello, my order #1234 has not arrived yet. Can you help?”"
    assert summary[2].startswith("Temperature rose from ")
    assert "1 promise made: 1 open." in summary
    assert "It started with" in page.content.decode()
