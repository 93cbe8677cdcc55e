"""Changes to teams and organizations: atomic, validated, audited.

These belong beside the other people changes in accounts/actions.py; they live here
until that module's owner moves them, and the API and the UI can both call them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from anchordesk.accounts.choices import TeamKind, Tier
from anchordesk.accounts.models import Organization, Team, User
from anchordesk.core.audit import record_event


def _clean_name(name: str, *, limit: int) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > limit:
        raise ValidationError({"name": f"A name of 1 to {limit} characters is required."})
    return name


def _clean_team(changes: dict[str, Any], team: Team | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "name":
            value = _clean_name(str(value), limit=80)
            clash = Team.objects.filter(name__iexact=value)
            if team is not None:
                clash = clash.exclude(pk=team.pk)
            if clash.exists():
                raise ValidationError({"name": "Another team has this name."})
        elif key == "kind":
            if value not in TeamKind.values:
                raise ValidationError({"kind": f"Must be one of {', '.join(TeamKind.values)}."})
        elif key == "description":
            value = str(value or "").strip()
            if len(value) > 300:
                raise ValidationError({"description": "At most 300 characters."})
        elif key == "email":
            value = str(value or "").strip()
            if value:
                try:
                    validate_email(value)
                except ValidationError:
                    raise ValidationError({"email": "Enter a valid email address."}) from None
        else:
            raise ValidationError({key: "This field cannot be changed."})
        cleaned[key] = value
    return cleaned


def _members(member_ids: Iterable[int]) -> list[User]:
    ids = set(member_ids)
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    missing = ids - {u.pk for u in users}
    if missing:
        raise ValidationError(
            {"member_ids": f"No active agent with id {', '.join(map(str, sorted(missing)))}."}
        )
    return users


@transaction.atomic
def do_create_team(*, actor: User, name: str, member_ids: Iterable[int] | None = None, **fields: Any) -> Team:
    cleaned = _clean_team({"name": name, **fields}, None)
    team = Team.objects.create(**cleaned)
    if member_ids is not None:
        team.members.set(_members(member_ids))
    record_event(
        "team.created", actor=actor, obj=team, after={**cleaned, "members": sorted(member_ids or [])}
    )
    return team


@transaction.atomic
def do_update_team(
    team: Team, *, actor: User, member_ids: Iterable[int] | None = None, **changes: Any
) -> Team:
    cleaned = _clean_team(changes, team)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in cleaned.items():
        if getattr(team, key) != value:
            before[key], after[key] = getattr(team, key), value
            setattr(team, key, value)
    if after:
        team.save()
    if member_ids is not None:
        current = set(team.members.values_list("pk", flat=True))
        wanted = {u.pk for u in _members(member_ids)}
        if current != wanted:
            team.members.set(wanted)
            before["members"], after["members"] = sorted(current), sorted(wanted)
    if after:
        record_event("team.updated", actor=actor, obj=team, before=before, after=after)
    return team


def _clean_organization(changes: dict[str, Any], org: Organization | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "name":
            value = _clean_name(str(value), limit=120)
            clash = Organization.objects.filter(name__iexact=value)
            if org is not None:
                clash = clash.exclude(pk=org.pk)
            if clash.exists():
                raise ValidationError({"name": "Another organization has this name."})
        elif key == "domain":
            value = str(value or "").strip().lower().lstrip("@")
            if len(value) > 120 or (value and ("." not in value or " " in value)):
                raise ValidationError({"domain": "Enter a domain such as example.com."})
        elif key == "tier":
            if value not in Tier.values:
                raise ValidationError({"tier": f"Must be one of {', '.join(Tier.values)}."})
        elif key == "notes":
            value = str(value or "")
            if len(value) > 10_000:
                raise ValidationError({"notes": "At most 10000 characters."})
        else:
            raise ValidationError({key: "This field cannot be changed."})
        cleaned[key] = value
    return cleaned


@transaction.atomic
def do_create_organization(*, actor: User, name: str, **fields: Any) -> Organization:
    cleaned = _clean_organization({"name": name, **fields}, None)
    org = Organization.objects.create(**cleaned)
    record_event("organization.created", actor=actor, obj=org, after=cleaned)
    return org


@transaction.atomic
def do_update_organization(org: Organization, *, actor: User, **changes: Any) -> Organization:
    cleaned = _clean_organization(changes, org)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in cleaned.items():
        if getattr(org, key) != value:
            before[key], after[key] = getattr(org, key), value
            setattr(org, key, value)
    if after:
        org.save()
        record_event("organization.updated", actor=actor, obj=org, before=before, after=after)
    return org
