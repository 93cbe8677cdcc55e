"""Finding articles: SQLite FTS5 or PostgreSQL full text behind one function, the same ranking on both.

The database finds candidates (every word as a prefix: "refun" finds "refunds") among the articles
the reader may see — the visibility queryset is part of the SQL, so no hidden article is ever a
candidate. Candidates are then scored in Python, identically on both databases:

    score = (0.55 * coverage + 0.25 * title_coverage + 0.20 * engine_relevance) * freshness

coverage is the share of the query's words found in the article, title_coverage the share found in
its title or tags, engine_relevance the engine's own rank squashed into 0..1 (bm25 or ts_rank_cd),
and freshness = 0.85 + 0.15 * exp(-age_days / 365). `suggest` keeps only articles above
SUGGEST_THRESHOLD: nothing rather than noise.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone

from anchordesk.kb.models import Article
from anchordesk.kb.queries import Reader, articles_visible_to

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12
CANDIDATES = 60
SUGGEST_MAX_TERMS = 8
SUGGEST_THRESHOLD = 0.45
# Words too common to say what a question is about (the languages the help center offers).
_STOPWORD_TEXT = """
    a an and are as at be but by can could do does for from get got has have how i if in is it its
    me my no not of on or our please so that the their them there this to was we what when where which
    who why will with would you your hi hello thanks thank help want need know like just back also any
    some about am been did im dont cant still make tell see way here one all very much should
    le la les un une des et est pour pas que qui dans je mon ma mes ne du de au
    der die das und ist nicht ich mein ein eine zu mit von den
    el los las y es no que por para mi una con del en
    o os as e um uma para com não meu
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

SQLITE_SETUP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS kb_article_fts USING fts5(
           title, tags, body_text, content='kb_article', content_rowid='id',
           tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS kb_article_ai AFTER INSERT ON kb_article BEGIN
           INSERT INTO kb_article_fts(rowid, title, tags, body_text)
           VALUES (new.id, new.title, new.tags, new.body_text); END""",
    """CREATE TRIGGER IF NOT EXISTS kb_article_ad AFTER DELETE ON kb_article BEGIN
           INSERT INTO kb_article_fts(kb_article_fts, rowid, title, tags, body_text)
           VALUES ('delete', old.id, old.title, old.tags, old.body_text); END""",
    """CREATE TRIGGER IF NOT EXISTS kb_article_au AFTER UPDATE OF title, tags, body_text ON kb_article BEGIN
           INSERT INTO kb_article_fts(kb_article_fts, rowid, title, tags, body_text)
           VALUES ('delete', old.id, old.title, old.tags, old.body_text);
           INSERT INTO kb_article_fts(rowid, title, tags, body_text)
           VALUES (new.id, new.title, new.tags, new.body_text); END""",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS kb_article_ai",
    "DROP TRIGGER IF EXISTS kb_article_ad",
    "DROP TRIGGER IF EXISTS kb_article_au",
    "DROP TABLE IF EXISTS kb_article_fts",
]
# PostgreSQL keeps the weighted vector in a stored generated column (added by migration 0002 with
# raw SQL, so the model does not know it): ranking reads it instead of re-parsing every match.
_PG_VECTOR_EXPRESSION = (
    "setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', tags), 'A')"
    " || setweight(to_tsvector('simple', body_text), 'B')"
)
_PG_VECTOR = "search_vector"
POSTGRES_SETUP = [
    f"ALTER TABLE kb_article ADD COLUMN IF NOT EXISTS search_vector tsvector "
    f"GENERATED ALWAYS AS ({_PG_VECTOR_EXPRESSION}) STORED",
    "CREATE INDEX IF NOT EXISTS kb_article_fts ON kb_article USING GIN (search_vector)",
]
POSTGRES_TEARDOWN = [
    "DROP INDEX IF EXISTS kb_article_fts",
    "ALTER TABLE kb_article DROP COLUMN IF EXISTS search_vector",
]


def setup_statements(vendor: str) -> list[str]:
    return SQLITE_SETUP if vendor == "sqlite" else POSTGRES_SETUP if vendor == "postgresql" else []


def teardown_statements(vendor: str) -> list[str]:
    return SQLITE_TEARDOWN if vendor == "sqlite" else POSTGRES_TEARDOWN if vendor == "postgresql" else []


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float


_SUFFIXES = ("ing", "ed", "es", "s")


def stem(word: str) -> str:
    """A crude stem, enough for prefix matching to find "refund" from "refunds" or "refunded"."""
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms(query: str, *, drop_stopwords: bool) -> list[str]:
    """The query's words as stems, each matched as a prefix; FTS syntax never survives this."""
    words: list[str] = []
    for word in _WORD.findall(query.lower()):
        if drop_stopwords and word in STOPWORDS:
            continue
        word = stem(word[:40])
        if word not in words:
            words.append(word)
    return words[:MAX_TERMS]


def _candidates(
    words: list[str], *, match_all: bool, reader: Reader, language: str | None
) -> dict[int, float]:
    """Article id -> the engine's relevance (0..1) for articles the reader may see."""
    visible = articles_visible_to(reader)
    if language:
        visible = visible.filter(language=language)
    visible_sql, visible_params = visible.values("id").query.sql_with_params()
    if connection.vendor == "sqlite":
        match = (" AND " if match_all else " OR ").join(f'"{w}"*' for w in words)
        # The matches are materialized first: a rowid IN (...) constraint on the FTS table itself
        # would run the full-text query once per visible article.
        sql = f"""
            WITH hits AS MATERIALIZED (
                SELECT rowid AS id, bm25(kb_article_fts, 5.0, 3.0, 1.0) AS rank
                FROM kb_article_fts WHERE kb_article_fts MATCH %s
            )
            SELECT id, rank FROM hits WHERE id IN ({visible_sql}) ORDER BY rank LIMIT %s
        """
        params = [match, *visible_params, CANDIDATES]
    else:
        tsquery = (" & " if match_all else " | ").join(f"{w}:*" for w in words)
        sql = f"""
            SELECT id, ts_rank_cd({_PG_VECTOR}, query, 32) AS rank
            FROM kb_article, to_tsquery('simple', %s) AS query
            WHERE {_PG_VECTOR} @@ query AND id IN ({visible_sql})
            ORDER BY rank DESC LIMIT %s
        """
        params = [tsquery, *visible_params, CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":  # bm25 is negative, lower is better
        return {row[0]: (-row[1]) / (1.0 - row[1]) for row in rows}
    return {row[0]: float(row[1]) for row in rows}


def _covered(words: list[str], text: str) -> float:
    """The share of the words found in the text, each as a word or (3+ letters) a word's prefix."""
    tokens = sorted(set(_WORD.findall(text.lower())))
    found = 0
    for word in words:
        i = bisect_left(tokens, word)
        if i < len(tokens) and (tokens[i] == word or (len(word) >= 3 and tokens[i].startswith(word))):
            found += 1
    return found / len(words)


def freshness(at: datetime, now: datetime) -> float:
    age_days = max((now - at).total_seconds() / 86400, 0.0)
    return 0.85 + 0.15 * math.exp(-age_days / 365)


def _rank(
    query: str,
    *,
    reader: Reader,
    language: str | None,
    limit: int,
    match_all: bool,
    drop_stopwords: bool,
    max_terms: int = MAX_TERMS,
) -> list[Hit]:
    words = terms(query, drop_stopwords=drop_stopwords)
    if len(words) > max_terms:
        # A long question: keep its longest words, which say most about what it is about and
        # match fewer articles, so the engine ranks fewer candidates.
        keep = set(sorted(words, key=len, reverse=True)[:max_terms])
        words = [w for w in words if w in keep]
    if not words:
        return []
    relevance = _candidates(words, match_all=match_all, reader=reader, language=language)
    if not relevance:
        return []
    now = timezone.now()
    hits = []
    for article in articles_visible_to(reader).filter(pk__in=relevance).select_related("section__category"):
        coverage = _covered(words, f"{article.title} {article.tags} {article.body_text}")
        title_coverage = _covered(words, f"{article.title} {article.tags}")
        score = (0.55 * coverage + 0.25 * title_coverage + 0.20 * relevance[article.pk]) * freshness(
            article.published_at or article.updated_at, now
        )
        hits.append(Hit(article=article, score=round(score, 4)))
    hits.sort(key=lambda h: (-h.score, -h.article.pk))
    return hits[:limit]


def search_articles(query: str, *, reader: Reader, language: str | None = None, limit: int = 20) -> list[Hit]:
    """The search box: articles holding every word of the query (each as a prefix), best first."""
    return _rank(query, reader=reader, language=language, limit=limit, match_all=True, drop_stopwords=False)


def suggest_articles(
    text: str,
    *,
    reader: Reader,
    language: str | None = None,
    limit: int = 3,
    threshold: float = SUGGEST_THRESHOLD,
) -> list[Hit]:
    """Articles that may answer a question written in the customer's own words; none below the threshold."""
    hits = _rank(
        text,
        reader=reader,
        language=language,
        limit=limit,
        match_all=False,
        drop_stopwords=True,
        max_terms=SUGGEST_MAX_TERMS,
    )
    return [hit for hit in hits if hit.score >= threshold]


def rebuild_index() -> None:
    """Re-read every article into the SQLite index (after a bulk load that bypassed the triggers)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO kb_article_fts(kb_article_fts) VALUES ('rebuild')")
