"""Every API operation answers what /api/v1/openapi.json says, for agents, leads and admins.

Schemathesis generates requests from the published schema (bounded examples per operation, a fixed
seed) and sends them in-process to the WSGI app over a demo help desk, with path ids pointing at real
rows half of the time. A response must never be a server error, and its status, content type and body
must be the ones the schema documents. Bad input is the API's to refuse with a 4xx.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (  # looked up by name in schemathesis' registry of checks
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from anchordesk.accounts.models import Customer, Organization, Team, User
from anchordesk.automation.models import Macro, TimeRule, Trigger
from anchordesk.collab.actions import do_open_escalation
from anchordesk.collab.choices import RequestedBy
from anchordesk.collab.models import Escalation, Handoff
from anchordesk.integrations.models import Webhook, WebhookDelivery
from anchordesk.policies.models import Announcement, ApprovalRequest, Decision, Policy, PolicyVersion
from anchordesk.recovery.actions import do_add_promise
from anchordesk.recovery.models import Promise
from anchordesk.tickets.models import Attachment, Ticket
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES_PER_OPERATION = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Path parameter -> the model whose first row stands in for it.
REAL_IDS: dict[str, Any] = {
    "ticket_id": Ticket,
    "other_id": Ticket,
    "customer_id": Customer,
    "org_id": Organization,
    "team_id": Team,
    "escalation_id": Escalation,
    "handoff_id": Handoff,
    "promise_id": Promise,
    "policy_id": Policy,
    "version_id": PolicyVersion,
    "decision_id": Decision,
    "approval_id": ApprovalRequest,
    "announcement_id": Announcement,
    "webhook_id": Webhook,
    "delivery_id": WebhookDelivery,
    "macro_id": Macro,
    "trigger_id": Trigger,
    "rule_id": TimeRule,
    "attachment_id": Attachment,
}


@pytest.fixture
def help_desk() -> dict[str, User]:
    call_command("demo", tickets=30, seed=5, stdout=StringIO())
    ticket = Ticket.objects.order_by("id").first()
    assert ticket is not None
    agent = User.objects.get(email="agent@demo.anchordesk.test")
    # A missed promise opens an escalation of its own kind: it must be listed like any other.
    do_add_promise(
        ticket, actor=agent, action="Call back", due_at=timezone.now() - timezone.timedelta(hours=1)
    )
    do_open_escalation(ticket, requested_by=RequestedBy.MISSED_PROMISE, reason="Missed promise: Call back")
    return {
        role: User.objects.get(email=f"{role}@demo.anchordesk.test") for role in ("agent", "lead", "admin")
    }


def _real_ids() -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, model in REAL_IDS.items():
        pk = model.objects.order_by("id").values_list("id", flat=True).first()
        if pk is not None:
            ids[name] = pk
    return ids


def _run_operation(
    operation: Any, headers: dict[str, str], real_ids: dict[str, int], statuses: list[int]
) -> None:
    """Up to EXAMPLES_PER_OPERATION generated requests; raises on the first one that breaks a check."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), use_real_ids=st.booleans())
    def check(case: Any, use_real_ids: bool) -> None:
        if use_real_ids and case.path_parameters:
            for name in case.path_parameters:
                if name in real_ids:
                    case.path_parameters[name] = real_ids[name]
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()


@pytest.mark.parametrize("role", ["agent", "lead", "admin"])
def test_every_operation_answers_what_its_schema_says(help_desk: dict[str, User], role: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {token_for(help_desk[role])}"}
    real_ids = _real_ids()
    statuses: list[int] = []
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60

    for operation in operations:
        try:
            _run_operation(operation, headers, real_ids, statuses)
        except Exception as error:  # collected, so one run names every operation that is wrong
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:800]}")

    assert failures == []
    # The run really exercised the API: every operation several times, and real rows were found.
    assert len(statuses) >= 3 * len(operations)
    assert sum(200 <= s < 300 for s in statuses) >= len(operations)
