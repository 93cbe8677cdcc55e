"""Time rules, run on a schedule by the worker."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from anchordesk.automation.conditions import matches
from anchordesk.automation.engine import do_apply_actions, ticket_facts
from anchordesk.automation.models import TimeRule, TimeRuleFiring
from anchordesk.tickets.choices import ACTIVE_STATUSES
from anchordesk.tickets.models import Ticket


def run_time_rules(*, batch: int = 2000) -> dict[str, int]:
    """Apply each active time rule to the active tickets that match it now, once while they match.

    A rule acts on a ticket once, then not again while its conditions keep holding: "pending
    for 3 days → remind the customer" reminds once, not every five minutes. When a later
    pass finds the conditions no longer hold (the customer answered, the reminder touched
    the ticket), the rule is armed again for that ticket.

    A firing is claimed by inserting (rule, ticket) under a unique constraint, so two
    workers running the scan at once never apply one rule twice.
    """
    fired: dict[str, int] = {}
    rules = list(TimeRule.objects.filter(active=True))
    if not rules:
        return fired
    done = set(TimeRuleFiring.objects.filter(rule__in=rules).values_list("rule_id", "ticket_id"))
    tickets = (
        Ticket.objects.filter(status__in=ACTIVE_STATUSES)
        .select_related("customer__organization")
        .prefetch_related("tags")  # one query per chunk, not one per ticket
    )
    for ticket in tickets.order_by("pk").iterator(chunk_size=batch):
        facts = ticket_facts(ticket, "time")
        for rule in rules:
            key = (rule.pk, ticket.pk)
            if not matches(rule.conditions, facts):
                if key in done:
                    TimeRuleFiring.objects.filter(rule=rule, ticket=ticket).delete()  # armed again
                    done.discard(key)
                continue
            if key in done:
                continue  # acted already while these conditions hold
            try:
                with transaction.atomic():
                    TimeRuleFiring.objects.create(rule=rule, ticket=ticket, ticket_version=ticket.version)
                    do_apply_actions(ticket, rule.actions, rule_name=f"time rule {rule.name}")
            except IntegrityError:
                continue  # another worker acted first
            done.add(key)
            fired[rule.name] = fired.get(rule.name, 0) + 1
            ticket.refresh_from_db()
            facts = ticket_facts(ticket, "time")
    return fired
