"""/api/v1/agents/{id}/offboarding and /reactivate: the page's preview and plan, for leads' tokens."""

from __future__ import annotations

from anchordesk.people.work import orphans
from tests.api.conftest import field_errors
from tests.people.conftest import Desk


def test_preview_lists_buckets_counts_and_defaults(people, desk: Desk, as_user):
    preview = as_user(people.lead).get(f"/agents/{people.agent.pk}/offboarding")

    assert preview.status_code == 200
    buckets = {b["bucket"]: b for b in preview.json()["buckets"]}
    assert buckets["tickets"]["count"] == 3 and buckets["tickets"]["default"] == "queue"
    assert buckets["promises"]["items"][0].startswith(f"#{desk.tickets[0].pk}: Refund the second charge")
    assert {"id": people.agent2.pk, "name": "Bob"} in buckets["tickets"]["people"]
    assert buckets["sessions"]["count"] == 1


def test_offboarding_by_api_with_a_plan(people, desk: Desk, as_user):
    lead = as_user(people.lead)
    done = lead.post(
        f"/agents/{people.agent.pk}/offboarding",
        {
            "plan": {
                b: "default"
                for b in (
                    "promises",
                    "follow_ups",
                    "handoffs",
                    "escalations",
                    "recovery_plans",
                    "macros",
                    "saved_views",
                    "api_tokens",
                    "sessions",
                )
            }
            | {"tickets": f"user:{people.agent2.pk}"},
            "notify_customers": True,
        },
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["is_active"] is False and body["moved"]["tickets"] == 3 and body["customers_told"] == 3
    assert orphans() == {}
    again = lead.post(f"/agents/{people.agent.pk}/reactivate")
    assert again.status_code == 200 and again.json() == {"agent_id": people.agent.pk, "is_active": True}


def test_a_plan_missing_a_bucket_is_422_naming_it(people, desk: Desk, as_user):
    refused = as_user(people.lead).post(
        f"/agents/{people.agent.pk}/offboarding", {"plan": {"tickets": "queue"}}
    )
    assert refused.status_code == 422
    assert "promises" in field_errors(refused) and "api_tokens" in field_errors(refused)
    people.agent.refresh_from_db()
    assert people.agent.is_active


def test_agents_cannot_offboard_and_unknown_agents_are_404(people, desk: Desk, as_user):
    bob = as_user(people.agent2)
    assert bob.get(f"/agents/{people.agent.pk}/offboarding").status_code == 403
    assert bob.post(f"/agents/{people.agent.pk}/offboarding", {}).status_code == 403
    assert bob.post(f"/agents/{people.agent.pk}/reactivate").status_code == 403
    assert as_user(people.lead).get("/agents/999999/offboarding").status_code == 404
    people.agent.refresh_from_db()
    assert people.agent.is_active


def test_an_absence_by_api_hands_over_and_back(people, desk: Desk, as_user):
    lead = as_user(people.lead)
    bob = f"user:{people.agent2.pk}"
    started = lead.post(
        f"/agents/{people.agent.pk}/absences",
        {
            "ends_at": "2099-01-04T09:00:00Z",
            "reason": "sick",
            "plan": {
                "tickets": bob,
                "promises": bob,
                "follow_ups": "default",
                "handoffs": "default",
                "escalations": "default",
                "recovery_plans": "default",
            },
            "hand_back": ["tickets"],
        },
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["state"] == "away" and body["moved"]["tickets"] == 3 and body["hand_back"] == ["tickets"]
    ended = lead.post(f"/absences/{body['id']}/end")
    assert ended.status_code == 200 and ended.json() == {
        "id": body["id"],
        "state": "returned",
        "handed_back": 3,
    }
    desk.tickets[0].refresh_from_db()
    desk.promises[0].refresh_from_db()
    assert desk.tickets[0].assignee_id == people.agent.pk and desk.promises[0].owner_id == people.agent2.pk


def test_an_absence_in_the_past_is_422_on_ends_at(people, desk: Desk, as_user):
    refused = as_user(people.lead).post(
        f"/agents/{people.agent.pk}/absences", {"ends_at": "2001-01-01T09:00:00Z"}
    )
    assert refused.status_code == 422 and "ends_at" in field_errors(refused)
    assert as_user(people.agent2).post("/absences/1/end").status_code == 403
