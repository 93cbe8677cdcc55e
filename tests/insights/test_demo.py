"""The demo help desk comes with insights dated as its history, so `make run` shows real dashboards."""

from __future__ import annotations

from anchordesk.demo.loader import load_demo
from anchordesk.insights.choices import FactKind
from anchordesk.insights.models import ReportingEvent
from anchordesk.tickets.models import Ticket


def test_the_demo_history_has_facts_on_the_days_it_happened(db, client):
    cast = load_demo(tickets=40, seed=3)
    created = ReportingEvent.objects.filter(kind=FactKind.CREATED)
    assert created.count() == Ticket.objects.count() == 40
    assert created.values("day").distinct().count() > 5  # spread over the history, not all today
    first = {t.pk: t.created_at.date() for t in Ticket.objects.all()}
    assert all(first[f.ticket_id] == f.day for f in created)
    assert ReportingEvent.objects.filter(kind=FactKind.FIRST_RESPONSE).exists()
    client.force_login(cast.lead)
    page = client.get("/insights/overview/?range=365").content.decode()
    assert "Tickets created" in page and "<svg" in page
