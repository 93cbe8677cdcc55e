from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anchordesk.automation.actions import do_apply_macro, do_save_macro, do_save_trigger, do_set_availability
from anchordesk.automation.models import AssignmentPolicy
from anchordesk.core.models import AuditEvent
from anchordesk.tickets import actions
from anchordesk.tickets.choices import Priority, Status
from anchordesk.tickets.models import Ticket
from tests.factories import make_ticket


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """Rules read the clock (hours since update, time rules): every test here runs at a fixed moment."""
    from datetime import UTC, datetime

    time_machine.move_to(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False)


def _trigger(people, **kw):
    defaults = dict(
        actor=people.admin,
        name="Urgent for VIP",
        events=["ticket.created"],
        conditions={"all": [{"field": "subject", "op": "contains", "value": "outage"}]},
        actions=[
            {"type": "set_priority", "value": Priority.URGENT},
            {"type": "add_tags", "value": ["outage"]},
        ],
    )
    defaults.update(kw)
    return do_save_trigger(**defaults)


def test_a_trigger_acts_on_matching_tickets_and_audits_with_its_name(people):
    _trigger(people)
    hit = make_ticket(people.customer, subject="Total outage since 9am")
    miss = make_ticket(people.customer, subject="Question about invoices")
    hit.refresh_from_db()
    miss.refresh_from_db()
    assert hit.priority == Priority.URGENT and list(hit.tags.values_list("name", flat=True)) == ["outage"]
    assert miss.priority == Priority.NORMAL
    event = AuditEvent.objects.get(ticket=hit, kind="ticket.priority")
    assert event.note == "rule: Urgent for VIP" and event.actor is None


def test_a_rule_does_not_refire_on_its_own_change(people):
    # Reacting to tag changes by adding a tag would loop forever without the guard.
    _trigger(
        people,
        name="Tag echo",
        events=["ticket.tags"],
        conditions={},
        actions=[{"type": "add_tags", "value": ["echo"]}],
    )
    ticket = make_ticket(people.customer)
    actions.do_change_tags(ticket, actor=people.agent, add=["billing"])
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["billing", "echo"]
    assert AuditEvent.objects.filter(ticket=ticket, kind="automation.rule_fired").count() == 1


def test_a_trigger_on_status_change_to_solved(people):
    _trigger(
        people,
        name="Thank on solve",
        events=["ticket.status"],
        conditions={"all": [{"field": "status", "op": "changed_to", "value": "solved"}]},
        actions=[{"type": "add_note", "value": "Solved: remember the CSAT follow-up."}],
    )
    ticket = make_ticket(people.customer)
    actions.do_set_status(ticket, Status.SOLVED, actor=people.agent)
    assert ticket.messages.filter(kind="note", body_text__contains="CSAT").exists()


def test_malformed_trigger_is_refused_with_the_field(people):
    with pytest.raises(ValidationError) as exc:
        _trigger(people, conditions={"all": [{"field": "nope", "op": "is", "value": 1}]})
    assert "conditions" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _trigger(people, actions=[{"type": "launch_rockets"}])
    assert "actions" in exc.value.message_dict


def _team_policy(people, strategy):
    return AssignmentPolicy.objects.create(team=people.support, strategy=strategy)


def test_round_robin_takes_turns_among_available_agents(people):
    _team_policy(people, "round_robin")
    assignees = [make_ticket(people.customer, team=people.support).assignee for _ in range(4)]
    # alice, bob and lena are the support team's members who work tickets
    assert [a.username for a in assignees] == ["alice", "bob", "lena", "alice"]


def test_least_loaded_prefers_the_agent_with_fewest_open_tickets(people):
    _team_policy(people, "least_loaded")
    for _ in range(2):
        make_ticket(people.customer, assignee=people.agent)
    make_ticket(people.customer, assignee=people.agent2)
    ticket = make_ticket(people.customer, team=people.support)
    assert ticket.assignee == people.lead


def test_skills_route_tagged_tickets_to_skilled_agents(people):
    _team_policy(people, "skills")
    people.agent2.skills = ["spanish"]
    people.agent2.save()
    ticket = make_ticket(people.customer, team=people.support, tags=["spanish"])
    assert ticket.assignee == people.agent2


def test_away_agents_get_no_new_work_and_hand_over_their_waiting_tickets(people):
    _team_policy(people, "least_loaded")
    do_set_availability(people.lead, actor=people.lead, away=True)
    do_set_availability(people.agent2, actor=people.agent2, away=True)
    first = make_ticket(people.customer, team=people.support)
    assert first.assignee == people.agent
    do_set_availability(people.agent2, actor=people.agent2, away=False)
    do_set_availability(people.agent, actor=people.agent, away=True)
    first.refresh_from_db()
    assert first.assignee == people.agent2


def test_manual_assignment_wins(people):
    _team_policy(people, "round_robin")
    ticket = make_ticket(people.customer, team=people.support, assignee=people.lead)
    assert Ticket.objects.get(pk=ticket.pk).assignee == people.lead


def test_a_macro_fills_placeholders_and_applies_its_actions(people):
    macro = do_save_macro(
        actor=people.lead,
        name="Refund sent",
        body="Hi {{customer.first_name}}, I've refunded ticket #{{ticket.number}}. — {{agent.first_name}}",
        actions=[{"type": "add_tags", "value": ["refund"]}],
    )
    ticket = make_ticket(people.customer)
    text = do_apply_macro(ticket, macro, actor=people.agent)
    assert text == f"Hi Carol, I've refunded ticket #{ticket.pk}. — Alice"
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]


def test_agents_can_only_save_personal_macros(people):
    with pytest.raises(ValidationError):
        do_save_macro(actor=people.agent, name="Shared", body="Hello")
    personal = do_save_macro(actor=people.agent, name="Mine", body="Hello {{customer.name}}", personal=True)
    assert personal.owner == people.agent
    with pytest.raises(ValidationError):
        do_apply_macro(make_ticket(people.customer), personal, actor=people.agent2)


def test_solving_a_ticket_sends_a_one_click_rating_that_reaches_the_agent(
    people, client, mailoutbox, django_capture_on_commit_callbacks
):
    from anchordesk.wellbeing.queries import kind_words_for_agent

    ticket = make_ticket(people.customer, assignee=people.agent)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_set_status(ticket, Status.SOLVED, actor=people.agent)
    survey_mail = next(m for m in mailoutbox if "How did we do" in m.subject)
    link = next(line.strip().split()[-1] for line in survey_mail.body.splitlines() if "rating=good" in line)
    path = link.split("127.0.0.1:8000", 1)[-1]
    page = client.get(path)
    assert page.status_code == 200 and b"How did we do" in page.content
    assert ticket.csat_surveys.get().answered_at is None  # following the link alone records nothing
    done = client.post(path.split("?")[0], {"rating": "good", "comment": "Alice was wonderful, thank you!"})
    assert done.status_code == 200
    assert AuditEvent.objects.get(ticket=ticket, kind="csat.rated").after["rating"] == "good"
    assert [w.text for w in kind_words_for_agent(people.agent)] == ["Alice was wonderful, thank you!"]


def test_a_rating_link_that_does_not_exist_is_404_and_bad_input_is_400(people, client):
    from anchordesk.automation.csat import do_send_survey

    assert client.get("/csat/not-a-token/").status_code == 404
    ticket = make_ticket(people.customer)
    do_send_survey(ticket)
    # the token is only in the email; a made-up one cannot rate
    assert client.post("/csat/made-up/", {"rating": "good"}).status_code == 404


def test_time_rules_fire_once_per_ticket_state(people):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from anchordesk.automation.models import TimeRule
    from anchordesk.automation.timerules import run_time_rules

    TimeRule.objects.create(
        name="Solve after 7 days pending",
        conditions={
            "all": [
                {"field": "status", "op": "is", "value": "pending"},
                {"field": "hours_since_update", "op": "gt", "value": 168},
            ]
        },
        actions=[{"type": "set_status", "value": "solved"}],
    )
    ticket = make_ticket(people.customer)
    actions.do_reply(ticket, "Could you confirm it works now?", actor=people.agent, status=Status.PENDING)
    assert run_time_rules() == {}
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert run_time_rules() == {"Solve after 7 days pending": 1}
        assert run_time_rules() == {}
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert (
        AuditEvent.objects.get(ticket=ticket, kind="ticket.status", after="solved").note
        == "rule: time rule Solve after 7 days pending"
    )


def test_a_trigger_reacts_to_a_hot_customer_temperature(people):
    _trigger(
        people,
        name="Hot customers are high priority",
        events=["ticket.temperature"],
        conditions={"all": [{"field": "temperature", "op": "gt", "value": 50}]},
        actions=[{"type": "set_priority", "value": Priority.HIGH}, {"type": "add_tags", "value": ["hot"]}],
    )
    calm = make_ticket(people.customer, subject="Question", body="Could you tell me the opening hours?")
    hot = make_ticket(
        people.customer,
        subject="Unacceptable",
        body="This is absolutely ridiculous!!! Third time I write. I am furious and I want a manager NOW.",
    )
    calm.refresh_from_db()
    hot.refresh_from_db()
    assert hot.temperature > 50 and calm.temperature <= 50
    assert hot.priority == Priority.HIGH and "hot" in hot.tags.values_list("name", flat=True)
    assert calm.priority == Priority.NORMAL
    assert (
        AuditEvent.objects.get(ticket=hot, kind="ticket.priority").note
        == "rule: Hot customers are high priority"
    )


def test_a_time_rule_emails_the_customer_a_reminder_that_meets_no_sla_target(people, time_machine):
    from datetime import UTC, datetime, timedelta

    from anchordesk.automation.actions import do_save_time_rule
    from anchordesk.automation.timerules import run_time_rules
    from anchordesk.mail.models import OutboundEmail
    from anchordesk.sla.actions import PolicyData, do_save_policy
    from anchordesk.sla.models import SlaTimer

    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    time_machine.move_to(monday, tick=False)
    do_save_policy(
        PolicyData(name="Day", first_response_minutes=1440, business_hours=False), actor=people.admin
    )
    do_save_time_rule(
        actor=people.lead,
        name="Remind after 3 days",
        conditions={
            "all": [
                {"field": "status", "op": "is", "value": "new"},
                {"field": "hours_since_update", "op": "gt", "value": 72},
            ]
        },
        actions=[
            {
                "type": "email_customer",
                "value": "Hi {{customer.first_name}}, we have not forgotten #{{ticket.number}}.",
            }
        ],
    )
    ticket = make_ticket(people.customer)
    time_machine.move_to(monday + timedelta(days=4), tick=False)
    assert run_time_rules() == {"Remind after 3 days": 1}
    assert run_time_rules() == {}  # the email touched the ticket: three more days before the next one
    mail = OutboundEmail.objects.get(ticket=ticket)
    assert (
        mail.to == ["carol@acme.test"] and f"Hi Carol, we have not forgotten #{ticket.pk}." in mail.body_text
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert SlaTimer.objects.get(ticket=ticket, kind="first_response").met_at is None
    assert (
        AuditEvent.objects.get(ticket=ticket, kind="ticket.auto_replied").note
        == "rule: time rule Remind after 3 days"
    )


def test_a_trigger_calls_a_webhook_with_the_rule_and_the_ticket(people):
    from anchordesk.integrations.actions import do_create_webhook
    from anchordesk.integrations.models import WebhookDelivery

    hook = do_create_webhook(
        actor=people.admin, url="https://hooks.example.test/pager", events=["ticket.created"]
    )
    _trigger(
        people,
        name="Page on outage",
        actions=[{"type": "call_webhook", "value": hook.pk}],
    )
    ticket = make_ticket(people.customer, subject="Outage in Paris")
    delivery = WebhookDelivery.objects.get(webhook=hook, event="automation.rule")
    assert delivery.payload["data"]["rule"] == "Page on outage"
    assert delivery.payload["data"]["ticket"]["id"] == ticket.pk
    with pytest.raises(ValidationError):
        _trigger(people, name="Broken hook", actions=[{"type": "call_webhook", "value": hook.pk + 100}])


def test_time_rules_see_each_tickets_own_tags(people, time_machine):
    from datetime import UTC, datetime, timedelta

    from anchordesk.automation.actions import do_save_time_rule
    from anchordesk.automation.timerules import run_time_rules

    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    do_save_time_rule(
        actor=people.lead,
        name="VIP waiting a day",
        conditions={
            "all": [
                {"field": "tags", "op": "contains", "value": "vip"},
                {"field": "hours_since_update", "op": "gt", "value": 24},
            ]
        },
        actions=[{"type": "set_priority", "value": Priority.HIGH}],
    )
    vip = make_ticket(people.customer, tags=["vip", "billing"])
    plain = make_ticket(people.customer, tags=["billing"])
    time_machine.move_to(monday + timedelta(days=2), tick=False)
    assert run_time_rules() == {"VIP waiting a day": 1}
    vip.refresh_from_db()
    plain.refresh_from_db()
    assert vip.priority == Priority.HIGH and plain.priority == Priority.NORMAL


def test_skills_route_a_ticket_written_in_spanish_to_the_spanish_speaker(people):
    AssignmentPolicy.objects.create(team=people.support, strategy="skills")
    people.agent2.skills = ["spanish"]
    people.agent2.save()
    spanish = make_ticket(
        people.customer,
        team=people.support,
        subject="Pedido no recibido",
        body="Hola, mi pedido no ha llegado y es la segunda vez que escribo. Gracias.",
    )
    english = make_ticket(people.customer, team=people.support)
    assert spanish.assignee == people.agent2
    assert english.assignee == people.agent  # no Spanish: the least loaded agent, as before


def test_pending_three_days_reminds_once_and_seven_days_solves(people, time_machine):
    from datetime import UTC, datetime, timedelta

    from anchordesk.automation.actions import do_save_time_rule
    from anchordesk.automation.timerules import run_time_rules
    from anchordesk.mail.models import OutboundEmail

    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    pending = {"field": "status", "op": "is", "value": "pending"}
    do_save_time_rule(
        actor=people.lead,
        name="Remind",
        conditions={"all": [pending, {"field": "hours_since_customer_message", "op": "gt", "value": 72}]},
        actions=[
            {"type": "email_customer", "value": "Hi {{customer.first_name}}, any news on #{{ticket.number}}?"}
        ],
    )
    do_save_time_rule(
        actor=people.lead,
        name="Solve",
        conditions={"all": [pending, {"field": "hours_since_customer_message", "op": "gt", "value": 168}]},
        actions=[{"type": "set_status", "value": "solved"}],
    )
    ticket = make_ticket(people.customer)
    actions.do_reply(
        ticket, "Could you send a photo of the label?", actor=people.agent, status=Status.PENDING
    )
    reminders = OutboundEmail.objects.filter(ticket=ticket, body_text__contains="any news")

    for day in (1, 2):
        time_machine.move_to(monday + timedelta(days=day), tick=False)
        assert run_time_rules() == {}
    time_machine.move_to(monday + timedelta(days=3, hours=1), tick=False)
    assert run_time_rules() == {"Remind": 1}
    for minutes in (5, 10, 60 * 24):  # the next passes, and a day later: still one reminder
        time_machine.move_to(monday + timedelta(days=3, hours=1, minutes=minutes), tick=False)
        assert run_time_rules() == {}
    assert reminders.count() == 1
    time_machine.move_to(monday + timedelta(days=7, hours=1), tick=False)
    assert run_time_rules() == {"Solve": 1}
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_a_time_rule_acts_again_after_its_conditions_stopped_holding(people, time_machine):
    from datetime import UTC, datetime, timedelta

    from anchordesk.automation.actions import do_save_time_rule
    from anchordesk.automation.timerules import run_time_rules

    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    do_save_time_rule(
        actor=people.lead,
        name="Flag waiting",
        conditions={"all": [{"field": "status", "op": "is", "value": "pending"}]},
        actions=[{"type": "add_note", "value": "Waiting on the customer."}],
    )
    ticket = make_ticket(people.customer)
    actions.do_set_status(ticket, Status.PENDING, actor=people.agent)
    assert run_time_rules() == {"Flag waiting": 1}
    assert run_time_rules() == {}  # its own note changed the ticket, but the conditions still hold
    actions.do_set_status(ticket, Status.OPEN, actor=people.agent)
    time_machine.move_to(monday + timedelta(minutes=5), tick=False)
    assert run_time_rules() == {}  # not pending: armed again
    actions.do_set_status(ticket, Status.PENDING, actor=people.agent)
    assert run_time_rules() == {"Flag waiting": 1}
