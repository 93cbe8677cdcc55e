"""The demo help desk's SLA and automation setup.

Everything goes through the same actions as the settings pages. The business calendar and
SLA policies are loaded before the ticket history (`load_sla_demo`), so every ticket's timers
run on the story's clock; triggers, macros and assignment after it (`load_automation_demo`),
so they do not rewrite the scripted history. Open tickets get any missing timers and a first
scan records what the history already breached (in the demo's history mode, so no email goes out).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from anchordesk.accounts.models import Team, User
from anchordesk.automation.actions import (
    do_save_assignment,
    do_save_macro,
    do_save_time_rule,
    do_save_trigger,
)
from anchordesk.automation.choices import Strategy
from anchordesk.automation.models import Macro, Trigger
from anchordesk.sla import timers as sla_timers
from anchordesk.sla.actions import CalendarData, PolicyData, do_save_calendar, do_save_policy
from anchordesk.sla.choices import SlaEvent
from anchordesk.sla.models import SlaPolicy
from anchordesk.tickets.choices import ACTIVE_STATUSES, EventKind, Priority
from anchordesk.tickets.models import Ticket

WEEKDAYS = {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}

MACROS: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "Refund on its way",
        "Hi {{customer.first_name}},\n\nI'm sorry we charged you wrongly, and I understand how annoying "
        "that is. I have refunded the charge on ticket #{{ticket.number}}; it reaches your account within "
        "5 working days, and I'll check within 6 working days that it arrived.\n\n{{agent.first_name}}",
        [{"type": "add_tags", "value": ["refund"]}],
    ),
    (
        "Need more details",
        "Hi {{customer.first_name}},\n\nThank you for writing. So I can fix this quickly, could you send "
        "the order number and a photo of the label? Once I have them, I'll answer within 1 working day.\n\n"
        "{{agent.first_name}}",
        [{"type": "set_status", "value": "pending"}],
    ),
    (
        "Outage update",
        "Hi {{customer.first_name}},\n\nI'm sorry your service is down, and I understand how disruptive "
        "that is. There is an outage in your area and our network team is on it. I'll write to you as soon "
        "as service is back, and by 18:00 today at the latest.\n\n{{agent.first_name}}",
        [{"type": "add_tags", "value": ["outage"]}],
    ),
]

# Emailed by the "Remind after 3 days pending" time rule.
PENDING_REMINDER = (
    "Hi {{customer.first_name}}, we are still waiting for your answer on #{{ticket.number}}. "
    "Reply to this email and we'll pick it up within 1 working day."
)


def load_sla_demo(*, admin: User) -> None:
    """Office hours (weekdays 08:00-18:00 UTC) and two SLA policies, unless SLAs are set up already."""
    if SlaPolicy.objects.exists():
        return  # someone configured this desk already: leave their setup alone
    calendar = do_save_calendar(
        CalendarData(name="Office hours", timezone="UTC", hours=WEEKDAYS, is_default=True), actor=admin
    )
    do_save_policy(
        PolicyData(
            name="Urgent",
            position=1,
            priorities=[Priority.URGENT],
            first_response_minutes=60,
            next_reply_minutes=120,
            resolution_minutes=8 * 60,
            calendar=calendar,
        ),
        actor=admin,
    )
    do_save_policy(
        PolicyData(
            name="Standard",
            position=10,
            first_response_minutes=8 * 60,
            next_reply_minutes=8 * 60,
            resolution_minutes=5 * 10 * 60,
            calendar=calendar,
        ),
        actor=admin,
    )


def load_automation_demo(*, admin: User, lead: User) -> None:
    load_sla_demo(admin=admin)
    if Trigger.objects.exists() or Macro.objects.exists():
        return  # someone configured this desk already: leave their setup alone
    do_save_trigger(
        actor=admin,
        name="Outages are urgent",
        events=[EventKind.CREATED],
        conditions={
            "any": [{"field": "subject", "op": "contains", "value": value} for value in ("outage", "down")]
        },
        actions=[
            {"type": "set_priority", "value": Priority.URGENT},
            {"type": "add_tags", "value": ["outage"]},
        ],
    )
    do_save_trigger(
        actor=admin,
        name="Breaches go to the lead",
        events=[SlaEvent.BREACH],
        conditions={"all": [{"field": "priority", "op": "is", "value": Priority.URGENT}]},
        actions=[{"type": "add_note", "value": "Urgent ticket past its SLA: the lead takes a look."}],
    )
    do_save_time_rule(
        actor=admin,
        name="Remind after 3 days pending",
        conditions={
            "all": [
                {"field": "status", "op": "is", "value": "pending"},
                {"field": "hours_since_customer_message", "op": "gt", "value": 72},
            ]
        },
        actions=[{"type": "email_customer", "value": PENDING_REMINDER}],
    )
    for name, body, actions in MACROS:
        do_save_macro(actor=lead, name=name, body=body, actions=actions)
    support = Team.objects.filter(name="Support").first()
    if support is not None:
        do_save_assignment(support, Strategy.LEAST_LOADED, actor=admin)
    now = timezone.now()
    for ticket in Ticket.objects.filter(status__in=ACTIVE_STATUSES).select_related("customer__organization"):
        sla_timers.do_ensure_timers(ticket, now)
    sla_timers.do_scan(now)
