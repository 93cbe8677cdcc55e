"""The REST API, version 1: one NinjaAPI with a router per resource."""

from __future__ import annotations

from ninja import NinjaAPI

from anchordesk.api import (
    automation,
    errors,
    escalations,
    handoffs,
    insights,
    invitations,
    kb,
    messages,
    offboarding,
    people,
    policies,
    recovery,
    tickets,
    webhooks,
    wellbeing,
)
from anchordesk.api.auth import StaffSessionAuth, TokenAuth
from anchordesk.api.docs import SelfHostedSwagger

DESCRIPTION = """The Anchordesk help desk API.

Authenticate with a personal token: `Authorization: Bearer <token>` (create one under your
profile; it is shown once). Errors are JSON: `{"detail": "...", "errors": [{"field": ..., "reason": ...}]}`.
Lists use keyset pagination: pass the `next_cursor` of one page as `cursor` to get the next.
"""

api = NinjaAPI(
    title="Anchordesk API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[TokenAuth(), StaffSessionAuth()],
    docs=SelfHostedSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)

api.add_router("", tickets.router)
api.add_router("", messages.router)
api.add_router("", people.router)
api.add_router("", webhooks.router)
api.add_router("", policies.router)
api.add_router("", escalations.router)
api.add_router("", recovery.router)
api.add_router("", handoffs.router)
api.add_router("", wellbeing.router)
api.add_router("", insights.router)
api.add_router("", automation.router)
api.add_router("", invitations.router)
api.add_router("", offboarding.router)
api.add_router("", kb.router)
