"""Upgrading past issue 14: promises stored as "commitments" come through with their history.

recovery 0003 renames the model (table, the recovery step's link, indexes) and 0004 rewrites the
stored words: audit events, triggers listening for a missed promise and the scan's job health.
Going back restores the old words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from anchordesk.automation.models import Trigger
from anchordesk.core.models import AuditEvent, JobHealth
from anchordesk.recovery.choices import RecoveryEvent
from anchordesk.recovery.models import Promise, RecoveryStep
from anchordesk.tickets.templatetags.ticket_tags import describe
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("recovery", "0002_temperature")]
AFTER = [("recovery", "0004_promise_history")]
DUE = datetime(2030, 1, 8, 17, 0, tzinfo=UTC)


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _old_apps(executor: MigrationExecutor) -> Apps:
    # Every other app at its latest, recovery before the rename (as the database is now).
    nodes = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "recovery"]
    return executor.loader.project_state([*nodes, *BEFORE]).apps


def test_promises_and_their_history_read_the_same_after_the_upgrade_and_back(people):
    ticket = make_ticket(people.customer, assignee=people.agent)
    old = _old_apps(_migrate(BEFORE))
    try:
        Commitment = old.get_model("recovery", "Commitment")
        Mistake = old.get_model("recovery", "Mistake")
        Step = old.get_model("recovery", "RecoveryStep")
        Event = old.get_model("core", "AuditEvent")
        OldTrigger = old.get_model("automation", "Trigger")
        Health = old.get_model("core", "JobHealth")
        kept = Commitment.objects.create(
            ticket_id=ticket.pk, owner_id=people.agent.pk, action="refund the second charge", due_at=DUE
        )
        mistake = Mistake.objects.create(
            ticket_id=ticket.pk,
            logged_by_id=people.agent.pk,
            category="billing_error",
            what_happened="Charged twice",
            impact="Paid twice",
            why_it_made_sense="The retry looked failed",
        )
        Step.objects.create(mistake_id=mistake.pk, kind="fix", position=2, commitment_id=kept.pk)
        after = {"action": "refund the second charge", "due_at": DUE.isoformat(), "state": "open"}
        ids = [
            Event.objects.create(
                kind=kind,
                actor_id=people.agent.pk,
                ticket_id=ticket.pk,
                object_type="commitment" if kind.startswith("commitment.") else "message",
                object_id=kept.pk,
                after=after,
            ).pk
            for kind in ("commitment.added", "commitment.kept", "commitment.missed", "ticket.replied")
        ]
        OldTrigger.objects.create(name="Tell the lead", events=["commitment.missed", "sla.breach"])
        Health.objects.create(name="commitment-scan", runs=42)

        _migrate(AFTER)

        promise = Promise.objects.get(pk=kept.pk)
        assert (promise.action, promise.due_at, promise.owner_id) == (
            "refund the second charge",
            DUE,
            people.agent.pk,
        )
        assert list(ticket.promises.all()) == [promise] and list(people.agent.promises.all()) == [promise]
        assert RecoveryStep.objects.get(kind="fix").promise == promise
        events = AuditEvent.objects.filter(pk__in=ids).order_by("pk")
        assert [(e.kind, e.object_type) for e in events] == [
            (RecoveryEvent.PROMISE_ADDED, "promise"),
            (RecoveryEvent.PROMISE_KEPT, "promise"),
            (RecoveryEvent.PROMISE_MISSED, "promise"),
            ("ticket.replied", "message"),
        ]
        # The timeline tells the old event as it tells a new one.
        assert str(describe(events[0])).startswith("recorded a promise: refund the second charge, due ")
        assert Trigger.objects.get().events == ["promise.missed", "sla.breach"]
        assert JobHealth.objects.get().name == "promise-scan" and JobHealth.objects.get().runs == 42

        _migrate(BEFORE)
        assert sorted(Event.objects.filter(pk__in=ids).values_list("kind", flat=True)) == [
            "commitment.added",
            "commitment.kept",
            "commitment.missed",
            "ticket.replied",
        ]
        assert Commitment.objects.get().action == "refund the second charge"
        assert Step.objects.get(kind="fix").commitment_id == kept.pk
        assert OldTrigger.objects.get().events == ["commitment.missed", "sla.breach"]
        assert Health.objects.get().name == "commitment-scan"
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("recovery"))
