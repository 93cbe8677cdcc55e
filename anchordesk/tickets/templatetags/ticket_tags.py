"""Template helpers for the agent UI: `{% load ticket_tags %}`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from anchordesk.core.models import AuditEvent
from anchordesk.core.registry import describe_by_apps
from anchordesk.tickets.choices import EventKind, Priority, Status

register = template.Library()

# Events that the timeline already shows as the message itself.
MESSAGE_EVENTS = {EventKind.CREATED, EventKind.REPLIED, EventKind.NOTE_ADDED, EventKind.CUSTOMER_MESSAGE}

_OTHER_KINDS = {
    "customer.abuse": "flagged abusive language in the customer's message",
    "customer.manager_requested": "noticed the customer asked for a manager",
    "customer.hostile": "noticed hostile language in the customer's message",
    "customer.thanks": "noticed the customer's thanks",
    "mistake.logged": "logged a mistake",
    "mistake.recovered": "completed a recovery plan",
    "automation.rule_fired": "ran an automation rule",
}


@register.filter
def ago(value: datetime | None) -> str:
    """A short relative time: "just now", "5 min ago", "3 h ago", "2 d ago", then the date."""
    if value is None:
        return ""
    delta = timezone.now() - value
    seconds = int(delta.total_seconds())
    if seconds < 45:
        return "just now"
    if seconds < 3600:
        return f"{max(seconds // 60, 1)} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    if delta < timedelta(days=7):
        return f"{delta.days} d ago"
    local = timezone.localtime(value)
    return (
        local.strftime("%-d %b") if local.year == timezone.localtime().year else local.strftime("%-d %b %Y")
    )


@register.filter
def status_label(value: Any) -> str:
    return str(Status(value).label) if value in Status.values else str(value)


@register.filter
def priority_label(value: Any) -> str:
    return str(Priority(value).label) if value in Priority.values else str(value)


@register.filter
def priority_css(value: Any) -> str:
    return str(Priority(value).name).lower() if value in Priority.values else "normal"


@register.filter
def initials(name: str) -> str:
    parts = [p for p in str(name).replace("@", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@register.simple_tag
def inbox_url(query: Any, **overrides: Any) -> str:
    """The inbox URL for a query, with some parameters changed (a view, a cursor, a filter cleared)."""
    params = query.as_params(**overrides)
    return reverse("inbox") + ("?" + urlencode(params, doseq=True) if params else "")


@register.simple_tag
def list_url(query: Any, **overrides: Any) -> str:
    params = query.as_params(**overrides)
    return reverse("inbox-list") + ("?" + urlencode(params, doseq=True) if params else "")


def _ticket_link(number: Any) -> SafeString:
    try:
        pk = int(number)
    except (TypeError, ValueError):
        return format_html("{}", number)
    return format_html('<a href="{}">#{}</a>', reverse("ticket", args=[pk]), pk)


def _name(ref: Any) -> str:
    if isinstance(ref, dict):
        return str(ref.get("name") or f"#{ref.get('id')}")
    return "nobody" if ref is None else str(ref)


def _value(v: Any) -> str:
    if v is None or v == "":
        return "empty"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def describe(event: AuditEvent) -> SafeString:
    """What happened, in a sentence without its actor: "changed the status from New to Pending"."""
    kind, before, after = event.kind, event.before, event.after
    if kind == EventKind.STATUS:
        return format_html("changed the status from {} to {}", status_label(before), status_label(after))
    if kind == EventKind.PRIORITY:
        return format_html(
            "changed the priority from {} to {}", priority_label(before), priority_label(after)
        )
    if kind == EventKind.ASSIGNED:
        if after is None:
            return format_html("unassigned the ticket (was {})", _name(before))
        if isinstance(after, dict) and event.actor_id is not None and after.get("id") == event.actor_id:
            return (
                format_html("{}", "took the ticket")
                if before is None
                else format_html("took the ticket from {}", _name(before))
            )
        if before is None:
            return format_html("assigned the ticket to {}", _name(after))
        return format_html("reassigned the ticket from {} to {}", _name(before), _name(after))
    if kind == EventKind.TEAM:
        if after is None:
            return format_html("removed the team (was {})", _name(before))
        return format_html("moved the ticket to the {} team", _name(after))
    if kind == EventKind.TAGS:
        added = sorted(set(after or []) - set(before or []))
        removed = sorted(set(before or []) - set(after or []))
        parts = []
        if added:
            parts.append(format_html("added the tag{} {}", "s" if len(added) > 1 else "", ", ".join(added)))
        if removed:
            parts.append(
                format_html("removed the tag{} {}", "s" if len(removed) > 1 else "", ", ".join(removed))
            )
        return mark_safe(" and ".join(parts)) if parts else format_html("{}", "changed the tags")
    if kind == EventKind.SUBJECT:
        return format_html("changed the subject from “{}” to “{}”", before, after)
    if kind == EventKind.FIELDS:
        changes = [(k, _value(v)) for k, v in (after or {}).items() if (before or {}).get(k) != v] + [
            (k, "empty") for k in (before or {}) if k not in (after or {})
        ]
        return format_html(
            "changed {}", format_html_join(", ", "{} to {}", changes) if changes else "custom fields"
        )
    if kind == EventKind.MERGED:
        return format_html("merged {} into this ticket", _ticket_link((after or {}).get("from")))
    if kind == EventKind.MERGED_INTO:
        return format_html("merged this ticket into {}", _ticket_link((after or {}).get("into")))
    if kind == EventKind.LINKED:
        return format_html("linked {}", _ticket_link((after or {}).get("ticket")))
    if kind == EventKind.UNLINKED:
        return format_html("removed the link to {}", _ticket_link((before or {}).get("ticket")))
    if kind == "ticket.temperature":
        return format_html(
            "saw the temperature rise to {}{}", after, f" ({event.note})" if event.note else ""
        )
    # The apps above tickets describe their own kinds (automation, SLA, CSAT, handoffs, policies,
    # wellbeing), before the generic labels: "automation.rule_fired" says which rule ran.
    if (said := describe_by_apps(event)) is not None:
        return format_html("{}", said)
    if kind in EventKind.values:
        return format_html("{}", EventKind(kind).label)
    if kind in _OTHER_KINDS:
        return format_html("{}", _OTHER_KINDS[kind])
    return format_html("{}", kind.replace(".", ": ").replace("_", " "))


@register.simple_tag
def event_sentence(event: AuditEvent) -> SafeString:
    return format_html("<strong>{}</strong> {}", event.actor_name, describe(event))


@register.simple_tag
def view_count(counts: dict[str, int], key: str, oob: bool = False) -> SafeString:
    """A sidebar count badge; counts stop at 1000 because an exact big number helps nobody."""
    if key not in counts:
        return mark_safe("")
    n = counts[key]
    shown = "999+" if n >= 1000 else ("" if n == 0 else str(n))
    if oob:
        return format_html('<span class="count" id="count-{}" hx-swap-oob="true">{}</span>', key, shown)
    return format_html('<span class="count" id="count-{}">{}</span>', key, shown)
