"""SLA timers on tickets: which policy applies, when each target falls due, and the scan.

Timers follow the ticket through its events (core/events.py), inside the transaction of
the change that moved them:

- created: first-response and resolution timers start at the ticket's creation;
- a customer message after the first response starts a next-reply timer;
- a public reply meets the first-response and next-reply timers;
- pending / on hold pauses every live timer, back to new or open resumes it, and the due
  time moves by the business time spent paused;
- solved meets the resolution timer; a reopen continues it, the solved stretch counted as
  a pause; closed or merged cancels what is left;
- a priority or team change re-selects the policy and recomputes due times from the start.

The scan (tasks.sla_scan, every minute) warns and breaches running timers whose moment
has passed. Each is claimed with a conditional UPDATE on (state, version), so two workers
never warn or breach one timer twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from anchordesk import business_clock as clock
from anchordesk.accounts.choices import Role, Tier
from anchordesk.accounts.models import User
from anchordesk.core.audit import record_event
from anchordesk.core.models import AuditEvent
from anchordesk.core.request_cache import hold_for_transaction, take_from_transaction
from anchordesk.core.snapshot import cached, config_snapshot
from anchordesk.mail.models import OutboundKind
from anchordesk.mail.outbox import do_queue_email
from anchordesk.sla.choices import LIVE_STATES, SlaEvent, TimerKind, TimerState
from anchordesk.sla.models import BusinessCalendar, SlaPolicy, SlaTimer
from anchordesk.tickets.choices import EventKind, Status
from anchordesk.tickets.models import Ticket

log = logging.getLogger(__name__)

PAUSING_STATUSES = frozenset({Status.PENDING, Status.ON_HOLD})
DONE_STATUSES = frozenset({Status.SOLVED, Status.CLOSED})
SCAN_BATCH = 500


# --- policy and calendar --------------------------------------------------------------


def policy_facts(ticket: Ticket) -> dict[str, Any]:
    """What an SLA policy's conditions test (automation's ticket_facts are what triggers test)."""
    organization = ticket.customer.organization if ticket.customer_id else None
    return {
        "priority": ticket.priority,
        "tier": organization.tier if organization else Tier.STANDARD,
        "organization": organization.pk if organization else None,
        "channel": ticket.channel,
        "team": ticket.team_id,
    }


def policy_matches(
    policy: SlaPolicy, facts: dict[str, Any], organization_ids: set[int], team_ids: set[int]
) -> bool:
    """Every condition the policy sets must hold; an empty condition matches anything."""
    return (
        (not policy.priorities or facts["priority"] in policy.priorities)
        and (not policy.tiers or facts["tier"] in policy.tiers)
        and (not policy.channels or facts["channel"] in policy.channels)
        and (not organization_ids or facts["organization"] in organization_ids)
        and (not team_ids or facts["team"] in team_ids)
    )


def get_policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The first active policy, by position, whose conditions the ticket meets."""
    facts = policy_facts(ticket)
    policies = cached("sla.policies", _active_policies)
    return next((p for p, orgs, teams in policies if policy_matches(p, facts, orgs, teams)), None)


def _active_policies() -> list[tuple[SlaPolicy, set[int], set[int]]]:
    """The active policies in order, each with the organizations and teams it is limited to:
    the two lists read in one statement (a UNION of the link tables) instead of one each."""
    policies = list(SlaPolicy.objects.filter(active=True))
    links: dict[tuple[int, str], set[int]] = {}
    if policies:
        ids = [p.pk for p in policies]
        organizations = (
            SlaPolicy.organizations.through.objects.filter(slapolicy_id__in=ids)
            .values_list("slapolicy_id", "organization_id", Value("organization"))
            .order_by()
        )
        teams = (
            SlaPolicy.teams.through.objects.filter(slapolicy_id__in=ids)
            .values_list("slapolicy_id", "team_id", Value("team"))
            .order_by()
        )
        for policy_id, other_id, link in organizations.union(teams, all=True):
            links.setdefault((policy_id, link), set()).add(other_id)
    return [(p, links.get((p.pk, "organization"), set()), links.get((p.pk, "team"), set())) for p in policies]


def get_calendar_for(policy: SlaPolicy, ticket: Ticket) -> BusinessCalendar | None:
    """The calendar business time is counted on: the policy's, the team's, or the default.

    None means calendar time (the policy asks for it, or no calendar is configured).
    """
    if not policy.business_hours:
        return None
    if policy.calendar_id is not None:
        return policy.calendar
    if ticket.team_id is None:
        return BusinessCalendar.objects.filter(is_default=True).first()
    # The team's calendars and the default ones in one statement (there are a handful), then pick.
    for_team = Exists(
        BusinessCalendar.teams.through.objects.filter(
            businesscalendar_id=OuterRef("pk"), team_id=ticket.team_id
        )
    )
    rows = list(
        BusinessCalendar.objects.annotate(for_team=for_team).filter(Q(for_team=True) | Q(is_default=True))
    )
    team_calendars = sorted((r for r in rows if r.for_team), key=lambda r: r.pk)
    defaults = [r for r in rows if r.is_default]  # in the model's order (by name), as .first() took it
    return team_calendars[0] if team_calendars else (defaults[0] if defaults else None)


# --- timer maths ----------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _parse(text: str) -> datetime:
    moment = parse_datetime(text)
    if moment is None:
        raise ValueError(f"bad pause time {text!r}")
    return moment


def timer_pauses(timer: SlaTimer) -> list[clock.Pause]:
    """Finished pauses plus the open one, in the clock's form."""
    pauses: list[clock.Pause] = [(_parse(start), _parse(end)) for start, end in timer.pauses]
    if timer.paused_since is not None:
        pauses.append((timer.paused_since, None))
    return pauses


def _warn_minutes(timer: SlaTimer) -> int | None:
    if not timer.warn_percent or timer.warn_percent >= 100:
        return None
    return timer.target_minutes * timer.warn_percent // 100


def recompute(timer: SlaTimer, now: datetime) -> None:
    """Due and warning moments from the start, the target and every pause so far."""
    if timer.state == TimerState.PAUSED:
        timer.due_at = timer.warn_at = None  # the clock is stopped: no due time until it resumes
        return
    if timer.state != TimerState.RUNNING:
        return
    calendar = timer.clock_calendar()
    pauses = timer_pauses(timer)
    timer.due_at = clock.due_after_pauses(timer.started_at, timer.target_minutes, pauses, calendar, now)
    warn = _warn_minutes(timer)
    timer.warn_at = (
        None if warn is None else clock.due_after_pauses(timer.started_at, warn, pauses, calendar, now)
    )


def business_minutes_left(timer: SlaTimer, now: datetime) -> float:
    """Target minus the business time used so far (negative when overdue)."""
    used = clock.time_used(timer.started_at, now, timer_pauses(timer), timer.clock_calendar())
    return timer.target_minutes - float(used)


def _save(timer: SlaTimer) -> None:
    timer.version += 1
    timer.save()


def _close_pause(timer: SlaTimer, now: datetime) -> None:
    if timer.paused_since is None:
        return
    start = timer.paused_since
    timer.pauses = [*timer.pauses, [_iso(start), _iso(max(now, start))]]
    timer.paused_total += clock.business_time_between(start, now, timer.clock_calendar())
    timer.paused_since = None


def _apply_policy(timer: SlaTimer, policy: SlaPolicy, calendar: BusinessCalendar | None) -> None:
    target = policy.target_minutes(timer.kind)
    assert target is not None
    timer.policy = policy
    timer.target_minutes = target
    timer.warn_percent = policy.warn_percent
    timer.calendar = calendar.as_dict() if calendar is not None else None


def _new_timer(
    ticket: Ticket,
    kind: str,
    policy: SlaPolicy,
    calendar: BusinessCalendar | None,
    started_at: datetime,
    now: datetime,
) -> SlaTimer:
    """A timer as it starts, not saved yet."""
    timer = SlaTimer(ticket=ticket, kind=kind, started_at=started_at)
    _apply_policy(timer, policy, calendar)
    if ticket.status in PAUSING_STATUSES:
        timer.state = TimerState.PAUSED
        timer.paused_since = now
    recompute(timer, now)
    return timer


def _start_timer(
    ticket: Ticket,
    kind: str,
    policy: SlaPolicy,
    calendar: BusinessCalendar | None,
    started_at: datetime,
    now: datetime,
) -> SlaTimer:
    timer = _new_timer(ticket, kind, policy, calendar, started_at, now)
    timer.save()
    return timer


def _pause(timer: SlaTimer, now: datetime) -> None:
    if timer.state != TimerState.RUNNING:
        return
    if timer.due_at is not None and timer.due_at <= now:
        # Overdue before the scan got to it: pausing must not hide the breach.
        do_breach(timer, now)
        return
    timer.state = TimerState.PAUSED
    timer.paused_since = now
    recompute(timer, now)
    _save(timer)


def _resume(timer: SlaTimer, now: datetime) -> None:
    if timer.state != TimerState.PAUSED:
        return
    _close_pause(timer, now)
    timer.state = TimerState.RUNNING
    recompute(timer, now)
    _save(timer)


def _meet(timer: SlaTimer, now: datetime) -> None:
    if timer.met_at is not None:
        return
    if timer.state == TimerState.BREACHED:
        timer.met_at = now  # answered late: it stays a breach, and we know how late
        _save(timer)
        return
    if timer.state not in LIVE_STATES:
        return
    _close_pause(timer, now)
    late = timer.state == TimerState.RUNNING and timer.due_at is not None and timer.due_at < now
    timer.met_at = now
    if late:
        # Met after the due time but before the scan noticed: it counts as a breach.
        assert timer.due_at is not None
        timer.state = TimerState.BREACHED
        timer.breached_at = timer.due_at
        _save(timer)
        record_event(SlaEvent.BREACH, ticket=timer.ticket, obj=timer, after=_event_payload(timer, late=True))
        return
    timer.state = TimerState.MET
    _save(timer)


def _cancel(timer: SlaTimer, now: datetime) -> None:
    if timer.state not in LIVE_STATES:
        return
    _close_pause(timer, now)
    timer.state = TimerState.CANCELLED
    timer.due_at = timer.warn_at = None
    _save(timer)


def _reopen(timer: SlaTimer, now: datetime) -> None:
    """A solved ticket reopens: the resolution clock continues, the solved stretch paused."""
    if timer.met_at is None:
        return
    if timer.state == TimerState.MET:
        timer.paused_since = timer.met_at
        _close_pause(timer, now)
        timer.state = TimerState.RUNNING
    timer.met_at = None
    recompute(timer, now)
    _save(timer)


# --- reacting to ticket events --------------------------------------------------------


def _live_timers(
    ticket: Ticket, kinds: Iterable[str] | None = None, *, open_timers: list[SlaTimer] | None = None
) -> list[SlaTimer]:
    """Running and paused timers (of these kinds), locked; from `open_timers` when given."""
    if open_timers is not None:
        wanted = None if kinds is None else set(kinds)
        return [t for t in open_timers if t.state in LIVE_STATES and (wanted is None or t.kind in wanted)]
    qs = SlaTimer.objects.select_for_update().filter(ticket=ticket, state__in=LIVE_STATES)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    timers = list(qs.order_by("pk"))
    for timer in timers:
        timer.ticket = ticket
    return timers


def _unanswered_timers(
    ticket: Ticket, kinds: Iterable[str], *, open_timers: list[SlaTimer] | None = None
) -> list[SlaTimer]:
    """Live timers of these kinds, and breached ones still waiting for their answer, locked;
    from `open_timers` when given."""
    if open_timers is not None:
        wanted = set(kinds)
        return [
            t
            for t in open_timers
            if t.kind in wanted and t.met_at is None and t.state in (*LIVE_STATES, TimerState.BREACHED)
        ]
    timers = list(
        SlaTimer.objects.select_for_update()
        .filter(ticket=ticket, kind__in=list(kinds), met_at__isnull=True)
        .filter(state__in=[*LIVE_STATES, TimerState.BREACHED])
        .order_by("pk")
    )
    for timer in timers:
        timer.ticket = ticket
    return timers


# A reply that also changes the status (the usual "reply and set pending") handles two events
# on one locked ticket: the reply's handler reads the ticket's open timers (what either may
# touch) once and leaves them, as it changed them, for the status change's handler of the same
# action (core.request_cache.hold_for_transaction). Any other event of the ticket drops them.
_OPEN_TIMERS = "_sla_open_timers"


def _open_timers(ticket: Ticket) -> list[SlaTimer]:
    """Every timer of the ticket a reply or a status change may touch: running, paused, or
    breached and still waiting for its answer; locked."""
    timers = list(
        SlaTimer.objects.select_for_update()
        .filter(ticket=ticket)
        .filter(Q(state__in=LIVE_STATES) | Q(state=TimerState.BREACHED, met_at__isnull=True))
        .order_by("pk")
    )
    for timer in timers:
        timer.ticket = ticket
    return timers


def do_ensure_timers(ticket: Ticket, now: datetime, policy: SlaPolicy | None = None) -> list[SlaTimer]:
    """Start the first-response and resolution timers the ticket should have and has not."""
    policy = policy or get_policy_for(ticket)
    if policy is None or ticket.status in DONE_STATUSES or ticket.merged_into_id:
        return []
    calendar = get_calendar_for(policy, ticket)
    existing = set(
        SlaTimer.objects.filter(ticket=ticket)
        .exclude(state=TimerState.CANCELLED)
        .values_list("kind", flat=True)
    )
    started = []
    if (
        policy.first_response_minutes is not None
        and ticket.first_response_at is None
        and TimerKind.FIRST_RESPONSE not in existing
    ):
        started.append(_new_timer(ticket, TimerKind.FIRST_RESPONSE, policy, calendar, ticket.created_at, now))
    if policy.resolution_minutes is not None and TimerKind.RESOLUTION not in existing:
        started.append(_new_timer(ticket, TimerKind.RESOLUTION, policy, calendar, ticket.created_at, now))
    if started:  # a new ticket's two timers in one INSERT
        SlaTimer.objects.bulk_create(started)
    return started


def do_reselect_policy(ticket: Ticket, now: datetime) -> None:
    """Priority or team changed: the matching policy may differ; due times restart from the original start."""
    policy = get_policy_for(ticket)
    calendar = get_calendar_for(policy, ticket) if policy is not None else None
    for timer in _live_timers(ticket):
        if policy is None or policy.target_minutes(timer.kind) is None:
            _cancel(timer, now)
            continue
        _apply_policy(timer, policy, calendar)
        if timer.pauses:
            timer.paused_total = sum(
                (
                    clock.business_time_between(_parse(start), _parse(end), timer.clock_calendar())
                    for start, end in timer.pauses
                ),
                timedelta(0),
            )
        recompute(timer, now)
        _save(timer)
    if policy is not None:
        do_ensure_timers(ticket, now, policy)


def _status_changed(
    ticket: Ticket, before: str, after: str, now: datetime, open_timers: list[SlaTimer] | None = None
) -> list[SlaTimer]:
    """Pause, resume, meet or cancel the timers for a status change; returns the timers it met.
    `open_timers`: the ticket's open timers as this action's reply left them (else read)."""
    if before == after:
        return []
    if after in DONE_STATUSES and before not in DONE_STATUSES:
        met = _unanswered_timers(ticket, [TimerKind.RESOLUTION], open_timers=open_timers)
        for timer in met:
            _meet(timer, now)
        live = _live_timers(ticket, [TimerKind.FIRST_RESPONSE, TimerKind.NEXT_REPLY], open_timers=open_timers)
        for timer in live:
            _cancel(timer, now)
        return met
    if before in DONE_STATUSES and after not in DONE_STATUSES:
        latest = (
            SlaTimer.objects.select_for_update()
            .filter(ticket=ticket, kind=TimerKind.RESOLUTION, met_at__isnull=False)
            .order_by("-pk")
            .first()
        )
        if latest is not None:
            latest.ticket = ticket
            _reopen(latest, now)
    if after in PAUSING_STATUSES and before not in PAUSING_STATUSES:
        for timer in _live_timers(ticket, open_timers=open_timers):
            _pause(timer, now)
    elif after not in PAUSING_STATUSES and before in PAUSING_STATUSES:
        for timer in _live_timers(ticket, open_timers=open_timers):
            _resume(timer, now)
    return []


def _customer_wrote(ticket: Ticket, event: AuditEvent, now: datetime) -> None:
    before = (event.before or {}).get("status", ticket.status)
    after = (event.after or {}).get("status", ticket.status)
    _status_changed(ticket, before, after, now)
    if ticket.first_response_at is None:
        return  # the first-response timer already covers it
    if _unanswered_timers(ticket, [TimerKind.NEXT_REPLY]):
        return  # the clock runs from the first message still waiting for a reply
    policy = get_policy_for(ticket)
    if policy is None or policy.next_reply_minutes is None:
        return
    _start_timer(ticket, TimerKind.NEXT_REPLY, policy, get_calendar_for(policy, ticket), now, now)


def _replied(ticket: Ticket, now: datetime) -> list[SlaTimer]:
    open_timers = _open_timers(ticket)
    met = _unanswered_timers(
        ticket, [TimerKind.FIRST_RESPONSE, TimerKind.NEXT_REPLY], open_timers=open_timers
    )
    for timer in met:
        _meet(timer, now)
    hold_for_transaction(ticket, _OPEN_TIMERS, open_timers)
    return met


def _handle(event: AuditEvent) -> list[SlaTimer] | None:
    """Bring the timers in step with the event; for a reply or a status change, the timers met
    (what reporting records), else None."""
    ticket = event.ticket
    assert ticket is not None
    now = event.created_at or timezone.now()
    kind = event.kind
    open_timers = take_from_transaction(ticket, _OPEN_TIMERS)
    if kind == EventKind.CREATED:
        do_ensure_timers(ticket, now)
    elif kind == EventKind.CUSTOMER_MESSAGE:
        _customer_wrote(ticket, event, now)
    elif kind == EventKind.REPLIED:
        return _replied(ticket, now)
    elif kind == EventKind.STATUS:
        return _status_changed(ticket, str(event.before), str(event.after), now, open_timers)
    elif kind in (EventKind.PRIORITY, EventKind.TEAM):
        do_reselect_policy(ticket, now)
    elif kind == EventKind.MERGED_INTO:
        for timer in _live_timers(ticket):
            _cancel(timer, now)
    return None


_HANDLED = frozenset(
    {
        EventKind.CREATED,
        EventKind.CUSTOMER_MESSAGE,
        EventKind.REPLIED,
        EventKind.STATUS,
        EventKind.PRIORITY,
        EventKind.TEAM,
        EventKind.MERGED_INTO,
    }
)


def on_ticket_event(event: AuditEvent) -> None:
    """Subscribed in SlaConfig.ready(): keep the ticket's timers in step with the change."""
    if event.ticket is None or event.kind not in _HANDLED:
        return
    try:
        # A savepoint: a fault in SLA bookkeeping is logged and must never stop an agent's reply.
        with transaction.atomic():
            met = _handle(event)
        # Handed to the subscribers after this one (reporting's facts) instead of read again.
        event.held_met_timers = met
    except Exception:
        log.exception("sla timers not updated", extra={"ticket_id": event.ticket_id, "event": event.kind})


# --- the scan -------------------------------------------------------------------------


@dataclass
class ScanResult:
    warned: int = 0
    breached: int = 0


def _event_payload(timer: SlaTimer, **extra: Any) -> dict[str, Any]:
    return {
        "timer": timer.pk,
        "kind": timer.kind,
        "policy": timer.policy.name,
        "target_minutes": timer.target_minutes,
        "due_at": timer.due_at.isoformat() if timer.due_at else None,
        **extra,
    }


def notification_recipients(ticket: Ticket) -> list[str]:
    """The assignee and the leads of the ticket's team (every lead when it has no team)."""
    emails = set()
    if ticket.assignee is not None and ticket.assignee.is_active and ticket.assignee.email:
        emails.add(ticket.assignee.email)
    leads = User.objects.filter(is_active=True, role__in=[Role.LEAD, Role.ADMIN])
    leads = leads.filter(teams=ticket.team_id) if ticket.team_id else leads.filter(role=Role.LEAD)
    emails.update(e for e in leads.values_list("email", flat=True) if e)
    return sorted(emails)


def _notify(timer: SlaTimer, *, breached: bool) -> None:
    ticket = timer.ticket
    recipients = notification_recipients(ticket)
    if not recipients:
        return
    what = "breached" if breached else "due soon"
    due = timer.due_at.astimezone(timezone.get_current_timezone()) if timer.due_at else None
    subject = f"SLA {what}: {timer.get_kind_display().lower()} on #{ticket.pk} {ticket.subject}"[:200]
    lines = [
        f"{timer.get_kind_display()} for ticket #{ticket.pk} ({ticket.subject}) is {what}.",
        f"Policy: {timer.policy.name}, target {timer.target_minutes} minutes.",
    ]
    if due is not None:
        lines.append(f"Due: {due:%Y-%m-%d %H:%M %Z}")
    lines.append(f"{settings.SITE_URL}/tickets/{ticket.pk}/")
    body = "\n".join(lines) + "\n"

    do_queue_email(
        kind=OutboundKind.SLA_BREACH if breached else OutboundKind.SLA_WARNING,
        ticket=ticket,
        to=recipients,
        subject=subject,
        body=body,
    )


def do_breach(timer: SlaTimer, now: datetime) -> bool:
    """Claim a running timer as breached, record it and notify; False when someone else was first."""
    with transaction.atomic():
        claimed = SlaTimer.objects.filter(
            pk=timer.pk, state=TimerState.RUNNING, version=timer.version
        ).update(state=TimerState.BREACHED, breached_at=now, version=F("version") + 1)
        if not claimed:
            return False
        # The claim matched the version read, so the row is what we hold plus this change;
        # no reload (and no reload of its ticket and policy) is needed.
        timer.state, timer.breached_at, timer.version = TimerState.BREACHED, now, timer.version + 1
        record_event(SlaEvent.BREACH, ticket=timer.ticket, obj=timer, after=_event_payload(timer))
        _notify(timer, breached=True)
        return True


def do_warn(timer: SlaTimer, now: datetime) -> bool:
    """Claim a running timer's warning, record it and notify; False when it was already warned."""
    with transaction.atomic():
        claimed = SlaTimer.objects.filter(
            pk=timer.pk, state=TimerState.RUNNING, version=timer.version, warned_at__isnull=True
        ).update(warned_at=now, version=F("version") + 1)
        if not claimed:
            return False
        timer.warned_at, timer.version = now, timer.version + 1
        record_event(
            SlaEvent.WARNING,
            ticket=timer.ticket,
            obj=timer,
            after=_event_payload(timer, warn_percent=timer.warn_percent),
        )
        _notify(timer, breached=False)
        return True


def _candidates(filters: dict[str, Any], moment: str, after: tuple[datetime, int] | None) -> list[SlaTimer]:
    """The next batch in (moment, pk) order, read through the (state, moment) index.

    Ordering by the indexed moment, not by pk, keeps an idle scan to an index range: by pk,
    SQLite walks every timer ever created to find that none is due.
    """
    qs = SlaTimer.objects.filter(**filters)
    if after is not None:
        qs = qs.filter(Q(**{f"{moment}__gt": after[0]}) | Q(**{moment: after[0], "pk__gt": after[1]}))
    return list(
        qs.select_related("ticket__assignee", "ticket__team", "policy").order_by(moment, "pk")[:SCAN_BATCH]
    )


def do_scan(now: datetime | None = None) -> ScanResult:
    """Breach the running timers that are overdue, then warn the ones past their warning share.

    Safe to run in many workers at once: each timer is claimed by a conditional update.
    """
    now = now or timezone.now()
    result = ScanResult()
    steps: list[tuple[dict[str, Any], str, Callable[[SlaTimer, datetime], bool]]] = [
        ({"state": TimerState.RUNNING, "due_at__lte": now}, "due_at", do_breach),
        (
            {"state": TimerState.RUNNING, "warned_at__isnull": True, "warn_at__lte": now, "due_at__gt": now},
            "warn_at",
            do_warn,
        ),
    ]
    # One read of the triggers and policies for the whole scan, not one per breach.
    with config_snapshot():
        for filters, moment, act in steps:
            after: tuple[datetime, int] | None = None
            while batch := _candidates(filters, moment, after):
                # Where the next batch starts, as read: a claim refreshes the timer it claims.
                after = (getattr(batch[-1], moment), batch[-1].pk)
                done = sum(1 for timer in batch if act(timer, now))
                if act is do_breach:
                    result.breached += done
                else:
                    result.warned += done
    return result
