"""Claim rows in one statement: a conditional UPDATE that returns the rows it changed.

A worker that claims a job (an email to send) with `UPDATE ... WHERE <still claimable>` and then
reads the row it won runs two statements; `UPDATE ... RETURNING` (PostgreSQL, and SQLite since
3.35) does both at once, and only the worker whose UPDATE matched gets the row. Django's
`QuerySet.update()` returns a count, so the statement is Django's own UPDATE for the queryset with
a RETURNING clause added, and the returned columns go through the fields' usual conversions.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections, models
from django.db.models.sql import UpdateQuery

M = TypeVar("M", bound=models.Model)


def update_returning(queryset: models.QuerySet[M], **values: Any) -> list[M]:
    """Apply `values` to the rows of `queryset` and return those rows as they are now."""
    model = queryset.model
    connection = connections[queryset.db]
    query = queryset.query.chain(UpdateQuery)
    assert isinstance(query, UpdateQuery)
    query.add_update_values(values)
    sql, params = query.get_compiler(queryset.db).as_sql()
    if not sql:
        return []
    fields = list(model._meta.concrete_fields)
    returning = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {returning}", params)
        rows = cursor.fetchall()
    select = queryset.query.get_compiler(queryset.db)
    converters = select.get_converters([f.get_col(model._meta.db_table) for f in fields])
    if converters:
        rows = list(select.apply_converters(rows, converters))
    names = [f.attname for f in fields]
    return [model.from_db(queryset.db, names, list(row)) for row in rows]
