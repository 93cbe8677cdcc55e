"""The ticket timeline says in words what happened to promises and recovery plans, with the
promise itself, instead of raw event names such as "promise: added"."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from anchordesk.recovery import actions
from anchordesk.recovery.choices import StepKind
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_promises_and_a_recovery_plan_read_as_sentences_on_the_ticket_page(people, client):
    ticket = make_ticket(people.customer, subject="Charged twice")
    due = datetime(2030, 1, 8, 17, 0, tzinfo=UTC)
    promise = actions.do_add_promise(
        ticket, actor=people.agent, action="refund the second charge", due_at=due
    )
    actions.do_update_promise(promise, actor=people.agent, due_at=due + timedelta(days=1))
    late = actions.do_add_promise(
        ticket, actor=people.agent, action="call you back", due_at=timezone.now() - timedelta(hours=1)
    )
    actions.do_complete_promise(late, actor=people.agent)
    dropped = actions.do_add_promise(ticket, actor=people.agent, action="send a voucher", due_at=None)
    actions.do_drop_promise(dropped, actor=people.agent, reason="the customer declined")
    mistake = actions.do_log_mistake(
        ticket,
        actor=people.agent,
        category="billing_error",
        what_happened="Charged the card twice",
        impact="Overdrawn",
        why_it_made_sense="The first charge looked failed",
    )
    actions.do_complete_step(mistake.steps.get(kind=StepKind.ADMIT), actor=people.agent)
    actions.do_record_gesture(mistake, actor=people.agent, kind="credit", amount="10.00")
    actions.do_record_outcome(mistake, "stayed", actor=people.agent)

    client.force_login(people.agent)
    page = html.unescape(client.get(f"/tickets/{ticket.pk}/").content.decode())
    for sentence in (
        "recorded a promise: refund the second charge, due ",
        "changed a promise: refund the second charge, due ",
        "kept a promise, later than said",
        "dropped a promise (the customer declined)",
        "logged a mistake: billing error",
        "completed the recovery step “admit the mistake”",
        "made good: account credit of 10.00",
        "recorded that the customer stayed",
    ):
        assert sentence in page, sentence
    # Raw kinds read "promise: added"; a sentence says "recorded a promise: refund ...".
    raws = [f"promise: {verb}" for verb in ("added", "updated", "kept", "dropped", "moved", "handed over")]
    for raw in (*raws, "recovery: ", "mistake: outcome", "mistake: logged"):
        assert raw not in page, (
            raw,
            page[page.index(raw) - 200 : page.index(raw) + 100] if raw in page else "",
        )
