"""How policy events read in the ticket timeline (used by tickets' describe())."""

from __future__ import annotations

from typing import Any

from anchordesk.core.models import AuditEvent
from anchordesk.policies.choices import DecisionOutcome, PolicyEvent

_OUTCOMES = {o.value: str(o.label).lower() for o in DecisionOutcome}


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def describe_event(event: AuditEvent) -> str | None:
    """A sentence without its actor, e.g. "decided a request under Refunds v2: not allowed";
    None when the event is not a policy event on a ticket."""
    after, note = event.after, event.note
    if event.kind == PolicyEvent.DECIDED:
        outcome = _OUTCOMES.get(str(_get(after, "outcome")), str(_get(after, "outcome")))
        limit = _get(after, "limit")
        return f"decided a request under {_get(after, 'policy')} v{_get(after, 'version')}: {outcome}" + (
            f" ({limit})" if limit and _get(after, "outcome") == DecisionOutcome.ALLOWED_UP_TO else ""
        )
    if event.kind == PolicyEvent.EXCEPTION_REQUESTED:
        what = _get(after, "reason_label") or _get(after, "reason")
        amount = _get(after, "amount")
        subject = f"an exception to {_get(after, 'policy')}: {what}" + (f", {amount}" if amount else "")
        if _get(after, "state") == "granted":
            return f"granted {subject}"
        needs = "an admin" if _get(after, "needs") == "admin" else "a lead"
        return f"asked {needs} for {subject}" + (f" ({note})" if note else "")
    if event.kind == PolicyEvent.EXCEPTION_APPROVED:
        return "approved the exception" + (f" — {note}" if note else "")
    if event.kind == PolicyEvent.EXCEPTION_DECLINED:
        return "declined the exception" + (f" — {note}" if note else "")
    if event.kind == PolicyEvent.APPROVAL_PASSED_ON:
        return "passed the exception on to an admin" + (f" ({note})" if note else "")
    return None
