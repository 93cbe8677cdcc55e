"""Property: whatever the articles, organizations and readers, nothing internal, unpublished or of
another organization reaches a customer or a visitor — through the help-center pages, search,
suggestions, the sitemap or the API."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anchordesk.accounts.models import Customer, Organization
from anchordesk.kb.actions import ArticleData, do_create_article, do_publish_article, do_submit_for_review
from anchordesk.kb.choices import ArticleState, Visibility
from anchordesk.kb.models import Article
from anchordesk.kb.search import search_articles, suggest_articles
from tests import factories
from tests.kb.conftest import Kb
from tests.portal.conftest import portal_client


@dataclass(frozen=True)
class Spec:
    visibility: str
    organization: int  # 0: Acme, 1: Globex (used when the visibility is "organization")
    state: str
    language: str


SPECS = st.lists(
    st.builds(
        Spec,
        visibility=st.sampled_from(Visibility.values),
        organization=st.integers(0, 1),
        state=st.sampled_from(ArticleState.values),
        language=st.sampled_from(["en", "fr"]),
    ),
    min_size=1,
    max_size=6,
)


def _make(kb: Kb, specs: list[Spec]) -> list[Article]:
    articles = []
    for n, spec in enumerate(specs):
        org = (kb.acme, kb.globex)[spec.organization]
        article = do_create_article(
            ArticleData(
                title=f"Zebra crossing {n}",
                body_md=f"Zebra crossing rules number {n}.",
                section_id=kb.section.pk,
                visibility=spec.visibility,
                organization_id=org.pk if spec.visibility == Visibility.ORGANIZATION else None,
                language=spec.language,
                tags="zebra",
            ),
            actor=kb.author,
        )
        if spec.state == ArticleState.IN_REVIEW:
            do_submit_for_review(article, actor=kb.author)
        elif spec.state == ArticleState.PUBLISHED:
            do_publish_article(article, actor=kb.reviewer)
        articles.append(article)
    return articles


def _may_read(article: Article, organization: Organization | None) -> bool:
    article.refresh_from_db()
    if article.state != ArticleState.PUBLISHED:
        return False
    if article.visibility == Visibility.PUBLIC:
        return True
    return (
        article.visibility == Visibility.ORGANIZATION
        and organization is not None
        and article.organization_id == organization.pk
    )


def _readers(kb: Kb, loner: Customer) -> list[tuple[str, Customer | None, Client]]:
    return [
        ("visitor", None, Client()),
        ("carol of Acme", kb.carol, portal_client(kb.carol)),
        ("gina of Globex", kb.gina, portal_client(kb.gina)),
        ("a customer of no organization", loner, portal_client(loner)),
    ]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=SPECS)
def test_nothing_hidden_reaches_a_customer_or_a_visitor(kb: Kb, specs: list[Spec]) -> None:
    with transaction.atomic():
        loner = factories.make_customer()
        articles = _make(kb, specs)
        public = {a.pk for a in articles if _may_read(a, None)}
        for who, customer, client in _readers(kb, loner):
            organization = customer.organization if customer else None
            allowed = {a.pk for a in articles if _may_read(a, organization)}
            # search and suggestions
            assert {h.article.pk for h in search_articles("zebra", reader=customer)} == allowed, who
            assert {
                h.article.pk for h in suggest_articles("zebra crossing", reader=customer, limit=10)
            } <= allowed, who
            # pages: each article's own page, and the lists that lead to it
            for article in articles:
                status = client.get(f"/portal/help/{article.language}/articles/{article.slug}").status_code
                assert status == (200 if article.pk in allowed else 404), (who, article.title)
            for lang in ("en", "fr"):
                listed = client.get(f"/portal/help/{lang}/billing/refunds/").content.decode()
                searched = client.get(f"/portal/help/{lang}/search", {"q": "zebra"}).content.decode()
                suggested = client.get(
                    "/portal/help/suggest", {"q": "zebra crossing", "lang": lang}
                ).content.decode()
                for article in articles:
                    if article.pk not in allowed and article.language == lang:
                        link = f'/articles/{article.slug}"'
                        assert link not in listed and link not in searched and link not in suggested, (
                            who,
                            article.title,
                        )
            # the API: a customer's browser and a visitor alike get public articles only
            listed_api = {a["id"] for a in client.get("/api/v1/kb/articles").json()}
            searched_api = {
                h["article"]["id"] for h in client.get("/api/v1/kb/search", {"q": "zebra"}).json()
            }
            suggested_api = {
                h["article"]["id"]
                for h in client.get("/api/v1/kb/suggest", {"q": "zebra crossing", "limit": 10}).json()[
                    "results"
                ]
            }
            assert listed_api == searched_api == public, who
            assert suggested_api <= public, who
            for article in articles:
                status = client.get(f"/api/v1/kb/articles/{article.pk}").status_code
                assert status == (200 if article.pk in public else 404), (who, article.title)
        # the sitemap is for everyone: public published articles only
        sitemap = Client().get("/portal/help/sitemap.xml").content.decode()
        in_sitemap = set(re.findall(r"/portal/help/(\w+)/articles/([\w-]+)</loc>", sitemap))
        assert in_sitemap == {(a.language, a.slug) for a in articles if a.pk in public}
        transaction.set_rollback(True)
