"""What the foundation asks of the apps above it (core/registry.py) still happens where it must:
the reply's email in the reply's own transaction, the timeline sentences of every app."""

from __future__ import annotations

import pytest
from django.db import transaction

from anchordesk.collab.actions import do_open_handoff
from anchordesk.collab.models import HandoffComment
from anchordesk.core import registry
from anchordesk.core.models import AuditEvent
from anchordesk.mail.addresses import handoff_reply_address, handoff_subject_token
from anchordesk.mail.ingest import process_inbound, store_raw
from anchordesk.mail.models import InboundState, OutboundEmail, Source
from anchordesk.tickets import actions
from anchordesk.tickets.models import Ticket
from anchordesk.tickets.templatetags.ticket_tags import describe
from tests.factories import make_ticket
from tests.mail.mailfactory import raw_email

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
            ("promise.kept", {"late": True}),  # recovery
        ]
    }
    assert said == {
        "automation.rule_fired": "used the macro “Refund”",
        "escalation.taken": "took the escalation",
        "policy.exception_approved": "approved the exception",
        "wellbeing.break_suggested": "suggested a break",
        "ticket.note_added": "added a note",
        "promise.kept": "kept a promise, later than said",
    }


def test_every_question_the_foundation_asks_has_an_app_answering_it():
    # An app whose ready() stopped registering would leave the foundation's question unanswered:
    # no invitation email, no offboarding, no handoff answers by email, no escalation facts.
    points = {
        name: point
        for name, point in vars(registry).items()
        if isinstance(point, registry.ExtensionPoint | registry.NamedExtensionPoint)
    }
    unanswered = [
        point.name
        for point in points.values()
        if isinstance(point, registry.ExtensionPoint) and len(point) == 0
    ]
    assert len(points) >= 16 and not unanswered


def test_an_automatic_reply_to_a_handoff_email_is_set_aside_and_is_neither_a_comment_nor_a_ticket(people):
    ticket = make_ticket(people.customer)
    handoff = do_open_handoff(
        ticket,
        actor=people.agent,
        team=people.engineering,
        subject="Sync fails",
        needed="Check the sync logs",
        external_email="dev@contractor.test",
    )
    out_of_office = raw_email(
        sender="Dev <dev@contractor.test>",
        to=handoff_reply_address(handoff.pk),
        subject=f"Out of office: Sync fails {handoff_subject_token(handoff.pk)}",
        body="I am away until Monday.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    inbound, _ = store_raw(out_of_office, source=Source.PIPE)
    inbound = process_inbound(inbound.pk)
    assert inbound.state == InboundState.IGNORED
    assert f"automatic reply to handoff #{handoff.pk}" in inbound.reason
    assert not HandoffComment.objects.filter(handoff=handoff).exists()
    assert Ticket.objects.count() == 1
