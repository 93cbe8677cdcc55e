"""The agent's knowledge-base pages and the public help center, as a browser without JavaScript sees them."""

from __future__ import annotations

import re

from django.test import Client

from anchordesk.accounts.choices import Role
from anchordesk.kb.choices import ArticleState, Visibility
from anchordesk.kb.models import Article, Feedback
from tests import factories
from tests.kb.conftest import Kb
from tests.portal.conftest import portal_client


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _article_form(kb: Kb, **changes: str) -> dict[str, str]:
    form = {
        "title": "Change your delivery address",
        "slug": "",
        "section": str(kb.section.pk),
        "language": "en",
        "visibility": "public",
        "organization": "",
        "tags": "delivery, address",
        "body_md": "Open **My orders** and choose *Change address*.",
    }
    form.update(changes)
    return form


def test_an_agent_writes_a_draft_and_a_lead_publishes_it(kb: Kb) -> None:
    author = _as(kb.author)
    response = author.post("/kb/new", _article_form(kb))
    assert response.status_code == 302
    article = Article.objects.get()
    page = author.get(response["Location"]).content.decode()
    assert "<strong>My orders</strong>" in page and "Send for review" in page
    assert author.post(f"/kb/{article.pk}/submit").status_code == 302
    # The author may not review their own article.
    assert author.post(f"/kb/{article.pk}/review", {"decision": "publish"}).status_code == 403
    reviewer = _as(kb.reviewer)
    assert (
        reviewer.post(f"/kb/{article.pk}/review", {"decision": "publish", "comment": "Clear."}).status_code
        == 302
    )
    article.refresh_from_db()
    assert article.state == ArticleState.PUBLISHED
    assert "Clear." in reviewer.get(f"/kb/{article.pk}/").content.decode()


def test_a_form_with_a_missing_title_answers_400_naming_the_field(kb: Kb) -> None:
    author = _as(kb.author)
    response = author.post("/kb/new", _article_form(kb, title=""))
    assert response.status_code == 400
    assert 'id="title-error"' in response.content.decode()
    response = author.post("/kb/new", _article_form(kb, visibility="organization"))
    assert response.status_code == 400
    assert 'id="organization-error">Choose the organization that may read it.' in response.content.decode()
    assert not Article.objects.exists()


def test_sending_back_without_a_comment_is_400_with_the_reason(kb: Kb) -> None:
    article = kb.write("Refunds", publish=False)
    _as(kb.author).post(f"/kb/{article.pk}/submit")
    response = _as(kb.reviewer).post(f"/kb/{article.pk}/review", {"decision": "changes", "comment": ""})
    assert response.status_code == 400
    assert "comment: Say what should change." in response.content.decode()


def test_revisions_show_the_diff_and_restore_an_old_text(kb: Kb) -> None:
    article = kb.write("Refunds", "Refunds take five days.")
    author = _as(kb.author)
    author.post(
        f"/kb/{article.pk}/edit",
        _article_form(kb, title="Refunds", slug=article.slug, body_md="Refunds take ten days."),
    )
    page = author.get(f"/kb/{article.pk}/revisions").content.decode()
    assert '<span class="kb-diff-remove">- Refunds take five days.</span>' in page
    assert '<span class="kb-diff-add">+ Refunds take ten days.</span>' in page
    first = article.revisions.get(number=1)
    assert author.post(f"/kb/{article.pk}/revisions/{first.pk}/restore").status_code == 302
    article.refresh_from_db()
    assert article.body_md == "Refunds take five days."


def test_a_translation_is_started_and_shown_outdated_after_the_original_changes(kb: Kb) -> None:
    article = kb.write("Refunds", "Five days.")
    author = _as(kb.author)
    response = author.post(f"/kb/{article.pk}/translate", {"language": "fr"})
    french = Article.objects.get(language="fr")
    assert response["Location"] == f"/kb/{french.pk}/edit"
    author.post(
        f"/kb/{article.pk}/edit", _article_form(kb, title="Refunds", slug=article.slug, body_md="Ten days.")
    )
    assert "outdated" in author.get(f"/kb/{french.pk}/").content.decode()
    assert "outdated" in author.get("/kb/").content.decode()


def test_the_help_center_shows_published_public_articles_with_canonical_links(kb: Kb) -> None:
    article = kb.write("Change your delivery address", "Open **My orders**.")
    kb.write("Internal escalation steps", visibility=Visibility.AGENTS)
    kb.write("Unpublished draft", publish=False)
    client = Client()
    assert client.get("/portal/help/")["Location"] == "/portal/help/en/"
    home = client.get("/portal/help/en/").content.decode()
    assert "Billing" in home and "Refunds" in home
    section = client.get("/portal/help/en/billing/refunds/").content.decode()
    assert "Change your delivery address" in section
    assert "Internal escalation steps" not in section and "Unpublished draft" not in section
    page = client.get(f"/portal/help/en/articles/{article.slug}")
    assert page.status_code == 200
    assert (
        f'<link rel="canonical" href="http://testserver/portal/help/en/articles/{article.slug}">'
        in page.content.decode()
    )
    internal = Article.objects.get(title="Internal escalation steps")
    assert client.get(f"/portal/help/en/articles/{internal.slug}").status_code == 404
    assert client.get("/portal/help/xx/").status_code == 404


def test_the_help_center_search_box(kb: Kb) -> None:
    kb.write("Change your delivery address", "Open My orders.")
    kb.write("Secret address change for agents", visibility=Visibility.AGENTS)
    page = Client().get("/portal/help/en/search", {"q": "addr"}).content.decode()
    assert "Change your delivery address" in page
    assert "Secret address" not in page
    assert "Nothing found" in Client().get("/portal/help/en/search", {"q": "zeppelin"}).content.decode()


def test_a_customer_sees_their_organizations_articles_and_not_anothers(kb: Kb) -> None:
    acme_article = kb.write("Acme's VPN setup", visibility=Visibility.ORGANIZATION, organization=kb.acme)
    carol, gina = portal_client(kb.carol), portal_client(kb.gina)
    path = f"/portal/help/en/articles/{acme_article.slug}"
    assert carol.get(path).status_code == 200
    assert gina.get(path).status_code == 404
    assert Client().get(path).status_code == 404


def test_the_sitemap_lists_only_public_published_articles(kb: Kb) -> None:
    public = kb.write("Change your delivery address")
    kb.write("Acme's VPN setup", visibility=Visibility.ORGANIZATION, organization=kb.acme)
    kb.write("Internal", visibility=Visibility.AGENTS)
    response = portal_client(kb.carol).get("/portal/help/sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    articles = [loc for loc in locs if "/articles/" in loc]
    assert articles == [f"http://testserver/portal/help/en/articles/{public.slug}"]


def test_was_this_helpful_records_feedback_for_the_author(kb: Kb) -> None:
    article = kb.write("Refunds")
    client = portal_client(kb.carol)
    path = f"/portal/help/en/articles/{article.slug}/feedback"
    assert client.post(path, {"helpful": "no", "comment": "Say how long it takes."}).status_code == 302
    assert list(Feedback.objects.values_list("helpful", "comment", "customer")) == [
        (False, "Say how long it takes.", kb.carol.pk)
    ]
    assert client.post(path, {"helpful": "maybe"}).status_code == 400
    assert "Say how long it takes." in _as(kb.author).get(f"/kb/{article.pk}/").content.decode()


def test_collaborators_and_customers_never_reach_the_agent_pages(kb: Kb) -> None:
    article = kb.write("Internal", visibility=Visibility.AGENTS)
    collaborator = _as(factories.make_user(Role.COLLABORATOR))
    assert collaborator.get("/kb/").status_code == 403
    assert collaborator.get(f"/kb/{article.pk}/").status_code == 404
    assert portal_client(kb.carol).get(f"/kb/{article.pk}/")["Location"].startswith("/signin/")


def test_category_management(kb: Kb) -> None:
    author = _as(kb.author)
    assert author.post("/kb/categories", {"name": "Shipping"}).status_code == 302
    assert author.post("/kb/categories", {"name": "Search"}).status_code == 400  # a reserved address
    assert "Shipping" in author.get("/kb/categories").content.decode()


def test_the_new_ticket_form_asks_for_suggestions_and_gets_nothing_below_the_threshold(kb: Kb) -> None:
    kb.write("How to get a refund", "Ask for a refund within 30 days.", tags="refund money")
    client = portal_client(kb.carol)
    form = client.get("/portal/tickets/new").content.decode()
    assert 'hx-get="/portal/help/suggest"' in form
    found = client.get("/portal/help/suggest", {"subject": "Money back", "message": "I want a refund"})
    assert "How to get a refund" in found.content.decode()
    nothing = client.get("/portal/help/suggest", {"subject": "Printer", "message": "It is on fire"})
    assert "data-kb-suggestions" not in nothing.content.decode()
