"""/api/v1/kb: articles, publish, search and suggest, for agents, customers and visitors."""

from __future__ import annotations

import pytest
from django.test import Client

from anchordesk.accounts.actions import do_create_api_token
from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import User
from anchordesk.kb.choices import Visibility
from tests import factories
from tests.api.conftest import ApiClient
from tests.kb.conftest import Kb
from tests.portal.conftest import portal_client


def _api(user: User | None) -> ApiClient:
    if user is None:
        return ApiClient(Client(), None)
    _token, key = do_create_api_token(user, "kb tests", actor=user)
    return ApiClient(Client(), key)


@pytest.fixture
def seeded(kb: Kb) -> Kb:
    kb.write("How to get a refund", "Ask for a refund within 30 days.", tags="refund money")
    kb.write("Refund exceptions for agents", "Leads approve refunds above 100.", visibility=Visibility.AGENTS)
    kb.write(
        "Acme refund contract",
        "Acme gets refunds for 60 days.",
        visibility=Visibility.ORGANIZATION,
        organization=kb.acme,
    )
    kb.write("Refund draft", "Not yet.", publish=False)
    return kb


def test_an_agent_writes_updates_and_a_lead_publishes_through_the_api(kb: Kb) -> None:
    author, reviewer = _api(kb.author), _api(kb.reviewer)
    response = author.post(
        "/kb/articles",
        {
            "title": "Track a parcel",
            "body_md": "Use the **tracking** link.",
            "section_id": kb.section.pk,
            "tags": ["Shipping"],
        },
    )
    assert response.status_code == 201, response.content
    article = response.json()
    assert (article["state"], article["tags"], article["url"]) == ("draft", ["shipping"], None)
    assert "<strong>tracking</strong>" in article["body_html"]
    updated = author.patch(
        f"/kb/articles/{article['id']}", {"body_md": "Use the tracking link in your email."}
    )
    assert updated.status_code == 200
    assert [r["number"] for r in author.get(f"/kb/articles/{article['id']}/revisions").json()] == [2, 1]
    assert author.post(f"/kb/articles/{article['id']}/publish", {"comment": "mine"}).status_code == 403
    published = reviewer.post(f"/kb/articles/{article['id']}/publish", {"comment": "Clear."})
    assert published.status_code == 200
    assert published.json()["state"] == "published"
    assert published.json()["url"] == "/portal/help/en/articles/track-a-parcel"
    assert reviewer.post(f"/kb/articles/{article['id']}/publish", {}).status_code == 422  # already published


def test_invalid_input_is_422_with_field_and_reason(kb: Kb) -> None:
    response = _api(kb.author).post(
        "/kb/articles", {"title": "x", "section_id": kb.section.pk, "visibility": "organization"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "organization", "reason": "Choose the organization that may read it."}
    ]
    response = _api(kb.author).post(
        "/kb/articles", {"title": "x", "section_id": kb.section.pk, "colour": "red"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "colour"


def test_visitors_and_customers_read_public_articles_only(seeded: Kb) -> None:
    for client in (
        _api(None),
        ApiClient(portal_client(seeded.carol), None),
        ApiClient(Client(), "not-a-token"),
    ):
        titles = [a["title"] for a in client.get("/kb/articles").json()]
        assert titles == ["How to get a refund"]
        article = client.get("/kb/articles").json()[0]
        assert article["author"] is None and article["organization_id"] is None
        assert [h["article"]["title"] for h in client.get("/kb/search", {"q": "refund"}).json()] == [
            "How to get a refund"
        ]
    agent_titles = {a["title"] for a in _api(seeded.author).get("/kb/articles").json()}
    assert len(agent_titles) == 4


def test_a_hidden_article_is_the_same_404_as_a_missing_one(seeded: Kb) -> None:
    from anchordesk.kb.models import Article

    internal = Article.objects.get(visibility=Visibility.AGENTS)
    assert _api(None).get(f"/kb/articles/{internal.pk}").status_code == 404
    assert _api(None).get("/kb/articles/999999").status_code == 404
    assert _api(seeded.author).get(f"/kb/articles/{internal.pk}").status_code == 200


def test_suggest_returns_ranked_articles_with_scores_or_nothing(seeded: Kb) -> None:
    response = _api(None).get(
        "/kb/suggest", {"q": "I want my money back, how do refunds work?", "lang": "en", "limit": 3}
    )
    assert response.status_code == 200
    body = response.json()
    assert [r["article"]["title"] for r in body["results"]] == ["How to get a refund"]
    assert body["results"][0]["score"] >= body["threshold"]
    nothing = _api(None).get("/kb/suggest", {"q": "the printer is on fire", "lang": "en"}).json()
    assert nothing["results"] == []
    assert _api(None).get("/kb/suggest", {"q": ""}).status_code == 422


def test_writing_is_for_agents(kb: Kb) -> None:
    body = {"title": "x", "section_id": kb.section.pk}
    assert _api(None).post("/kb/articles", body).status_code == 401
    assert _api(factories.make_user(Role.COLLABORATOR)).post("/kb/articles", body).status_code == 403
