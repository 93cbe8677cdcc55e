"""The public help center under the portal: categories, sections, articles, search, sitemap, feedback.

The reader is the customer signed in to the portal, or nobody: a signed-in agent browsing here sees
what a visitor sees. Every list and lookup goes through kb/queries.py (published, public or the
customer's own organization), so nothing internal is ever on these pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from anchordesk.accounts.models import Customer
from anchordesk.kb.actions import do_record_feedback
from anchordesk.kb.choices import Language
from anchordesk.kb.forms import FeedbackForm
from anchordesk.kb.models import Article, Section
from anchordesk.kb.queries import access_public_article, articles_visible_to, categories_with_articles
from anchordesk.kb.search import search_articles, suggest_articles
from anchordesk.portal.auth import get_portal_customer

SUGGEST_MAX_CHARS = 2_000


def _reader(request: HttpRequest) -> Customer | None:
    return get_portal_customer(request)


def _language(lang: str) -> str:
    if lang not in Language.values:
        raise Http404("No help center in this language.")
    return lang


def _context(request: HttpRequest, lang: str, **extra: object) -> dict[str, object]:
    return {
        "customer": _reader(request),
        "lang": lang,
        "languages": Language.choices,
        "canonical": request.build_absolute_uri(request.path),
        "nav": "help",
        **extra,
    }


@require_GET
def root(request: HttpRequest) -> HttpResponse:
    wanted = (request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "en")[:2]
    return redirect("help:home", lang=wanted if wanted in Language.values else Language.EN)


@require_GET
def home(request: HttpRequest, lang: str) -> HttpResponse:
    lang = _language(lang)
    reader = _reader(request)
    return render(
        request,
        "kb/help/home.html",
        _context(request, lang, categories=categories_with_articles(reader, lang)),
    )


def _section_articles(
    reader: Customer | None, lang: str, sections: list[Section]
) -> list[tuple[Section, list[Article]]]:
    articles = list(
        articles_visible_to(reader)
        .filter(language=lang, section__in=sections)
        .order_by("title")
        .only("id", "title", "slug", "section_id", "language")
    )
    return [(section, [a for a in articles if a.section_id == section.pk]) for section in sections]


@require_GET
def category(request: HttpRequest, lang: str, category_slug: str) -> HttpResponse:
    lang = _language(lang)
    reader = _reader(request)
    found = next(
        (pair for pair in categories_with_articles(reader, lang) if pair[0].slug == category_slug), None
    )
    if found is None:
        raise Http404("No such category.")
    cat, sections = found
    return render(
        request,
        "kb/help/category.html",
        _context(request, lang, category=cat, sections=_section_articles(reader, lang, sections)),
    )


@require_GET
def section(request: HttpRequest, lang: str, category_slug: str, section_slug: str) -> HttpResponse:
    lang = _language(lang)
    reader = _reader(request)
    found = (
        Section.objects.select_related("category")
        .filter(category__slug=category_slug, slug=section_slug)
        .first()
    )
    if found is None:
        raise Http404("No such section.")
    pairs = _section_articles(reader, lang, [found])
    if not pairs[0][1]:
        raise Http404(
            "No such section."
        )  # a section with nothing this reader may read does not exist for them
    return render(
        request,
        "kb/help/section.html",
        _context(request, lang, category=found.category, section=found, articles=pairs[0][1]),
    )


@require_GET
def article(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    lang = _language(lang)
    reader = _reader(request)
    found = access_public_article(reader, lang, slug)
    family_root = found.source_id or found.pk
    alternates = (
        articles_visible_to(reader).filter(_family(family_root)).exclude(pk=found.pk).only("language", "slug")
    )
    return render(
        request,
        "kb/help/article.html",
        _context(request, lang, article=found, alternates=alternates, form=FeedbackForm()),
    )


def _family(root_id: int) -> Q:
    """The original article and its translations."""
    return Q(pk=root_id) | Q(source_id=root_id)


@require_POST
def feedback(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    lang = _language(lang)
    reader = _reader(request)
    found = access_public_article(reader, lang, slug)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "kb/help/article.html",
            _context(request, lang, article=found, alternates=[], form=form),
            status=400,
        )
    do_record_feedback(
        found, helpful=form.cleaned_data["helpful"], comment=form.cleaned_data["comment"], customer=reader
    )
    messages.success(request, "Thank you: your answer goes to the people who wrote this article.")
    return redirect("help:article", lang=lang, slug=found.slug)


@require_GET
def search(request: HttpRequest, lang: str) -> HttpResponse:
    lang = _language(lang)
    query = request.GET.get("q", "").strip()[:200]
    hits = search_articles(query, reader=_reader(request), language=lang) if query else []
    return render(request, "kb/help/search.html", _context(request, lang, q=query, hits=hits))


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The portal's new-ticket form asks here as the customer types (an htmx partial)."""
    text = " ".join(request.GET.get(k, "") for k in ("subject", "message", "q"))[:SUGGEST_MAX_CHARS]
    lang = request.GET.get("lang", Language.EN)
    hits = suggest_articles(text, reader=_reader(request), language=lang if lang in Language.values else None)
    return render(request, "kb/help/partials/_suggestions.html", {"hits": hits})


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    """Published public articles only: a sitemap is for everyone, so it never lists a customer's own."""
    articles = articles_visible_to(None).only("language", "slug", "updated_at").order_by("language", "slug")
    urls = [
        (
            request.build_absolute_uri(reverse("help:article", kwargs={"lang": a.language, "slug": a.slug})),
            a.updated_at,
        )
        for a in articles
    ]
    return render(
        request,
        "kb/help/sitemap.xml",
        {
            "urls": urls,
            "homes": [
                request.build_absolute_uri(reverse("help:home", kwargs={"lang": code}))
                for code in Language.values
            ],
        },
        content_type="application/xml; charset=utf-8",
    )
