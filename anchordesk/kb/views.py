"""The agent's knowledge base: the list, writing, review and publishing, revisions, translations.

Views parse input and call kb/actions.py; every article lookup goes through kb/queries.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anchordesk.core.access import access_lead_work, require_agent, validation_errors
from anchordesk.kb import actions
from anchordesk.kb.choices import ArticleState, Language
from anchordesk.kb.diffs import diff_lines
from anchordesk.kb.forms import ArticleForm, CategoryForm, ReviewForm, SectionForm, TranslateForm
from anchordesk.kb.models import Article, Category
from anchordesk.kb.queries import access_article, access_revision, articles_visible_to
from anchordesk.kb.search import search_articles

PER_PAGE = 100


def _form_refused(form: ArticleForm | ReviewForm, exc: ValidationError) -> None:
    for field, reasons in validation_errors(exc).items():
        target = field if field in form.fields else None
        for reason in reasons:
            form.add_error(target, reason)


def _refused(exc: ValidationError) -> HttpResponse:
    """400 naming each field and its reason (for the buttons that post no form of their own)."""
    text = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in validation_errors(exc).items())
    return HttpResponse(f"Not saved. {text}", status=400, content_type="text/plain; charset=utf-8")


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    user = require_agent(request)
    state = request.GET.get("state", "")
    query = request.GET.get("q", "").strip()[:200]
    if query:
        articles = [hit.article for hit in search_articles(query, reader=user, limit=PER_PAGE)]
        if state in ArticleState.values:
            articles = [a for a in articles if a.state == state]
    else:
        qs = articles_visible_to(user).select_related("section__category", "author")
        if state in ArticleState.values:
            qs = qs.filter(state=state)
        articles = list(qs[:PER_PAGE])
    counts = articles_visible_to(user).aggregate(
        **{s.value: Count("id", filter=Q(state=s.value)) for s in ArticleState},
        outdated=Count("id", filter=Q(outdated=True)),
    )
    return render(
        request,
        "kb/list.html",
        {"articles": articles, "state": state, "q": query, "states": ArticleState.choices, "counts": counts},
    )


@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    user = require_agent(request)
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = actions.do_create_article(form.data_for_action(), actor=user)
        except ValidationError as exc:
            _form_refused(form, exc)
        else:
            messages.success(request, "Draft saved.")
            return redirect("kb-article", article_id=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "kb/edit.html", {"form": form, "article": None}, status=status)


@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    user = require_agent(request)
    article = access_article(user, article_id)
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                actions.do_update_article(article, form.data_for_action(), actor=user)
            except ValidationError as exc:
                _form_refused(form, exc)
            else:
                messages.success(request, "Saved.")
                return redirect("kb-article", article_id=article.pk)
        return render(request, "kb/edit.html", {"form": form, "article": article}, status=400)
    initial = {
        "title": article.title,
        "slug": article.slug,
        "section": article.section_id,
        "language": article.language,
        "visibility": article.visibility,
        "organization": article.organization_id,
        "tags": article.tags,
        "body_md": article.body_md,
    }
    return render(request, "kb/edit.html", {"form": ArticleForm(initial=initial), "article": article})


@require_GET
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    user = require_agent(request)
    article = access_article(user, article_id)
    translations = article.translations.all() if article.source_id is None else Article.objects.none()
    taken = {article.language, *(t.language for t in translations)}
    return render(
        request,
        "kb/article.html",
        {
            "article": article,
            "translations": translations,
            "free_languages": [(code, label) for code, label in Language.choices if code not in taken],
            "feedback": article.feedback.all()[:50],
            "helpful": article.feedback.aggregate(
                yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
            ),
            "review_form": ReviewForm(),
            "can_review": user.is_lead and user.pk != article.author_id,
        },
    )


@require_POST
def article_submit(request: HttpRequest, article_id: int) -> HttpResponse:
    user = require_agent(request)
    article = access_article(user, article_id)
    try:
        actions.do_submit_for_review(article, actor=user)
    except ValidationError as exc:
        return _refused(exc)
    messages.success(request, "Sent for review.")
    return redirect("kb-article", article_id=article.pk)


@require_POST
def article_review(request: HttpRequest, article_id: int) -> HttpResponse:
    user = require_agent(request)
    article = access_article(user, article_id)
    access_lead_work(user, status=403)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _refused(ValidationError({k: list(v) for k, v in form.errors.items()}))
    try:
        if form.cleaned_data["decision"] == "publish":
            actions.do_publish_article(article, actor=user, comment=form.cleaned_data["comment"])
            messages.success(request, "Published.")
        else:
            actions.do_request_changes(article, actor=user, comment=form.cleaned_data["comment"])
            messages.success(request, "Sent back to the author.")
    except ValidationError as exc:
        return _refused(exc)
    return redirect("kb-article", article_id=article.pk)


@require_POST
def article_unpublish(request: HttpRequest, article_id: int) -> HttpResponse:
    user = require_agent(request)
    article = access_article(user, article_id)
    access_lead_work(user, status=403)
    try:
        actions.do_unpublish_article(article, actor=user)
    except ValidationError as exc:
        return _refused(exc)
    messages.success(request, "Unpublished: back to draft.")
    return redirect("kb-article", article_id=article.pk)


@require_GET
def article_revisions(request: HttpRequest, article_id: int) -> HttpResponse:
    user = require_agent(request)
    article = access_article(user, article_id)
    revisions = list(article.revisions.select_related("author"))
    entries = []
    for i, revision in enumerate(revisions):
        previous = revisions[i + 1] if i + 1 < len(revisions) else None
        lines = (
            diff_lines(previous.title, previous.body_md, revision.title, revision.body_md) if previous else []
        )
        entries.append({"revision": revision, "diff": lines, "current": i == 0})
    return render(request, "kb/revisions.html", {"article": article, "entries": entries})


@require_POST
def revision_restore(request: HttpRequest, article_id: int, revision_id: int) -> HttpResponse:
    user = require_agent(request)
    article = access_article(user, article_id)
    revision = access_revision(article, revision_id)
    try:
        actions.do_restore_revision(article, revision, actor=user)
    except ValidationError as exc:
        return _refused(exc)
    messages.success(request, f"Revision {revision.number} restored as a new revision.")
    return redirect("kb-revisions", article_id=article.pk)


@require_POST
def article_translate(request: HttpRequest, article_id: int) -> HttpResponse:
    user = require_agent(request)
    article = access_article(user, article_id)
    form = TranslateForm(request.POST)
    if not form.is_valid():
        return _refused(ValidationError({k: list(v) for k, v in form.errors.items()}))
    try:
        translation = actions.do_create_translation(
            article, language=form.cleaned_data["language"], actor=user
        )
    except ValidationError as exc:
        return _refused(exc)
    messages.success(request, "Translation started from the original's text.")
    return redirect("kb-edit", article_id=translation.pk)


@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    user = require_agent(request)
    category_form, section_form = CategoryForm(), SectionForm()
    status = 200
    if request.method == "POST":
        adding_section = "category" in request.POST
        form: CategoryForm | SectionForm = (
            SectionForm(request.POST) if adding_section else CategoryForm(request.POST)
        )
        if form.is_valid():
            try:
                if isinstance(form, SectionForm):
                    actions.do_save_section(
                        actor=user,
                        category=form.cleaned_data["category"],
                        name=form.cleaned_data["name"],
                        slug=form.cleaned_data["slug"],
                    )
                else:
                    actions.do_save_category(
                        actor=user,
                        name=form.cleaned_data["name"],
                        slug=form.cleaned_data["slug"],
                        description=form.cleaned_data["description"],
                    )
            except ValidationError as exc:
                for field, reasons in validation_errors(exc).items():
                    for reason in reasons:
                        form.add_error(field if field in form.fields else None, reason)
            else:
                messages.success(request, "Saved.")
                return redirect("kb-categories")
        status = 400
        if isinstance(form, SectionForm):
            section_form = form
        else:
            category_form = form
    return render(
        request,
        "kb/categories.html",
        {
            "categories": Category.objects.prefetch_related("sections"),
            "category_form": category_form,
            "section_form": section_form,
        },
        status=status,
    )
