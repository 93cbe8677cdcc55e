"""Rows to the plain dicts the response schemas describe. Callers select/prefetch what is read."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from anchordesk.accounts.models import Customer, Organization, Team, User
from anchordesk.tickets.choices import Priority
from anchordesk.tickets.models import Attachment, Message, Ticket

PRIORITY_NAMES = {p.value: p.name.lower() for p in Priority}
PRIORITY_VALUES = {name: value for value, name in PRIORITY_NAMES.items()}


def user_ref(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name, "email": user.email}


def team_ref(team: Team | None) -> dict[str, Any] | None:
    return None if team is None else {"id": team.pk, "name": team.name}


def customer_ref(customer: Customer | None) -> dict[str, Any] | None:
    if customer is None:
        return None
    return {"id": customer.pk, "email": customer.email, "name": customer.name}


def organization_ref(org: Organization | None) -> dict[str, Any] | None:
    return None if org is None else {"id": org.pk, "name": org.name}


def ticket(t: Ticket) -> dict[str, Any]:
    return {
        "id": t.pk,
        "subject": t.subject,
        "status": t.status,
        "priority": PRIORITY_NAMES.get(t.priority, "normal"),
        "channel": t.channel,
        "customer": customer_ref(t.customer),
        "assignee": user_ref(t.assignee),
        "team": team_ref(t.team),
        "tags": sorted(tag.name for tag in t.tags.all()),
        "fields": t.fields or {},
        "merged_into": t.merged_into_id,
        "message_count": t.message_count,
        "temperature": t.temperature,
        "version": t.version,
        "first_response_at": t.first_response_at,
        "solved_at": t.solved_at,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


def attachment(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "url": reverse("api-v1:attachment_download", kwargs={"attachment_id": a.pk}),
    }


def message(m: Message) -> dict[str, Any]:
    return {
        "id": m.pk,
        "ticket_id": m.ticket_id,
        "kind": m.kind,
        "public": m.is_public,
        "author": user_ref(m.author),
        "customer": customer_ref(m.customer),
        "channel": m.channel,
        "body": m.body_text,
        "html": m.body_html,
        "attachments": [attachment(a) for a in m.attachments.all()],
        "created_at": m.created_at,
    }


def customer(c: Customer) -> dict[str, Any]:
    return {
        "id": c.pk,
        "email": c.email,
        "name": c.name,
        "organization": organization_ref(c.organization),
        "notes": c.notes,
        "sees_organization_tickets": c.sees_organization_tickets,
        "created_at": c.created_at,
    }


def organization(o: Organization) -> dict[str, Any]:
    return {
        "id": o.pk,
        "name": o.name,
        "domain": o.domain,
        "tier": o.tier,
        "notes": o.notes,
        "created_at": o.created_at,
    }


def team(t: Team) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "kind": t.kind,
        "description": t.description,
        "email": t.email,
        "members": [user_ref(u) for u in t.members.all()],
    }
