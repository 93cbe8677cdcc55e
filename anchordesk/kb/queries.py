"""Who may see which article: one queryset, used by every page, search, the sitemap and the API.

A reader is a staff `User`, a portal `Customer`, or None (a visitor). Staff see every article,
drafts included. Customers and visitors see published articles only: public ones, and a
customer also those of their own organization. Nothing else leaves this module.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from anchordesk.accounts.models import Customer, User
from anchordesk.core.access import NotAllowed
from anchordesk.kb.choices import ArticleState, Visibility
from anchordesk.kb.models import Article, Category, Revision, Section

Reader = User | Customer | None


def is_staff_reader(reader: Reader) -> bool:
    return isinstance(reader, User) and reader.is_active


def articles_visible_to(reader: Reader) -> QuerySet[Article]:
    articles = Article.objects.all()
    if is_staff_reader(reader):
        return articles
    published = articles.filter(state=ArticleState.PUBLISHED)
    if isinstance(reader, Customer) and reader.organization_id is not None:
        return published.filter(
            Q(visibility=Visibility.PUBLIC)
            | Q(visibility=Visibility.ORGANIZATION, organization_id=reader.organization_id)
        )
    return published.filter(visibility=Visibility.PUBLIC)


def access_article(reader: Reader, article_id: int) -> Article:
    """The article; NotAllowed (404) for one that is missing and one this reader may not see alike."""
    article = (
        articles_visible_to(reader)
        .select_related("section__category", "source")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise NotAllowed("No such article.", status=404)
    return article


def access_public_article(reader: Reader, language: str, slug: str) -> Article:
    article = (
        articles_visible_to(reader)
        .select_related("section__category")
        .filter(language=language, slug=slug)
        .first()
    )
    if article is None:
        raise NotAllowed("No such article.", status=404)
    return article


def access_revision(article: Article, revision_id: int) -> Revision:
    revision = Revision.objects.filter(article=article, pk=revision_id).first()
    if revision is None:
        raise NotAllowed("No such revision.", status=404)
    return revision


def categories_with_articles(reader: Reader, language: str) -> list[tuple[Category, list[Section]]]:
    """The categories and sections that hold at least one article this reader may see."""
    section_ids = set(
        articles_visible_to(reader).filter(language=language).values_list("section_id", flat=True).distinct()
    )
    sections = Section.objects.filter(pk__in=section_ids).select_related("category")
    grouped: dict[int, tuple[Category, list[Section]]] = {}
    for section in sections:
        grouped.setdefault(section.category_id, (section.category, []))[1].append(section)
    return sorted(grouped.values(), key=lambda pair: (pair[0].position, pair[0].name))
