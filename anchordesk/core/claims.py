"""Claim rows in one statement: a conditional UPDATE that returns the rows it changed.

A worker that claims a job (an email to send) with `UPDATE ... WHERE <still claimable>` and then
reads the row it won runs two statements; `UPDATE ... RETURNING` (PostgreSQL, and SQLite since
3.35) does both at once, and only the worker whose UPDATE matched gets the row. Django's
`QuerySet.update()` returns a count, so the statement is Django's own UPDATE for the queryset with
a RETURNING clause added, and the returned columns go through the fields' usual conversions.

A claim often needs a row the claimed one points at (a delivery's webhook): `related` names that
foreign key, and its row's columns come back in the same statement as scalar subqueries in the
RETURNING list (both databases allow a correlated subquery there), the way `select_related`
would have joined it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections, models
from django.db.models.sql import UpdateQuery

M = TypeVar("M", bound=models.Model)


def _from_rows(model: type[M], db: str, rows: list[Any]) -> list[M]:
    """Model instances from raw rows of the model's concrete columns, converted as a SELECT would."""
    fields = list(model._meta.concrete_fields)
    select = model._default_manager.none().query.get_compiler(db)
    converters = select.get_converters([f.get_col(model._meta.db_table) for f in fields])
    if converters:
        rows = list(select.apply_converters(rows, converters))
    names = [f.attname for f in fields]
    return [model.from_db(db, names, list(row)) for row in rows]


def update_returning(queryset: models.QuerySet[M], *, related: str = "", **values: Any) -> list[M]:
    """Apply `values` to the rows of `queryset` and return those rows as they are now (with the
    row of the foreign key `related`, when named, as if selected with it)."""
    model = queryset.model
    db = queryset.db
    connection = connections[db]
    qn = connection.ops.quote_name
    query = queryset.query.chain(UpdateQuery)
    assert isinstance(query, UpdateQuery)
    query.add_update_values(values)
    sql, params = query.get_compiler(db).as_sql()
    if not sql:
        return []
    fields = list(model._meta.concrete_fields)
    columns = [qn(str(f.column)) for f in fields]
    fk: Any = model._meta.get_field(related) if related else None
    if fk is not None:
        target = fk.related_model
        table = qn(target._meta.db_table)
        key = f"{table}.{qn(fk.target_field.column)} = {qn(model._meta.db_table)}.{qn(fk.column)}"
        columns += [
            f"(SELECT {table}.{qn(f.column)} FROM {table} WHERE {key})" for f in target._meta.concrete_fields
        ]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {', '.join(columns)}", params)
        rows = cursor.fetchall()
    found = _from_rows(model, db, [row[: len(fields)] for row in rows])
    if fk is not None:
        for obj, row in zip(found, rows, strict=True):
            rest = row[len(fields) :]
            fk.set_cached_value(obj, _from_rows(target, db, [rest])[0] if rest[0] is not None else None)
    return found
