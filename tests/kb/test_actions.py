"""Writing, reviewing, publishing, revisions, restore and translations, through kb/actions.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anchordesk.accounts.choices import Role
from anchordesk.core.access import NotAllowed
from anchordesk.core.models import AuditEvent
from anchordesk.kb import actions
from anchordesk.kb.choices import ArticleState, KbEvent, Visibility
from anchordesk.kb.models import Article
from tests import factories
from tests.kb.conftest import Kb


def test_an_article_is_written_as_a_draft_with_its_first_revision_and_an_audit_event(kb: Kb) -> None:
    article = kb.write(
        "How refunds work", "Refunds take **five** days.", publish=False, tags="Billing, refunds"
    )
    assert article.state == ArticleState.DRAFT
    assert article.slug == "how-refunds-work"
    assert article.tags == "billing refunds"
    assert "<strong>five</strong>" in article.body_html
    assert article.body_text == "Refunds take five days."
    assert [r.number for r in article.revisions.all()] == [1]
    assert AuditEvent.objects.filter(
        kind=KbEvent.ARTICLE_CREATED, object_id=article.pk, actor=kb.author
    ).exists()


def test_markdown_is_sanitized(kb: Kb) -> None:
    body = "<script>alert(1)</script>\n\n[click](javascript:alert(1)) ![x](https://img.test/a.png)"
    article = kb.write("Unsafe", body, publish=False)
    assert "<script" not in article.body_html
    assert 'href="javascript' not in article.body_html
    assert '<img src="https://img.test/a.png"' in article.body_html


def test_the_same_title_gets_a_free_address_per_language(kb: Kb) -> None:
    first = kb.write("Reset a password", publish=False)
    second = kb.write("Reset a password", publish=False)
    french = kb.write("Reset a password", publish=False, language="fr")
    assert (first.slug, second.slug, french.slug) == (
        "reset-a-password",
        "reset-a-password-2",
        "reset-a-password",
    )


def test_a_taken_slug_asked_for_by_name_is_a_field_error(kb: Kb) -> None:
    kb.write("Reset a password", publish=False)
    data = actions.ArticleData(title="Other", body_md="x", section_id=kb.section.pk, slug="reset-a-password")
    with pytest.raises(ValidationError) as err:
        actions.do_create_article(data, actor=kb.author)
    assert "slug" in err.value.message_dict


def test_missing_fields_are_reported_by_field(kb: Kb) -> None:
    data = actions.ArticleData(title=" ", body_md="", section_id=0, visibility=Visibility.ORGANIZATION)
    with pytest.raises(ValidationError) as err:
        actions.do_create_article(data, actor=kb.author)
    assert set(err.value.message_dict) == {"title", "section", "organization"}


def test_review_flow_author_submits_reviewer_sends_back_then_publishes(kb: Kb) -> None:
    article = kb.write("Refund windows", publish=False)
    actions.do_submit_for_review(article, actor=kb.author)
    assert article.state == ArticleState.IN_REVIEW
    actions.do_request_changes(article, actor=kb.reviewer, comment="Name the 30-day window.")
    article.refresh_from_db()
    assert (article.state, article.review_comment) == (ArticleState.DRAFT, "Name the 30-day window.")
    actions.do_submit_for_review(article, actor=kb.author)
    actions.do_publish_article(article, actor=kb.reviewer, comment="Good.")
    article.refresh_from_db()
    assert article.state == ArticleState.PUBLISHED
    assert article.reviewer == kb.reviewer
    assert article.published_at is not None
    kinds = list(
        AuditEvent.objects.filter(object_type="article", object_id=article.pk).values_list("kind", flat=True)
    )
    assert kinds == [
        KbEvent.ARTICLE_CREATED,
        KbEvent.ARTICLE_SUBMITTED,
        KbEvent.ARTICLE_CHANGES_REQUESTED,
        KbEvent.ARTICLE_SUBMITTED,
        KbEvent.ARTICLE_PUBLISHED,
    ]


def test_an_author_cannot_publish_their_own_article_nor_can_an_agent(kb: Kb) -> None:
    lead_article = actions.do_create_article(
        actions.ArticleData(title="Mine", body_md="x", section_id=kb.section.pk), actor=kb.reviewer
    )
    with pytest.raises(NotAllowed):
        actions.do_publish_article(lead_article, actor=kb.reviewer)
    article = kb.write("Theirs", publish=False)
    with pytest.raises(NotAllowed):
        actions.do_publish_article(article, actor=factories.make_user(Role.AGENT))


def test_sending_back_needs_a_comment(kb: Kb) -> None:
    article = kb.write("Refund windows", publish=False)
    actions.do_submit_for_review(article, actor=kb.author)
    with pytest.raises(ValidationError) as err:
        actions.do_request_changes(article, actor=kb.reviewer, comment=" ")
    assert "comment" in err.value.message_dict


def test_collaborators_and_customers_write_nothing(kb: Kb) -> None:
    collaborator = factories.make_user(Role.COLLABORATOR)
    with pytest.raises(NotAllowed):
        actions.do_create_article(
            actions.ArticleData(title="x", body_md="x", section_id=kb.section.pk), actor=collaborator
        )


def test_every_content_change_keeps_a_revision_and_restore_brings_an_old_one_back(kb: Kb) -> None:
    article = kb.write("Refunds", "Five days.")
    article = actions.do_update_article(
        article, actions.article_data(article, body_md="Ten days."), actor=kb.author
    )
    actions.do_update_article(
        article, actions.article_data(article, tags="money"), actor=kb.author
    )  # no new text
    article.refresh_from_db()
    assert [r.number for r in article.revisions.all()] == [2, 1]
    first = article.revisions.get(number=1)
    actions.do_restore_revision(article, first, actor=kb.author)
    article.refresh_from_db()
    assert article.body_md == "Five days."
    assert article.state == ArticleState.PUBLISHED
    assert article.revisions.get(number=3).note == "restored revision 1"
    assert AuditEvent.objects.filter(kind=KbEvent.REVISION_RESTORED, object_id=article.pk).exists()


def test_a_translation_is_outdated_when_its_source_changes_and_current_once_saved(kb: Kb) -> None:
    source = kb.write("Refunds", "Five days.")
    french = actions.do_create_translation(source, language="fr", actor=kb.author)
    assert (french.source, french.language, french.state, french.outdated) == (
        source,
        "fr",
        ArticleState.DRAFT,
        False,
    )
    actions.do_update_article(source, actions.article_data(source, body_md="Ten days."), actor=kb.author)
    french.refresh_from_db()
    assert french.outdated
    actions.do_update_article(
        french, actions.article_data(french, title="Remboursements", body_md="Dix jours."), actor=kb.author
    )
    french.refresh_from_db()
    assert not french.outdated
    assert french.source_revision == 2
    with pytest.raises(ValidationError):
        actions.do_create_translation(source, language="fr", actor=kb.author)


def test_feedback_is_kept_for_the_author_and_opens_no_ticket(kb: Kb) -> None:
    from anchordesk.tickets.models import Ticket

    article = kb.write("Refunds")
    actions.do_record_feedback(article, helpful=False, comment="It did not say how long.", customer=kb.carol)
    assert list(article.feedback.values_list("helpful", "comment")) == [(False, "It did not say how long.")]
    assert Ticket.objects.count() == 0
    assert Article.objects.count() == 1
