"""Policy decisions, exceptions and approvals read as sentences in the ticket's timeline."""

from __future__ import annotations

from datetime import date

from anchordesk.core.models import AuditEvent
from anchordesk.policies import actions
from anchordesk.tickets.templatetags.ticket_tags import describe

TODAY = date(2026, 3, 1)


def _sentences(ticket) -> list[str]:
    events = AuditEvent.objects.filter(ticket=ticket, kind__startswith="policy.").order_by("id")
    return [str(describe(e)) for e in events]


def test_the_timeline_tells_the_story_of_a_decision_and_its_exception(people, client, refunds, ticket):
    late = {"delivered_on": "2026-01-15", "reason": "late"}
    actions.do_decide(ticket, refunds, late, actor=people.agent, today=TODAY)
    denied = actions.do_decide(
        ticket, refunds, {"delivered_on": "2025-10-01", "reason": "late"}, actor=people.agent, today=TODAY
    )
    actions.do_request_exception(denied, actor=people.agent, reason_code="carrier_lost", amount="20")
    pending = actions.do_request_exception(
        denied, actor=people.agent, reason_code="carrier_lost", amount="80", note="Lost twice"
    )
    actions.do_decide_approval(pending.approval, actor=people.lead, approve=True, note="Carrier's fault")
    assert _sentences(ticket) == [
        "decided a request under Refunds v1: allowed up to a limit (50.00)",
        "decided a request under Refunds v1: not allowed",
        "granted an exception to Refunds: Carrier lost the parcel, 20.00",
        "asked a lead for an exception to Refunds: Carrier lost the parcel, 80.00 "
        "(80.00 is above the limit of 50.00)",
        "approved the exception — Carrier&#x27;s fault",
    ]
    client.force_login(people.agent)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "decided a request under Refunds v1: not allowed" in page
