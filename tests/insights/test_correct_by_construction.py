"""Insights are correct by construction.

A small help desk is written through the real actions at known moments (a week on office
hours, Monday to Friday 09:00-17:00 UTC). Each dashboard figure is then computed here again,
independently, from the raw rows (tickets, messages, timers, ratings, promises, mistakes,
escalations, exposure) with this module's own arithmetic (office minutes counted minute by
minute, percentiles by numpy), and compared with the dashboard, with the API, and with the
dashboards after the reporting facts are rebuilt from scratch.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from anchordesk.automation.csat import do_rate, do_send_survey
from anchordesk.automation.models import CsatSurvey
from anchordesk.collab.actions import do_open_escalation, do_resolve_escalation
from anchordesk.collab.choices import EscalationState, RequestedBy
from anchordesk.collab.models import Escalation
from anchordesk.collab.queries import escalation_queue
from anchordesk.insights import queries
from anchordesk.insights.backfill import backfill
from anchordesk.recovery import actions as recovery
from anchordesk.recovery.choices import Outcome, PromiseState
from anchordesk.recovery.models import Mistake, Promise
from anchordesk.sla import timers as sla_timers
from anchordesk.sla.actions import CalendarData, PolicyData, do_save_calendar, do_save_policy
from anchordesk.sla.models import SlaTimer
from anchordesk.sla.queries import attainment
from anchordesk.tickets.actions import do_add_customer_message, do_reply, do_set_status
from anchordesk.tickets.choices import MessageKind
from anchordesk.tickets.models import Ticket
from anchordesk.wellbeing.models import Exposure, KindWord
from tests.factories import make_team, make_ticket

OFFICE_HOURS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
MON = datetime(2026, 11, 23, tzinfo=UTC)
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # the next Monday, noon
PERIOD = queries.Filters(start=date(2026, 11, 23), end=date(2026, 11, 30))


def when(day: int, hhmm: str) -> datetime:
    hours, minutes = hhmm.split(":")
    return MON + timedelta(days=day, hours=int(hours), minutes=int(minutes))


def office_minutes(start: datetime, end: datetime) -> int:
    """Minutes between two minute-aligned moments that fall on a weekday between 09:00 and 17:00."""
    count, moment = 0, start
    while moment < end:
        if moment.weekday() < 5 and 9 <= moment.hour < 17:
            count += 1
        moment += timedelta(minutes=1)
    return count


def pct(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


@pytest.fixture
def week(people, at) -> dict[str, Ticket]:
    """The week, in the order it happened."""
    at(MON - timedelta(days=1))
    calendar = do_save_calendar(
        CalendarData(name="Office", timezone="UTC", hours=OFFICE_HOURS, is_default=True), actor=people.admin
    )
    do_save_policy(
        PolicyData(
            name="Standard", position=1, first_response_minutes=60, resolution_minutes=480, calendar=calendar
        ),
        actor=people.admin,
    )
    billing = make_team("Billing")
    agent, lead = people.agent, people.lead
    t: dict[str, Ticket] = {}
    promise: dict[str, Promise] = {}

    at(when(0, "09:00"))
    t["fast"] = make_ticket(people.customer, team=people.support, assignee=agent)
    at(when(0, "09:20"))
    do_reply(t["fast"], "Your parcel is at the depot; it comes tomorrow.", actor=agent)
    at(when(0, "10:00"))
    do_set_status(t["fast"], "solved", actor=agent)
    t["late"] = make_ticket(people.customer, team=people.support, assignee=agent)
    at(when(0, "12:30"))  # 150 office minutes: past the 60-minute first-response target
    do_reply(t["late"], "Sorry for the wait. I have reordered the part.", actor=agent)
    due = when(1, "12:00")
    for key, ticket in (("on_time", t["late"]), ("missed", t["late"]), ("kept_late", t["fast"])):
        promise[key] = recovery.do_add_promise(ticket, actor=agent, action=f"Promise {key}", due_at=due)
    at(when(0, "12:35"))
    recovered = recovery.do_log_mistake(
        t["late"],
        actor=agent,
        category="wrong_information",
        what_happened="Gave the wrong delivery date",
        impact="The customer stayed home for nothing",
        why_it_made_sense="The carrier's page showed that date",
    )
    at(when(0, "13:00"))
    survey = do_send_survey(t["fast"]) or CsatSurvey.objects.get(ticket=t["fast"])
    do_rate(survey, "good", "Thank you, that was quick")

    at(when(1, "09:30"))  # 450 office minutes after it came in: the 480-minute resolution target is met
    do_set_status(t["late"], "solved", actor=agent)
    at(when(1, "10:00"))
    survey = do_send_survey(t["late"]) or CsatSurvey.objects.get(ticket=t["late"])
    do_rate(survey, "bad")
    at(when(1, "11:00"))
    recovery.do_complete_promise(promise["on_time"], actor=agent)
    at(when(1, "13:00"))
    recovery.do_scan_promises()  # two promises missed: each opens an escalation on its ticket
    at(when(1, "14:00"))
    t["billing"] = make_ticket(people.other_customer, team=billing, assignee=people.agent2, channel="email")
    at(when(1, "15:00"))
    for step in recovered.steps.filter(done_at__isnull=True):
        recovery.do_complete_step(step, actor=agent, note="Done")
    recovery.do_record_outcome(recovered, Outcome.STAYED, actor=lead)

    at(when(2, "09:00"))
    t["manager"] = make_ticket(people.customer, team=people.support, assignee=agent)
    at(when(2, "09:40"))
    do_reply(t["manager"], "I'm looking into it now.", actor=agent)
    at(when(2, "10:00"))
    promise["kept_late"].refresh_from_db()
    recovery.do_complete_promise(promise["kept_late"], actor=agent)
    at(when(2, "11:00"))  # 300 office minutes: breached
    do_reply(t["billing"], "We are checking the invoice.", actor=people.agent2)
    recovery.do_log_mistake(
        t["billing"],
        actor=people.agent2,
        category="billing_error",
        what_happened="Charged twice",
        impact="The customer's account went overdrawn",
        why_it_made_sense="The payment provider reported the first charge as failed",
    )
    at(when(2, "11:30"))
    do_add_customer_message(
        t["manager"], "You are a useless idiot. I want to speak to a manager now!", customer=people.customer
    )
    do_open_escalation(t["manager"], requested_by=RequestedBy.CUSTOMER)
    at(when(2, "12:00"))
    escalation = Escalation.objects.get(ticket=t["fast"])
    do_resolve_escalation(escalation, "Kept the promise and apologized", actor=lead)

    at(when(4, "16:30"))  # Friday afternoon
    t["weekend"] = make_ticket(people.customer, team=people.support, assignee=agent)
    at(when(7, "09:20"))  # 30 office minutes on Friday, 20 on Monday
    do_reply(t["weekend"], "Good morning, here is the fix.", actor=agent)
    at(NOW)
    sla_timers.do_scan(NOW)  # resolution targets of the two tickets still open are past due
    return t


def expected(people) -> dict[str, Any]:
    """Every figure, from the raw rows and this module's own arithmetic."""
    tickets = list(Ticket.objects.all())
    first, resolution = [], []
    for ticket in tickets:
        reply = ticket.messages.filter(kind=MessageKind.REPLY).order_by("created_at").first()
        if reply is not None:
            first.append(office_minutes(ticket.created_at, reply.created_at))
        if ticket.solved_at is not None:
            resolution.append(office_minutes(ticket.created_at, ticket.solved_at))
    timers = list(SlaTimer.objects.filter(state__in=["met", "breached"]))
    sla = {
        kind: (
            sum(1 for x in timers if x.kind == kind and x.state == "met"),
            sum(1 for x in timers if x.kind == kind),
        )
        for kind in sorted({x.kind for x in timers})
    }
    ratings = list(CsatSurvey.objects.exclude(rating=""))
    promises = [c for c in Promise.objects.all() if c.state != PromiseState.PROPOSED]
    kept = [c for c in promises if c.state == PromiseState.DONE]
    assert all(c.done_at is not None and c.due_at is not None for c in kept)
    on_time = [c for c in kept if c.done_at is not None and c.due_at is not None and c.done_at <= c.due_at]
    mistakes = list(Mistake.objects.all())
    recovery_minutes = [
        (m.recovered_at - m.created_at).total_seconds() / 60 for m in mistakes if m.recovered_at is not None
    ]
    exposure: dict[str, list[int]] = {}
    for name, rows in (("abuse", Exposure.objects.all()), ("kind", KindWord.objects.all())):
        for row in rows:
            counts = exposure.setdefault(row.agent.display_name, [0, 0])
            counts[0 if name == "abuse" else 1] += 1
    return {
        "created": len(tickets),
        "resolved": len(resolution),
        "first": first,
        "resolution": resolution,
        "sla": sla,
        "csat": (sum(1 for r in ratings if r.rating == "good"), len(ratings)),
        "promises": (
            len(promises),
            len(on_time),
            len(kept) - len(on_time),
            sum(1 for c in promises if c.state == "missed"),
        ),
        "mistakes": len(mistakes),
        "recovered": len(recovery_minutes),
        "recovery_minutes": recovery_minutes,
        "stayed": sum(1 for m in mistakes if m.outcome == Outcome.STAYED),
        "escalations_opened": Escalation.objects.filter(
            created_at__date__range=(PERIOD.start, PERIOD.end)
        ).count(),
        "escalations_open": Escalation.objects.exclude(state=EscalationState.RESOLVED).count(),
        "queue": len(escalation_queue(people.lead)),
        "exposure": sorted([name, *counts] for name, counts in exposure.items()),
    }


def stats(board: queries.Dashboard) -> dict[str, tuple[str, str]]:
    return {s.label: (s.value, s.note) for s in board.stats}


def check_dashboards(people, e: dict[str, Any]) -> dict[str, queries.Dashboard]:
    fmt, share = queries.fmt_minutes, queries.fmt_share
    boards = {key: build(PERIOD) for key, build in queries.DASHBOARDS.items()}

    overview = stats(boards["overview"])
    assert overview["Tickets created"][0] == str(e["created"])
    assert overview["Resolved"][0] == str(e["resolved"])
    assert overview["First response, median"] == (
        fmt(pct(e["first"], 50)),
        f"p90 {fmt(pct(e['first'], 90))} · business hours",
    )
    assert overview["Resolution, median"] == (
        fmt(pct(e["resolution"], 50)),
        f"p90 {fmt(pct(e['resolution'], 90))} · business hours",
    )
    met = sum(m for m, _ in e["sla"].values())
    total = sum(n for _, n in e["sla"].values())
    assert overview["SLA attainment"] == (share(met, total), f"{total} targets")
    assert overview["CSAT"] == (share(*e["csat"]), f"{e['csat'][1]} ratings")
    labels = {"first_response": "First response", "next_reply": "Next reply", "resolution": "Resolution"}
    sla_table = boards["overview"].table("sla")
    assert sla_table is not None
    assert sla_table.rows == [
        [labels[kind], m, n - m, queries.share(m, n)] for kind, (m, n) in e["sla"].items()
    ]
    # The SLA page's attainment (targets decided in the period) counts the same targets.
    on_sla_page: dict[str, tuple[int, int]] = {}
    for row in attainment(since=MON, until=MON + timedelta(days=8)):
        met_so_far, total_so_far = on_sla_page.get(row.kind, (0, 0))
        on_sla_page[row.kind] = (met_so_far + row.met, total_so_far + row.met + row.breached)
    assert on_sla_page == e["sla"]
    times = boards["overview"].table("times")
    assert times is not None and times.rows == [
        ["First response", len(e["first"]), fmt(pct(e["first"], 50)), fmt(pct(e["first"], 90))],
        ["Resolution", len(e["resolution"]), fmt(pct(e["resolution"], 50)), fmt(pct(e["resolution"], 90))],
    ]

    made, on_time, late, missed = e["promises"]
    promises = stats(boards["promises"])
    closed = on_time + late + missed
    assert promises["Promises made"][0] == str(made)
    assert promises["Kept on time"] == (str(on_time), share(on_time, closed))
    assert promises["Kept late"] == (str(late), share(late, closed))
    assert promises["Missed"] == (str(missed), share(missed, closed))

    mistakes = stats(boards["mistakes"])
    assert mistakes["Mistakes logged"][0] == str(e["mistakes"])
    assert mistakes["Recovered"][0] == share(e["recovered"], e["mistakes"])
    assert mistakes["Time to recovery, median"][0] == fmt(pct(e["recovery_minutes"], 50))
    assert mistakes["Recovery rate"][0] == share(e["stayed"], e["mistakes"])

    temperature = stats(boards["temperature"])
    assert temperature["Escalations opened"][0] == str(e["escalations_opened"])
    # The dashboard and the escalation queue a lead works from give the same number.
    assert temperature["Escalations open now"][0] == str(e["escalations_open"]) == str(e["queue"])
    exposure = boards["temperature"].table("exposure")
    assert exposure is not None and sorted(exposure.rows) == e["exposure"]
    return boards


def test_every_figure_matches_the_raw_rows_on_the_page_the_api_and_after_a_rebuild(people, week, as_user):
    e = expected(people)
    # The week as written, so a wrong computation cannot hide behind a wrong expectation.
    assert sorted(e["first"]) == [20, 40, 50, 150, 300]
    assert sorted(e["resolution"]) == [60, 450]
    assert e["sla"] == {"first_response": (3, 5), "resolution": (2, 4)}
    assert e["csat"] == (1, 2) and e["promises"] == (3, 1, 1, 1)
    assert (e["mistakes"], e["recovered"], e["stayed"]) == (2, 1, 1)
    assert (e["escalations_opened"], e["escalations_open"]) == (3, 2)
    # The insult reached the agent as exposure; the good rating with a comment as kind words.
    assert [people.agent.display_name, 1, 1] in e["exposure"]

    boards = check_dashboards(people, e)
    overview = stats(boards["overview"])
    assert overview["First response, median"][0] == "50 min"
    assert overview["SLA attainment"][0] == "56%"
    sla_table = boards["overview"].table("sla")
    assert sla_table is not None and [row[0] for row in sla_table.rows] == ["First response", "Resolution"]

    api = as_user(people.lead)
    for key, board in boards.items():
        response = api.get(
            f"/insights/{key}", {"range": "custom", "start": "2026-11-23", "end": "2026-11-30"}
        )
        assert response.status_code == 200
        body = response.json()
        assert [(s["label"], s["value"], s["note"]) for s in body["stats"]] == [
            (s.label, s.value, s.note) for s in board.stats
        ]
        assert {t["name"]: t["rows"] for t in body["tables"]} == {t.name: t.rows for t in board.tables}

    backfill(rebuild=True)  # the facts again, from the rows alone: the same figures
    rebuilt = check_dashboards(people, e)
    assert {k: b.stats for k, b in rebuilt.items()} == {k: b.stats for k, b in boards.items()}
