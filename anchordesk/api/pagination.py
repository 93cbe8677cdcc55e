"""Keyset pagination for the API: `limit` rows after an opaque `cursor`, answered as
{"items": [...], "next_cursor": "..." or null}.

The cursor carries the sort name, the sort value and the id of the last row, so every
page costs the same as the first and no row repeats when new ones arrive meanwhile.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.dateparse import parse_datetime

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_ID = 2**63 - 1

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Ordering:
    column: str  # a model field, or "pk"
    descending: bool


def encode_cursor(sort: str, value: Any, pk: int) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([sort, value, pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, ordering: Ordering) -> tuple[Any, int]:
    bad = ValidationError({"cursor": "Not a cursor from this list; start again without one."})
    if len(cursor) > 500:
        raise bad
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        cursor_sort, value, pk = data
    except (ValueError, TypeError):
        raise bad from None
    if cursor_sort != sort or not isinstance(pk, int) or isinstance(pk, bool) or not 0 <= pk <= MAX_ID:
        raise bad
    if ordering.column.endswith("_at"):
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            raise bad
        value = parsed
    elif ordering.column != "pk" and (not isinstance(value, int) or isinstance(value, bool)):
        raise bad
    return value, pk


T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def keyset_page(qs: QuerySet[M], *, sort: str, ordering: Ordering, cursor: str | None, limit: int) -> Page[M]:
    column = ordering.column
    if cursor:
        value, pk = decode_cursor(cursor, sort, ordering)
        op = "lt" if ordering.descending else "gt"
        if column == "pk":
            qs = qs.filter(**{f"pk__{op}": pk})
        else:
            qs = qs.filter(Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"pk__{op}": pk}))
    order = [f"-{column}", "-pk"] if ordering.descending else [column, "pk"]
    if column == "pk":
        order = order[:1]
    rows = list(qs.order_by(*order)[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(sort, getattr(last, column) if column != "pk" else last.pk, last.pk)
    return Page(items=rows, next_cursor=next_cursor)
