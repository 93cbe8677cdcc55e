"""The offboarding and absence pages: leads only, each bucket with its count and default, 400 beside the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from anchordesk.people.models import Absence
from anchordesk.people.work import orphans
from tests.people.conftest import Desk


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _defaults(page) -> dict[str, str]:
    return {r["row"].bucket: r["chosen"] for r in page.context["rows"]}


@pytest.mark.parametrize("who", ["agent2", "collaborator"])
def test_only_leads_and_admins_see_the_pages(people, desk: Desk, who):
    client = _client(getattr(people, who))
    for name in ("offboard", "absence"):
        assert client.get(f"/agents/{people.agent.pk}/{name}/").status_code == 404
    assert client.post(f"/agents/{people.agent.pk}/offboard/", {}).status_code == 404
    assert client.post(f"/agents/{people.agent.pk}/reactivate").status_code == 404
    people.agent.refresh_from_db()
    assert people.agent.is_active


def test_the_page_lists_each_bucket_with_count_items_and_default(people, desk: Desk):
    page = _client(people.lead).get(f"/agents/{people.agent.pk}/offboard/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-bucket="tickets"' in html and 'data-count="3"' in html
    assert f"#{desk.tickets[0].pk}: Refund the second charge (due" in html
    assert _defaults(page)["tickets"] == "queue" and _defaults(page)["api_tokens"] == "revoke"
    assert f'<option value="user:{people.agent2.pk}">Bob</option>' in html
    assert _client(people.lead).get("/agents/999999/offboard/").status_code == 404


def test_posting_the_page_hands_over_and_deactivates(people, desk: Desk):
    client = _client(people.lead)
    page = client.get(f"/agents/{people.agent.pk}/offboard/")
    data = {**_defaults(page), "tickets": f"user:{people.agent2.pk}", "notify_customers": "on"}

    done = client.post(f"/agents/{people.agent.pk}/offboard/", data)

    assert done.status_code == 302
    people.agent.refresh_from_db()
    assert not people.agent.is_active and orphans() == {}
    after = client.get(done["Location"])
    assert "Deactivated" in after.content.decode() and "Reactivate Alice" in after.content.decode()


def test_a_missing_or_wrong_decision_answers_400_beside_the_field(people, desk: Desk):
    client = _client(people.lead)
    data = {
        **_defaults(client.get(f"/agents/{people.agent.pk}/offboard/")),
        "promises": "",
        "macros": "user:abc",
    }

    refused = client.post(f"/agents/{people.agent.pk}/offboard/", data)

    assert refused.status_code == 400
    html = refused.content.decode()
    assert (
        '<p class="field-error" id="e-promises">Decide what happens to 2 promises to customers.</p>' in html
    )
    assert 'id="e-macros"' in html
    people.agent.refresh_from_db()
    assert people.agent.is_active


def test_reactivate_lets_them_sign_in_again(people, desk: Desk):
    client = _client(people.lead)
    client.post(
        f"/agents/{people.agent.pk}/offboard/", _defaults(client.get(f"/agents/{people.agent.pk}/offboard/"))
    )
    assert client.post(f"/agents/{people.agent.pk}/reactivate").status_code == 302
    people.agent.refresh_from_db()
    assert people.agent.is_active


def test_the_absence_page_hands_over_until_a_date_and_refuses_a_past_one(people, desk: Desk):
    client = _client(people.lead)
    page = client.get(f"/agents/{people.agent.pk}/absence/")
    assert page.status_code == 200
    assert set(_defaults(page)) == {
        "tickets",
        "promises",
        "follow_ups",
        "handoffs",
        "escalations",
        "recovery_plans",
    }
    data = {**_defaults(page), "reason": "sick", "hand_back": ["tickets", "promises"]}

    past = client.post(f"/agents/{people.agent.pk}/absence/", {**data, "ends_at": "2001-01-01"})
    assert past.status_code == 400 and 'id="e-ends_at"' in past.content.decode()
    blank = client.post(f"/agents/{people.agent.pk}/absence/", {**data, "ends_at": ""})
    assert blank.status_code == 400

    back_on = (timezone.localdate() + timedelta(days=7)).isoformat()
    done = client.post(f"/agents/{people.agent.pk}/absence/", {**data, "ends_at": back_on})
    assert done.status_code == 302
    absence = Absence.objects.get()
    assert absence.reason == "sick" and absence.hand_back == ["tickets", "promises"]
    people.agent.refresh_from_db()
    assert people.agent.is_active
    assert "is back now" in client.get(f"/agents/{people.agent.pk}/absence/").content.decode()


@pytest.mark.parametrize(
    "field, value",
    [
        ("tickets", "user:99999999999999999999999"),
        ("tickets", "user:-1"),
        ("promises", "nonsense"),
        ("sessions", "keep"),
    ],
)
def test_malformed_decisions_answer_400_never_500(people, desk: Desk, field, value):
    client = _client(people.lead)
    data = {**_defaults(client.get(f"/agents/{people.agent.pk}/offboard/")), field: value}
    refused = client.post(f"/agents/{people.agent.pk}/offboard/", data)
    assert refused.status_code == 400 and f'id="e-{field}"' in refused.content.decode()


@pytest.mark.parametrize("value", ["2026-02-30", "tomorrow", "9999-99-99T99:99", "x" * 500])
def test_an_impossible_return_date_answers_400(people, desk: Desk, value):
    client = _client(people.lead)
    refused = client.post(f"/agents/{people.agent.pk}/absence/", {"ends_at": value, "reason": "holiday"})
    assert refused.status_code == 400 and 'id="e-ends_at"' in refused.content.decode()
