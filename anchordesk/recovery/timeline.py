"""How the ticket timeline says what recovery did: promises and recovery plans in words, with the
promise itself where the event carries it ("recorded a promise: refund the second charge, due
Tue 8 Dec, 17:00"), instead of "promise: added"."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.dateparse import parse_datetime

from anchordesk.core.models import AuditEvent
from anchordesk.recovery.choices import GestureKind, MistakeCategory, Outcome, RecoveryEvent, StepKind

_PLAIN: dict[str, str] = {
    RecoveryEvent.PROMISE_MISSED: "noticed a promise passed its due time",
    RecoveryEvent.PROMISE_REMINDER: "sent a reminder about a promise",
    RecoveryEvent.MISTAKE_RECOVERED: "completed a recovery plan",
    RecoveryEvent.MISTAKE_REVIEWED: "reviewed the mistake",
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
    if kind in (RecoveryEvent.PROMISE_ADDED, RecoveryEvent.PROMISE_UPDATED):
        verb = "recorded a promise" if kind == RecoveryEvent.PROMISE_ADDED else "changed a promise"
        action = str(after.get("action") or "").strip()
        return f"{verb}: {action}{_due(after.get('due_at'))}" if action else verb
    if kind == RecoveryEvent.PROMISE_KEPT:
        return "kept a promise, later than said" if after.get("late") else "kept a promise"
    if kind == RecoveryEvent.PROMISE_DROPPED:
        return f"dropped a promise{note}"
    if kind == RecoveryEvent.PROMISE_MOVED:
        return f"moved a promise to #{after['ticket']}" if after.get("ticket") else "moved a promise"
    if kind == RecoveryEvent.PROMISE_HANDED_OVER:
        return f"handed over a promise{note}"
    if kind == RecoveryEvent.MISTAKE_LOGGED:
        return f"logged a mistake: {_label(MistakeCategory, after.get('category'))}"
    if kind == RecoveryEvent.STEP_DONE:
        return f"completed the recovery step “{_label(StepKind, after.get('step'))}”"
    if kind == RecoveryEvent.GESTURE:
        amount = f" of {after['amount']}" if after.get("amount") else ""
        return f"made good: {_label(GestureKind, after.get('kind'))}{amount}"
    if kind == RecoveryEvent.MISTAKE_OUTCOME:
        said = {str(Outcome.STAYED): "stayed", str(Outcome.LEFT): "left"}.get(str(after.get("outcome")))
        return f"recorded that the customer {said}" if said else "recorded the outcome"
    return None
