from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

from anchordesk.tickets.search import (
    setup_statements,  # plain SQL text: no models, safe before apps are ready
)


def _ensure_search(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """SQLite rebuilds a table to alter it, dropping its triggers: put the search triggers back
    after every migrate. Every statement is idempotent (IF NOT EXISTS)."""
    from django.db import connections

    connection = connections[using]
    tables = connection.introspection.table_names()
    if "tickets_message" not in tables:
        return
    with connection.cursor() as cursor:
        for sql in setup_statements(connection.vendor):
            cursor.execute(sql)


class TicketsConfig(AppConfig):
    name = "anchordesk.tickets"
    label = "tickets"

    def ready(self) -> None:
        post_migrate.connect(_ensure_search, sender=self, dispatch_uid="anchordesk-search-setup")
