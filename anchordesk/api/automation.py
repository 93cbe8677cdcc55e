"""Macros, triggers, time rules and SLA attainment.

Agents list and apply the macros they may use; leads and admins read and write triggers and
time rules (the same checks as the settings pages: automation/actions.py) and read SLA
attainment per policy for reports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anchordesk.api.auth import current_user, require_lead, require_ticket_worker
from anchordesk.api.schemas import ErrorOut, Id, InputSchema
from anchordesk.automation.actions import do_apply_macro, do_save_time_rule, do_save_trigger
from anchordesk.automation.forms import describe_actions
from anchordesk.automation.models import Macro, TimeRule, Trigger
from anchordesk.automation.queries import (
    access_macro,
    access_time_rule,
    access_trigger,
    macro_status,
    macros_for,
    render_macro,
    time_rules_visible_to,
    triggers_visible_to,
)
from anchordesk.sla.models import SlaPolicy
from anchordesk.sla.queries import attainment
from anchordesk.tickets.queries import access_ticket

router = Router()

ERRORS: dict[int | tuple[int, ...], type] = {(401, 403, 404, 422): ErrorOut}


class MacroOut(Schema):
    id: int
    name: str
    body: str
    actions: list[dict[str, Any]]
    team_id: int | None
    personal: bool
    usage_count: int


class MacroFilters(InputSchema):
    q: str = Field("", max_length=100, description="Words in the name or the text.")


class MacroTextOut(Schema):
    id: int
    name: str
    text: str = Field(description="The reply text with placeholders filled in for this ticket.")
    actions: str = Field(description="What the macro will do when the reply is sent, in words.")
    status: str | None = Field(description="The status the macro sets, if it sets one.")


class AppliedMacroOut(Schema):
    macro_id: int
    text: str = Field(description="The reply text with placeholders filled in for this ticket.")


def _macro(macro: Macro) -> dict[str, Any]:
    return {
        "id": macro.pk,
        "name": macro.name,
        "body": macro.body,
        "actions": macro.actions,
        "team_id": macro.team_id,
        "personal": macro.owner_id is not None,
        "usage_count": macro.usage_count,
    }


@router.get(
    "/macros", response={200: list[MacroOut], **ERRORS}, tags=["automation"], summary="Macros I may use"
)
def list_macros(request: HttpRequest, filters: Query[MacroFilters]) -> Any:
    user = current_user(request)
    require_ticket_worker(user)
    return [_macro(m) for m in macros_for(user, filters.q)]


@router.get(
    "/tickets/{ticket_id}/macros/{macro_id}",
    response={200: MacroTextOut, **ERRORS},
    tags=["automation"],
    url_name="macro_text",
    summary="A macro's reply text for a ticket, without applying it",
)
def macro_text(request: HttpRequest, ticket_id: Id, macro_id: Id) -> Any:
    """What the reply box inserts: the text with placeholders filled and what the macro does on send.
    Nothing changes on the ticket; the actions run when the reply carrying the macro is sent."""
    user = current_user(request)
    require_ticket_worker(user)
    ticket = access_ticket(user, ticket_id)
    macro = access_macro(user, macro_id)
    return {
        "id": macro.pk,
        "name": macro.name,
        "text": render_macro(ticket, macro, actor=user),
        "actions": describe_actions(macro.actions),
        "status": macro_status(macro),
    }


@router.post(
    "/tickets/{ticket_id}/macros/{macro_id}/apply",
    response={200: AppliedMacroOut, **ERRORS},
    tags=["automation"],
    summary="Apply a macro's actions to a ticket and get its reply text",
)
def apply_macro(request: HttpRequest, ticket_id: Id, macro_id: Id) -> Any:
    user = current_user(request)
    require_ticket_worker(user)
    ticket = access_ticket(user, ticket_id)
    macro = access_macro(user, macro_id)
    return {"macro_id": macro.pk, "text": do_apply_macro(ticket, macro, actor=user)}


# Triggers and time rules ---------------------------------------------------------------


class Conditions(InputSchema):
    all: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    any: list[dict[str, Any]] = Field(default_factory=list, max_length=50)


class TriggerIn(InputSchema):
    name: str = Field(max_length=120)
    events: list[str] = Field(max_length=30, description="Event kinds, such as ticket.created or sla.breach.")
    conditions: Conditions = Field(default_factory=Conditions)
    actions: list[dict[str, Any]] = Field(max_length=30, description='[{"type": "set_priority", "value": 4}]')
    active: bool = True
    position: int = Field(0, ge=0, le=10_000)


class TriggerOut(Schema):
    id: int
    name: str
    events: list[str]
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]
    active: bool
    position: int


class TimeRuleIn(InputSchema):
    name: str = Field(max_length=120)
    conditions: Conditions
    actions: list[dict[str, Any]] = Field(max_length=30)
    active: bool = True


class TimeRuleOut(Schema):
    id: int
    name: str
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]
    active: bool


def _trigger(t: Trigger) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "events": t.events,
        "conditions": t.conditions,
        "actions": t.actions,
        "active": t.active,
        "position": t.position,
    }


def _time_rule(r: TimeRule) -> dict[str, Any]:
    return {"id": r.pk, "name": r.name, "conditions": r.conditions, "actions": r.actions, "active": r.active}


def _conditions(payload: Conditions) -> dict[str, Any]:
    return {k: v for k, v in (("all", payload.all), ("any", payload.any)) if v}


@router.get("/triggers", response={200: list[TriggerOut], **ERRORS}, tags=["automation"])
def list_triggers(request: HttpRequest) -> Any:
    user = current_user(request)
    require_lead(user)
    return [_trigger(t) for t in triggers_visible_to(user)]


def _save_trigger(request: HttpRequest, payload: TriggerIn, trigger: Trigger | None) -> Trigger:
    user = current_user(request)
    require_lead(user)
    return do_save_trigger(
        actor=user,
        name=payload.name,
        events=payload.events,
        conditions=_conditions(payload.conditions),
        actions=payload.actions,
        active=payload.active,
        position=payload.position,
        trigger=trigger,
    )


@router.post("/triggers", response={201: TriggerOut, **ERRORS}, tags=["automation"])
def create_trigger(request: HttpRequest, payload: TriggerIn) -> Any:
    return Status(201, _trigger(_save_trigger(request, payload, None)))


@router.put("/triggers/{trigger_id}", response={200: TriggerOut, **ERRORS}, tags=["automation"])
def replace_trigger(request: HttpRequest, trigger_id: Id, payload: TriggerIn) -> Any:
    user = current_user(request)
    require_lead(user)
    return _trigger(_save_trigger(request, payload, access_trigger(user, trigger_id)))


@router.get("/time-rules", response={200: list[TimeRuleOut], **ERRORS}, tags=["automation"])
def list_time_rules(request: HttpRequest) -> Any:
    user = current_user(request)
    require_lead(user)
    return [_time_rule(r) for r in time_rules_visible_to(user)]


def _save_time_rule(request: HttpRequest, payload: TimeRuleIn, rule: TimeRule | None) -> TimeRule:
    user = current_user(request)
    require_lead(user)
    return do_save_time_rule(
        actor=user,
        name=payload.name,
        conditions=_conditions(payload.conditions),
        actions=payload.actions,
        active=payload.active,
        rule=rule,
    )


@router.post("/time-rules", response={201: TimeRuleOut, **ERRORS}, tags=["automation"])
def create_time_rule(request: HttpRequest, payload: TimeRuleIn) -> Any:
    return Status(201, _time_rule(_save_time_rule(request, payload, None)))


@router.put("/time-rules/{rule_id}", response={200: TimeRuleOut, **ERRORS}, tags=["automation"])
def replace_time_rule(request: HttpRequest, rule_id: Id, payload: TimeRuleIn) -> Any:
    user = current_user(request)
    require_lead(user)
    return _time_rule(_save_time_rule(request, payload, access_time_rule(user, rule_id)))


# SLA attainment ------------------------------------------------------------------------


class AttainmentFilters(InputSchema):
    since: datetime | None = Field(None, description="Targets decided (met or breached) at or after.")
    until: datetime | None = Field(None, description="Targets decided before.")
    policy: Id | None = None


class AttainmentOut(Schema):
    policy_id: int
    policy: str
    kind: str = Field(description="first_response, next_reply or resolution")
    met: int
    breached: int
    share: float | None = Field(description="Met / (met + breached); null when none was decided.")


@router.get(
    "/sla/attainment",
    response={200: list[AttainmentOut], **ERRORS},
    tags=["sla"],
    summary="Targets met and breached per SLA policy",
)
def sla_attainment(request: HttpRequest, filters: Query[AttainmentFilters]) -> Any:
    require_lead(current_user(request))
    policy = None
    if filters.policy is not None:
        policy = SlaPolicy.objects.filter(pk=filters.policy).first()
        if policy is None:
            raise Http404
    rows = attainment(policy, since=filters.since, until=filters.until)
    return [
        {
            "policy_id": r.policy_id,
            "policy": r.policy,
            "kind": r.kind,
            "met": r.met,
            "breached": r.breached,
            "share": r.share,
        }
        for r in rows
    ]
