from __future__ import annotations

import json

import pytest

from anchordesk.policies.choices import ExceptionState
from anchordesk.policies.models import Decision, Policy, PolicyException, PolicyVersion
from tests.policies.conftest import REFUNDS


def _policy_form(**changes):
    form = {
        "name": REFUNDS["name"],
        "description": REFUNDS["description"],
        "plain_text": "Refunds within 30 days of delivery.",
        "inputs": json.dumps(REFUNDS["inputs"]),
        "rules": REFUNDS["rules"],
        "exception_reasons": json.dumps(REFUNDS["exception_reasons"]),
        "alternatives": "\n".join(REFUNDS["alternatives"]),
    }
    form.update(changes)
    return form


def test_a_lead_writes_and_publishes_a_policy(people, client):
    client.force_login(people.lead)
    response = client.post("/policies/new", _policy_form())
    assert response.status_code == 302
    version = PolicyVersion.objects.get()
    page = client.get(f"/policies/{version.policy_id}/").content.decode()
    assert "Publish v1" in page
    response = client.post(f"/policies/versions/{version.pk}/publish")
    assert response.status_code == 302
    assert Policy.objects.get().current_version == version
    announcement = client.get(response["Location"]).content.decode()
    assert "New policy" in announcement and "Alice" in announcement  # Alice has not read it yet


def test_a_malformed_rule_is_a_400_on_the_rules_field_with_line_and_reason(people, client, refunds):
    client.force_login(people.lead)
    response = client.post(
        f"/policies/{refunds.pk}/edit", _policy_form(rules="allow when days_sinse(delivered_on) < 3")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["rules"][0].startswith(
        "line 1, column 12: unknown function 'days_sinse' (did you mean 'days_since'?)"
    )
    assert PolicyVersion.objects.count() == 1
    assert "line 1, column 12: unknown function" in response.content.decode()


def test_the_policy_pages_answer_html_even_to_a_program_asking_for_json(people, client, refunds):
    """/api/v1 is the one JSON surface; a page asked for JSON still answers the page."""
    client.force_login(people.lead)
    response = client.post(
        f"/policies/{refunds.pk}/edit",
        _policy_form(rules="allow when days_sinse(delivered_on) < 3"),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "line 1, column 12:" in response.content.decode()
    queue = client.get("/policies/approvals/", HTTP_ACCEPT="application/json")
    assert queue.status_code == 200 and queue["Content-Type"].startswith("text/html")


def test_bad_json_in_the_inputs_is_a_400_on_that_field(people, client):
    client.force_login(people.lead)
    response = client.post("/policies/new", _policy_form(inputs="[{"))
    assert response.status_code == 400 and "inputs" in response.context["form"].errors


def test_agents_decide_but_cannot_manage_policies(people, client, refunds):
    client.force_login(people.agent)
    assert client.get("/policies/").status_code == 200
    assert client.get(f"/policies/{refunds.pk}/").status_code == 200
    assert client.get("/policies/new").status_code == 403
    assert client.post(f"/policies/{refunds.pk}/edit", _policy_form()).status_code == 404
    assert client.get("/policies/approvals/").status_code == 403
    assert client.get("/policies/exceptions/").status_code == 403


@pytest.mark.parametrize("who", ["collaborator"])
def test_collaborators_get_404_on_objects_and_403_on_pages(people, client, refunds, ticket, who):
    client.force_login(getattr(people, who))
    for url in ("/policies/", "/policies/approvals/", "/policies/exceptions/"):
        assert client.get(url).status_code == 403, url
    for url in (
        f"/policies/{refunds.pk}/",
        f"/policies/tickets/{ticket.pk}/decide",
        f"/policies/tickets/{ticket.pk}/panel",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/policies/tickets/{ticket.pk}/decide", {"policy": refunds.pk, "reason": "late"})
    assert response.status_code == 404
    assert not Decision.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client, refunds, ticket):
    assert client.get("/policies/").status_code == 302
    assert client.post(f"/policies/tickets/{ticket.pk}/decide", {"policy": refunds.pk}).status_code == 302


def test_an_agent_decides_and_sees_the_outcome_reasons_and_suggested_wording(people, client, refunds, ticket):
    client.force_login(people.agent)
    form = client.get(f"/policies/tickets/{ticket.pk}/decide?policy={refunds.pk}")
    assert form.status_code == 200 and "Delivery date" in form.content.decode()
    response = client.post(
        f"/policies/tickets/{ticket.pk}/decide",
        {"policy": refunds.pk, "delivered_on": "2020-01-01", "reason": "late"},
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.decided_by == people.agent and decision.outcome == "not_allowed"
    page = client.get(response["Location"]).content.decode()
    # The reasons are what decided (delivered long ago, and why each allow rule did not apply),
    # not the closing rule's own summary.
    assert "more than 60 days since delivery date" in page
    assert "no rule in this policy allows this request" in page
    assert "I checked your request against our Refunds policy, and I can&#x27;t approve it" in page
    panel = client.get(f"/policies/tickets/{ticket.pk}/panel").content.decode()
    assert "Not allowed" in panel


def test_a_value_that_cannot_be_read_is_a_400_naming_the_input(people, client, refunds, ticket):
    client.force_login(people.agent)
    response = client.post(
        f"/policies/tickets/{ticket.pk}/decide",
        {"policy": refunds.pk, "delivered_on": "2026-13-03", "reason": "late"},
    )
    assert response.status_code == 400
    assert "is not a date" in response.context["form"].errors["delivered_on"][0]
    assert "is not a date" in response.content.decode()
    assert not Decision.objects.exists()


def test_deciding_without_a_policy_is_a_400(people, client, ticket):
    client.force_login(people.agent)
    response = client.post(f"/policies/tickets/{ticket.pk}/decide", {"policy": "999"})
    assert response.status_code == 400 and "policy" in response.content.decode()


def test_gets_change_nothing(people, client, refunds, ticket):
    client.force_login(people.lead)
    assert client.get(f"/policies/versions/{refunds.current_version_id}/publish").status_code == 405
    assert client.get("/policies/approvals/1").status_code == 405


def test_an_agent_requests_an_exception_above_their_limit_and_a_lead_approves_it(
    people, client, refunds, ticket
):
    client.force_login(people.agent)
    client.post(
        f"/policies/tickets/{ticket.pk}/decide",
        {"policy": refunds.pk, "delivered_on": "2020-01-01", "reason": "late"},
    )
    decision = Decision.objects.get()
    response = client.post(
        f"/policies/decisions/{decision.pk}/exceptions",
        {"reason_code": "carrier_lost", "amount": "120", "note": "Tracking shows lost in transit"},
    )
    assert response.status_code == 302
    exception = PolicyException.objects.get()
    assert exception.state == ExceptionState.PENDING
    assert (
        client.post(f"/policies/approvals/{exception.approval.pk}", {"verdict": "approve"}).status_code == 404
    )

    client.force_login(people.lead)
    queue = client.get("/policies/approvals/").content.decode()
    assert "Tracking shows lost in transit" in queue
    assert "120.00" in queue
    response = client.post(
        f"/policies/approvals/{exception.approval.pk}", {"verdict": "approve", "note": "Carrier confirmed"}
    )
    assert response.status_code == 302 and response["Location"] == "/policies/approvals/"
    exception.refresh_from_db()
    assert exception.state == ExceptionState.GRANTED

    client.force_login(people.agent)
    page = client.get(f"/policies/decisions/{decision.pk}/").content.decode()
    assert "Granted" in page and "Carrier confirmed" in page
    report = client.get("/policies/exceptions/")
    assert report.status_code == 403
    client.force_login(people.lead)
    assert "Carrier lost the parcel" in client.get("/policies/exceptions/").content.decode()


def test_a_bad_verdict_or_a_bad_amount_is_a_400_with_the_field(people, client, refunds, ticket):
    client.force_login(people.agent)
    client.post(
        f"/policies/tickets/{ticket.pk}/decide",
        {"policy": refunds.pk, "delivered_on": "2020-01-01", "reason": "late"},
    )
    decision = Decision.objects.get()
    response = client.post(
        f"/policies/decisions/{decision.pk}/exceptions", {"reason_code": "carrier_lost", "amount": "ten"}
    )
    assert response.status_code == 400 and "amount" in response.content.decode()
    client.post(f"/policies/decisions/{decision.pk}/exceptions", {"reason_code": "changed_mind"})
    approval = PolicyException.objects.get().approval
    client.force_login(people.lead)
    response = client.post(f"/policies/approvals/{approval.pk}", {"verdict": "maybe"})
    assert response.status_code == 400 and "verdict" in response.content.decode()


def test_an_agent_acknowledges_a_change_and_the_lead_sees_who_has_not(people, client, refunds, ticket):
    announcement = refunds.current_version.announcement
    client.force_login(people.agent)
    client.post(
        f"/policies/tickets/{ticket.pk}/decide",
        {"policy": refunds.pk, "delivered_on": "2020-01-01", "reason": "late"},
    )
    decision_page = client.get(f"/policies/decisions/{Decision.objects.get().pk}/").content.decode()
    assert "Decided before Alice acknowledged this version" in decision_page
    assert "Refunds: version 1" in client.get("/policies/").content.decode()
    assert client.post(f"/policies/announcements/{announcement.pk}/acknowledge").status_code == 302
    assert "Refunds: version 1" not in client.get("/policies/").content.decode()

    client.force_login(people.lead)
    page = client.get(f"/policies/announcements/{announcement.pk}/")
    waiting = [u.username for u in page.context["not_acknowledged"]]
    assert "alice" not in waiting and "bob" in waiting and "eve" not in waiting


def test_the_decision_form_is_prefilled_from_the_tickets_custom_fields(people, client, refunds, ticket):
    ticket.fields = {"order_total": "42.00", "unrelated": "x"}
    ticket.save(update_fields=["fields"])
    client.force_login(people.agent)
    page = client.get(f"/policies/tickets/{ticket.pk}/decide?policy={refunds.pk}")
    assert page.context["form"].initial == {"order_total": "42.00"}
    assert 'value="42.00"' in page.content.decode()


def test_the_announcement_shows_the_rules_diff_line_by_line(people, client, refunds):
    client.force_login(people.lead)
    new_rules = REFUNDS["rules"].replace("<= 30", "<= 45")
    client.post(f"/policies/{refunds.pk}/edit", _policy_form(rules=new_rules))
    draft = PolicyVersion.objects.get(number=2)
    detail = client.get(f"/policies/{refunds.pk}/").content.decode()
    assert "Publish v2" in detail
    response = client.post(f"/policies/versions/{draft.pk}/publish")
    page = client.get(response["Location"]).content.decode()
    assert '<span class="diff-removed">-allow when days_since(delivered_on) &lt;= 30</span>' in page
    assert '<span class="diff-added">+allow when days_since(delivered_on) &lt;= 45</span>' in page


def test_the_suggested_wording_can_be_put_in_the_reply_box(people, client, refunds, ticket):
    client.force_login(people.agent)
    client.post(
        f"/policies/tickets/{ticket.pk}/decide",
        {"policy": refunds.pk, "delivered_on": "2020-01-01", "reason": "late"},
    )
    decision = Decision.objects.get()
    response = client.post(f"/policies/decisions/{decision.pk}/use-wording")
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/#reply"
    assert client.session["reply_suggestion"] == decision.suggested_reply
    client.force_login(people.collaborator)
    assert client.post(f"/policies/decisions/{decision.pk}/use-wording").status_code == 404


def test_the_ticket_panel_costs_the_same_queries_with_many_decisions(
    people, client, refunds, ticket, django_assert_max_num_queries
):
    from anchordesk.policies import actions

    client.force_login(people.agent)
    for _ in range(3):
        decision = actions.do_decide(
            ticket, refunds, {"delivered_on": "2020-01-01", "reason": "late"}, actor=people.agent
        )
        actions.do_request_exception(decision, actor=people.agent, reason_code="changed_mind")
    client.get(f"/policies/tickets/{ticket.pk}/panel")  # warm the session
    with django_assert_max_num_queries(8):
        page = client.get(f"/policies/tickets/{ticket.pk}/panel")
    assert page.content.decode().count("Exception: Customer changed their mind") == 3


def test_the_ticket_panel_lists_policy_changes_the_agent_has_not_read(people, client, refunds, ticket):
    from anchordesk.policies import actions, queries

    client.force_login(people.agent)
    panel = client.get(f"/policies/tickets/{ticket.pk}/panel").content.decode()
    assert "Policy changes to read before deciding:" in panel and "Refunds: version 1" in panel
    actions.do_acknowledge(queries.current_announcement(refunds), actor=people.agent)
    panel = client.get(f"/policies/tickets/{ticket.pk}/panel").content.decode()
    assert "Policy changes to read" not in panel
