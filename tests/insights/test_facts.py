"""Reporting events are written when the facts happen, through the real actions, and the
backfill writes the same facts from the data alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from anchordesk.automation.csat import do_rate, do_send_survey
from anchordesk.automation.models import CsatSurvey
from anchordesk.insights.choices import FactKind
from anchordesk.insights.models import ReportingEvent
from anchordesk.recovery import actions as recovery
from anchordesk.recovery.choices import StepKind
from anchordesk.sla.actions import CalendarData, PolicyData, do_save_calendar, do_save_policy
from anchordesk.sla.timers import do_scan
from anchordesk.tickets.actions import do_add_customer_message, do_reply, do_set_status
from tests.factories import make_ticket

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OFFICE_HOURS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def facts(kind: str) -> list[ReportingEvent]:
    return list(ReportingEvent.objects.filter(kind=kind).order_by("occurred_at", "id"))


@pytest.fixture
def at(time_machine):
    def move(moment: datetime) -> datetime:
        time_machine.move_to(moment, tick=False)
        return moment

    return move


def test_a_ticket_answered_and_solved_writes_created_first_response_and_resolution(people, at):
    at(MONDAY_9)
    ticket = make_ticket(people.customer, team=people.support, assignee=people.agent, channel="email")
    at(MONDAY_9 + timedelta(minutes=45))
    do_reply(ticket, "Here is your tracking link.", actor=people.agent)
    at(MONDAY_9 + timedelta(hours=3))
    do_set_status(ticket, "solved", actor=people.agent)

    [created] = facts(FactKind.CREATED)
    assert (created.ticket_id, created.team_id, created.channel, created.day) == (
        ticket.pk,
        people.support.pk,
        "email",
        MONDAY_9.date(),
    )
    [first] = facts(FactKind.FIRST_RESPONSE)
    assert first.agent_id == people.agent.pk and first.value == 45
    [resolved] = facts(FactKind.RESOLVED)
    assert resolved.value == 180 and resolved.flag is True  # one reply solved it: first contact


def test_business_minutes_are_counted_on_the_calendar_when_one_exists(people, at):
    do_save_calendar(
        CalendarData(name="Office", timezone="UTC", hours=OFFICE_HOURS, is_default=True), actor=people.admin
    )
    friday_1630 = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    at(friday_1630)
    ticket = make_ticket(people.customer, team=people.support)
    at(MONDAY_9 + timedelta(days=7, minutes=30))  # the next Monday 09:30
    do_reply(ticket, "Sorry for the wait over the weekend.", actor=people.agent)
    [first] = facts(FactKind.FIRST_RESPONSE)
    assert first.business_value == 60  # 30 min on Friday, 30 on Monday
    assert first.value == 65 * 60  # Friday 16:30 to Monday 09:30 in calendar time


def test_a_reopened_ticket_is_counted_and_its_second_resolution_is_not_first_contact(people, at):
    at(MONDAY_9)
    ticket = make_ticket(people.customer, team=people.support)
    do_reply(ticket, "Done.", actor=people.agent, status="solved")
    at(MONDAY_9 + timedelta(hours=2))
    do_add_customer_message(ticket, "It is broken again.", customer=people.customer)
    at(MONDAY_9 + timedelta(hours=3))
    do_set_status(ticket, "solved", actor=people.agent)
    assert len(facts(FactKind.REOPENED)) == 1
    assert [r.flag for r in facts(FactKind.RESOLVED)] == [True, False]


def test_sla_targets_met_and_breached_are_facts(people, at):
    do_save_policy(PolicyData(name="Fast", position=1, first_response_minutes=60), actor=people.admin)
    at(MONDAY_9)
    on_time = make_ticket(people.customer, team=people.support)
    late = make_ticket(people.customer, team=people.support)
    at(MONDAY_9 + timedelta(minutes=30))
    do_reply(on_time, "On it.", actor=people.agent)
    at(MONDAY_9 + timedelta(minutes=90))
    do_scan()
    sla = {f.ticket_id: f.flag for f in facts(FactKind.SLA)}
    assert sla == {on_time.pk: True, late.pk: False}
    at(MONDAY_9 + timedelta(minutes=95))
    do_reply(late, "Sorry for the wait.", actor=people.agent)
    assert {f.ticket_id: f.flag for f in facts(FactKind.SLA)} == sla  # answering late stays a breach


def test_a_reply_that_solves_records_both_targets_it_met(people, at):
    do_save_policy(
        PolicyData(name="Fast", position=1, first_response_minutes=60, resolution_minutes=600),
        actor=people.admin,
    )
    at(MONDAY_9)
    ticket = make_ticket(people.customer, team=people.support)
    at(MONDAY_9 + timedelta(minutes=30))
    do_reply(ticket, "Fixed, closing this.", actor=people.agent, status="solved")
    assert sorted((f.detail, f.flag) for f in facts(FactKind.SLA)) == [
        ("first_response", True),
        ("resolution", True),
    ]


def test_csat_promises_and_mistakes_are_facts(people, at):
    at(MONDAY_9)
    ticket = make_ticket(people.customer, team=people.support, assignee=people.agent)
    kept = recovery.do_add_promise(
        ticket, actor=people.agent, action="Refund the fee", due_at=MONDAY_9 + timedelta(hours=2)
    )
    missed = recovery.do_add_promise(
        ticket, actor=people.agent, action="Call the carrier", due_at=MONDAY_9 + timedelta(hours=1)
    )
    mistake = recovery.do_log_mistake(
        ticket,
        actor=people.agent,
        category="wrong_information",
        what_happened="Quoted the old price",
        impact="Charged more than expected",
        why_it_made_sense="The price page was cached",
    )
    at(MONDAY_9 + timedelta(minutes=90))
    recovery.do_scan_promises()
    recovery.do_complete_promise(kept, actor=people.agent)
    for step in mistake.steps.exclude(kind=StepKind.FIX):
        recovery.do_complete_step(step, actor=people.agent)
    recovery.do_complete_step(mistake.steps.get(kind=StepKind.FIX), actor=people.agent)
    do_add_customer_message(ticket, "Thanks, that is sorted now.", customer=people.customer)
    do_set_status(ticket, "solved", actor=people.agent)
    survey = do_send_survey(ticket) or CsatSurvey.objects.get(ticket=ticket)  # sent on solve already
    do_rate(survey, "good", "Lovely, thank you")

    assert {f.key for f in facts(FactKind.PROMISE_MADE)} == {
        f"promise_made:{kept.pk}",
        f"promise_made:{missed.pk}",
    }
    outcomes = {f.key: f.detail for f in facts(FactKind.PROMISE_OUTCOME)}
    assert outcomes == {f"promise:{kept.pk}": "on_time", f"promise:{missed.pk}": "missed"}
    [logged] = facts(FactKind.MISTAKE)
    assert logged.detail == "wrong_information"
    [recovered] = facts(FactKind.MISTAKE_RECOVERED)
    assert recovered.value == 90
    assert {f.key for f in facts(FactKind.CUSTOMER_STAYED)} == {f"stayed:{mistake.pk}"}
    [csat] = facts(FactKind.CSAT)
    assert csat.flag is True and csat.agent_id == people.agent.pk and csat.detail == "comment"


def test_an_angry_customer_who_calms_after_a_reply(people, at):
    at(MONDAY_9)
    ticket = make_ticket(
        people.customer,
        team=people.support,
        body="This is unacceptable! Third time I write and nobody answers. I want to speak to a manager NOW.",
    )
    assert facts(FactKind.HOT) and facts(FactKind.ESCALATION)
    at(MONDAY_9 + timedelta(minutes=20))
    do_reply(
        ticket,
        "I'm sorry we let you down. I have fixed it and a lead will call you today.",
        actor=people.agent,
    )
    at(MONDAY_9 + timedelta(minutes=40))
    do_add_customer_message(ticket, "Thank you, that is great, much appreciated.", customer=people.customer)
    [after] = facts(FactKind.AFTER_REPLY)
    assert after.flag is True and after.value < 0 and after.agent_id == people.agent.pk


def test_the_backfill_writes_the_same_facts_as_the_live_path(people, at):
    do_save_policy(PolicyData(name="Fast", position=1, first_response_minutes=60), actor=people.admin)
    at(MONDAY_9)
    a = make_ticket(people.customer, team=people.support, assignee=people.agent)
    b = make_ticket(people.other_customer, channel="email")
    at(MONDAY_9 + timedelta(minutes=30))
    do_reply(a, "Done.", actor=people.agent, status="solved")
    at(MONDAY_9 + timedelta(hours=2))
    do_scan()
    do_add_customer_message(a, "Not fixed.", customer=people.customer)
    do_reply(b, "Looking.", actor=people.agent2)
    live = set(ReportingEvent.objects.values_list("key", "kind", "ticket_id", "day", "flag"))
    responders = dict(
        ReportingEvent.objects.filter(kind=FactKind.FIRST_RESPONSE).values_list("key", "agent_id")
    )
    assert {k for k, *_ in live} >= {
        f"created:{a.pk}",
        f"created:{b.pk}",
        f"first_response:{a.pk}",
        f"first_response:{b.pk}",
    }

    ReportingEvent.objects.all().delete()
    call_command("insights_backfill")
    assert set(ReportingEvent.objects.values_list("key", "kind", "ticket_id", "day", "flag")) == live
    backfilled = ReportingEvent.objects.filter(kind=FactKind.FIRST_RESPONSE).values_list("key", "agent_id")
    assert dict(backfilled) == responders
    assert responders == {
        f"first_response:{a.pk}": people.agent.pk,
        f"first_response:{b.pk}": people.agent2.pk,
    }
    call_command("insights_backfill")  # again: nothing added twice
    assert ReportingEvent.objects.count() == len(live)
