"""Changing SLA configuration: business calendars and policies. Atomic and audited.

Timers are moved by ticket events (timers.on_ticket_event) and the scan, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet

from anchordesk import business_clock as clock
from anchordesk.accounts.choices import Tier
from anchordesk.accounts.models import Organization, Team, User
from anchordesk.core.audit import record_event
from anchordesk.sla.choices import SlaEvent
from anchordesk.sla.models import BusinessCalendar, SlaPolicy
from anchordesk.tickets.choices import Channel, Priority

_M = TypeVar("_M", bound=models.Model)


def _others(queryset: QuerySet[_M], instance: _M | None) -> QuerySet[_M]:
    """The queryset without the object being edited (nothing to leave out for a new one)."""
    return queryset if instance is None else queryset.exclude(pk=instance.pk)


def _require_lead(actor: User) -> None:
    if not actor.is_lead:
        raise ValidationError({"actor": "Only leads and admins change SLA settings."})


@dataclass
class CalendarData:
    name: str
    timezone: str
    hours: dict[str, list[list[str]]]
    holidays: list[str] = field(default_factory=list)
    is_default: bool = False
    teams: Sequence[Team] = ()


@transaction.atomic
def do_save_calendar(
    data: CalendarData, *, actor: User, calendar: BusinessCalendar | None = None
) -> BusinessCalendar:
    """Create or change a business calendar. Running timers keep the hours they started with
    until their ticket's policy is re-selected."""
    _require_lead(actor)
    errors: dict[str, list[str]] = {}
    name = (data.name or "").strip()
    if not name:
        errors.setdefault("name", []).append("A name is required.")
    elif _others(BusinessCalendar.objects.filter(name__iexact=name), calendar).exists():
        errors.setdefault("name", []).append("Another calendar has this name.")
    try:
        checked = clock.BusinessCalendar.from_dict(
            {"tz": data.timezone, "hours": data.hours, "holidays": data.holidays}
        )
    except ValueError as exc:
        errors.setdefault("hours", []).append(str(exc))
        checked = None
    taken = _others(
        BusinessCalendar.objects.filter(teams__in=[t.pk for t in data.teams]), calendar
    ).values_list("teams__name", "name")
    chosen = {t.name for t in data.teams}
    for team_name, other in taken:
        if team_name in chosen:
            errors.setdefault("teams", []).append(f"{team_name} already follows the calendar {other}.")
    if errors:
        raise ValidationError(errors)
    assert checked is not None
    stored = checked.to_dict()
    before = None if calendar is None else {"name": calendar.name, **calendar.as_dict()}
    if data.is_default:
        _others(BusinessCalendar.objects.filter(is_default=True), calendar).update(is_default=False)
    calendar = calendar or BusinessCalendar()
    calendar.name = name
    calendar.timezone = stored["tz"]
    calendar.hours = stored["hours"]
    calendar.holidays = stored["holidays"]
    calendar.is_default = data.is_default
    calendar.save()
    calendar.teams.set(data.teams)
    record_event(
        SlaEvent.CALENDAR_SAVED,
        actor=actor,
        obj=calendar,
        before=before,
        after={
            "name": calendar.name,
            **calendar.as_dict(),
            "teams": sorted(chosen),
            "default": data.is_default,
        },
    )
    return calendar


@dataclass
class PolicyData:
    name: str
    first_response_minutes: int | None = None
    next_reply_minutes: int | None = None
    resolution_minutes: int | None = None
    business_hours: bool = True
    calendar: BusinessCalendar | None = None
    warn_percent: int = 75
    position: int = 0
    active: bool = True
    description: str = ""
    priorities: Sequence[int] = ()
    tiers: Sequence[str] = ()
    channels: Sequence[str] = ()
    organizations: Sequence[Organization] = ()
    teams: Sequence[Team] = ()


def _check_policy(data: PolicyData, policy: SlaPolicy | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field_name: str, reason: str) -> None:
        errors.setdefault(field_name, []).append(reason)

    name = (data.name or "").strip()
    if not name:
        add("name", "A name is required.")
    elif len(name) > 80:
        add("name", "At most 80 characters.")
    elif _others(SlaPolicy.objects.filter(name__iexact=name), policy).exists():
        add("name", "Another policy has this name.")
    targets = {
        "first_response_minutes": data.first_response_minutes,
        "next_reply_minutes": data.next_reply_minutes,
        "resolution_minutes": data.resolution_minutes,
    }
    for key, value in targets.items():
        if value is not None and not 1 <= value <= 525_600:
            add(key, "A target is between 1 minute and 365 days (525600 minutes).")
    if all(v is None for v in targets.values()):
        add("first_response_minutes", "Set at least one target.")
    if not 0 <= data.warn_percent <= 99:
        add("warn_percent", "Warn at 1 to 99 percent of the target, or 0 for no warning.")
    if bad := [p for p in data.priorities if p not in Priority.values]:
        add("priorities", f"Unknown priorities: {bad}.")
    if bad_tiers := [t for t in data.tiers if t not in Tier.values]:
        add("tiers", f"Unknown tiers: {bad_tiers}.")
    if bad_channels := [c for c in data.channels if c not in Channel.values]:
        add("channels", f"Unknown channels: {bad_channels}.")
    if data.calendar is not None and not data.business_hours:
        add("calendar", "A calendar only applies to business-time targets.")
    return errors


@transaction.atomic
def do_save_policy(data: PolicyData, *, actor: User, policy: SlaPolicy | None = None) -> SlaPolicy:
    """Create or change an SLA policy. New tickets and re-selections use it from now on."""
    _require_lead(actor)
    errors = _check_policy(data, policy)
    if errors:
        raise ValidationError(errors)
    before = None if policy is None else _policy_ref(policy)
    policy = policy or SlaPolicy()
    policy.name = data.name.strip()
    policy.description = (data.description or "").strip()[:300]
    policy.position = data.position
    policy.active = data.active
    policy.priorities = sorted({int(p) for p in data.priorities})
    policy.tiers = sorted(set(data.tiers))
    policy.channels = sorted(set(data.channels))
    policy.first_response_minutes = data.first_response_minutes
    policy.next_reply_minutes = data.next_reply_minutes
    policy.resolution_minutes = data.resolution_minutes
    policy.business_hours = data.business_hours
    policy.calendar = data.calendar
    policy.warn_percent = data.warn_percent
    policy.save()
    policy.organizations.set(data.organizations)
    policy.teams.set(data.teams)
    record_event(SlaEvent.POLICY_SAVED, actor=actor, obj=policy, before=before, after=_policy_ref(policy))
    return policy


def _policy_ref(policy: SlaPolicy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "position": policy.position,
        "active": policy.active,
        "priorities": policy.priorities,
        "tiers": policy.tiers,
        "channels": policy.channels,
        "organizations": sorted(policy.organizations.values_list("pk", flat=True)),
        "teams": sorted(policy.teams.values_list("pk", flat=True)),
        "first_response_minutes": policy.first_response_minutes,
        "next_reply_minutes": policy.next_reply_minutes,
        "resolution_minutes": policy.resolution_minutes,
        "business_hours": policy.business_hours,
        "calendar": policy.calendar_id,
        "warn_percent": policy.warn_percent,
    }
