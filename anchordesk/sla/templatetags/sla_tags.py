"""Template helpers for SLA time left: `{% load sla_tags %}`.

- `{% sla_timers ticket %}` renders the ticket sidebar card (sla/partials/_ticket_timers.html);
- `{% sla_cell sla ticket %}` renders the inbox badge, where `sla` is
  `anchordesk.sla.queries.sla_for_tickets(page.tickets)`, put in the inbox context by
  sla.extensions.sla_rows (an inbox-rows extension point, core/registry.py).
"""

from __future__ import annotations

from typing import Any

from django import template

from anchordesk.sla.choices import TimerKind
from anchordesk.sla.forms import DAY_LABELS, format_day
from anchordesk.sla.models import BusinessCalendar, SlaPolicy
from anchordesk.sla.queries import TimerSummary, timers_for_ticket
from anchordesk.tickets.choices import Channel, Priority
from anchordesk.tickets.models import Ticket

register = template.Library()


def _span(total_minutes: float, *, days_too: bool = True) -> str:
    minutes = int(round(total_minutes))
    days, rest = divmod(minutes, 1440) if days_too else (0, minutes)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} m" if mins else f"{hours} h"
    return f"{mins} m"


@register.filter
def sla_duration(seconds: float | None) -> str:
    """Wall-clock time as '2 d 18 h', '1 h 5 m', '4 m'."""
    if seconds is None:
        return ""
    return _span(max(seconds, 0) / 60)


@register.filter
def sla_overdue(seconds: float | None) -> str:
    return "" if seconds is None else _span(abs(min(seconds, 0)) / 60)


@register.filter
def sla_business_left(minutes: float | None) -> str:
    if minutes is None:
        return ""
    # Business time: a "day" of it would read as 24 working hours, so hours it is.
    if minutes < 0:
        return f"{_span(-minutes, days_too=False)} over"
    return f"{_span(minutes, days_too=False)} left"


@register.filter
def sla_minutes(minutes: int | None) -> str:
    return "—" if minutes is None else _span(minutes)


@register.filter
def sla_percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


@register.filter
def sla_kind(kind: str) -> str:
    return str(TimerKind(kind).label) if kind in TimerKind.values else kind


@register.simple_tag
def sla_conditions(policy: SlaPolicy) -> str:
    parts = []
    if policy.priorities:
        parts.append("priority " + "/".join(str(Priority(p).label).lower() for p in policy.priorities))
    if policy.tiers:
        parts.append("tier " + "/".join(policy.tiers))
    if policy.channels:
        parts.append("channel " + "/".join(str(Channel(c).label) for c in policy.channels))
    organizations = [o.name for o in policy.organizations.all()]
    if organizations:
        parts.append("organization " + ", ".join(organizations))
    teams = [t.name for t in policy.teams.all()]
    if teams:
        parts.append("team " + ", ".join(teams))
    return "; ".join(parts) or "every ticket"


@register.simple_tag
def sla_hours(calendar: BusinessCalendar) -> str:
    days = [
        f"{label[:3]} {format_day(calendar.hours[day])}"
        for day, label in DAY_LABELS.items()
        if calendar.hours.get(day)
    ]
    return "; ".join(days) or "closed"


@register.inclusion_tag("sla/partials/_ticket_timers.html")
def sla_timers(ticket: Ticket) -> dict[str, Any]:
    return {"ticket": ticket, "timers": timers_for_ticket(ticket)}


@register.inclusion_tag("sla/partials/_time_left.html")
def sla_cell(sla: dict[int, TimerSummary] | None, ticket: Ticket) -> dict[str, Any]:
    return {"summary": (sla or {}).get(ticket.pk)}
