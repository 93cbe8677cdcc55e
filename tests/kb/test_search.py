"""Search and suggestions rank what a reader may see, on SQLite (FTS5) and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from anchordesk.kb.choices import Visibility
from anchordesk.kb.models import Article
from anchordesk.kb.search import search_articles, suggest_articles
from tests.kb.conftest import Kb


def _titles(hits: list) -> list[str]:
    return [hit.article.title for hit in hits]


def test_search_finds_every_word_as_a_prefix_and_ranks_title_matches_first(kb: Kb) -> None:
    kb.write("Change your delivery address", "Open your order and choose a new address before it ships.")
    kb.write("Refunds for late deliveries", "If a delivery is late we refund the shipping.")
    kb.write("Passwords", "Reset it from the sign-in page; a password is never sent in a refund email.")
    assert set(_titles(search_articles("deliver", reader=None))) == {
        "Change your delivery address",
        "Refunds for late deliveries",
    }
    assert _titles(search_articles("late refun", reader=None)) == ["Refunds for late deliveries"]
    assert _titles(search_articles("refund", reader=None)) == ["Refunds for late deliveries", "Passwords"]
    assert search_articles("submarine", reader=None) == []
    assert search_articles("  \"' * ( ) - :", reader=None) == []  # query syntax is never passed through


def test_a_fresher_article_wins_a_tie(kb: Kb) -> None:
    old = kb.write("Shipping times", "Orders ship in two days.")
    new = kb.write("Shipping times today", "Orders ship in two days.")
    Article.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=900))
    Article.objects.filter(pk=new.pk).update(title="Shipping times")
    hits = search_articles("shipping times", reader=None)
    assert [h.article.pk for h in hits] == [new.pk, old.pk]
    assert hits[0].score > hits[1].score


def test_suggestions_answer_a_question_in_the_customers_words(kb: Kb) -> None:
    kb.write("How to get a refund", "Ask for a refund within 30 days of delivery.", tags="refund money")
    kb.write("Reset your password", "Use the sign-in page's reset link.", tags="password")
    hits = suggest_articles("How do I get my money back? I want a refund", reader=None)
    assert _titles(hits) == ["How to get a refund"]
    assert 0.45 <= hits[0].score <= 1


def test_below_the_threshold_nothing_is_suggested(kb: Kb) -> None:
    kb.write("How to get a refund", "Ask for a refund within 30 days of delivery.")
    assert suggest_articles("my printer caught fire during the refund of the lamp", reader=None) == []
    assert suggest_articles("the and of", reader=None) == []


def test_search_keeps_to_the_language_asked_for(kb: Kb) -> None:
    kb.write("Refunds", "Refund policy.")
    kb.write("Refunds", "Politique de remboursement.", language="fr")
    assert [h.article.language for h in search_articles("refunds", reader=None, language="fr")] == ["fr"]
    assert len(search_articles("refunds", reader=None)) == 2


def test_search_never_returns_what_the_reader_may_not_see(kb: Kb) -> None:
    kb.write("Refund public", "refund")
    kb.write("Refund internal", "refund", visibility=Visibility.AGENTS)
    kb.write("Refund acme", "refund", visibility=Visibility.ORGANIZATION, organization=kb.acme)
    kb.write("Refund draft", "refund", publish=False)
    assert set(_titles(search_articles("refund", reader=None))) == {"Refund public"}
    assert set(_titles(search_articles("refund", reader=kb.gina))) == {"Refund public"}
    assert set(_titles(search_articles("refund", reader=kb.carol))) == {"Refund public", "Refund acme"}
    assert len(search_articles("refund", reader=kb.author)) == 4


def test_an_edit_is_searchable_at_once(kb: Kb) -> None:
    from anchordesk.kb.actions import article_data, do_update_article

    article = kb.write("Refunds", "Five days.")
    do_update_article(
        article, article_data(article, body_md="Ten working days via bank transfer."), actor=kb.author
    )
    assert _titles(search_articles("transfer", reader=None)) == ["Refunds"]
    assert search_articles("five", reader=None) == []
