"""Every change to the knowledge base: one function each, atomic, with its audit event.

Authors are agents, leads and admins; a reviewer (a lead or an admin, never the article's own
author) publishes or sends it back with a comment. Every save that changes the title or the body
keeps a Revision; a new revision of a source article marks its translations outdated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from anchordesk.accounts.models import Customer, Organization, User
from anchordesk.core.access import NotAllowed, access_lead_work, access_ticket_work
from anchordesk.core.audit import record_event
from anchordesk.kb.choices import ArticleState, KbEvent, Language, Visibility
from anchordesk.kb.models import Article, Category, Feedback, Revision, Section
from anchordesk.kb.rendering import normalize_tags, plain_text, render_markdown

MAX_BODY_CHARS = 100_000
MAX_COMMENT_CHARS = 2_000
# Words the help center's own addresses use after the language (/portal/help/en/search...).
RESERVED_CATEGORY_SLUGS = frozenset({"articles", "search", "suggest"})


@dataclass(frozen=True)
class ArticleData:
    """What an author writes. `slug` empty: made from the title."""

    title: str
    body_md: str
    section_id: int
    slug: str = ""
    tags: str = ""
    visibility: str = Visibility.PUBLIC
    organization_id: int | None = None
    language: str = Language.EN


def _clean(data: ArticleData, *, article: Article | None = None) -> dict[str, object]:
    errors: dict[str, str] = {}
    title = data.title.strip()
    if not title:
        errors["title"] = "Give the article a title."
    elif len(title) > 200:
        errors["title"] = "Keep the title under 200 characters."
    if len(data.body_md) > MAX_BODY_CHARS:
        errors["body_md"] = f"Keep the body under {MAX_BODY_CHARS:,} characters."
    if not Section.objects.filter(pk=data.section_id).exists():
        errors["section"] = "Choose a section."
    if data.language not in Language.values:
        errors["language"] = "Choose a language from the list."
    if data.visibility not in Visibility.values:
        errors["visibility"] = "Choose who may read it."
    organization_id = data.organization_id if data.visibility == Visibility.ORGANIZATION else None
    if data.visibility == Visibility.ORGANIZATION and (
        organization_id is None or not Organization.objects.filter(pk=organization_id).exists()
    ):
        errors["organization"] = "Choose the organization that may read it."
    slug = slugify(data.slug or title)[:110]
    if data.slug and not slug:
        errors["slug"] = "Use letters, digits and dashes."
    if errors:
        raise ValidationError(errors)
    slug = _free_slug(slug or "article", data.language, article)
    if data.slug and slug != slugify(data.slug)[:110]:
        raise ValidationError({"slug": "Another article in this language has this address."})
    return {
        "title": title,
        "body_md": data.body_md,
        "section_id": data.section_id,
        "slug": slug,
        "tags": normalize_tags(data.tags),
        "visibility": data.visibility,
        "organization_id": organization_id,
        "language": data.language,
    }


def _free_slug(slug: str, language: str, article: Article | None) -> str:
    taken = Article.objects.filter(language=language, slug__startswith=slug)
    if article is not None:
        taken = taken.exclude(pk=article.pk)
    names = set(taken.values_list("slug", flat=True))
    candidate, n = slug, 2
    while candidate in names:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _render(article: Article) -> None:
    article.body_html = render_markdown(article.body_md)
    article.body_text = plain_text(article.body_html)


def _snapshot(article: Article) -> dict[str, object]:
    return {
        "title": article.title,
        "slug": article.slug,
        "state": article.state,
        "visibility": article.visibility,
        "organization": article.organization_id,
        "tags": article.tags,
    }


def _keep_revision(article: Article, *, actor: User, note: str = "") -> Revision:
    last = article.revisions.aggregate(n=Max("number"))["n"] or 0
    revision = Revision.objects.create(
        article=article,
        number=last + 1,
        title=article.title,
        body_md=article.body_md,
        author=actor,
        note=note,
    )
    if article.source_id is not None:
        source_revision = article.source.revisions.aggregate(n=Max("number"))["n"] if article.source else None
        Article.objects.filter(pk=article.pk).update(source_revision=source_revision, outdated=False)
        article.source_revision, article.outdated = source_revision, False
    # Translations were written against an older text of this article: flag them for their translators.
    Article.objects.filter(source=article).update(outdated=True)
    return revision


# --- structure ---------------------------------------------------------------------------------


@transaction.atomic
def do_save_category(
    *, actor: User, name: str, slug: str = "", description: str = "", category: Category | None = None
) -> Category:
    access_ticket_work(actor, status=403)
    name = name.strip()
    slug = slugify(slug or name)[:80]
    if not name or not slug:
        raise ValidationError({"name": "Give the category a name."})
    if slug in RESERVED_CATEGORY_SLUGS:
        raise ValidationError({"slug": "This address is taken by the help center itself."})
    clash = Category.objects.filter(slug=slug)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise ValidationError({"slug": "Another category has this address."})
    category = category or Category()
    category.name, category.slug, category.description = name, slug, description.strip()[:300]
    category.save()
    record_event(KbEvent.CATEGORY_SAVED, actor=actor, obj=category, after={"name": name, "slug": slug})
    return category


@transaction.atomic
def do_save_section(*, actor: User, category: Category, name: str, slug: str = "") -> Section:
    access_ticket_work(actor, status=403)
    name = name.strip()
    slug = slugify(slug or name)[:80]
    if not name or not slug:
        raise ValidationError({"name": "Give the section a name."})
    if Section.objects.filter(category=category, slug=slug).exists():
        raise ValidationError({"slug": "Another section of this category has this address."})
    section = Section.objects.create(category=category, name=name, slug=slug)
    record_event(KbEvent.SECTION_SAVED, actor=actor, obj=section, after={"name": name, "slug": slug})
    return section


# --- articles ----------------------------------------------------------------------------------


@transaction.atomic
def do_create_article(data: ArticleData, *, actor: User) -> Article:
    access_ticket_work(actor, status=403)
    article = Article(author=actor, **_clean(data))
    _render(article)
    article.save()
    _keep_revision(article, actor=actor, note="created")
    record_event(KbEvent.ARTICLE_CREATED, actor=actor, obj=article, after=_snapshot(article))
    return article


@transaction.atomic
def do_update_article(article: Article, data: ArticleData, *, actor: User, note: str = "") -> Article:
    """Save an author's edit. A published article stays published: the edit is live and audited."""
    access_ticket_work(actor, status=403)
    article = Article.objects.select_for_update().get(pk=article.pk)
    before = _snapshot(article)
    content_before = (article.title, article.body_md)
    for name, value in _clean(data, article=article).items():
        setattr(article, name, value)
    _render(article)
    article.save()
    if (article.title, article.body_md) != content_before:
        _keep_revision(article, actor=actor, note=note)
    record_event(KbEvent.ARTICLE_UPDATED, actor=actor, obj=article, before=before, after=_snapshot(article))
    return article


@transaction.atomic
def do_submit_for_review(article: Article, *, actor: User) -> Article:
    access_ticket_work(actor, status=403)
    if article.state != ArticleState.DRAFT:
        raise ValidationError({"state": "Only a draft can be sent for review."})
    article.state = ArticleState.IN_REVIEW
    article.save(update_fields=["state", "updated_at"])
    record_event(
        KbEvent.ARTICLE_SUBMITTED, actor=actor, obj=article, before=ArticleState.DRAFT, after=article.state
    )
    return article


def _check_reviewer(article: Article, actor: User) -> None:
    access_lead_work(actor, status=403)
    if actor.pk == article.author_id:
        raise NotAllowed("Someone other than the author reviews an article.", status=403)


@transaction.atomic
def do_publish_article(article: Article, *, actor: User, comment: str = "") -> Article:
    _check_reviewer(article, actor)
    if article.state == ArticleState.PUBLISHED:
        raise ValidationError({"state": "The article is already published."})
    before = article.state
    article.state = ArticleState.PUBLISHED
    article.reviewer = actor
    article.review_comment = comment.strip()[:MAX_COMMENT_CHARS]
    article.published_at = timezone.now()
    article.save(update_fields=["state", "reviewer", "review_comment", "published_at", "updated_at"])
    record_event(
        KbEvent.ARTICLE_PUBLISHED, actor=actor, obj=article, before=before, after=article.state,
        note=article.review_comment[:300],
    )  # fmt: skip
    return article


@transaction.atomic
def do_request_changes(article: Article, *, actor: User, comment: str) -> Article:
    _check_reviewer(article, actor)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Say what should change."})
    if article.state != ArticleState.IN_REVIEW:
        raise ValidationError({"state": "Only an article in review can be sent back."})
    article.state = ArticleState.DRAFT
    article.reviewer = actor
    article.review_comment = comment[:MAX_COMMENT_CHARS]
    article.save(update_fields=["state", "reviewer", "review_comment", "updated_at"])
    record_event(
        KbEvent.ARTICLE_CHANGES_REQUESTED, actor=actor, obj=article, before=ArticleState.IN_REVIEW,
        after=article.state, note=comment[:300],
    )  # fmt: skip
    return article


@transaction.atomic
def do_unpublish_article(article: Article, *, actor: User) -> Article:
    access_lead_work(actor, status=403)
    if article.state != ArticleState.PUBLISHED:
        raise ValidationError({"state": "The article is not published."})
    article.state = ArticleState.DRAFT
    article.save(update_fields=["state", "updated_at"])
    record_event(
        KbEvent.ARTICLE_UNPUBLISHED,
        actor=actor,
        obj=article,
        before=ArticleState.PUBLISHED,
        after=article.state,
    )
    return article


@transaction.atomic
def do_restore_revision(article: Article, revision: Revision, *, actor: User) -> Article:
    """Bring back an old title and body as a new revision; the history in between is kept."""
    if revision.article_id != article.pk:
        raise ValidationError({"revision": "That revision belongs to another article."})
    data = article_data(article, title=revision.title, body_md=revision.body_md)
    article = do_update_article(article, data, actor=actor, note=f"restored revision {revision.number}")
    record_event(KbEvent.REVISION_RESTORED, actor=actor, obj=article, after=revision.number)
    return article


def article_data(article: Article, **changes: Any) -> ArticleData:
    """What the article holds now, with `changes` (ArticleData's field names) applied."""
    current = ArticleData(
        title=article.title,
        body_md=article.body_md,
        section_id=article.section_id,
        slug=article.slug,
        tags=article.tags,
        visibility=article.visibility,
        organization_id=article.organization_id,
        language=article.language,
    )
    return replace(current, **changes)


@transaction.atomic
def do_create_translation(source: Article, *, language: str, actor: User) -> Article:
    """A draft in another language, starting from the source's text, for a translator to rewrite."""
    access_ticket_work(actor, status=403)
    if source.source_id is not None:
        raise ValidationError({"language": "Translate the original article, not a translation."})
    if language == source.language or language not in Language.values:
        raise ValidationError({"language": "Choose another language."})
    if source.translations.filter(language=language).exists():
        raise ValidationError({"language": "This article already has a translation in that language."})
    data = article_data(source, language=language)
    translation = Article(author=actor, source=source, **_clean(data))
    _render(translation)
    translation.save()
    _keep_revision(translation, actor=actor, note=f"translated from {source.language}")
    record_event(
        KbEvent.TRANSLATION_CREATED,
        actor=actor,
        obj=translation,
        after={"source": source.pk, "language": language},
    )
    return translation


@transaction.atomic
def do_record_feedback(
    article: Article, *, helpful: bool, comment: str = "", customer: Customer | None = None
) -> Feedback:
    """A reader's answer to 'was this helpful?': kept for the author on the article, not a ticket."""
    feedback = Feedback.objects.create(
        article=article, helpful=helpful, comment=comment.strip()[:MAX_COMMENT_CHARS], customer=customer
    )
    record_event(KbEvent.FEEDBACK, actor_customer=customer, obj=article, after={"helpful": helpful})
    return feedback
