"""Demo policies for `anchordesk demo`: refunds (with a published change some agents have not
acknowledged yet), replacements and a once-a-year fee waiver, with decisions and exceptions on
a few demo tickets, one of them waiting for the lead's approval. Everything goes through the
real actions, so the announcements, audit trail and limits are what the product makes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone

from anchordesk.accounts.models import User
from anchordesk.policies import actions
from anchordesk.policies.models import Policy
from anchordesk.tickets.models import Ticket

_REFUND_INPUTS: list[dict[str, Any]] = [
    {"name": "delivered_on", "label": "Delivery date", "type": "date", "required": False},
    {"name": "reason", "label": "Reason", "type": "choice", "options": ["damaged", "late", "changed_mind"]},
    {"name": "order_total", "label": "Order total", "type": "amount", "required": False},
]
_REFUND_REASONS = [
    {"code": "carrier_lost", "label": "The carrier lost the parcel", "outside_customer_control": True},
    {"code": "our_outage", "label": "Our outage or error", "outside_customer_control": True},
    {"code": "medical", "label": "A medical emergency", "outside_customer_control": True},
    {"code": "goodwill", "label": "Goodwill for a long-time customer", "outside_customer_control": False},
]
REFUNDS_V1: dict[str, Any] = {
    "name": "Refunds",
    "description": "Refunds for delivered orders.",
    "inputs": _REFUND_INPUTS,
    "rules": (
        "# Refunds within 30 days of delivery\n"
        'deny "The order has not been delivered yet" when delivered_on is missing\n'
        "allow when days_since(delivered_on) <= 30\n"
        'deny "More than 30 days since delivery"'
    ),
    "exception_reasons": _REFUND_REASONS,
    "alternatives": ["a replacement at no cost", "store credit for the full amount"],
}
REFUNDS_V2: dict[str, Any] = {
    **REFUNDS_V1,
    "rules": (
        "# Refunds within 30 days of delivery; damaged or late orders up to 60 days, partly\n"
        'deny "The order has not been delivered yet" when delivered_on is missing\n'
        "allow when days_since(delivered_on) <= 30\n"
        'allow up to order_total * 0.5 when days_since(delivered_on) <= 60 and reason in ("damaged", "late")\n'
        'deny "More than 60 days since delivery"'
    ),
}
REPLACEMENTS: dict[str, Any] = {
    "name": "Replacements for damaged items",
    "description": "A free replacement when an item arrives damaged.",
    "inputs": [
        {"name": "arrived_damaged", "label": "Arrived damaged", "type": "boolean"},
        {"name": "reported_on", "label": "Reported on", "type": "date"},
        {"name": "delivered_on", "label": "Delivery date", "type": "date"},
    ],
    "rules": (
        'deny "Only items that arrived damaged are replaced free" when not arrived_damaged\n'
        "allow when reported_on - delivered_on <= 14\n"
        'review "Reported more than 14 days after delivery: a lead decides"'
    ),
    "exception_reasons": [
        {
            "code": "carrier_lost",
            "label": "The carrier lost the replacement",
            "outside_customer_control": True,
        }
    ],
    "alternatives": ["a repair at no cost"],
}
FEE_WAIVER: dict[str, Any] = {
    "name": "Late fee waiver",
    "description": "One late-payment fee waived per customer every 12 months.",
    "inputs": [
        {"name": "allowed_last_12_months", "label": "Waivers in the last 12 months", "type": "count"},
        {"name": "fee", "label": "Fee", "type": "amount"},
    ],
    "rules": (
        'deny "One waiver per 12 months" when allowed_last_12_months >= 1\n'
        "allow up to 25 when fee > 25\n"
        "allow"
    ),
    "exception_reasons": [
        {"code": "our_outage", "label": "Our billing error or outage", "outside_customer_control": True},
        {"code": "hardship", "label": "Financial hardship", "outside_customer_control": False},
    ],
    "alternatives": ["a payment plan"],
}
_TEXT = {
    "Refunds": "Refunds within 30 days of delivery.",
    "Refunds v2": (
        "Refunds within 30 days of delivery.\n"
        "Damaged or late orders: half the order total up to 60 days after delivery."
    ),
    "Replacements for damaged items": "A free replacement when an item arrives damaged, reported within 14 days.",
    "Late fee waiver": "We waive one late-payment fee every 12 months (up to 25).",
}


def _publish(definition: dict[str, Any], text: str, *, actor: User, policy: Policy | None = None) -> Policy:
    draft = actions.PolicyDraft(definition=definition, plain_text=text)
    version = (
        actions.do_save_draft(policy, draft, actor=actor)
        if policy is not None
        else actions.do_create_policy(draft, actor=actor)
    )
    actions.do_publish_version(version, actor=actor)
    return Policy.objects.get(pk=version.policy_id)


def load_demo_policies(*, admin: User, lead: User, agents: Sequence[User], tickets: Sequence[Ticket]) -> None:
    """Needs at least two agents; tickets are used from the newest back."""
    refunds = _publish(REFUNDS_V1, _TEXT["Refunds"], actor=admin)
    replacements = _publish(REPLACEMENTS, _TEXT["Replacements for damaged items"], actor=admin)
    waiver = _publish(FEE_WAIVER, _TEXT["Late fee waiver"], actor=admin)
    for agent in agents:
        for policy in (refunds, replacements, waiver):
            announcement = policy.announcements.get(version=policy.current_version)
            actions.do_acknowledge(announcement, actor=agent)
    # The lead widens the refund window; only the first agent has read the change so far.
    refunds = _publish(REFUNDS_V2, _TEXT["Refunds v2"], actor=lead, policy=refunds)
    actions.do_acknowledge(refunds.announcements.get(version=refunds.current_version), actor=agents[0])

    today = timezone.localdate()
    open_tickets = [t for t in reversed(tickets) if t.status not in ("solved", "closed")][:4]
    if len(open_tickets) < 4:
        return
    first, second = agents[0], agents[1]
    actions.do_decide(
        open_tickets[0],
        refunds,
        {"delivered_on": today - timedelta(days=45), "reason": "damaged", "order_total": "120.00"},
        actor=first,
    )
    lost = actions.do_decide(
        open_tickets[1],
        refunds,
        {"delivered_on": today - timedelta(days=75), "reason": "late", "order_total": "40.00"},
        actor=second,
    )
    actions.do_request_exception(
        lost, actor=second, reason_code="carrier_lost", amount="40.00", note="Tracking shows the parcel lost."
    )
    big = actions.do_decide(
        open_tickets[2],
        refunds,
        {"delivered_on": today - timedelta(days=90), "reason": "changed_mind", "order_total": "240.00"},
        actor=first,
    )
    actions.do_request_exception(
        big,
        actor=first,
        reason_code="our_outage",
        amount="240.00",
        note="Our checkout outage charged the order twice; the customer only noticed now.",
    )
    actions.do_decide(open_tickets[3], waiver, {"allowed_last_12_months": 0, "fee": "15.00"}, actor=second)
