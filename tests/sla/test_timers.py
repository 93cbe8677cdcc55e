"""SLA timers following their tickets, the scan's warnings and breaches, and attainment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from anchordesk.core.models import AuditEvent
from anchordesk.sla import timers
from anchordesk.sla.actions import PolicyData, do_save_policy
from anchordesk.sla.choices import TimerKind, TimerState
from anchordesk.sla.models import SlaTimer
from anchordesk.sla.queries import attainment, order_by_sla, sla_for_tickets, timers_for_ticket
from anchordesk.tickets.actions import (
    do_add_customer_message,
    do_reply,
    do_set_priority,
    do_set_status,
)
from anchordesk.tickets.choices import Priority, Status
from anchordesk.tickets.models import Ticket
from tests.factories import make_ticket
from tests.sla.conftest import FRIDAY_1630, MONDAY_9

pytestmark = pytest.mark.usefixtures("standard_policy")


def timer(ticket: Ticket, kind: str) -> SlaTimer:
    return SlaTimer.objects.filter(ticket=ticket, kind=kind).latest("pk")


def sla_events(ticket: Ticket, kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(ticket=ticket, kind=kind))


def test_a_ticket_on_friday_afternoon_is_due_for_first_response_on_monday_morning(people, at):
    at(FRIDAY_1630)
    ticket = make_ticket(people.customer)
    first = timer(ticket, TimerKind.FIRST_RESPONSE)
    # 30 minutes on Friday, the other 90 on Monday from 09:00.
    assert first.state == TimerState.RUNNING
    assert first.due_at == datetime(2026, 11, 30, 10, 30, tzinfo=UTC)
    assert first.warn_at == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 75% of 2 h
    resolution = timer(ticket, TimerKind.RESOLUTION)
    assert resolution.due_at == datetime(2026, 12, 4, 16, 30, tzinfo=UTC)  # 40 business hours
    assert not SlaTimer.objects.filter(ticket=ticket, kind=TimerKind.NEXT_REPLY).exists()


def test_calendar_time_policy_counts_nights_and_weekends(people, at):
    do_save_policy(
        PolicyData(
            name="Enterprise 24/7",
            position=1,
            tiers=["enterprise"],
            first_response_minutes=60,
            business_hours=False,
        ),
        actor=people.admin,
    )
    organization = people.customer.organization
    organization.tier = "enterprise"
    organization.save()
    at(FRIDAY_1630)
    ticket = make_ticket(people.customer)
    first = timer(ticket, TimerKind.FIRST_RESPONSE)
    assert first.policy.name == "Enterprise 24/7"
    assert first.due_at == FRIDAY_1630 + timedelta(hours=1)
    # The 24/7 policy sets no resolution target, so there is no resolution timer.
    assert not SlaTimer.objects.filter(ticket=ticket, kind=TimerKind.RESOLUTION).exists()


def test_a_public_reply_meets_the_first_response_and_a_note_does_not(people, at):
    at(MONDAY_9)
    ticket = make_ticket(people.customer)
    at(MONDAY_9 + timedelta(minutes=30))
    from anchordesk.tickets.actions import do_add_note

    do_add_note(ticket, "Checking with the warehouse", actor=people.agent)
    assert timer(ticket, TimerKind.FIRST_RESPONSE).state == TimerState.RUNNING
    at(MONDAY_9 + timedelta(minutes=45))
    do_reply(ticket, "Let me look into it.", actor=people.agent)
    first = timer(ticket, TimerKind.FIRST_RESPONSE)
    assert first.state == TimerState.MET
    assert first.met_at == MONDAY_9 + timedelta(minutes=45)
    assert timer(ticket, TimerKind.RESOLUTION).state == TimerState.RUNNING


def test_each_customer_message_after_a_reply_starts_a_next_reply_timer_the_reply_meets(people, at):
    at(MONDAY_9)
    ticket = make_ticket(people.customer)
    do_reply(ticket, "Which order number?", actor=people.agent)
    at(MONDAY_9 + timedelta(hours=1))
    do_add_customer_message(ticket, "It is #1234", customer=people.customer)
    at(MONDAY_9 + timedelta(hours=1, minutes=20))
    do_add_customer_message(ticket, "Any news?", customer=people.customer)
    waiting = SlaTimer.objects.filter(ticket=ticket, kind=TimerKind.NEXT_REPLY)
    assert waiting.count() == 1  # the clock runs from the first unanswered message
    assert waiting.get().due_at == MONDAY_9 + timedelta(hours=5)
    at(MONDAY_9 + timedelta(hours=2))
    do_reply(ticket, "Found it, shipping today.", actor=people.agent)
    assert waiting.get().state == TimerState.MET


def test_pending_pauses_the_clock_and_the_customers_reply_resumes_it_later_by_the_paused_time(people, at):
    at(MONDAY_9)
    ticket = make_ticket(people.customer)
    do_reply(ticket, "Could you send a photo?", actor=people.agent, status=Status.PENDING)
    resolution = timer(ticket, TimerKind.RESOLUTION)
    assert resolution.state == TimerState.PAUSED
    assert resolution.due_at is None
    summary = timers_for_ticket(ticket)[0]
    assert summary.paused and summary.paused_minutes_left == 2400
    # Paused for the rest of Monday and all of Tuesday: 16 business hours.
    at(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    do_add_customer_message(ticket, "Here it is", customer=people.customer)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    resolution.refresh_from_db()
    assert resolution.state == TimerState.RUNNING
    assert resolution.paused_total == timedelta(hours=16)
    # Without the pause it was due Friday 17:00; now two business days later: Tuesday 17:00.
    assert resolution.due_at == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    next_reply = timer(ticket, TimerKind.NEXT_REPLY)
    assert next_reply.state == TimerState.RUNNING
    assert next_reply.due_at == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)


def test_solving_meets_the_resolution_and_a_reopen_continues_it_without_the_solved_time(people, at):
    at(MONDAY_9)
    ticket = make_ticket(people.customer)
    do_reply(ticket, "Refunded.", actor=people.agent)
    at(MONDAY_9 + timedelta(hours=2))
    do_set_status(ticket, Status.SOLVED, actor=people.agent)
    resolution = timer(ticket, TimerKind.RESOLUTION)
    assert resolution.state == TimerState.MET
    at(MONDAY_9 + timedelta(days=1))
    do_add_customer_message(ticket, "The refund is not there", customer=people.customer)
    resolution.refresh_from_db()
    assert resolution.state == TimerState.RUNNING
    assert resolution.met_at is None
    # Due Friday 17:00 before; the 6 business hours it spent solved move it to Monday 15:00.
    assert resolution.paused_total == timedelta(hours=6)
    assert resolution.due_at == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def test_the_scan_breaches_an_overdue_timer_once_with_an_event_and_one_email(
    people, at, mailoutbox, django_capture_on_commit_callbacks
):
    at(MONDAY_9)
    ticket = make_ticket(people.customer, team=people.support, assignee=people.agent)
    at(MONDAY_9 + timedelta(hours=2, minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        first = timers.do_scan()
        second = timers.do_scan()
    assert (first.breached, second.breached) == (1, 0)
    breached = timer(ticket, TimerKind.FIRST_RESPONSE)
    assert breached.state == TimerState.BREACHED
    assert breached.breached_at == MONDAY_9 + timedelta(hours=2, minutes=1)
    events = sla_events(ticket, "sla.breach")
    assert len(events) == 1 and events[0].after["kind"] == "first_response"
    breach_mail = [m for m in mailoutbox if "SLA breached" in m.subject]
    assert len(breach_mail) == 1
    assert breach_mail[0].to == ["alice@example.test", "lena@example.test"]
    # A breach missed no warning silently: the warning moment had also passed, and the breach supersedes it.
    assert sla_events(ticket, "sla.warning") == []


def test_the_scan_warns_at_75_percent_of_the_target_once(
    people, at, mailoutbox, django_capture_on_commit_callbacks
):
    at(MONDAY_9)
    ticket = make_ticket(people.customer, team=people.support, assignee=people.agent)
    at(MONDAY_9 + timedelta(minutes=89))
    assert timers.do_scan().warned == 0
    at(MONDAY_9 + timedelta(minutes=90))
    with django_capture_on_commit_callbacks(execute=True):
        assert timers.do_scan().warned == 1
        assert timers.do_scan().warned == 0
    warned = timer(ticket, TimerKind.FIRST_RESPONSE)
    assert warned.state == TimerState.RUNNING and warned.warned_at == MONDAY_9 + timedelta(minutes=90)
    assert len(sla_events(ticket, "sla.warning")) == 1
    assert [m.subject for m in mailoutbox if "SLA" in m.subject] == [
        f"SLA due soon: first response on #{ticket.pk} {ticket.subject}"
    ]
    assert timers_for_ticket(ticket)[0].level == "warning"


def test_a_scan_on_a_stale_read_does_not_notify_twice(
    people, at, mailoutbox, django_capture_on_commit_callbacks
):
    at(MONDAY_9)
    ticket = make_ticket(people.customer, assignee=people.agent)
    at(MONDAY_9 + timedelta(hours=3))
    # Worker A reads the overdue timer, then worker B scans and breaches it first.
    stale = SlaTimer.objects.select_related("ticket", "policy").get(
        ticket=ticket, kind=TimerKind.FIRST_RESPONSE
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert timers.do_scan().breached == 1
        assert timers.do_breach(stale, MONDAY_9 + timedelta(hours=3)) is False
        assert timers.do_warn(stale, MONDAY_9 + timedelta(hours=3)) is False
    assert len(sla_events(ticket, "sla.breach")) == 1
    assert len([m for m in mailoutbox if "SLA breached" in m.subject]) == 1


def test_a_change_after_the_scans_read_wins_over_its_claim(people, at):
    at(MONDAY_9)
    ticket = make_ticket(people.customer, assignee=people.agent)
    at(MONDAY_9 + timedelta(minutes=100))
    stale = SlaTimer.objects.select_related("ticket", "policy").get(
        ticket=ticket, kind=TimerKind.FIRST_RESPONSE
    )
    do_reply(ticket, "On it", actor=people.agent)  # met between the scan's read and its claim
    assert timers.do_warn(stale, MONDAY_9 + timedelta(minutes=100)) is False
    assert timer(ticket, TimerKind.FIRST_RESPONSE).state == TimerState.MET
    assert sla_events(ticket, "sla.warning") == []


def test_a_reply_after_the_due_time_counts_as_a_breach_even_before_the_scan(people, at):
    at(MONDAY_9)
    ticket = make_ticket(people.customer)
    at(MONDAY_9 + timedelta(hours=2, minutes=30))
    do_reply(ticket, "Sorry for the wait", actor=people.agent)
    late = timer(ticket, TimerKind.FIRST_RESPONSE)
    assert late.state == TimerState.BREACHED
    assert late.breached_at == MONDAY_9 + timedelta(hours=2)
    assert late.met_at == MONDAY_9 + timedelta(hours=2, minutes=30)
    assert len(sla_events(ticket, "sla.breach")) == 1


def test_setting_pending_after_the_due_time_still_breaches(people, at, django_capture_on_commit_callbacks):
    at(MONDAY_9)
    ticket = make_ticket(people.customer, assignee=people.agent)
    at(MONDAY_9 + timedelta(hours=2, minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        do_set_status(ticket, Status.PENDING, actor=people.agent)
    assert timer(ticket, TimerKind.FIRST_RESPONSE).state == TimerState.BREACHED
    assert timer(ticket, TimerKind.RESOLUTION).state == TimerState.PAUSED


def test_raising_the_priority_picks_the_urgent_policy_and_recomputes_from_the_start(people, at):
    do_save_policy(
        PolicyData(
            name="Urgent",
            position=1,
            priorities=[Priority.URGENT],
            first_response_minutes=30,
            resolution_minutes=480,
        ),
        actor=people.admin,
    )
    at(MONDAY_9)
    ticket = make_ticket(people.customer)
    assert timer(ticket, TimerKind.FIRST_RESPONSE).due_at == MONDAY_9 + timedelta(hours=2)
    at(MONDAY_9 + timedelta(minutes=10))
    do_set_priority(ticket, Priority.URGENT, actor=people.agent)
    first = timer(ticket, TimerKind.FIRST_RESPONSE)
    assert first.policy.name == "Urgent"
    assert first.due_at == MONDAY_9 + timedelta(minutes=30)  # from creation, not from the change
    assert timer(ticket, TimerKind.RESOLUTION).due_at == MONDAY_9 + timedelta(hours=8)
    at(MONDAY_9 + timedelta(minutes=20))
    do_set_priority(ticket, Priority.NORMAL, actor=people.agent)
    assert timer(ticket, TimerKind.FIRST_RESPONSE).due_at == MONDAY_9 + timedelta(hours=2)


def test_a_ticket_no_policy_matches_has_no_timers(people, at, standard_policy):
    standard_policy.priorities = [Priority.URGENT]
    standard_policy.save()
    at(MONDAY_9)
    ticket = make_ticket(people.customer)
    assert not SlaTimer.objects.filter(ticket=ticket).exists()
    assert timers_for_ticket(ticket) == []


def test_attainment_counts_met_and_breached_targets_per_policy_and_kind(people, at, standard_policy):
    at(MONDAY_9)
    on_time = make_ticket(people.customer)
    late = make_ticket(people.customer)
    at(MONDAY_9 + timedelta(minutes=30))
    do_reply(on_time, "Hello", actor=people.agent)
    at(MONDAY_9 + timedelta(hours=3))
    timers.do_scan()
    do_reply(late, "Sorry", actor=people.agent)
    rows = attainment(policy=standard_policy)
    assert [(r.policy, r.kind, r.met, r.breached, r.share) for r in rows] == [
        ("Standard", "first_response", 1, 1, 0.5)
    ]
    assert attainment(since=MONDAY_9 + timedelta(hours=4)) == []
    assert attainment(until=MONDAY_9 + timedelta(hours=1))[0].met == 1


def test_the_inbox_gets_time_left_for_a_page_in_one_query_and_sorts_by_it(
    people, at, django_assert_num_queries
):
    at(MONDAY_9)
    calm = make_ticket(people.customer, subject="Calm")
    at(MONDAY_9 + timedelta(minutes=30))
    rushed = make_ticket(people.customer, subject="Rushed")
    do_reply(calm, "Hello", actor=people.agent)  # calm now only has its resolution target
    waiting = make_ticket(people.customer, subject="Waiting")
    do_reply(waiting, "Photo please", actor=people.agent, status=Status.PENDING)
    at(MONDAY_9 + timedelta(hours=1))
    tickets = list(Ticket.objects.filter(pk__in=[calm.pk, rushed.pk, waiting.pk]))
    with django_assert_num_queries(1):
        sla = sla_for_tickets(tickets)
    assert sla[rushed.pk].kind == "first_response"
    assert sla[rushed.pk].seconds_left == 90 * 60
    assert sla[calm.pk].kind == "resolution"
    assert sla[waiting.pk].paused
    ordered = order_by_sla(Ticket.objects.filter(pk__in=[calm.pk, rushed.pk, waiting.pk]))
    assert [t.subject for t in ordered] == ["Rushed", "Calm", "Waiting"]


def test_merging_a_ticket_away_cancels_its_timers(people, at):
    from anchordesk.tickets.actions import do_merge_tickets

    at(MONDAY_9)
    source = make_ticket(people.customer)
    target = make_ticket(people.customer)
    do_merge_tickets(source, target, actor=people.agent)
    assert set(SlaTimer.objects.filter(ticket=source).values_list("state", flat=True)) == {
        TimerState.CANCELLED
    }
    assert SlaTimer.objects.filter(ticket=target, state=TimerState.RUNNING).count() == 2


def test_the_periodic_task_runs_the_scan(people, at):
    from anchordesk.sla.tasks import sla_scan

    at(MONDAY_9)
    ticket = make_ticket(people.customer)
    at(MONDAY_9 + timedelta(hours=2, minutes=5))
    sla_scan()  # the queue runs tasks immediately in tests
    assert timer(ticket, TimerKind.FIRST_RESPONSE).state == TimerState.BREACHED


def test_the_inbox_badge_shows_time_left_overdue_and_paused(people, at):
    from django.template import Context, Template

    at(MONDAY_9)
    overdue = make_ticket(people.customer)
    at(MONDAY_9 + timedelta(hours=1))
    fresh = make_ticket(people.customer)
    paused = make_ticket(people.customer)
    do_reply(paused, "Photo please", actor=people.agent, status=Status.PENDING)
    at(MONDAY_9 + timedelta(hours=2, minutes=35))
    timers.do_scan()
    tickets = [overdue, fresh, paused]
    row = Template("{% load sla_tags %}{% sla_cell sla ticket %}")
    html = {t.pk: row.render(Context({"sla": sla_for_tickets(tickets), "ticket": t})) for t in tickets}
    assert "overdue 35 m" in html[overdue.pk] and "sla-breached" in html[overdue.pk]
    assert "25 m left" in html[fresh.pk] and "sla-warning" in html[fresh.pk]
    assert "paused" in html[paused.pk] and "40 h left" in html[paused.pk]  # business hours


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_scanning_at_once_breach_and_notify_once(people, at, mailoutbox):
    import threading

    at(MONDAY_9)
    tickets = [make_ticket(people.customer, assignee=people.agent) for _ in range(20)]
    now = MONDAY_9 + timedelta(hours=3)
    start = threading.Barrier(2)
    results: list[timers.ScanResult] = []

    def worker() -> None:
        from django.db import connection as thread_connection

        try:
            start.wait()
            results.append(timers.do_scan(now))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.breached for r in results) == 20
    assert AuditEvent.objects.filter(ticket__in=tickets, kind="sla.breach").count() == 20
    assert len([m for m in mailoutbox if "SLA breached" in m.subject]) == 20


def test_the_scan_works_through_more_overdue_timers_than_one_batch(people, at, standard_policy, monkeypatch):
    monkeypatch.setattr(timers, "SCAN_BATCH", 2)
    at(MONDAY_9)
    tickets = [make_ticket(people.customer) for _ in range(5)]
    at(MONDAY_9 + timedelta(minutes=100))
    assert timers.do_scan().warned == 5  # 75% of 2 h passed
    at(MONDAY_9 + timedelta(hours=3))
    assert timers.do_scan().breached == 5
    assert timers.do_scan().breached == 0
    assert AuditEvent.objects.filter(ticket__in=tickets, kind="sla.breach").count() == 5
