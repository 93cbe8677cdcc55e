"""Dashboards, CSV export, the blameless review, training items and the weekly digest, as users see them."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.management import call_command

from anchordesk.insights.digest import send_weekly_digest
from anchordesk.insights.models import TrainingAssignment, TrainingItem
from anchordesk.recovery.models import Mistake
from tests.outbox import deliver_outbox

DASHBOARDS = ["overview", "temperature", "promises", "mistakes"]


def digests() -> list:
    """The digests the worker delivered (the desk's story queued other notices too)."""
    return [m for m in deliver_outbox() if m.subject.startswith("Weekly digest")]


@pytest.mark.parametrize("name", DASHBOARDS)
def test_a_lead_sees_each_dashboard_with_charts(people, desk, client, name):
    client.force_login(people.lead)
    response = client.get(f"/insights/{name}/?range=30")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "<script>" not in page
    assert 'class="ins-stat"' in page


def test_overview_shows_the_weeks_numbers(people, desk, client):
    client.force_login(people.lead)
    page = client.get("/insights/overview/?range=30").content.decode()
    assert "Tickets created" in page and ">5<" in page and "80%" in page


def test_overview_names_sla_targets_and_gives_durations_in_hours_and_minutes(people, desk, client):
    client.force_login(people.lead)
    page = client.get("/insights/overview/?range=30").content.decode()
    assert "1 h 28 min" in page  # the first responses' p90, not "1.5 h" nor "88.0"
    assert "first_response" not in page and "88.0" not in page


def test_an_empty_exposure_table_says_what_it_did_not_find(people, client):
    client.force_login(people.lead)
    page = client.get("/insights/temperature/?range=30").content.decode()
    assert "No agent received an abusive or hostile message or kind words in this period." in page


@pytest.mark.parametrize("who", ["agent", "collaborator"])
def test_agents_and_collaborators_cannot_see_dashboards_or_the_review(people, desk, client, who):
    client.force_login(getattr(people, who))
    for url in [
        "/insights/",
        "/insights/overview/",
        "/insights/overview/?export=by-day",
        "/insights/review/",
    ]:
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/insights/overview/")
    assert response.status_code == 302 and "/signin/" in response["Location"]


def test_every_table_exports_as_csv(people, desk, client):
    client.force_login(people.lead)
    page = client.get("/insights/overview/?range=30").content.decode()
    for table in ["by-day", "times", "sla", "by-team"]:
        assert f"export={table}" in page
    response = client.get("/insights/overview/?range=30&export=by-team")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["team", "created", "resolved"]
    assert {r[0] for r in rows[1:]} == {"Support", "Billing"}
    promises = client.get("/insights/promises/?range=30&export=by-agent").content.decode()
    assert "Alice,2,1,0,1" in promises


def test_bad_filters_are_a_400_naming_the_field(people, desk, client):
    client.force_login(people.lead)
    response = client.get("/insights/overview/?range=custom&start=2026-11-20&end=2026-11-01")
    assert response.status_code == 400 and "start" in response.content.decode()
    assert client.get("/insights/overview/?start=yesterday").status_code == 400
    assert client.get("/insights/overview/?team=999999").status_code == 400
    response = client.get("/insights/overview/?export=nope")
    assert response.status_code == 400 and "export" in response.content.decode()
    assert client.get("/insights/nope/").status_code == 404


def test_the_review_groups_mistakes_and_a_lead_turns_a_pattern_into_training(people, desk, client):
    client.force_login(people.lead)
    page = client.get("/insights/review/?start=2026-11-01&end=2026-11-30").content.decode()
    assert "Wrong information" in page and "Billing error" in page
    assert "The carrier&#x27;s page showed that date" in page  # why it made sense at the time
    wrong = Mistake.objects.get(category="wrong_information")
    response = client.post(
        "/insights/training/",
        {
            "title": "Check the carrier's page against the order",
            "category": "wrong_information",
            "mistakes": [wrong.pk],
            "agents": [people.agent.pk, people.agent2.pk],
        },
    )
    assert response.status_code == 302
    item = TrainingItem.objects.get()
    assert list(item.mistakes.all()) == [wrong] and item.assignments.count() == 2
    page = client.get("/insights/review/?start=2026-11-01&end=2026-11-30").content.decode()
    assert "0 of 2 done" in page

    client.force_login(people.agent)
    assert "Check the carrier" in client.get("/training/").content.decode()
    mine = TrainingAssignment.objects.get(agent=people.agent)
    assert client.get(f"/training/{mine.pk}/done").status_code == 405  # a GET changes nothing
    assert client.post(f"/training/{mine.pk}/done").status_code == 302
    mine.refresh_from_db()
    assert mine.done_at is not None
    assert client.post(f"/training/{mine.pk}/done").status_code == 400  # already done
    bobs = TrainingAssignment.objects.get(agent=people.agent2)
    assert client.post(f"/training/{bobs.pk}/done").status_code == 404  # not hers
    bobs.refresh_from_db()
    assert bobs.done_at is None


def test_a_training_item_needs_a_title_and_agents_and_a_lead(people, desk, client):
    client.force_login(people.lead)
    response = client.post("/insights/training/", {"title": "", "agents": []})
    assert response.status_code == 400
    body = response.content.decode()
    assert "title" in body and "agents" in body
    client.force_login(people.agent)
    assert client.post("/insights/training/", {"title": "x", "agents": [people.agent.pk]}).status_code == 403
    assert not TrainingItem.objects.exists()


def test_the_weekly_digest_reaches_every_lead(people, desk):
    result = send_weekly_digest()
    delivered = digests()
    recipients = sorted(m.to[0] for m in delivered)
    assert result.queued == 2 and recipients == sorted([people.lead.email, people.admin.email])
    assert all(len(m.to) == 1 for m in delivered)  # the leads do not see each other's addresses
    body = delivered[0].body
    assert "Tickets created: 5" in body and "Promises made: 2" in body and "Mistakes logged: 2" in body
    assert "/insights/overview/" in body


def test_the_digest_command_prints_or_sends(people, desk, capsys):
    call_command("insights_digest", "--dry-run")
    assert "Weekly digest" in capsys.readouterr().out and not mail.outbox
    call_command("insights_digest")
    assert "Queued the weekly digest for 2 lead(s)" in capsys.readouterr().out
    assert len(digests()) == 2


def test_the_review_refuses_a_bad_period_and_training_cannot_be_created_by_get(people, desk, client):
    client.force_login(people.lead)
    response = client.get("/insights/review/?start=2026-12-01&end=2026-11-01")
    assert response.status_code == 400 and "start" in response.content.decode()
    assert client.get("/insights/review/?start=someday").status_code == 400
    assert client.get("/insights/training/").status_code == 405
    client.force_login(people.collaborator)
    assert client.get("/training/").status_code == 403


def test_a_lead_reviews_a_mistake_in_place_and_returns_to_the_review(people, desk, client):
    mistake = Mistake.objects.get(category="billing_error")
    review = "/insights/review/?start=2026-11-01&end=2026-11-30"
    client.force_login(people.agent)
    assert client.post(f"/insights/review/{mistake.pk}", {"learning": "x"}).status_code == 404
    client.force_login(people.lead)
    response = client.post(
        f"/insights/review/{mistake.pk}",
        {"contributing_factors": "Two invoice screens", "learning": "One invoice screen", "next": review},
    )
    assert response.status_code == 302 and response["Location"] == f"{review}#category-billing_error"
    mistake.refresh_from_db()
    assert mistake.reviewed_by == people.lead and mistake.learning == "One invoice screen"
    page = client.get(review).content.decode()
    assert "Two invoice screens" in page and "One invoice screen" in page
    assert client.post("/insights/review/999999", {}).status_code == 404
    off_site = client.post(f"/insights/review/{mistake.pk}", {"learning": "y", "next": "https://evil.test/"})
    assert off_site["Location"].startswith("/insights/review/")


def test_csv_cells_that_look_like_formulas_stay_text(people, desk, client):
    from anchordesk.accounts.models import Team

    Team.objects.filter(pk=desk.billing_ticket.team_id).update(name='=HYPERLINK("http://evil.test")')
    client.force_login(people.lead)
    rows = list(
        csv.reader(io.StringIO(client.get("/insights/overview/?range=30&export=by-team").content.decode()))
    )
    assert [r[0] for r in rows[1:] if "HYPERLINK" in r[0]] == ['\'=HYPERLINK("http://evil.test")']


def test_the_worker_tasks_send_the_digest_and_roll_up_the_days(people, desk):
    from anchordesk.insights import tasks
    from anchordesk.insights.models import RolledDay

    tasks.weekly_digest.call_local()
    assert len(digests()) == 2
    tasks.daily_rollups.call_local()
    assert RolledDay.objects.filter(day="2026-11-23", stale=False).exists()
