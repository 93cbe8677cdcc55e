from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from anchordesk.collab.choices import EscalationState, RequestedBy
from anchordesk.collab.models import Escalation
from anchordesk.core.models import AuditEvent
from anchordesk.recovery import actions
from anchordesk.recovery.choices import PromiseState, StepKind
from anchordesk.tickets.actions import do_reply
from tests.factories import make_ticket

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def ticket(people):
    return make_ticket(people.customer, subject="Charged twice", body="You charged me twice for one order!")


def test_a_promise_is_reminded_before_due_and_escalated_to_the_lead_when_missed(
    people, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY_9, tick=False):
        promise = actions.do_add_promise(
            ticket,
            actor=people.agent,
            action="Refund the second charge",
            due_at=MONDAY_9 + timedelta(hours=5),
            due_text="by 2 pm",
        )
    with (
        time_machine.travel(MONDAY_9 + timedelta(hours=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert actions.do_scan_promises() == {"reminded": 0, "missed": 0}
    with (
        time_machine.travel(MONDAY_9 + timedelta(hours=3, minutes=30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert actions.do_scan_promises() == {"reminded": 1, "missed": 0}
        assert actions.do_scan_promises() == {"reminded": 0, "missed": 0}  # once only
    assert mailoutbox[-1].to == ["alice@example.test"] and "due soon" in mailoutbox[-1].subject
    with (
        time_machine.travel(MONDAY_9 + timedelta(hours=6), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert actions.do_scan_promises() == {"reminded": 0, "missed": 1}
        assert actions.do_scan_promises() == {"reminded": 0, "missed": 0}
    promise.refresh_from_db()
    assert promise.state == PromiseState.MISSED
    assert mailoutbox[-1].to == ["alice@example.test"] and "Missed promise" in mailoutbox[-1].subject
    to_lead = mailoutbox[-2]
    assert "lena@example.test" in to_lead.to and "Missed promise: Refund the second charge" in to_lead.body
    assert AuditEvent.objects.filter(ticket=ticket, kind="promise.missed").count() == 1
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.requested_by == RequestedBy.MISSED_PROMISE and escalation.state == EscalationState.OPEN


def test_keeping_a_late_promise_suggests_owning_the_delay(people, ticket):
    promise = actions.do_add_promise(
        ticket, actor=people.agent, action="Send the replacement", due_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    suggestion = actions.do_complete_promise(promise, actor=people.agent)
    assert "later than I told you. I'm sorry for the wait" in suggestion
    promise.refresh_from_db()
    assert promise.state == PromiseState.DONE
    with pytest.raises(ValidationError):
        actions.do_complete_promise(promise, actor=people.agent)


def test_a_promise_needs_words(people, ticket):
    with pytest.raises(ValidationError) as exc:
        actions.do_add_promise(ticket, actor=people.agent, action="  ", due_at=None)
    assert "action" in exc.value.message_dict


def test_a_mistake_is_walked_through_its_recovery_plan_to_done(people, ticket):
    mistake = actions.do_log_mistake(
        ticket,
        actor=people.agent,
        category="billing_error",
        severity="major",
        what_happened="The order was charged twice.",
        impact="The customer was out $80 for a week.",
        why_it_made_sense="The payment page timed out and the retry looked safe.",
    )
    assert [s.kind for s in mistake.steps.all()] == [
        StepKind.ADMIT,
        StepKind.APOLOGIZE,
        StepKind.FIX,
        StepKind.MAKE_GOOD,
        StepKind.FOLLOW_UP,
    ]
    reply = do_reply(
        ticket,
        "You're right, we charged you twice. I'm sorry. I've refunded the $80 today.",
        actor=people.agent,
    )
    steps = {s.kind: s for s in mistake.steps.all()}
    actions.do_complete_step(steps[StepKind.ADMIT], actor=people.agent, message=reply)
    actions.do_complete_step(steps[StepKind.APOLOGIZE], actor=people.agent, message=reply)
    fix = actions.do_add_promise(ticket, actor=people.agent, action="Refund $80", due_at=None)
    actions.do_link_fix(mistake, fix, actor=people.agent)
    actions.do_complete_promise(fix, actor=people.agent)
    actions.do_record_gesture(
        mistake, actor=people.agent, kind="credit", amount="10.00", description="Sorry credit"
    )
    follow_up = actions.do_schedule_follow_up(
        mistake, actor=people.agent, due_at=datetime(2030, 1, 1, tzinfo=UTC)
    )
    mistake.refresh_from_db()
    assert mistake.recovered_at is None
    actions.do_complete_promise(follow_up, actor=people.agent)
    mistake.refresh_from_db()
    assert mistake.recovered_at is not None
    assert AuditEvent.objects.filter(ticket=ticket, kind="mistake.recovered").exists()
    assert mistake.gestures.get().amount == 10


def test_logging_a_mistake_needs_why_it_made_sense(people, ticket):
    with pytest.raises(ValidationError) as exc:
        actions.do_log_mistake(
            ticket, actor=people.agent, category="other", what_happened="x", impact="y", why_it_made_sense=""
        )
    assert "why_it_made_sense" in exc.value.message_dict


def test_only_leads_review_mistakes(people, ticket):
    mistake = actions.do_log_mistake(
        ticket,
        actor=people.agent,
        category="slow_response",
        what_happened="No answer for 4 days",
        impact="Customer waited",
        why_it_made_sense="The queue was unassigned over a holiday",
    )
    with pytest.raises(ValidationError):
        actions.do_review_mistake(mistake, actor=people.agent, contributing_factors="", learning="")
    actions.do_review_mistake(
        mistake,
        actor=people.lead,
        contributing_factors="No holiday cover",
        learning="Holiday rota for the shared queue",
    )
    assert mistake.reviewed_by == people.lead


def test_bad_gesture_amount_names_the_field(people, ticket):
    mistake = actions.do_log_mistake(
        ticket, actor=people.agent, category="other", what_happened="a", impact="b", why_it_made_sense="c"
    )
    for bad in ("ten", "-5", "1e9"):
        with pytest.raises(ValidationError) as exc:
            actions.do_record_gesture(mistake, actor=people.agent, kind="refund", amount=bad)
        assert "amount" in exc.value.message_dict


def test_a_promise_in_a_sent_reply_is_tracked_reminded_and_escalated_when_missed(
    people, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    from anchordesk.recovery.tasks import promise_scan

    with time_machine.travel(MONDAY_9, tick=False):
        reply = do_reply(
            ticket,
            "I'm sorry we charged you twice. I'll refund the second charge by end of day.",
            actor=people.agent,
        )
    promise = ticket.promises.get()
    assert promise.message == reply and promise.owner == people.agent
    assert promise.state == PromiseState.PROPOSED  # shown to the agent to keep, edit or drop
    assert promise.due_at == datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert "refund the second charge" in promise.action.lower()
    mailoutbox.clear()
    # Two hours before it is due the owner is reminded, once, even if they never confirmed it.
    with (
        time_machine.travel(datetime(2026, 11, 23, 15, 5, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        promise_scan.call_local()
        promise_scan.call_local()
    assert [m.subject for m in mailoutbox] == [f"Promise due soon on #{ticket.pk}"]
    assert mailoutbox[0].to == ["alice@example.test"]
    # Not kept by the end of the day: missed, escalated to the team's lead, audited.
    with (
        time_machine.travel(datetime(2026, 11, 23, 17, 1, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        promise_scan.call_local()
    promise.refresh_from_db()
    assert promise.state == PromiseState.MISSED
    missed = mailoutbox[-1]
    assert missed.subject == f"Missed promise on #{ticket.pk}" and missed.to == ["alice@example.test"]
    assert "refund the second charge" in missed.body.lower()
    to_lead = mailoutbox[-2]  # the lead's escalation queue gets it, and the lead an email
    assert to_lead.subject.startswith(f"Escalation on #{ticket.pk}") and "lena@example.test" in to_lead.to
    assert Escalation.objects.get(ticket=ticket).requested_by == RequestedBy.MISSED_PROMISE
    event = AuditEvent.objects.get(ticket=ticket, kind="promise.missed")
    assert event.after["owner"] == people.agent.pk
    # Kept late: the line for the customer owns the delay.
    with time_machine.travel(datetime(2026, 11, 24, 9, 30, tzinfo=UTC), tick=False):
        line = actions.do_complete_promise(promise, actor=people.agent)
    assert "later than I told you. I'm sorry for the wait" in line


def test_a_promise_is_due_on_the_teams_business_calendar(people):
    from anchordesk.sla.models import BusinessCalendar

    calendar = BusinessCalendar.objects.create(
        name="Support hours",
        hours={day: [["08:00", "16:00"]] for day in ("mon", "tue", "wed", "thu")},
        holidays=["2026-11-30"],
    )
    calendar.teams.add(people.support)
    ticket = make_ticket(people.customer, team=people.support, subject="Broken kettle")
    thursday_evening = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
    with time_machine.travel(thursday_evening, tick=False):
        do_reply(ticket, "I'll send the replacement by end of day.", actor=people.agent)
    # After hours on Thursday; Friday to Sunday closed; Monday a holiday: Tuesday at the team's close.
    assert ticket.promises.get().due_at == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(("language", "month", "day"), [("en-us", 3, 4), ("en-gb", 4, 3)])
def test_numeric_promise_dates_are_read_in_the_sites_language_order(people, settings, language, month, day):
    settings.LANGUAGE_CODE = language
    ticket = make_ticket(people.customer, team=people.support, subject="Broken kettle")
    # 20 December: 4 March and 3 April are both past, so next year's, in the language's order.
    with time_machine.travel(datetime(2026, 12, 20, 10, 0, tzinfo=UTC), tick=False):
        do_reply(ticket, "I'll send the replacement by 3/4.", actor=people.agent)
    due_at = ticket.promises.get().due_at
    assert due_at is not None and (due_at.year, due_at.month, due_at.day) == (2027, month, day)
