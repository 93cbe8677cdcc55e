"""How SLA, automation and CSAT events read in a ticket's timeline (after the actor's name)."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString

from anchordesk.automation.choices import AutomationEvent
from anchordesk.core.models import AuditEvent
from anchordesk.sla.choices import SlaEvent
from anchordesk.tickets.choices import EventKind

_TIMER_LABELS = {"first_response": "first response", "next_reply": "next reply", "resolution": "resolution"}


def describe_event(event: AuditEvent) -> SafeString | None:
    after = event.after if isinstance(event.after, dict) else {}
    if event.kind == AutomationEvent.RULE_FIRED:
        rule = str(after.get("rule", "?"))
        if rule.startswith("macro "):
            return format_html("used the macro “{}”", rule.removeprefix("macro "))
        if rule.startswith("time rule "):
            return format_html("ran the time rule “{}”", rule.removeprefix("time rule "))
        return format_html("ran the rule “{}”", rule)
    if event.kind == AutomationEvent.ACTION_FAILED:
        found = after.get("action")
        action: dict[str, Any] = found if isinstance(found, dict) else {}
        return format_html(
            "could not {} ({})", str(action.get("type", "act")).replace("_", " "), after.get("error", "")
        )
    if event.kind == EventKind.AUTO_REPLIED:
        return format_html("emailed the customer for the rule “{}”", after.get("rule", "?"))
    if event.kind in (SlaEvent.WARNING, SlaEvent.BREACH):
        target = _TIMER_LABELS.get(str(after.get("kind")), str(after.get("kind")))
        if event.kind == SlaEvent.WARNING:
            return format_html("warned that the {} target is due soon ({})", target, after.get("policy", ""))
        return format_html("recorded a breach of the {} target ({})", target, after.get("policy", ""))
    if event.kind == AutomationEvent.CSAT_RATED:
        rating = "good" if after.get("rating") == "good" else "bad"
        comment = after.get("comment") or ""
        if comment:
            return format_html("rated the help {}: “{}”", rating, comment)
        return format_html("rated the help {}", rating)
    return None
