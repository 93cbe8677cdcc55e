"""Insights over the API: each dashboard's figures and tables as JSON, for leads and admins.

Same filters as the web dashboards (range, start, end, team, agent, channel, tag), read by the
same FilterForm and computed by the same queries, so the numbers agree with the page.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from anchordesk.api.auth import current_user, require_lead
from anchordesk.api.schemas import ErrorOut
from anchordesk.insights import queries
from anchordesk.insights.forms import FilterForm

router = Router(tags=["insights"])
ERRORS: dict[int | tuple[int, ...], type] = {(401, 403, 404, 422): ErrorOut}

Dashboard = Literal["overview", "temperature", "promises", "mistakes"]


class StatOut(Schema):
    label: str
    value: str
    note: str


class TableOut(Schema):
    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


class DashboardOut(Schema):
    dashboard: str
    start: str
    end: str
    stats: list[StatOut]
    tables: list[TableOut]
    notes: list[str]


@router.get(
    "/insights/{dashboard}",
    response={200: DashboardOut, **ERRORS},
    summary="A dashboard's figures and tables",
    description="Query parameters: range (7, 30, 90, 365 or custom), start and end (YYYY-MM-DD, for custom), "
    "team, agent and tag (ids), channel (web, email, api, phone). Leads and admins only.",
)
def get_dashboard(request: HttpRequest, dashboard: Dashboard) -> Any:
    user = current_user(request)
    require_lead(user)
    form = FilterForm(request.GET)
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    filters = form.filters()
    board = queries.DASHBOARDS[dashboard](filters)
    return {
        "dashboard": dashboard,
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "stats": [{"label": s.label, "value": s.value, "note": s.note} for s in board.stats],
        "tables": [
            {"name": t.name, "title": t.title, "columns": t.columns, "rows": t.rows} for t in board.tables
        ],
        "notes": board.notes,
    }
