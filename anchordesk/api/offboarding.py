"""Offboarding through the API: preview an agent's open work by bucket, hand it over and deactivate,
reactivate. Leads and admins only. (Customers, teams and /me live in api/people.py.)"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from pydantic import Field

from anchordesk.accounts.models import User
from anchordesk.api.auth import current_user, require_lead
from anchordesk.api.schemas import ErrorOut, Id, InputSchema
from anchordesk.people import actions, work

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


def _agent(user_id: int) -> User:
    agent = User.objects.filter(pk=user_id).first()
    if agent is None:
        raise Http404
    return agent


@router.get(
    "/agents/{user_id}/offboarding",
    response={200: PreviewOut, **ERRORS},
    summary="Preview an agent's open work, by bucket, with each bucket's default decision",
)
def preview(request: HttpRequest, user_id: Id) -> Any:
    require_lead(current_user(request))
    agent = _agent(user_id)
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
    agent = _agent(user_id)
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
    agent = actions.do_reactivate_agent(_agent(user_id), actor=lead, source="api")
    return {"agent_id": agent.pk, "is_active": agent.is_active}
