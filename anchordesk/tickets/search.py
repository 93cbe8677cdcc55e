"""Full-text search over ticket subjects and messages, one API over two engines.

SQLite uses FTS5 tables kept in step by triggers; PostgreSQL uses GIN indexes over
to_tsvector. Both are created by migration 0002; this module only queries them.
"""

from __future__ import annotations

import re

from django.db import connection

# Words of letters and digits; everything else (quotes, operators) is dropped so a
# user's input can never be read as FTS syntax.
_WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_SETUP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS tickets_message_fts USING fts5(
           body_text, content='tickets_message', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS tickets_ticket_fts USING fts5(
           subject, content='tickets_ticket', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS tickets_message_ai AFTER INSERT ON tickets_message BEGIN
           INSERT INTO tickets_message_fts(rowid, body_text) VALUES (new.id, new.body_text); END""",
    """CREATE TRIGGER IF NOT EXISTS tickets_message_ad AFTER DELETE ON tickets_message BEGIN
           INSERT INTO tickets_message_fts(tickets_message_fts, rowid, body_text)
           VALUES ('delete', old.id, old.body_text); END""",
    """CREATE TRIGGER IF NOT EXISTS tickets_message_au AFTER UPDATE OF body_text ON tickets_message BEGIN
           INSERT INTO tickets_message_fts(tickets_message_fts, rowid, body_text)
           VALUES ('delete', old.id, old.body_text);
           INSERT INTO tickets_message_fts(rowid, body_text) VALUES (new.id, new.body_text); END""",
    """CREATE TRIGGER IF NOT EXISTS tickets_ticket_ai AFTER INSERT ON tickets_ticket BEGIN
           INSERT INTO tickets_ticket_fts(rowid, subject) VALUES (new.id, new.subject); END""",
    """CREATE TRIGGER IF NOT EXISTS tickets_ticket_ad AFTER DELETE ON tickets_ticket BEGIN
           INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, subject)
           VALUES ('delete', old.id, old.subject); END""",
    """CREATE TRIGGER IF NOT EXISTS tickets_ticket_au AFTER UPDATE OF subject ON tickets_ticket BEGIN
           INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, subject)
           VALUES ('delete', old.id, old.subject);
           INSERT INTO tickets_ticket_fts(rowid, subject) VALUES (new.id, new.subject); END""",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS tickets_message_ai",
    "DROP TRIGGER IF EXISTS tickets_message_ad",
    "DROP TRIGGER IF EXISTS tickets_message_au",
    "DROP TRIGGER IF EXISTS tickets_ticket_ai",
    "DROP TRIGGER IF EXISTS tickets_ticket_ad",
    "DROP TRIGGER IF EXISTS tickets_ticket_au",
    "DROP TABLE IF EXISTS tickets_message_fts",
    "DROP TABLE IF EXISTS tickets_ticket_fts",
]
POSTGRES_SETUP = [
    "CREATE INDEX IF NOT EXISTS tickets_message_fts ON tickets_message "
    "USING GIN (to_tsvector('simple', body_text))",
    "CREATE INDEX IF NOT EXISTS tickets_ticket_fts ON tickets_ticket USING GIN (to_tsvector('simple', subject))",
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS tickets_message_fts", "DROP INDEX IF EXISTS tickets_ticket_fts"]


def terms(query: str) -> list[str]:
    return _WORD.findall(query.lower())[:12]


def matching_ticket_ids(query: str, *, limit: int = 500) -> list[int]:
    """Ids of tickets whose subject or any message holds every word of the query, newest first.

    The last word matches as a prefix, so results appear while a word is still being typed.
    """
    words = terms(query)
    if not words:
        return []
    if connection.vendor == "sqlite":
        match = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        sql = """
            SELECT id FROM (
                SELECT m.ticket_id AS id FROM tickets_message_fts f
                JOIN tickets_message m ON m.id = f.rowid WHERE tickets_message_fts MATCH %s
                UNION
                SELECT rowid AS id FROM tickets_ticket_fts WHERE tickets_ticket_fts MATCH %s
            ) ORDER BY id DESC LIMIT %s
        """
        params: list[str | int] = [match, match, limit]
    else:
        tsquery = " & ".join(words[:-1] + [f"{words[-1]}:*"])
        sql = """
            SELECT id FROM (
                SELECT ticket_id AS id FROM tickets_message
                WHERE to_tsvector('simple', body_text) @@ to_tsquery('simple', %s)
                UNION
                SELECT id FROM tickets_ticket WHERE to_tsvector('simple', subject) @@ to_tsquery('simple', %s)
            ) AS hits ORDER BY id DESC LIMIT %s
        """
        params = [tsquery, tsquery, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def setup_statements(vendor: str) -> list[str]:
    return SQLITE_SETUP if vendor == "sqlite" else POSTGRES_SETUP if vendor == "postgresql" else []


def teardown_statements(vendor: str) -> list[str]:
    return SQLITE_TEARDOWN if vendor == "sqlite" else POSTGRES_TEARDOWN if vendor == "postgresql" else []


def rebuild_index() -> None:
    """Re-read every subject and message into the index (after a bulk load that bypassed triggers)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO tickets_message_fts(tickets_message_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO tickets_ticket_fts(tickets_ticket_fts) VALUES ('rebuild')")
