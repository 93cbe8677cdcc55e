"""Offboarding through the API: preview an agent's open work by bucket, hand it over and deactivate,
reactivate, and absences (hand over for a period, hand back at its end). Leads and admins only.
(Customers, teams and /me live in api/people.py.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from anchordesk.accounts.queries import access_person
from anchordesk.api.auth import current_user, require_lead
from anchordesk.api.schemas import ErrorOut, Id, InputSchema
from anchordesk.people import actions, work
from anchordesk.people.choices import AbsenceReason
from anchordesk.people.queries import access_absence

router = Router(tags=["offboarding"])

ERRORS: dict[int | tuple[int, ...], type] = {(401, 403, 404, 422): ErrorOut}


class PersonOut(Schema):
    id: int
    name: str


class BucketOut(Schema):
    bucket: str
    label: str
    count: int
    items: list[str] = Field(description=f"At most {work.SAMPLE} of them, described.")
    choices: list[str] = Field(
        description="Decisions beside a person (`user:<id>`); the first is the default."
    )
    default: str
    people: list[PersonOut] = Field(description="Who may receive them (empty when the bucket is empty).")


class PreviewOut(Schema):
    agent_id: int
    is_active: bool
    buckets: list[BucketOut]


class OffboardIn(InputSchema):
    plan: dict[str, str] | None = Field(
        None,
        description="A decision per bucket: `user:<id>` or one of the bucket's choices (or `default`). "
        "Omit for every default; when given, every non-empty bucket needs a decision.",
    )
    notify_customers: bool = Field(False, description="Email each customer whose ticket goes to a person.")


class OffboardOut(Schema):
    agent_id: int
    is_active: bool
    moved: dict[str, int]
    decisions: dict[str, str]
    customers_told: int


class AgentStateOut(Schema):
    agent_id: int
    is_active: bool


@router.get(
    "/agents/{user_id}/offboarding",
    response={200: PreviewOut, **ERRORS},
    summary="Preview an agent's open work, by bucket, with each bucket's default decision",
)
def preview(request: HttpRequest, user_id: Id) -> Any:
    lead = current_user(request)
    require_lead(lead)
    agent = access_person(lead, user_id)
    buckets = [
        {
            "bucket": row.bucket,
            "label": row.label,
            "count": row.count,
            "items": row.items,
            "choices": [value for value, _ in row.choices],
            "default": row.default,
            "people": [{"id": p.pk, "name": p.display_name} for p in row.people],
        }
        for row in work.preview(agent)
    ]
    return {"agent_id": agent.pk, "is_active": agent.is_active, "buckets": buckets}


@router.post(
    "/agents/{user_id}/offboarding",
    response={200: OffboardOut, **ERRORS},
    summary="Hand over an agent's open work by plan and deactivate them",
)
def offboard(request: HttpRequest, user_id: Id, payload: OffboardIn) -> Any:
    lead = current_user(request)
    require_lead(lead)
    agent = access_person(lead, user_id)
    result = actions.do_offboard_agent(
        agent, actor=lead, plan=payload.plan, source="api", notify_customers=payload.notify_customers
    )
    return {
        "agent_id": agent.pk,
        "is_active": False,
        "moved": result.moved,
        "decisions": result.decisions,
        "customers_told": result.notified,
    }


@router.post(
    "/agents/{user_id}/reactivate",
    response={200: AgentStateOut, **ERRORS},
    summary="Let an agent sign in again",
)
def reactivate(request: HttpRequest, user_id: Id) -> Any:
    lead = current_user(request)
    require_lead(lead)
    agent = actions.do_reactivate_agent(access_person(lead, user_id), actor=lead, source="api")
    return {"agent_id": agent.pk, "is_active": agent.is_active}


class AbsenceIn(InputSchema):
    ends_at: datetime = Field(description="When the agent is back and the work is handed back (ISO 8601).")
    reason: str = Field(AbsenceReason.HOLIDAY, description="holiday, sick or other")
    plan: dict[str, str] | None = Field(
        None,
        description="As for offboarding, over tickets, promises, follow_ups, handoffs, escalations, recovery_plans.",
    )
    hand_back: list[str] | None = Field(
        None, description="Buckets handed back at the end; default all of them."
    )
    notify_customers: bool = False


class AbsenceOut(Schema):
    id: int
    agent_id: int
    reason: str
    ends_at: datetime
    hand_back: list[str]
    state: str
    moved: dict[str, int]


class AbsenceEndOut(Schema):
    id: int
    state: str
    handed_back: int


@router.post(
    "/agents/{user_id}/absences",
    response={201: AbsenceOut, **ERRORS},
    summary="Hand an agent's work over until a date (holiday, sick leave)",
)
def start_absence(request: HttpRequest, user_id: Id, payload: AbsenceIn) -> Any:
    lead = current_user(request)
    require_lead(lead)
    result = actions.do_start_absence(
        access_person(lead, user_id),
        actor=lead,
        ends_at=payload.ends_at,
        reason=payload.reason,
        plan=payload.plan,
        hand_back=payload.hand_back,
        notify_customers=payload.notify_customers,
    )
    absence = result.absence
    assert absence is not None
    return Status(
        201,
        {
            "id": absence.pk,
            "agent_id": absence.agent_id,
            "reason": absence.reason,
            "ends_at": absence.ends_at,
            "hand_back": absence.hand_back,
            "state": absence.state,
            "moved": result.moved,
        },
    )


@router.post(
    "/absences/{absence_id}/end",
    response={200: AbsenceEndOut, **ERRORS},
    summary="The agent is back now: hand back what was chosen",
)
def end_absence(request: HttpRequest, absence_id: Id) -> Any:
    lead = current_user(request)
    require_lead(lead)
    absence = access_absence(lead, absence_id)
    back = actions.do_end_absence(absence, actor=lead)
    absence.refresh_from_db()
    return {"id": absence.pk, "state": absence.state, "handed_back": back}
