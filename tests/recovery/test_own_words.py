"""The product's own words pass its own reply coach.

Every text Anchordesk offers to send to a customer — built-in macros and the demo's, the demo
conversations' replies, escalation and handoff wordings, policy wordings, the abusive-customer
warning, the "promise kept" line and the notices emailed to customers — is reviewed the way the
coach reviews an agent's draft: placeholders filled as the product fills them, as a reply to a
calm customer, and also to an upset one where the text is meant for an upset customer. A
finding here means the product suggests wording it would then tell the agent to fix.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from anchordesk.automation import placeholders
from anchordesk.automation.demo import MACROS, PENDING_REMINDER
from anchordesk.automation.engine import rule_values
from anchordesk.automation.queries import macro_values
from anchordesk.demo import content as demo_content
from anchordesk.demo.loader import _fill
from anchordesk.recovery.coach import message_is_upset
from anchordesk.signals import analyze_message, review_reply
from tests.factories import make_ticket

CALM = (False,)
BOTH = (False, True)


def findings(texts: list[tuple[str, str, tuple[bool, ...]]]) -> list[str]:
    """What the coach says about each text, one line per finding ("" when it has nothing)."""
    out = []
    for where, text, moods in texts:
        for upset in moods:
            for f in review_reply(text, customer_upset=upset).findings:
                quote = f" “{f.span.text}”" if f.span else ""
                out.append(f"{where} ({'upset' if upset else 'calm'} customer): {f.kind}{quote}")
    return out


# Macros written for a customer something went wrong for: a wrong charge, an outage.
FOR_UPSET_CUSTOMERS = {"Refund on its way", "Outage update"}


@pytest.fixture
def ticket(people):
    return make_ticket(people.customer, team=people.support, assignee=people.agent, subject="Charged twice")


def test_built_in_macros_and_customer_emails_pass_the_coach(people, ticket):
    texts = [
        # Macros are applied with their placeholders filled, as the reply box shows them.
        (
            f"macro {name!r}",
            placeholders.render(body, macro_values(ticket, people.agent)),
            BOTH if name in FOR_UPSET_CUSTOMERS else CALM,
        )
        for name, body, _ in MACROS
    ]
    texts.append(("pending reminder email", placeholders.render(PENDING_REMINDER, rule_values(ticket)), CALM))
    assert findings(texts) == []


DEMO_VALUES = {
    "name": "Ana",
    "agent": "Maria",
    "lead": "Sam",
    "product": "Aurora router",
    "order": "AD-12345",
    "amount": "€49.90",
    "plan": "Home Plus",
    "day": "Friday",
    "city": "Lyon",
}


def _answers_an_upset_customer(conversation: demo_content.Conversation, last_customer_turn: int) -> bool:
    """As the coach decides it in the product: by the customer's latest message."""
    text = _fill(conversation.turns[last_customer_turn][1], DEMO_VALUES)
    return bool(message_is_upset(analyze_message(text), text))


def test_every_demo_reply_passes_the_coach(db):
    texts = []
    for n, conversation in enumerate(demo_content.CONVERSATIONS):
        last_customer = 0
        for i, (who, text) in enumerate(conversation.turns):
            if who == "customer":
                last_customer = i
            if who not in ("agent", "lead"):
                continue
            moods = BOTH if _answers_an_upset_customer(conversation, last_customer) else CALM
            where = f"demo conversation {n} “{conversation.subject}”, turn {i}"
            texts.append((where, _fill(text, DEMO_VALUES), moods))
    assert len(texts) > 40
    assert findings(texts) == []


def test_escalation_and_handoff_wordings_pass_the_coach(people, ticket):
    from anchordesk.collab.actions import (
        do_comment_on_handoff,
        do_open_escalation,
        do_open_handoff,
        do_set_handoff_status,
        do_take_escalation,
    )
    from anchordesk.collab.choices import HandoffStatus, RequestedBy
    from anchordesk.collab.queries import (
        suggested_agent_reply,
        suggested_customer_update,
        suggested_lead_reply,
    )

    escalation, _ = do_open_escalation(ticket, requested_by=RequestedBy.CUSTOMER)
    texts = [("escalation: agent, untaken", suggested_agent_reply(escalation), BOTH)]
    do_take_escalation(escalation, actor=people.lead, mode="coach")
    escalation.refresh_from_db()
    texts.append(("escalation: agent, lead coaching", suggested_agent_reply(escalation), BOTH))
    do_take_escalation(escalation, actor=people.lead, mode="handle")
    escalation.refresh_from_db()
    texts.append(("escalation: agent, lead handling", suggested_agent_reply(escalation), BOTH))
    texts.append(("escalation: the lead's reply", suggested_lead_reply(escalation, people.lead), BOTH))

    handoff = do_open_handoff(
        ticket,
        actor=people.agent,
        team=people.engineering,
        subject="Double charge",
        needed="Why was the card charged twice?",
    )
    texts.append(("handoff update, no comment yet", suggested_customer_update(handoff), CALM))
    do_comment_on_handoff(handoff, "The payment provider retried a timed-out capture.", actor=people.lead)
    texts.append(("handoff update, in progress", suggested_customer_update(handoff), CALM))
    do_set_handoff_status(handoff, HandoffStatus.DONE, actor=people.lead)
    handoff.refresh_from_db()
    texts.append(("handoff update, done", suggested_customer_update(handoff), CALM))
    assert findings(texts) == []


def test_policy_wordings_for_customers_pass_the_coach(db):
    from anchordesk.policies import demo as policy_demo
    from anchordesk.policies.engine import evaluate, reply_fragment

    today = timezone.localdate()
    cases = [
        (policy_demo.REFUNDS_V2, {"delivered_on": today - timedelta(days=3), "reason": "damaged"}),
        (
            policy_demo.REFUNDS_V2,
            {"delivered_on": today - timedelta(days=45), "reason": "late", "order_total": "120.00"},
        ),
        (policy_demo.REFUNDS_V2, {"delivered_on": today - timedelta(days=90), "reason": "damaged"}),
        (policy_demo.REFUNDS_V2, {"reason": "damaged"}),
        (policy_demo.REFUNDS_V2, {"delivered_on": today - timedelta(days=3)}),
        (
            policy_demo.REPLACEMENTS,
            {
                "arrived_damaged": True,
                "delivered_on": today - timedelta(days=30),
                "reported_on": today - timedelta(days=1),
            },
        ),
        (policy_demo.REPLACEMENTS, {"arrived_damaged": False}),
        (policy_demo.FEE_WAIVER, {"allowed_last_12_months": 0, "fee": "40"}),
        (policy_demo.FEE_WAIVER, {"allowed_last_12_months": 1, "fee": "10"}),
    ]
    texts = []
    outcomes = set()
    for definition, inputs in cases:
        decision = evaluate(definition, inputs, today=today)
        outcomes.add(str(decision.outcome))
        text = reply_fragment(definition["name"], decision, customer_name="Carol")
        # A policy's answer goes to anyone who asks; an upset customer's reply adds its own apology.
        texts.append((f"policy {definition['name']!r}, {decision.outcome}", text, CALM))
    assert outcomes == {"allowed", "allowed_up_to", "not_allowed", "needs_input", "needs_review"}
    assert findings(texts) == []


def test_the_warning_and_the_promise_kept_lines_pass_the_coach(people, ticket):
    from anchordesk.recovery.actions import do_add_promise, do_complete_promise
    from anchordesk.wellbeing.queries import warning_template

    texts = [("abusive-customer warning", warning_template(ticket, people.agent), BOTH)]
    on_time = do_add_promise(
        ticket,
        actor=people.agent,
        action="refund the second charge",
        due_at=timezone.now() + timedelta(days=1),
    )
    texts.append(("promise kept", do_complete_promise(on_time, actor=people.agent), CALM))
    late = do_add_promise(
        ticket,
        actor=people.agent,
        action="refund the second charge",
        due_at=timezone.now() - timedelta(days=1),
    )
    texts.append(("promise kept late", do_complete_promise(late, actor=people.agent), BOTH))
    assert findings(texts) == []
    # Plain words, in the agent's voice, with the promise's own verb phrase.
    assert texts[1][1].startswith("I said I'd refund the second charge, and that's now done. ")
    assert "later than I told you. I'm sorry for the wait" in texts[2][1]


def test_notices_emailed_to_customers_pass_the_coach(people, ticket, django_capture_on_commit_callbacks):
    from anchordesk.automation.csat import do_send_survey

    with django_capture_on_commit_callbacks(execute=True):
        do_send_survey(ticket)
    [survey] = mail.outbox
    sign_in = render_to_string(
        "portal/emails/sign_in_link.txt",
        {"customer": people.customer, "url": "https://help.example.test/s/abc", "minutes": 15},
    )
    texts = [("satisfaction survey email", survey.body, CALM), ("help center sign-in email", sign_in, CALM)]
    assert findings(texts) == []
