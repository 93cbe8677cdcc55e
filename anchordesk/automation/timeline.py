"""How SLA, automation and CSAT events read in a ticket's timeline (after the actor's name)."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

from anchordesk.core.models import AuditEvent

_TIMER_LABELS = {"first_response": "first response", "next_reply": "next reply", "resolution": "resolution"}


def describe_event(event: AuditEvent) -> SafeString | None:
    after = event.after if isinstance(event.after, dict) else {}
    if event.kind == "automation.rule_fired":
        return format_html("ran the rule “{}”", after.get("rule", "?"))
    if event.kind == "ticket.auto_replied":
        return format_html("emailed the customer for the rule “{}”", after.get("rule", "?"))
    if event.kind in ("sla.warning", "sla.breach"):
        target = _TIMER_LABELS.get(str(after.get("kind")), str(after.get("kind")))
        if event.kind == "sla.warning":
            return format_html("warned that the {} target is due soon ({})", target, after.get("policy", ""))
        return format_html("recorded a breach of the {} target ({})", target, after.get("policy", ""))
    if event.kind == "csat.rated":
        rating = "good" if after.get("rating") == "good" else "bad"
        comment = after.get("comment") or ""
        if comment:
            return format_html("rated the help {}: “{}”", rating, comment)
        return format_html("rated the help {}", rating)
    return None
