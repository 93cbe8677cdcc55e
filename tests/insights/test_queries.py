"""The dashboards' numbers from real facts in the database."""

from __future__ import annotations

from datetime import timedelta

from anchordesk.insights import charts
from anchordesk.insights.queries import (
    Filters,
    get_mistakes_dashboard,
    get_overview_dashboard,
    get_promises_dashboard,
    get_temperature_dashboard,
    percentile,
)
from anchordesk.tickets.models import Tag
from tests.factories import make_ticket
from tests.insights.conftest import MONDAY_9, TODAY


def stats(board) -> dict[str, tuple[str, str]]:
    return {s.label: (s.value, s.note) for s in board.stats}


def week(**kw) -> Filters:
    return Filters(start=TODAY - timedelta(days=7), end=TODAY, **kw)


def test_overview_counts_times_and_rates(people, desk):
    board = get_overview_dashboard(week())
    s = stats(board)
    assert s["Tickets created"][0] == "5"
    assert s["Resolved"][0] == "5"  # four solved, one of them twice
    assert s["Backlog now"][0] == "1"
    # First responses 10, 20, 30, 40 and 120 minutes: median 30, p90 between 40 and 120.
    assert s["First response, median"][0] == "30 min"
    assert s["First response, median"][1].startswith("p90 1 h 28 min")  # 88 minutes, never "1.5 h"
    assert s["First-contact resolution"][0] == "80%"  # the second solve of the reopened one is not
    assert s["Reopen rate"][0] == "20%"
    assert s["CSAT"][0] == "50%"
    times = board.table("times")
    assert times is not None and times.rows[0] == ["First response", 5, "30 min", "1 h 28 min"]


def test_the_backlog_series_walks_back_through_each_days_flow(people, desk):
    board = get_overview_dashboard(Filters(start=TODAY - timedelta(days=10), end=TODAY))
    by_day = {row[0]: row for row in board.table("by-day").rows}
    monday = by_day[MONDAY_9.date().isoformat()]
    assert monday[1:] == [5, 5, 1, 1]  # created, resolved, reopened, open at the end of the day
    assert by_day[(MONDAY_9.date() - timedelta(days=1)).isoformat()][4] == 0


def test_filters_by_team_agent_channel_and_tag(people, desk):
    billing = desk.billing_ticket.team_id
    assert stats(get_overview_dashboard(week(team_id=billing)))["Tickets created"][0] == "1"
    assert stats(get_overview_dashboard(week(channel="email")))["First response, median"][0] == "2 h"
    assert stats(get_overview_dashboard(week(agent_id=people.agent.pk)))["Resolved"][0] == "5"
    refund = Tag.objects.get(name="refund")
    assert stats(get_overview_dashboard(week(tag_id=refund.pk)))["Tickets created"][0] == "2"
    empty = Filters(start=TODAY - timedelta(days=3), end=TODAY)
    assert stats(get_overview_dashboard(empty))["Tickets created"][0] == "0"


def test_by_team_table_splits_the_numbers(people, desk):
    rows = {row[0]: row for row in get_overview_dashboard(week()).table("by-team").rows}
    assert rows["Support"][1:3] == [4, 5] and rows["Billing"][1:3] == [1, 0]
    assert rows["Billing"][3] == "2 h"


def test_promises_made_kept_and_missed(people, desk):
    s = stats(get_promises_dashboard(week()))
    assert (s["Promises made"][0], s["Kept on time"][0], s["Missed"][0]) == ("2", "1", "1")
    table = get_promises_dashboard(week()).table("by-agent")
    assert table.rows == [["Alice", 2, 1, 0, 1]]


def test_mistakes_by_category_with_recovery_and_staying(people, desk):
    board = get_mistakes_dashboard(week())
    s = stats(board)
    assert s["Mistakes logged"][0] == "2"
    assert s["Recovery rate"][0] == "0%"
    categories = {row[0]: row[1] for row in board.table("by-category").rows}
    assert categories == {"Wrong information": 1, "Billing error": 1}
    assert "Wrong information" in board.charts[0].svg


def test_temperature_dashboard_lists_exposure_by_name_not_rank(people, desk):
    board = get_temperature_dashboard(week())
    assert stats(board)["Hot tickets"][0] == "0"
    assert board.table("exposure") is not None


def test_percentile_and_charts_are_plain_functions():
    assert percentile([10, 20, 30, 40, 120], 0.5) == 30
    assert percentile([], 0.9) is None
    svg = charts.line_chart("Volume <b>", ["1 Dec", "2 Dec"], [("Created", [3, None])])
    assert svg.startswith("<svg") and "&lt;b&gt;" in svg and "<script" not in svg


def test_rollups_give_the_same_numbers_and_a_late_fact_is_still_counted(people, desk, at):
    from anchordesk.insights.models import RolledDay
    from anchordesk.insights.rollups import build_missing

    raw = get_overview_dashboard(week())
    assert build_missing(every_day=True) == 1  # Monday, the one past day with facts
    rolled = get_overview_dashboard(week())
    assert [s.value for s in rolled.stats] == [s.value for s in raw.stats]
    assert rolled.table("by-day").rows == raw.table("by-day").rows
    assert rolled.table("by-team").rows == raw.table("by-team").rows

    # A fact dated on the rolled-up Monday is written later (as the backfill or a late SLA breach
    # does): the day goes stale and is read from the facts until it is rebuilt.
    from anchordesk.insights import facts as insight_facts

    insight_facts.write(
        [
            insight_facts.Fact(
                key=f"resolved:{desk.billing_ticket.pk}:0",
                kind="resolved",
                ticket_id=desk.billing_ticket.pk,
                occurred_at=MONDAY_9 + timedelta(hours=10),
                team_id=desk.billing_ticket.team_id,
                flag=False,
                value=300.0,
            )
        ]
    )
    assert RolledDay.objects.get(day=MONDAY_9.date()).stale
    assert stats(get_overview_dashboard(week()))["Resolved"][0] == "6"
    build_missing()  # the worker's hourly run: the recent days and the stale one
    assert not RolledDay.objects.get(day=MONDAY_9.date()).stale
    assert stats(get_overview_dashboard(week()))["Resolved"][0] == "6"


def test_a_merged_ticket_leaves_the_backlog_without_counting_as_resolved(people, desk, at):
    from anchordesk.tickets.actions import do_merge_tickets

    at(MONDAY_9 + timedelta(days=2))
    duplicate = make_ticket(people.customer, team=people.support)
    do_merge_tickets(duplicate, desk.tickets[3], actor=people.agent)
    at(MONDAY_9 + timedelta(days=7, hours=3))
    board = get_overview_dashboard(week())
    assert stats(board)["Resolved"][0] == "5" and stats(board)["Backlog now"][0] == "1"
    by_day = {row[0]: row for row in board.table("by-day").rows}
    wednesday = (MONDAY_9 + timedelta(days=2)).date().isoformat()
    assert by_day[wednesday][1] == 1 and by_day[wednesday][4] == 1  # created and merged the same day


def test_recovery_rate_counts_customers_who_came_back_and_a_lead_can_correct_it(people, desk):
    from anchordesk.recovery.actions import do_record_outcome
    from anchordesk.recovery.models import Mistake

    make_ticket(people.customer, subject="Another question")  # the customer came back after the mistake
    assert stats(get_mistakes_dashboard(week()))["Recovery rate"][0] == "50%"
    stayed = Mistake.objects.get(category="wrong_information")
    do_record_outcome(stayed, "left", actor=people.lead)
    assert stats(get_mistakes_dashboard(week()))["Recovery rate"][0] == "0%"
