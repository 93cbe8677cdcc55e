"""What the foundation asks of the apps above it (core/registry.py) still happens where it must:
the reply's email in the reply's own transaction, the timeline sentences of every app."""

from __future__ import annotations

import pytest
from django.db import transaction

from anchordesk.core.models import AuditEvent
from anchordesk.mail.models import OutboundEmail
from anchordesk.tickets import actions
from anchordesk.tickets.templatetags.ticket_tags import describe
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_a_reply_rolled_back_after_it_was_written_leaves_no_email_to_send(people):
    ticket = make_ticket(people.customer)
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.do_reply(ticket, "We have refunded you.", actor=people.agent)
        raise RuntimeError("whatever ran after the reply in the same request failed")
    assert not OutboundEmail.objects.filter(ticket=ticket).exists()
    assert not ticket.messages.filter(kind="reply").exists()


def test_a_reply_has_its_email_queued_before_its_transaction_commits(people):
    ticket = make_ticket(people.customer)
    with transaction.atomic():
        message = actions.do_reply(ticket, "We have refunded you.", actor=people.agent)
        # Written by mail's after-reply effect inside the reply's transaction: a crash between
        # the commit and any later step cannot leave a committed reply unsent.
        [email] = OutboundEmail.objects.filter(ticket_message=message)
    assert email.to == [people.customer.email]


def test_every_app_still_describes_its_own_events_in_the_timeline(people):
    said = {
        kind: str(describe(AuditEvent(kind=kind, actor=people.lead, after=after)))
        for kind, after in [
            ("automation.rule_fired", {"rule": "macro Refund"}),  # automation, before the generic label
            ("escalation.taken", None),  # collab
            ("policy.exception_approved", None),  # policies
            ("wellbeing.break_suggested", None),  # wellbeing
            ("ticket.note_added", None),  # tickets' own kinds keep their labels
            ("commitment.done", None),
        ]
    }
    assert said == {
        "automation.rule_fired": "used the macro “Refund”",
        "escalation.taken": "took the escalation",
        "policy.exception_approved": "approved the exception",
        "wellbeing.break_suggested": "suggested a break",
        "ticket.note_added": "added a note",
        "commitment.done": "marked a promise as kept",
    }
