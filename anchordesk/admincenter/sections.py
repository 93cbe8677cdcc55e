"""The sections of the settings hub, each with a one-line description and a count or state.

A section whose page belongs to code that is not there (its URL name does not resolve) is left
out, so the hub works while other parts are still being built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Model, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import Team, User
from anchordesk.automation.choices import Strategy
from anchordesk.automation.models import (
    AssignmentPolicy,
    CsatSettings,
    CsatSurvey,
    Macro,
    TimeRule,
    Trigger,
)
from anchordesk.core.jobs import job_statuses
from anchordesk.integrations.models import DeliveryState, Webhook, WebhookDelivery
from anchordesk.mail.models import InboundEmail, InboundState, Mailbox, OutboundEmail, OutboundState
from anchordesk.policies.models import Policy
from anchordesk.sla.models import BusinessCalendar, SlaPolicy

LEAD = "lead"
ADMIN = "admin"


@dataclass(frozen=True)
class State:
    text: str
    attention: bool = False  # something needs a look (a failing mailbox, a failed email)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    description: str
    url_names: tuple[str, ...]  # the first that resolves is linked
    audience: str  # LEAD: leads and admins; ADMIN: admins only
    group: str
    state: Callable[[], State] | None = None
    anchor: str = ""


@dataclass(frozen=True)
class Entry:
    section: Section
    url: str
    state: State | None


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _agents() -> State:
    people = User.objects.filter(is_active=True)
    agents = people.filter(role__in=[Role.AGENT, Role.LEAD, Role.ADMIN]).count()
    return State(f"{_plural(agents, 'person', 'people')} who work tickets")


def _teams() -> State:
    return State(_plural(Team.objects.count(), "team"))


def _mailboxes() -> State:
    counts = Mailbox.objects.aggregate(
        total=Count("pk"),
        failing=Count("pk", filter=~Q(last_error="")),
        off=Count("pk", filter=Q(active=False)),
    )
    text = _plural(counts["total"], "mailbox", "mailboxes")
    if counts["failing"]:
        text += f", {counts['failing']} failing"
    if counts["off"]:
        text += f", {counts['off']} inactive"
    return State(text, attention=bool(counts["failing"]) or not counts["total"])


def _sla() -> State:
    policies = SlaPolicy.objects.aggregate(total=Count("pk"), on=Count("pk", filter=Q(active=True)))
    calendars = BusinessCalendar.objects.count()
    return State(
        f"{_plural(policies['total'], 'policy', 'policies')} ({policies['on']} active), "
        f"{_plural(calendars, 'business calendar')}"
    )


def _on_off(model: type[Model], noun: str) -> State:
    counts = model._default_manager.aggregate(total=Count("pk"), on=Count("pk", filter=Q(active=True)))
    return State(f"{_plural(counts['total'], noun)}, {counts['on']} on")


def _triggers() -> State:
    return _on_off(Trigger, "trigger")


def _time_rules() -> State:
    return _on_off(TimeRule, "time rule")


def _macros() -> State:
    shared = Macro.objects.filter(owner__isnull=True, active=True).count()
    return State(f"{_plural(shared, 'shared macro')} in use")


def _assignment() -> State:
    automatic = AssignmentPolicy.objects.exclude(strategy=Strategy.MANUAL).count()
    return State(f"automatic in {_plural(automatic, 'team')}" if automatic else "manual in every team")


def _webhooks() -> State:
    counts = Webhook.objects.aggregate(total=Count("pk"), on=Count("pk", filter=Q(active=True)))
    since = timezone.now() - timedelta(days=1)
    failed = WebhookDelivery.objects.filter(state=DeliveryState.FAILED, created_at__gte=since).count()
    text = f"{_plural(counts['total'], 'webhook')}, {counts['on']} on"
    if failed:
        text += f", {_plural(failed, 'failed delivery', 'failed deliveries')} today"
    return State(text, attention=bool(failed))


def _policies() -> State:
    return State(_plural(Policy.objects.count(), "policy", "policies"))


def _csat() -> State:
    config = CsatSettings.current()
    if not config.enabled:
        return State("Off: no surveys are sent")
    since = timezone.now() - timedelta(days=30)
    surveys = CsatSurvey.objects.filter(sent_at__gte=since).aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
    )
    delay = f", {config.delay_minutes} min after solving" if config.delay_minutes else ""
    return State(f"On{delay}: {surveys['sent']} sent and {surveys['answered']} answered in 30 days")


def _jobs() -> State:
    statuses = job_statuses()
    failing = sum(1 for status in statuses if status.failing)
    return State(
        f"{_plural(len(statuses), 'job')}" + (f", {failing} failing" if failing else ", all well"),
        attention=bool(failing),
    )


def _quarantine() -> State:
    n = InboundEmail.objects.filter(state=InboundState.QUARANTINED).count()
    return State(f"{_plural(n, 'message')} held" if n else "empty", attention=bool(n))


def _outbox() -> State:
    counts = OutboundEmail.objects.aggregate(
        failed=Count("pk", filter=Q(state=OutboundState.FAILED)),
        queued=Count("pk", filter=Q(state=OutboundState.QUEUED)),
    )
    return State(f"{counts['queued']} queued, {counts['failed']} failed", attention=bool(counts["failed"]))


PEOPLE, CHANNELS, SERVICE, AUTOMATION, INTEGRATIONS, OPERATIONS = (
    "People and access",
    "Channels",
    "Service levels and policies",
    "Automation",
    "Integrations",
    "Operations",
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "agents",
        "Agents",
        "Invite people, set their role and team, hand over the work of someone who leaves.",
        ("settings-agents", "agents"),
        LEAD,
        PEOPLE,
        _agents,
    ),
    Section(
        "teams",
        "Teams",
        "Teams, their members and what they handle.",
        ("settings-teams",),
        LEAD,
        PEOPLE,
        _teams,
    ),
    Section(
        "security",
        "Security",
        "Two-factor sign-in, single sign-on and sessions.",
        ("settings-security",),
        ADMIN,
        PEOPLE,
    ),
    Section(
        "mailboxes",
        "Mailboxes",
        "Support addresses polled over IMAP or fed by push; test a connection.",
        ("mail-mailboxes",),
        ADMIN,
        CHANNELS,
        _mailboxes,
    ),
    Section(
        "sla",
        "SLA policies and business calendars",
        "Response and resolution targets, office hours and holidays.",
        ("sla-home",),
        LEAD,
        SERVICE,
        _sla,
    ),
    Section(
        "policies",
        "Policies",
        "Versioned rules such as refund windows, exceptions and authority limits.",
        ("policy-list",),
        LEAD,
        SERVICE,
        _policies,
    ),
    Section(
        "csat",
        "CSAT",
        "The satisfaction survey emailed when a ticket is solved: on or off, delay, question.",
        ("automation-csat-settings", "insights-home"),
        LEAD,
        SERVICE,
        _csat,
    ),
    Section(
        "triggers",
        "Triggers",
        "Rules that act when something happens to a ticket.",
        ("automation-home",),
        LEAD,
        AUTOMATION,
        _triggers,
    ),
    Section(
        "time-rules",
        "Time rules",
        "Rules that act when a ticket has waited too long.",
        ("automation-home",),
        LEAD,
        AUTOMATION,
        _time_rules,
        anchor="#time-rules",
    ),
    Section(
        "macros",
        "Macros",
        "Canned replies with actions, shared with the whole team.",
        ("automation-macros",),
        LEAD,
        AUTOMATION,
        _macros,
    ),
    Section(
        "assignment",
        "Assignment",
        "Who gets new tickets: round-robin, least loaded or by skills; shifts and capacity.",
        ("automation-assignment",),
        LEAD,
        AUTOMATION,
        _assignment,
    ),
    Section(
        "webhooks",
        "Webhooks",
        "Signed HTTP calls to your other systems when tickets change.",
        ("webhook-list",),
        ADMIN,
        INTEGRATIONS,
        _webhooks,
    ),
    Section(
        "jobs",
        "Background jobs",
        "Mail polling, SLA scans and reminders: last run, errors and leases.",
        ("job-health",),
        ADMIN,
        OPERATIONS,
        _jobs,
    ),
    Section(
        "quarantine",
        "Mail quarantine",
        "Incoming mail that could not be turned into a ticket: retry or discard.",
        ("mail-quarantine",),
        ADMIN,
        OPERATIONS,
        _quarantine,
    ),
    Section(
        "outbox",
        "Outbox",
        "Every email Anchordesk sends, and the ones that failed.",
        ("mail-outbox",),
        ADMIN,
        OPERATIONS,
        _outbox,
    ),
)


def _url(names: tuple[str, ...]) -> str:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def may_see(user: User, section: Section) -> bool:
    return user.is_admin_role if section.audience == ADMIN else user.is_lead


def sections_for(user: User) -> list[tuple[str, list[Entry]]]:
    """The sections this user may change, by group, each with its link and state."""
    groups: dict[str, list[Entry]] = {}
    for section in SECTIONS:
        if not may_see(user, section):
            continue
        url = _url(section.url_names)
        if not url:
            continue
        groups.setdefault(section.group, []).append(
            Entry(section, url + section.anchor, section.state() if section.state else None)
        )
    return list(groups.items())
