"""Parsing posted fields into typed values; a bad value is a ValidationError naming its field."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.dateparse import parse_date

from anchordesk.accounts.models import Team, User


def parse_due_on(value: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({"due_on": "Enter a date such as 2026-12-01."})
    return parsed


def parse_team(value: str, teams: QuerySet[Team]) -> Team | None:
    value = (value or "").strip()
    if not value:
        return None
    team = teams.filter(pk=int(value)).first() if value.isdigit() else None
    if team is None:
        raise ValidationError({"team": "Choose one of the listed teams."})
    return team


def parse_user(value: str, field: str) -> User | None:
    value = (value or "").strip()
    if not value:
        return None
    user = User.objects.filter(pk=int(value), is_active=True).first() if value.isdigit() else None
    if user is None:
        raise ValidationError({field: "Choose one of the listed people."})
    return user


def parse_ids(data: QueryDict, field: str) -> list[int]:
    ids: list[int] = []
    for raw in data.getlist(field):
        if not raw.strip().isdigit():
            raise ValidationError({field: f"{raw!r} is not a message number."})
        ids.append(int(raw))
    return ids
