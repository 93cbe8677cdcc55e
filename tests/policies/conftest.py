"""Policies fixtures: a published refunds policy and a ticket to decide on."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from anchordesk.policies import actions
from anchordesk.policies.models import Policy
from tests.factories import make_ticket

_BASE = Path(__file__).resolve().parents[2] / "anchordesk" / "templates" / "base.html"

REFUNDS: dict[str, Any] = {
    "name": "Refunds",
    "description": "Refunds for delivered orders.",
    "inputs": [
        {"name": "delivered_on", "label": "Delivery date", "type": "date", "required": False},
        {
            "name": "reason",
            "label": "Reason",
            "type": "choice",
            "options": ["damaged", "late", "changed_mind"],
        },
        {"name": "order_total", "label": "Order total", "type": "amount", "required": False},
        {"name": "vip", "label": "VIP customer", "type": "boolean", "required": False},
        {"name": "refunds_this_year", "label": "Refunds this year", "type": "count", "required": False},
    ],
    "rules": (
        "# Refunds within 30 days of delivery\n"
        'deny "Not delivered yet" when delivered_on is missing\n'
        "allow when days_since(delivered_on) <= 30\n"
        'allow up to 50.00 when days_since(delivered_on) <= 60 and reason in ("damaged", "late")\n'
        'deny "More than 60 days since delivery"'
    ),
    "exception_reasons": [
        {"code": "carrier_lost", "label": "Carrier lost the parcel", "outside_customer_control": True},
        {"code": "changed_mind", "label": "Customer changed their mind", "outside_customer_control": False},
    ],
    "alternatives": ["a replacement at no cost", "store credit for the full amount"],
}


def refunds_definition(**changes: Any) -> dict[str, Any]:
    definition = copy.deepcopy(REFUNDS)
    definition.update(changes)
    return definition


@pytest.fixture(autouse=True)
def _placeholder_base_template(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Until the UI helper's base.html lands, render pages inside a minimal placeholder."""
    if _BASE.exists():
        return
    folder = tmp_path_factory.getbasetemp() / "policies-base"
    folder.mkdir(exist_ok=True)
    (folder / "base.html").write_text(
        "<!doctype html><title>{% block title %}{% endblock %}</title>{% block content %}{% endblock %}"
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0].get("DIRS", []), folder]
    settings.TEMPLATES = templates


@pytest.fixture
def refunds(people: Any) -> Policy:
    version = actions.do_create_policy(
        actions.PolicyDraft(definition=refunds_definition(), plain_text="Refunds within 30 days."),
        actor=people.admin,
    )
    actions.do_publish_version(version, actor=people.admin)
    policy = Policy.objects.get(pk=version.policy_id)
    return policy


@pytest.fixture
def ticket(people: Any) -> Any:
    return make_ticket(people.customer, team=people.support)
