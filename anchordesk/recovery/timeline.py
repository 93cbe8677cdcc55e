"""How the ticket timeline says what recovery did: promises and recovery plans in words, with the
promise itself where the event carries it ("recorded a promise: refund the second charge, due
Tue 8 Dec, 17:00"), instead of "commitment: added"."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.dateparse import parse_datetime

from anchordesk.core.models import AuditEvent
from anchordesk.recovery.choices import GestureKind, MistakeCategory, Outcome, StepKind

_PLAIN = {
    "commitment.missed": "noticed a promise passed its due time",
    "commitment.reminder": "sent a reminder about a promise",
    "mistake.recovered": "completed a recovery plan",
    "mistake.reviewed": "reviewed the mistake",
}


def _label(choices: type[GestureKind | MistakeCategory | StepKind], value: object) -> str:
    return str(choices(value).label).lower() if value in choices.values else str(value or "")


def _due(raw: object) -> str:
    when = parse_datetime(raw) if isinstance(raw, str) else None
    if not isinstance(when, datetime):
        return ""
    return f", due {format_date(timezone.localtime(when), 'D j M, H:i')}"


def describe_event(event: AuditEvent) -> str | None:
    """A sentence without its actor for recovery's events; None for every other kind."""
    kind, after = event.kind, event.after if isinstance(event.after, dict) else {}
    note = f" ({event.note})" if event.note else ""
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind in ("commitment.added", "commitment.updated"):
        verb = "recorded a promise" if kind == "commitment.added" else "changed a promise"
        action = str(after.get("action") or "").strip()
        return f"{verb}: {action}{_due(after.get('due_at'))}" if action else verb
    if kind == "commitment.kept":
        return "kept a promise, later than said" if after.get("late") else "kept a promise"
    if kind == "commitment.dropped":
        return f"dropped a promise{note}"
    if kind == "commitment.moved":
        return f"moved a promise to #{after['ticket']}" if after.get("ticket") else "moved a promise"
    if kind == "commitment.handed_over":
        return f"handed over a promise{note}"
    if kind == "mistake.logged":
        return f"logged a mistake: {_label(MistakeCategory, after.get('category'))}"
    if kind == "recovery.step_done":
        return f"completed the recovery step “{_label(StepKind, after.get('step'))}”"
    if kind == "recovery.gesture":
        amount = f" of {after['amount']}" if after.get("amount") else ""
        return f"made good: {_label(GestureKind, after.get('kind'))}{amount}"
    if kind == "mistake.outcome":
        said = {str(Outcome.STAYED): "stayed", str(Outcome.LEFT): "left"}.get(str(after.get("outcome")))
        return f"recorded that the customer {said}" if said else "recorded the outcome"
    return None
