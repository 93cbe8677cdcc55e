"""Wellbeing: a lead's view of exposure per agent, an agent's break, and kind words."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from anchordesk.accounts.models import Team
from anchordesk.api import serialize
from anchordesk.api.auth import current_user, require_lead, require_ticket_worker
from anchordesk.api.schemas import ErrorOut, Id, UserRef
from anchordesk.wellbeing import actions, queries

router = Router(tags=["wellbeing"])

ERRORS: dict[int | tuple[int, ...], type] = {(400, 401, 403, 404, 409, 422): ErrorOut}


class ExposureRow(Schema):
    agent: UserRef
    abusive_today: int
    hostile_today: int
    breaks_today: int
    break_minutes_today: int
    on_break: bool
    weeks: list[int] = Field(description="Abusive and hostile messages per week, oldest first.")


class ExposureOut(Schema):
    week_starts: list[date]
    agents: list[ExposureRow]


class TeamFilter(Schema):
    team: Id | None = None


class BreakOut(Schema):
    id: int
    state: Literal["suggested", "taken", "dismissed", "ended"]
    reason: str
    suggested_minutes: int
    minutes: int
    suggested_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None


class KindWordOut(Schema):
    agent: UserRef
    ticket_id: int
    source: Literal["thanks", "csat"]
    text: str
    created_at: datetime


class KindWordList(Schema):
    items: list[KindWordOut]


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise Http404
    return team


@router.get(
    "/wellbeing/exposure", response={200: ExposureOut, **ERRORS}, summary="Exposure per agent (leads)"
)
def exposure(request: HttpRequest, params: Query[TeamFilter]) -> Any:
    """Per agent in name order (never ranked): today's abusive and hostile messages, breaks, and 8 weeks."""
    require_lead(current_user(request))
    week_starts, rows = queries.exposure_table(queries.agents_for(_team(params.team)))
    return {
        "week_starts": week_starts,
        "agents": [
            {
                "agent": serialize.user_ref(r.agent),
                "abusive_today": r.abusive_today,
                "hostile_today": r.hostile_today,
                "breaks_today": r.breaks_today,
                "break_minutes_today": r.break_minutes_today,
                "on_break": r.on_break,
                "weeks": r.weeks,
            }
            for r in rows
        ],
    }


def _break(b: Any) -> dict[str, Any]:
    return {
        "id": b.pk,
        "state": b.state,
        "reason": b.reason,
        "suggested_minutes": b.suggested_minutes,
        "minutes": b.minutes,
        "suggested_at": b.suggested_at,
        "started_at": b.started_at,
        "ended_at": b.ended_at,
    }


@router.get("/me/break", response={200: BreakOut | None, **ERRORS}, summary="My break suggestion or break")
def my_break(request: HttpRequest) -> Any:
    user = current_user(request)
    require_ticket_worker(user)
    current = queries.open_break(user)
    return _break(current) if current is not None else None


BreakStep = Literal["take", "dismiss", "end"]
_STEPS = {"take": actions.do_take_break, "dismiss": actions.do_dismiss_break, "end": actions.do_end_break}


@router.post("/me/break/{step}", response={200: BreakOut, **ERRORS}, summary="Take, dismiss or end my break")
def break_step(request: HttpRequest, step: BreakStep) -> Any:
    """`take` a suggested break (away, new work paused), `dismiss` it, or `end` the break you are on."""
    user = current_user(request)
    require_ticket_worker(user)
    current = queries.open_break(user)
    if current is None:
        if step != "take":
            raise HttpError(409, "You have no break to answer.")
        return _break(actions.do_start_break(actor=user))
    return _break(_STEPS[step](current, actor=user))


@router.get("/wellbeing/kind-words", response={200: KindWordList, **ERRORS}, summary="Kind words")
def kind_words(request: HttpRequest, params: Query[TeamFilter]) -> Any:
    """Mine, or a team's with `team` (agents: their own teams; leads: any)."""
    user = current_user(request)
    require_ticket_worker(user)
    team = queries.access_kind_words_team(user, params.team) if params.team is not None else None
    words = queries.kind_words_for_team(team) if team else queries.kind_words_for_agent(user)
    return {
        "items": [
            {
                "agent": serialize.user_ref(w.agent),
                "ticket_id": w.ticket_id,
                "source": w.source,
                "text": w.text,
                "created_at": w.created_at,
            }
            for w in words[:100]
        ]
    }
