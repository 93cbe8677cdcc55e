"""Insights over the API: leads read the same figures as the page; others are refused; bad filters name the field."""

from __future__ import annotations

import pytest

from tests.api.conftest import field_errors


def test_a_lead_reads_the_overview_as_json(people, desk, as_user):
    response = as_user(people.lead).get("/insights/overview", {"range": "30"})
    assert response.status_code == 200
    body = response.json()
    stats = {s["label"]: s["value"] for s in body["stats"]}
    assert stats["Tickets created"] == "5" and stats["First-contact resolution"] == "80%"
    by_team = next(t for t in body["tables"] if t["name"] == "by-team")
    assert {row[0] for row in by_team["rows"]} == {"Support", "Billing"}


@pytest.mark.parametrize("who", ["agent", "collaborator"])
def test_agents_and_collaborators_are_refused(people, desk, as_user, who):
    assert as_user(getattr(people, who)).get("/insights/promises").status_code == 403


def test_bad_filters_and_unknown_dashboards(people, desk, as_user):
    api = as_user(people.lead)
    response = api.get("/insights/overview", {"range": "custom", "start": "2026-11-20", "end": "2026-11-01"})
    assert response.status_code == 422 and "start" in field_errors(response)
    assert api.get("/insights/overview", {"channel": "fax"}).status_code == 422
    assert api.get("/insights/nope").status_code in (404, 422)
    assert as_user(None).get("/insights/overview").status_code == 401
