"""The policies API: the same answer whoever asks, exceptions within authority limits,
approvals by leads (admins above a lead's limit), announcements and authority limits."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anchordesk.policies import actions, queries
from anchordesk.policies.models import Decision, Policy, PolicyException
from tests.api.conftest import field_errors
from tests.factories import make_ticket
from tests.policies.conftest import refunds_definition

DELIVERED_45_DAYS_AGO = (timezone.localdate() - timedelta(days=45)).isoformat()
DELIVERED_LONG_AGO = (timezone.localdate() - timedelta(days=200)).isoformat()


@pytest.fixture
def refunds(people) -> Policy:
    version = actions.do_create_policy(
        actions.PolicyDraft(definition=refunds_definition(), plain_text="Refunds within 30 days."),
        actor=people.admin,
    )
    actions.do_publish_version(version, actor=people.admin)
    return Policy.objects.get(pk=version.policy_id)


@pytest.fixture
def ticket(people):
    return make_ticket(people.customer, team=people.support)


def _decide(api, ticket, policy, **inputs):
    return api.post(f"/tickets/{ticket.pk}/decisions", {"policy_id": policy.pk, "inputs": inputs})


def _denied(api, ticket, policy):
    response = _decide(api, ticket, policy, delivered_on=DELIVERED_LONG_AGO, reason="late")
    assert response.status_code == 201, response.json()
    assert response.json()["outcome"] == "not_allowed"
    return response.json()


# --- policies and versions -----------------------------------------------------------


def test_an_agent_lists_policies_with_inputs_reasons_and_rules_in_words(people, as_user, refunds):
    body = as_user(people.agent).get("/policies").json()
    assert [p["name"] for p in body] == ["Refunds"]
    policy = body[0]
    assert policy["current_version"] == 1 and policy["plain_text"] == "Refunds within 30 days."
    assert [i["name"] for i in policy["inputs"]][:2] == ["delivered_on", "reason"]
    assert policy["inputs"][1]["options"] == ["damaged", "late", "changed_mind"]
    assert policy["exception_reasons"][0] == {
        "code": "carrier_lost",
        "label": "Carrier lost the parcel",
        "outside_customer_control": True,
    }
    assert policy["acknowledged"] is False and policy["announcement_id"] is not None
    assert any("30 days" in line for line in policy["rules_in_words"])


def test_agents_see_published_versions_and_leads_see_drafts_too(people, as_user, refunds):
    actions.do_save_draft(
        refunds, actions.PolicyDraft(definition=refunds_definition(name="Refunds")), actor=people.lead
    )
    agent_versions = as_user(people.agent).get(f"/policies/{refunds.pk}/versions").json()
    lead_versions = as_user(people.lead).get(f"/policies/{refunds.pk}/versions").json()
    assert [(v["number"], v["is_current"]) for v in agent_versions] == [(1, True)]
    assert [(v["number"], v["is_draft"]) for v in lead_versions] == [(2, True), (1, False)]


def test_a_collaborator_is_refused_every_policy_call(people, as_user, refunds, ticket):
    api = as_user(people.collaborator)
    assert api.get("/policies").status_code == 403
    assert api.get(f"/policies/{refunds.pk}").status_code == 403
    assert api.get("/approvals").status_code == 403
    assert api.get("/policy-announcements").status_code == 403
    # The support ticket is not theirs to see: the same 404 as a missing ticket.
    assert _decide(api, ticket, refunds, reason="late").status_code == 404


def test_a_missing_policy_is_404(people, as_user):
    response = as_user(people.agent).get("/policies/999999")
    assert response.status_code == 404 and response.json() == {"detail": "Not found", "errors": []}


# --- decisions ---------------------------------------------------------------------


def test_an_agent_a_lead_and_an_admin_get_the_same_answer(people, as_user, refunds, ticket):
    answers = []
    for who in (people.agent, people.lead, people.admin):
        response = _decide(as_user(who), ticket, refunds, delivered_on=DELIVERED_45_DAYS_AGO, reason="late")
        assert response.status_code == 201
        body = response.json()
        answers.append((body["outcome"], body["limit"], body["reasons"], body["suggested_reply"]))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == "allowed_up_to" and Decimal(answers[0][1]) == Decimal("50")
    assert Decision.objects.filter(ticket=ticket).count() == 3


def test_a_missing_input_gives_needs_input_naming_it(people, as_user, refunds, ticket):
    response = _decide(as_user(people.agent), ticket, refunds, delivered_on=DELIVERED_45_DAYS_AGO)
    assert response.status_code == 201
    body = response.json()
    assert body["outcome"] == "needs_input"
    assert body["reasons"] == ["needs reason"] and body["missing"] == ["reason"]
    assert "I need reason" in body["suggested_reply"]


@pytest.mark.parametrize(
    ("inputs", "field", "reason"),
    [
        ({"delivered_on": "2026-13-03", "reason": "late"}, "inputs.delivered_on", "needs delivery date: "),
        ({"reason": "lost"}, "inputs.reason", "needs reason: "),
        ({"reason": "late", "order_total": "lots"}, "inputs.order_total", "needs order total: "),
        ({"reason": "late", "colour": "red"}, "inputs.colour", "Not an input of this policy"),
    ],
)
def test_a_malformed_input_is_a_422_saying_what_is_needed(
    people, as_user, refunds, ticket, inputs, field, reason
):
    response = _decide(as_user(people.agent), ticket, refunds, **inputs)
    assert response.status_code == 422
    assert field_errors(response)[field].startswith(reason)
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"inputs": {}}, "policy_id"),
        ({"policy_id": 999999, "inputs": {}}, "policy_id"),
        ({"policy_id": "refunds", "inputs": {}}, "policy_id"),
        ({"policy_id": "REFUNDS", "inputs": ["late"]}, "inputs"),
        ({"policy_id": "REFUNDS", "inputs": {"reason": {"nested": 1}}}, "inputs.reason"),
        ({"policy_id": "REFUNDS", "inputs": {}, "who": "manager"}, "who"),
    ],
)
def test_a_malformed_request_is_a_422_naming_the_field(people, as_user, refunds, ticket, body, field):
    if (
        body.get("policy_id") == "REFUNDS"
    ):  # the real id: sequences do not restart between tests on PostgreSQL
        body = {**body, "policy_id": refunds.pk}
    response = as_user(people.agent).post(f"/tickets/{ticket.pk}/decisions", body)
    assert response.status_code == 422
    assert field in field_errors(response), response.json()


def test_a_decision_by_an_agent_who_has_not_acknowledged_the_change_carries_a_notice(
    people, as_user, refunds, ticket
):
    body = _decide(as_user(people.agent), ticket, refunds, reason="late").json()
    assert body["unacknowledged"] is True
    assert "had not acknowledged version 1" in body["notice"]
    lead = _decide(as_user(people.admin), ticket, refunds, reason="late").json()
    assert lead["unacknowledged"] is False and lead["notice"] is None


def test_a_tickets_decisions_are_listed_newest_first(people, as_user, refunds, ticket):
    api = as_user(people.agent)
    first = _decide(api, ticket, refunds, reason="late").json()
    second = _denied(api, ticket, refunds)
    listed = api.get(f"/tickets/{ticket.pk}/decisions").json()
    assert [d["id"] for d in listed] == [second["id"], first["id"]]
    assert api.get(f"/decisions/{first['id']}").json()["reasons"][0] == "Not delivered yet"


# --- exceptions and approvals ---------------------------------------------------------


def test_an_exception_above_the_agents_limit_waits_and_a_lead_approves_it(people, as_user, refunds, ticket):
    agent, lead = as_user(people.agent), as_user(people.lead)
    decision = _denied(agent, ticket, refunds)
    response = agent.post(
        f"/decisions/{decision['id']}/exceptions",
        {"reason_code": "carrier_lost", "amount": "80.00", "note": "Tracking shows lost in transit"},
    )
    assert response.status_code == 201
    exception = response.json()
    assert exception["state"] == "pending"
    assert exception["approval"]["needs_role"] == "lead"
    assert "80.00 is above the limit of 50.00" in exception["approval"]["why"]

    assert agent.get("/approvals").status_code == 403
    pending = lead.get("/approvals").json()
    assert [a["exception"]["id"] for a in pending] == [exception["id"]]
    assert pending[0]["outcome"] == "not_allowed"
    approval_id = pending[0]["id"]

    assert agent.post(f"/approvals/{approval_id}", {"verdict": "approve"}).status_code == 403
    decided = lead.post(f"/approvals/{approval_id}", {"verdict": "approve", "note": "Lost by the carrier"})
    assert decided.status_code == 200
    assert decided.json()["state"] == "approved" and decided.json()["exception"]["state"] == "granted"
    # The agent sees the result on the decision at once.
    seen = agent.get(f"/decisions/{decision['id']}").json()["exceptions"][0]
    assert seen["state"] == "granted" and seen["granted_by"]["id"] == people.lead.pk
    assert seen["approval"]["note"] == "Lost by the carrier"
    assert lead.get("/approvals").json() == []
    assert [a["id"] for a in lead.get("/approvals", {"state": "approved"}).json()] == [approval_id]


def test_within_the_limit_and_outside_the_customers_control_is_granted_at_once(
    people, as_user, refunds, ticket
):
    agent = as_user(people.agent)
    decision = _denied(agent, ticket, refunds)
    response = agent.post(
        f"/decisions/{decision['id']}/exceptions", {"reason_code": "carrier_lost", "amount": 30}
    )
    assert response.status_code == 201
    assert response.json()["state"] == "granted" and response.json()["approval"] is None


def test_declining_needs_a_note(people, as_user, refunds, ticket):
    agent, lead = as_user(people.agent), as_user(people.lead)
    decision = _denied(agent, ticket, refunds)
    agent.post(f"/decisions/{decision['id']}/exceptions", {"reason_code": "changed_mind"})
    approval_id = lead.get("/approvals").json()[0]["id"]
    refused = lead.post(f"/approvals/{approval_id}", {"verdict": "decline"})
    assert refused.status_code == 422 and "note" in field_errors(refused)
    bad = lead.post(f"/approvals/{approval_id}", {"verdict": "maybe", "note": "x"})
    assert bad.status_code == 422 and "verdict" in field_errors(bad)
    declined = lead.post(f"/approvals/{approval_id}", {"verdict": "decline", "note": "Outside the window"})
    assert declined.json()["exception"]["state"] == "declined"
    again = lead.post(f"/approvals/{approval_id}", {"verdict": "approve"})
    assert again.status_code == 422 and "approval" in field_errors(again)


def test_above_a_leads_limit_the_lead_cannot_approve_and_an_admin_does(people, as_user, refunds, ticket):
    agent, lead, admin = as_user(people.agent), as_user(people.lead), as_user(people.admin)
    decision = _denied(agent, ticket, refunds)
    exception = agent.post(
        f"/decisions/{decision['id']}/exceptions", {"reason_code": "carrier_lost", "amount": "900"}
    ).json()
    assert exception["approval"]["needs_role"] == "admin"
    approval_id = exception["approval"]["id"]
    assert lead.get("/approvals").json() == []
    assert lead.post(f"/approvals/{approval_id}", {"verdict": "approve"}).status_code == 404
    approved = admin.post(f"/approvals/{approval_id}", {"verdict": "approve", "note": "Make it right"})
    assert approved.status_code == 200 and approved.json()["exception"]["state"] == "granted"


def test_a_lead_approving_above_their_own_count_passes_it_to_an_admin(people, as_user, refunds, ticket):
    actions.do_set_authority_limits([queries.RoleLimit("lead", Decimal("500"), 0, 30)], actor=people.admin)
    agent, lead = as_user(people.agent), as_user(people.lead)
    decision = _denied(agent, ticket, refunds)
    agent.post(f"/decisions/{decision['id']}/exceptions", {"reason_code": "changed_mind"})
    approval_id = lead.get("/approvals").json()[0]["id"]
    passed = lead.post(f"/approvals/{approval_id}", {"verdict": "approve", "note": "Fine by me"})
    assert passed.status_code == 200
    assert passed.json()["state"] == "pending" and passed.json()["needs_role"] == "admin"
    assert "limit" in passed.json()["why"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason_code": "because", "amount": "10"}, "reason_code"),
        ({"reason_code": "carrier_lost", "amount": "ten"}, "amount"),
        ({"reason_code": "carrier_lost", "amount": "-4"}, "amount"),
        ({"reason_code": "carrier_lost", "amount": "1.234"}, "amount"),
        ({"amount": "10"}, "reason_code"),
        ({"reason_code": "carrier_lost", "note": "x" * 2001}, "note"),
    ],
)
def test_a_bad_exception_request_is_a_422_naming_the_field(people, as_user, refunds, ticket, body, field):
    agent = as_user(people.agent)
    decision = _denied(agent, ticket, refunds)
    response = agent.post(f"/decisions/{decision['id']}/exceptions", body)
    assert response.status_code == 422
    assert field in field_errors(response), response.json()
    assert not PolicyException.objects.exists()


def test_an_allowed_request_needs_no_exception(people, as_user, refunds, ticket):
    agent = as_user(people.agent)
    recent = (timezone.localdate() - timedelta(days=3)).isoformat()
    decision = _decide(agent, ticket, refunds, delivered_on=recent, reason="late").json()
    assert decision["outcome"] == "allowed"
    response = agent.post(f"/decisions/{decision['id']}/exceptions", {"reason_code": "carrier_lost"})
    assert response.status_code == 422
    assert field_errors(response)["decision"] == "The request is already allowed; no exception is needed."


def test_leads_get_the_exceptions_report_per_policy_reason_and_agent(people, as_user, refunds, ticket):
    agent = as_user(people.agent)
    decision = _denied(agent, ticket, refunds)
    agent.post(f"/decisions/{decision['id']}/exceptions", {"reason_code": "carrier_lost", "amount": "20"})
    agent.post(f"/decisions/{decision['id']}/exceptions", {"reason_code": "changed_mind"})
    assert agent.get("/policy-exceptions/report").status_code == 403
    rows = as_user(people.lead).get("/policy-exceptions/report").json()
    assert [(r["reason_code"], r["agent"], r["granted"], r["pending"]) for r in rows] == [
        ("carrier_lost", "Alice", 1, 0),
        ("changed_mind", "Alice", 0, 1),
    ]
    assert Decimal(rows[0]["total_amount"]) == Decimal("20")


# --- announcements -------------------------------------------------------------------


def test_an_agent_reads_and_acknowledges_a_change_and_the_lead_sees_who_has_not(people, as_user, refunds):
    actions.do_publish_version(
        actions.do_save_draft(
            refunds,
            actions.PolicyDraft(
                definition=refunds_definition(rules=refunds_definition()["rules"].replace("<= 30", "<= 14")),
                plain_text="Refunds within 14 days.",
            ),
            actor=people.lead,
        ),
        actor=people.lead,
    )
    agent, lead = as_user(people.agent), as_user(people.lead)
    unread = agent.get("/policy-announcements", {"unread": "true"}).json()
    assert [a["version"] for a in unread] == [2]
    change = unread[0]
    assert change["text_changed"] is True and change["plain_text"] == "Refunds within 14 days."
    assert change["text_diff"][-2:] == ["-Refunds within 30 days.", "+Refunds within 14 days."]
    assert any(line.startswith("-") and "30" in line for line in change["rules_diff"])
    assert any(line.startswith("+") and "14" in line for line in change["rules_diff"])
    assert change["not_acknowledged"] is None  # only leads see who has not read it
    names = [u["name"] for u in lead.get(f"/policy-announcements/{change['id']}").json()["not_acknowledged"]]
    assert "Alice" in names
    acked = agent.post(f"/policy-announcements/{change['id']}/acknowledge")
    assert acked.status_code == 200 and acked.json()["acknowledged"] is True
    assert agent.get("/policy-announcements", {"unread": "true"}).json() == []
    names = [u["name"] for u in lead.get(f"/policy-announcements/{change['id']}").json()["not_acknowledged"]]
    assert "Alice" not in names


# --- authority limits ----------------------------------------------------------------


def test_authority_limits_are_read_by_leads_and_set_by_admins(people, as_user):
    agent, lead, admin = as_user(people.agent), as_user(people.lead), as_user(people.admin)
    assert agent.get("/authority-limits").status_code == 403
    limits = lead.get("/authority-limits").json()
    assert [(x["role"], x["max_count"], x["period_days"]) for x in limits] == [
        ("agent", 5, 30),
        ("lead", 50, 30),
        ("admin", None, 30),
    ]
    body = {"limits": [{"role": "agent", "max_amount": "25", "max_count": 3, "period_days": 7}]}
    assert lead.put("/authority-limits", body).status_code == 403
    saved = admin.put("/authority-limits", body)
    assert saved.status_code == 200
    assert saved.json()[0] == {"role": "agent", "max_amount": "25.00", "max_count": 3, "period_days": 7}


@pytest.mark.parametrize(
    ("limits", "field"),
    [
        ([{"role": "agent", "max_amount": "600"}], "limits.0.max_amount"),
        ([{"role": "agent", "period_days": 0}], "limits.0.period_days"),
        ([{"role": "agent", "max_count": -1}], "limits.0.max_count"),
        ([{"role": "customer"}], "limits.0.role"),
        ([{"role": "agent"}, {"role": "agent"}], "limits.1.role"),
        ([], "limits"),
    ],
)
def test_bad_authority_limits_are_a_422_naming_the_field(people, as_user, limits, field):
    response = as_user(people.admin).put("/authority-limits", {"limits": limits})
    assert response.status_code == 422
    assert field in field_errors(response), response.json()


_values = {
    "delivered_on": st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2027, 1, 1)).map(str)),
    "reason": st.one_of(st.none(), st.sampled_from(["damaged", "late", "changed_mind"])),
    "order_total": st.one_of(st.none(), st.decimals(0, 10_000, places=2).map(str), st.integers(0, 500)),
    "vip": st.one_of(st.none(), st.booleans()),
    "refunds_this_year": st.one_of(st.none(), st.integers(0, 20)),
}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inputs=st.fixed_dictionaries(_values))
def test_any_inputs_get_one_answer_from_the_api_whoever_asks(people, as_user, refunds, ticket, inputs):
    clients = [as_user(who) for who in (people.agent, people.lead, people.admin)]
    answers = set()
    for api in clients:
        response = api.post(f"/tickets/{ticket.pk}/decisions", {"policy_id": refunds.pk, "inputs": inputs})
        assert response.status_code == 201, response.json()
        body = response.json()
        answers.add(
            repr((body["outcome"], body["limit"], body["reasons"], body["missing"], body["suggested_reply"]))
        )
    assert len(answers) == 1


ROLE_MATRIX = {
    "list policies": {"agent": 200, "lead": 200, "admin": 200, "collaborator": 403},
    "decide": {"agent": 201, "lead": 201, "admin": 201, "collaborator": 404},
    "list approvals": {"agent": 403, "lead": 200, "admin": 200, "collaborator": 403},
    "exceptions report": {"agent": 403, "lead": 200, "admin": 200, "collaborator": 403},
    "read limits": {"agent": 403, "lead": 200, "admin": 200, "collaborator": 403},
    "set limits": {"agent": 403, "lead": 403, "admin": 200, "collaborator": 403},
    "announcements": {"agent": 200, "lead": 200, "admin": 200, "collaborator": 403},
}


@pytest.mark.parametrize("role", ["agent", "lead", "admin", "collaborator"])
def test_each_role_gets_what_the_ui_allows(people, as_user, refunds, ticket, role):
    api = as_user(getattr(people, role))
    calls = {
        "list policies": lambda: api.get("/policies"),
        "decide": lambda: _decide(api, ticket, refunds, reason="late"),
        "list approvals": lambda: api.get("/approvals"),
        "exceptions report": lambda: api.get("/policy-exceptions/report"),
        "read limits": lambda: api.get("/authority-limits"),
        "set limits": lambda: api.put(
            "/authority-limits", {"limits": [{"role": "agent", "max_amount": "50"}]}
        ),
        "announcements": lambda: api.get("/policy-announcements"),
    }
    got = {name: call().status_code for name, call in calls.items()}
    assert got == {name: expected[role] for name, expected in ROLE_MATRIX.items()}


# --- writing policies ----------------------------------------------------------------


def _policy_body(**changes):
    body = {key: value for key, value in refunds_definition().items()}
    body["plain_text"] = "Refunds within 30 days of delivery."
    body.update(changes)
    return body


def test_a_lead_writes_and_publishes_a_policy_and_agents_may_not(people, as_user):
    lead, agent = as_user(people.lead), as_user(people.agent)
    assert agent.post("/policies", _policy_body()).status_code == 403
    created = lead.post("/policies", _policy_body())
    assert created.status_code == 201
    draft = created.json()
    assert draft["number"] == 1 and draft["is_draft"] is True and draft["is_current"] is False
    assert agent.get("/policies").json()[0]["current_version"] is None
    assert agent.post(f"/policy-versions/{draft['id']}/publish").status_code == 403
    published = lead.post(f"/policy-versions/{draft['id']}/publish")
    assert published.status_code == 201 and published.json()["version"] == 1
    assert agent.get("/policies").json()[0]["current_version"] == 1
    again = lead.post(f"/policy-versions/{draft['id']}/publish")
    assert again.status_code == 422 and field_errors(again)["version"] == "Version 1 is already published."


def test_editing_makes_a_new_draft_and_old_decisions_keep_their_version(people, as_user, refunds, ticket):
    lead, agent = as_user(people.lead), as_user(people.agent)
    old = _decide(agent, ticket, refunds, delivered_on=DELIVERED_45_DAYS_AGO, reason="late").json()
    rules = refunds_definition()["rules"].replace("<= 30", "<= 60")
    draft = lead.post(f"/policies/{refunds.pk}/versions", _policy_body(rules=rules)).json()
    assert draft["number"] == 2 and draft["is_draft"] is True
    lead.post(f"/policy-versions/{draft['id']}/publish")
    new = _decide(agent, ticket, refunds, delivered_on=DELIVERED_45_DAYS_AGO, reason="late").json()
    assert (old["version"], old["outcome"]) == (1, "allowed_up_to")
    assert (new["version"], new["outcome"]) == (2, "allowed")
    assert agent.get(f"/decisions/{old['id']}").json()["version"] == 1


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        (
            {"rules": "allow when days_sinse(delivered_on) < 3"},
            "rules",
            "line 1, column 12: unknown function 'days_sinse' (did you mean 'days_since'?)",
        ),
        ({"rules": 'deny "x"\nallow when reason in ("late"'}, "rules", "line 2, "),
        ({"inputs": [{"name": "x", "type": "colour"}]}, "inputs", "inputs[0].type"),
        ({"exception_reasons": [{"code": "lost"}]}, "exception_reasons", "exception_reasons[0].label"),
        ({"name": ""}, "name", "Give the policy a name."),
        ({"rules": 3}, "rules", "Input should be a valid string"),
    ],
)
def test_a_malformed_policy_is_refused_at_save_with_the_field_line_and_reason(
    people, as_user, changes, field, reason
):
    response = as_user(people.lead).post("/policies", _policy_body(**changes))
    assert response.status_code == 422
    assert field_errors(response)[field].startswith(reason), response.json()
    assert not Policy.objects.exists()


def _queries_for(api, path, django_assert_max_num_queries, most):
    api.get(path)  # warm
    with django_assert_max_num_queries(most) as captured:
        response = api.get(path)
    assert response.status_code == 200
    return response, len(captured)


def test_lists_cost_the_same_queries_however_long(
    people, as_user, refunds, ticket, django_assert_max_num_queries
):
    agent, lead = as_user(people.agent), as_user(people.lead)
    costs = []
    for _ in range(2):
        decision = _denied(agent, ticket, refunds)
        agent.post(f"/decisions/{decision['id']}/exceptions", {"reason_code": "changed_mind", "note": "x"})
        agent.post(f"/decisions/{decision['id']}/exceptions", {"reason_code": "carrier_lost", "amount": "5"})
        decisions, n_decisions = _queries_for(
            agent, f"/tickets/{ticket.pk}/decisions", django_assert_max_num_queries, 12
        )
        approvals, n_approvals = _queries_for(lead, "/approvals", django_assert_max_num_queries, 8)
        costs.append((n_decisions, n_approvals))
    assert len(decisions.json()) == 2 and len(approvals.json()) == 2
    assert costs[0] == costs[1]
