"""/kb: knowledge-base articles, search and suggestions.

Reading is open to everyone: agents (by token or session) read every article, drafts included;
anybody else — a visitor, a portal customer, a collaborator's missing token — reads published
public articles only (kb/queries.py decides; the API never widens it). Writing is for agents,
leads and admins; publishing for a lead or an admin who is not the article's author.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anchordesk.accounts.models import User
from anchordesk.api.auth import StaffSessionAuth, TokenAuth, auth_of, current_user, require_ticket_worker
from anchordesk.api.schemas import ErrorOut, Id, InputSchema, UserRef
from anchordesk.core.access import access_lead_work
from anchordesk.kb import actions, queries
from anchordesk.kb.choices import ArticleState, Visibility
from anchordesk.kb.models import Article, Revision
from anchordesk.kb.search import SUGGEST_THRESHOLD, Hit, search_articles, suggest_articles

router = Router(tags=["kb"])

ERRORS: dict[int | tuple[int, ...], type] = {(401, 403, 404, 422): ErrorOut}
MAX_ROWS = 200
LanguageCode = Literal["en", "fr", "de", "es", "pt"]
StateName = Literal["draft", "in_review", "published"]
VisibilityName = Literal["public", "agents", "organization"]


class Visitor:
    """Whoever calls without a valid token or staff session: reads what the public help center shows."""


class VisitorAuth:
    """The last of a read operation's authentications: it always answers, with a Visitor."""

    def __call__(self, request: HttpRequest) -> Visitor:
        return Visitor()


READ_AUTH = [TokenAuth(), StaffSessionAuth(), VisitorAuth()]


def _reader(request: HttpRequest) -> User | None:
    auth = auth_of(request)
    return auth if isinstance(auth, User) and auth.is_active else None


# --- schemas -------------------------------------------------------------------------------


class SectionRef(Schema):
    id: int
    name: str
    slug: str
    category: str
    category_slug: str


class ArticleOut(Schema):
    id: int
    slug: str
    language: LanguageCode
    title: str
    body_md: str
    body_html: str = Field(description="The Markdown rendered and sanitized.")
    tags: list[str]
    section: SectionRef
    visibility: VisibilityName
    organization_id: int | None
    state: StateName
    source_id: int | None = Field(description="The original article when this one is a translation.")
    outdated: bool = Field(description="A translation whose original changed since it was saved.")
    url: str | None = Field(description="The help-center page, when the article is published there.")
    author: UserRef | None = Field(description="For agents only.")
    reviewer: UserRef | None = Field(description="For agents only.")
    review_comment: str | None = Field(description="For agents only.")
    published_at: datetime | None
    updated_at: datetime


class ScoredArticle(Schema):
    score: float = Field(description="0..1: relevance, title match and freshness together.")
    article: ArticleOut


class SuggestOut(Schema):
    threshold: float = Field(description="Articles scoring below it are left out: nothing rather than noise.")
    results: list[ScoredArticle]


class RevisionOut(Schema):
    id: int
    number: int
    title: str
    body_md: str
    author: UserRef
    note: str
    created_at: datetime


class ArticleIn(InputSchema):
    title: str = Field(max_length=200)
    body_md: str = Field("", max_length=actions.MAX_BODY_CHARS)
    section_id: Id
    slug: str = Field("", max_length=110)
    tags: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=20)
    visibility: VisibilityName = "public"
    organization_id: Id | None = None
    language: LanguageCode = "en"


class ArticlePatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    body_md: str | None = Field(None, max_length=actions.MAX_BODY_CHARS)
    section_id: Id | None = None
    slug: str | None = Field(None, max_length=110)
    tags: list[Annotated[str, Field(max_length=40)]] | None = Field(None, max_length=20)
    visibility: VisibilityName | None = None
    organization_id: Id | None = None


class PublishIn(InputSchema):
    comment: str = Field("", max_length=actions.MAX_COMMENT_CHARS)


class ArticleFilters(Schema):
    language: LanguageCode | None = None
    state: StateName | None = None


class SearchQuery(Schema):
    q: str = Field(min_length=1, max_length=500)
    lang: LanguageCode | None = None
    limit: int = Field(10, ge=1, le=50)


# --- serializing ---------------------------------------------------------------------------


def _user(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name, "email": user.email}


def _article(article: Article, staff: bool) -> dict[str, Any]:
    public_page = article.state == ArticleState.PUBLISHED and article.visibility != Visibility.AGENTS
    return {
        "id": article.pk,
        "slug": article.slug,
        "language": article.language,
        "title": article.title,
        "body_md": article.body_md,
        "body_html": article.body_html,
        "tags": article.tag_list,
        "section": {
            "id": article.section.pk,
            "name": article.section.name,
            "slug": article.section.slug,
            "category": article.section.category.name,
            "category_slug": article.section.category.slug,
        },
        "visibility": article.visibility,
        "organization_id": article.organization_id if staff else None,
        "state": article.state,
        "source_id": article.source_id,
        "outdated": article.outdated,
        "url": reverse("help:article", kwargs={"lang": article.language, "slug": article.slug})
        if public_page
        else None,
        "author": _user(article.author) if staff else None,
        "reviewer": _user(article.reviewer) if staff else None,
        "review_comment": article.review_comment if staff else None,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
    }


def _scored(hits: list[Hit], staff: bool) -> list[dict[str, Any]]:
    return [{"score": hit.score, "article": _article(hit.article, staff)} for hit in hits]


def _fresh(article_id: int, user: User) -> Article:
    return queries.access_article(user, article_id)


# --- reading: everyone ----------------------------------------------------------------------


@router.get(
    "/kb/articles", response={200: list[ArticleOut], **ERRORS}, auth=READ_AUTH, summary="List articles"
)
def list_articles(request: HttpRequest, filters: Query[ArticleFilters]) -> Any:
    """Newest first. Agents see every article; anyone else published public ones."""
    reader = _reader(request)
    articles = queries.articles_visible_to(reader).select_related("section__category", "author", "reviewer")
    if filters.language:
        articles = articles.filter(language=filters.language)
    if filters.state:
        articles = articles.filter(state=filters.state)
    return [_article(a, reader is not None) for a in articles[:MAX_ROWS]]


@router.get(
    "/kb/articles/{article_id}",
    response={200: ArticleOut, **ERRORS},
    auth=READ_AUTH,
    summary="Get an article",
)
def get_article(request: HttpRequest, article_id: Id) -> Any:
    reader = _reader(request)
    return _article(queries.access_article(reader, article_id), reader is not None)


@router.get(
    "/kb/search", response={200: list[ScoredArticle], **ERRORS}, auth=READ_AUTH, summary="Search articles"
)
def search(request: HttpRequest, query: Query[SearchQuery]) -> Any:
    """Articles holding every word (each also as a prefix), best first."""
    reader = _reader(request)
    hits = search_articles(query.q, reader=reader, language=query.lang, limit=query.limit)
    return _scored(hits, reader is not None)


@router.get("/kb/suggest", response={200: SuggestOut, **ERRORS}, auth=READ_AUTH, summary="Suggest articles")
def suggest(request: HttpRequest, query: Query[SearchQuery]) -> Any:
    """Articles that may answer a question in the asker's own words, ranked, with their scores.
    Below the confidence threshold nothing is returned."""
    reader = _reader(request)
    hits = suggest_articles(query.q, reader=reader, language=query.lang, limit=min(query.limit, 10))
    return {"threshold": SUGGEST_THRESHOLD, "results": _scored(hits, reader is not None)}


# --- writing: agents; publishing: a lead who did not write it --------------------------------


@router.post("/kb/articles", response={201: ArticleOut, **ERRORS}, summary="Write an article")
def create_article(request: HttpRequest, payload: ArticleIn) -> Any:
    """A draft; send it for review in the UI or publish it here as a lead who is not its author."""
    user = current_user(request)
    require_ticket_worker(user)
    data = actions.ArticleData(
        title=payload.title,
        body_md=payload.body_md,
        section_id=payload.section_id,
        slug=payload.slug,
        tags=" ".join(payload.tags),
        visibility=payload.visibility,
        organization_id=payload.organization_id,
        language=payload.language,
    )
    article = actions.do_create_article(data, actor=user)
    return Status(201, _article(_fresh(article.pk, user), True))


@router.patch("/kb/articles/{article_id}", response={200: ArticleOut, **ERRORS}, summary="Change an article")
def update_article(request: HttpRequest, article_id: Id, payload: ArticlePatch) -> Any:
    """Only the fields sent change. A change to the title or body keeps a revision."""
    user = current_user(request)
    require_ticket_worker(user)
    article = queries.access_article(user, article_id)
    changes = payload.dict(exclude_unset=True)
    if "tags" in changes:
        changes["tags"] = " ".join(changes["tags"] or [])
    if "visibility" in changes and changes["visibility"] != Visibility.ORGANIZATION:
        changes.setdefault("organization_id", None)
    article = actions.do_update_article(article, actions.article_data(article, **changes), actor=user)
    return _article(_fresh(article.pk, user), True)


@router.post(
    "/kb/articles/{article_id}/publish", response={200: ArticleOut, **ERRORS}, summary="Publish an article"
)
def publish_article(request: HttpRequest, article_id: Id, payload: PublishIn) -> Any:
    """Leads and admins, never the article's author; the comment is kept for the author."""
    user = current_user(request)
    access_lead_work(user, status=403)
    article = queries.access_article(user, article_id)
    actions.do_publish_article(article, actor=user, comment=payload.comment)
    return _article(_fresh(article.pk, user), True)


@router.get(
    "/kb/articles/{article_id}/revisions",
    response={200: list[RevisionOut], **ERRORS},
    summary="An article's revisions",
)
def list_revisions(request: HttpRequest, article_id: Id) -> Any:
    user = current_user(request)
    require_ticket_worker(user)
    article = queries.access_article(user, article_id)
    revisions: list[Revision] = list(article.revisions.select_related("author")[:MAX_ROWS])
    return [
        {
            "id": r.pk,
            "number": r.number,
            "title": r.title,
            "body_md": r.body_md,
            "author": _user(r.author),
            "note": r.note,
            "created_at": r.created_at,
        }
        for r in revisions
    ]
