"""Time rules, run on a schedule by the worker."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from anchordesk.automation.conditions import matches
from anchordesk.automation.models import TimeRule, TimeRuleFiring
from anchordesk.automation.services import apply_actions, ticket_facts
from anchordesk.tickets.choices import ACTIVE_STATUSES
from anchordesk.tickets.models import Ticket


def run_time_rules(*, batch: int = 2000) -> dict[str, int]:
    """Apply each active time rule once to every active ticket that matches it now.

    A firing is claimed by inserting (rule, ticket, version) under a unique constraint, so
    two workers running the scan at once never apply one rule twice to the same ticket state.
    """
    fired: dict[str, int] = {}
    rules = list(TimeRule.objects.filter(active=True))
    if not rules:
        return fired
    tickets = (
        Ticket.objects.filter(status__in=ACTIVE_STATUSES)
        .select_related("customer__organization")
        .prefetch_related("tags")  # one query per chunk, not one per ticket
    )
    for ticket in tickets.order_by("pk").iterator(chunk_size=batch):
        facts = ticket_facts(ticket, "time")
        for rule in rules:
            if not matches(rule.conditions, facts):
                continue
            try:
                with transaction.atomic():
                    TimeRuleFiring.objects.create(rule=rule, ticket=ticket, ticket_version=ticket.version)
                    apply_actions(ticket, rule.actions, rule_name=f"time rule {rule.name}")
            except IntegrityError:
                continue  # already fired for this state of the ticket, here or on another worker
            fired[rule.name] = fired.get(rule.name, 0) + 1
            ticket.refresh_from_db()
            facts = ticket_facts(ticket, "time")
    return fired
