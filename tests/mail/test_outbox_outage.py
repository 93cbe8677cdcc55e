"""Every kind of email Anchordesk sends survives an SMTP outage and arrives exactly once.

The mail server is a real aiosmtpd on a port where, at first, nothing listens (connection
refused). Every kind of email is queued by the real action that sends it; then the server
comes up and the worker's sweep delivers each, once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from anchordesk.accounts.choices import Role
from anchordesk.accounts.invitations import do_invite_agent
from anchordesk.automation.csat import do_rate
from anchordesk.automation.models import CsatSurvey
from anchordesk.collab.actions import do_open_escalation, do_open_handoff
from anchordesk.collab.choices import RequestedBy
from anchordesk.insights.digest import send_weekly_digest
from anchordesk.mail.models import OutboundEmail, OutboundKind, OutboundState
from anchordesk.mail.tasks import sweep_mail
from anchordesk.people.actions import do_offboard_agent
from anchordesk.policies import actions as policies
from anchordesk.policies.models import Policy
from anchordesk.portal.actions import do_request_sign_in_link
from anchordesk.recovery.actions import do_add_promise, do_scan_promises
from anchordesk.sla import timers as sla
from anchordesk.sla.actions import CalendarData, PolicyData, do_save_calendar, do_save_policy
from anchordesk.tickets.actions import do_reply, do_set_status
from anchordesk.tickets.choices import Status
from anchordesk.wellbeing.choices import Standing
from anchordesk.wellbeing.models import CustomerStanding
from tests.factories import make_ticket, make_user
from tests.mail.conftest import SmtpSink, free_port
from tests.policies.conftest import refunds_definition

pytestmark = pytest.mark.django_db

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OFFICE_HOURS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}

# Every kind the product sends, each by the action that sends it in the test below.
EVERY_KIND = set(OutboundKind.values)


class SmtpLater:
    """An SMTP server that is down (nothing listens on its port) until up() is called."""

    def __init__(self) -> None:
        self.sink = SmtpSink(port=free_port())
        self.controller: Controller | None = None

    def up(self) -> None:
        self.controller = Controller(self.sink, hostname=self.sink.host, port=self.sink.port)
        self.controller.start()  # returns once the server answers on its port

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


@pytest.fixture
def smtp_down(settings: Any) -> Iterator[SmtpLater]:
    server = SmtpLater()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.sink.host
    settings.EMAIL_PORT = server.sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        server.stop()


def _queue_every_kind(people: Any, at: Any) -> None:
    """Each action that emails, run as users and the worker run it."""
    # SLA: two tickets on a 2 h first-response target, warned at 75%.
    do_save_calendar(
        CalendarData(name="Office", timezone="UTC", hours=OFFICE_HOURS, is_default=True), actor=people.admin
    )
    do_save_policy(
        PolicyData(
            name="Standard",
            position=10,
            first_response_minutes=120,
            next_reply_minutes=240,
            resolution_minutes=2400,
            warn_percent=75,
        ),
        actor=people.admin,
    )
    make_ticket(people.customer, team=people.support, assignee=people.agent, subject="Breaches")
    at(MONDAY_9 + timedelta(minutes=30))
    make_ticket(people.customer, team=people.support, assignee=people.agent, subject="Nearly due")
    now = at(MONDAY_9 + timedelta(hours=2, minutes=1))
    result = sla.do_scan()
    assert (result.breached, result.warned) == (1, 1)

    # Escalation (opened by an agent) and a reply to the customer.
    ticket = make_ticket(people.customer, team=people.support, assignee=people.agent, subject="Broken")
    do_open_escalation(ticket, requested_by=RequestedBy.AGENT, reason="Third time", actor=people.agent)
    do_reply(ticket, "I'm sorry. A replacement goes out today.", actor=people.agent)

    # Promises: one reminded before it is due, one missed (which also escalates to the lead).
    promised = make_ticket(people.customer, team=people.support, assignee=people.agent, subject="Refund")
    do_add_promise(promised, actor=people.agent, action="Call back", due_at=now + timedelta(hours=1))
    late = make_ticket(people.other_customer, team=people.support, assignee=people.agent, subject="Late")
    do_add_promise(late, actor=people.agent, action="Refund", due_at=now + timedelta(minutes=5))
    assert do_scan_promises(now) == {"reminded": 2, "missed": 0}
    assert do_scan_promises(now + timedelta(minutes=10)) == {"reminded": 0, "missed": 1}

    # A policy change announced to everyone; an exception that needs a lead's approval, and its answer.
    version = policies.do_create_policy(
        policies.PolicyDraft(definition=refunds_definition()), actor=people.admin
    )
    policies.do_publish_version(version, actor=people.admin)
    refunds = Policy.objects.get(pk=version.policy_id)
    decided = policies.do_decide(
        ticket,
        refunds,
        {"delivered_on": "2025-10-01", "reason": "late"},
        actor=people.agent,
        today=date(2026, 3, 1),
    )
    exception = policies.do_request_exception(
        decided, actor=people.agent, reason_code="carrier_lost", amount="80"
    )
    policies.do_decide_approval(exception.approval, actor=people.lead, approve=True)

    # Wellbeing: a restricted customer writes, and the leads are told.
    CustomerStanding.objects.create(customer=people.customer_same_org, state=Standing.RESTRICTED)
    make_ticket(people.customer_same_org, team=people.support, assignee=people.agent, body="Where is it?")

    # A handoff to another team and to an outside contractor.
    do_open_handoff(
        ticket,
        actor=people.agent,
        team=people.engineering,
        subject="Firmware bug",
        needed="Confirm the fix ships this week.",
        external_email="dev@contractor.test",
    )

    # Solving sends the satisfaction survey; a kind rating reaches the agent.
    do_set_status(ticket, Status.SOLVED, actor=people.agent)
    do_rate(CsatSurvey.objects.get(ticket=ticket), "good", "Alice was wonderful.")

    # The weekly digest to the leads, and a portal sign-in link.
    assert send_weekly_digest().queued == 2
    assert do_request_sign_in_link("carol@acme.test", ip="203.0.113.5") is not None

    # People: an admin invites a new agent; an agent leaves and her customer is told the new contact.
    do_invite_agent(email="newcomer@example.test", name="Nia New", actor=people.admin)
    leaver = make_user(Role.AGENT, first_name="Lee", teams=[people.support])
    make_ticket(people.other_customer, team=people.support, assignee=leaver, subject="Half done")
    do_offboard_agent(
        leaver, actor=people.lead, plan={"tickets": f"user:{people.agent.pk}"}, notify_customers=True
    )


def test_every_kind_of_email_queued_while_smtp_is_down_arrives_once_when_it_is_back(
    people, smtp_down, time_machine, django_capture_on_commit_callbacks
):
    def at(moment: datetime) -> datetime:
        time_machine.move_to(moment, tick=False)
        return moment

    at(MONDAY_9)
    # The on-commit sends run, as they do after each real commit, and fail: nothing listens.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _queue_every_kind(people, at)
    assert callbacks, "the actions asked the worker to send"
    rows = list(OutboundEmail.objects.all())
    assert {r.kind for r in rows} == EVERY_KIND
    assert {(r.state, r.attempts) for r in rows} == {(OutboundState.QUEUED, 1)}
    assert all("Connection refused" in r.last_error or "ConnectionRefused" in r.last_error for r in rows)

    # Still down a few minutes later: the sweep retries each once more, and loses none.
    at(MONDAY_9 + timedelta(hours=2, minutes=4))
    sweep_mail.call_local()
    assert set(OutboundEmail.objects.values_list("state", "attempts")) == {(OutboundState.QUEUED, 2)}
    assert smtp_down.sink.messages == []

    smtp_down.up()
    sweep_mail.call_local()  # not due yet (5 minutes' backoff): nothing is sent early
    assert smtp_down.sink.messages == []
    at(MONDAY_9 + timedelta(hours=2, minutes=10))
    sweep_mail.call_local()
    sweep_mail.call_local()  # a second sweep finds nothing left to send

    rows = list(OutboundEmail.objects.all())
    assert {(r.state, r.attempts) for r in rows} == {(OutboundState.SENT, 3)}
    received = Counter(m["Message-ID"] for m in smtp_down.sink.messages)
    assert received == Counter({r.message_id: 1 for r in rows})  # each email once, none twice
    by_id = {r.message_id: r for r in rows}
    for envelope, message in zip(smtp_down.sink.envelopes, smtp_down.sink.messages, strict=True):
        row = by_id[message["Message-ID"]]
        assert sorted(envelope.rcpt_tos) == sorted([*row.to, *row.cc])
        assert message["Subject"] == row.subject
    subjects = {r.kind: r.subject for r in rows}
    assert subjects[OutboundKind.SLA_BREACH].startswith("SLA breached: first response")
    assert subjects[OutboundKind.SLA_WARNING].startswith("SLA due soon: first response")
    assert subjects[OutboundKind.PORTAL_LINK] and subjects[OutboundKind.DIGEST].startswith("Weekly digest")
    link = next(m for m in smtp_down.sink.messages if m["Message-ID"] == by_id_kind(rows, "portal.sign_in"))
    assert link["To"] == "carol@acme.test" and "/portal/sign-in/" in link.get_body(("plain",)).get_content()


def by_id_kind(rows: list[OutboundEmail], kind: str) -> str:
    [row] = [r for r in rows if r.kind == kind]
    return row.message_id
