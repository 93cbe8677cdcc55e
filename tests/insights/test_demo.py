"""The demo help desk comes with insights dated as its history, so `make run` shows real dashboards
whose numbers a lead can believe."""

from __future__ import annotations

import re

from anchordesk.collab.queries import escalation_queue
from anchordesk.demo.loader import load_demo
from anchordesk.insights import queries
from anchordesk.insights.choices import FactKind
from anchordesk.insights.models import ReportingEvent
from anchordesk.tickets.models import Ticket


def test_the_demo_history_has_facts_on_the_days_it_happened_and_believable_numbers(db, client):
    cast = load_demo(tickets=40, seed=3)
    created = ReportingEvent.objects.filter(kind=FactKind.CREATED)
    assert created.count() == Ticket.objects.count() == 40
    assert created.values("day").distinct().count() > 5  # spread over the history, not all today
    first = {t.pk: t.created_at.date() for t in Ticket.objects.all()}
    assert all(first[f.ticket_id] == f.day for f in created)
    assert ReportingEvent.objects.filter(kind=FactKind.FIRST_RESPONSE).exists()

    period = queries.default_filters(days=90)
    boards = {key: build(period) for key, build in queries.DASHBOARDS.items()}
    stats = {key: {s.label: s.value for s in board.stats} for key, board in boards.items()}
    # Agents answer in their office hours: a first response takes business minutes, not none.
    assert stats["overview"]["First response, median"] not in ("0 min", "–")
    sla = ReportingEvent.objects.filter(kind=FactKind.SLA)
    assert sla.filter(flag=True).exists() and sla.filter(flag=False).exists()  # met and breached
    assert stats["overview"]["SLA attainment"] not in ("0%", "100%", "–")
    assert stats["overview"]["CSAT"] != "–"
    assert stats["overview"]["Reopen rate"] not in ("0%", "–")  # a few solved tickets come back
    assert ReportingEvent.objects.filter(kind=FactKind.CSAT, detail="comment").exists()
    assert int(stats["promises"]["Promises made"]) > 0 and int(stats["promises"]["Kept on time"]) > 0
    assert int(stats["mistakes"]["Mistakes logged"]) > 0 and stats["mistakes"]["Recovered"] not in ("0%", "–")
    # The temperature tab and the escalation queue count the same escalations.
    assert stats["temperature"]["Escalations open now"] == str(len(escalation_queue(cast.lead)))
    # Human units and labels: no stored names ("first_response"), no minutes with decimals.
    shown = [s.value + s.note for b in boards.values() for s in b.stats]
    shown += [str(cell) for b in boards.values() for t in b.tables for row in t.rows for cell in row[:1]]
    assert not [text for text in shown if "_" in text or re.search(r"\d\.\d+ (min|h|d)\b", text)]

    client.force_login(cast.lead)
    page = client.get("/insights/overview/?range=365").content.decode()
    assert "Tickets created" in page and "<svg" in page and "First response" in page
    assert "first_response" not in page
