"""Knowledge-base personas: an author (agent), a reviewer (lead), two customers of two organizations."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import Customer, Organization, User
from anchordesk.kb.actions import (
    ArticleData,
    do_create_article,
    do_publish_article,
    do_save_category,
    do_save_section,
)
from anchordesk.kb.choices import Visibility
from anchordesk.kb.models import Article, Section
from tests import factories


@dataclass
class Kb:
    author: User
    reviewer: User
    acme: Organization
    globex: Organization
    carol: Customer  # of Acme
    gina: Customer  # of Globex
    section: Section

    def write(
        self,
        title: str,
        body: str = "",
        *,
        publish: bool = True,
        visibility: str = Visibility.PUBLIC,
        organization: Organization | None = None,
        tags: str = "",
        language: str = "en",
    ) -> Article:
        article = do_create_article(
            ArticleData(
                title=title,
                body_md=body or f"All about {title.lower()}.",
                section_id=self.section.pk,
                tags=tags,
                visibility=visibility,
                organization_id=organization.pk if organization else None,
                language=language,
            ),
            actor=self.author,
        )
        if publish:
            article = do_publish_article(article, actor=self.reviewer, comment="Looks right.")
        return article


@pytest.fixture
def kb(db: None) -> Kb:
    author = factories.make_user(Role.AGENT, username="kb-author")
    reviewer = factories.make_user(Role.LEAD, username="kb-reviewer")
    acme, globex = factories.make_organization("Acme"), factories.make_organization("Globex")
    category = do_save_category(actor=author, name="Billing")
    section = do_save_section(actor=author, category=category, name="Refunds")
    return Kb(
        author=author,
        reviewer=reviewer,
        acme=acme,
        globex=globex,
        carol=factories.make_customer("carol@acme.test", organization=acme),
        gina=factories.make_customer("gina@globex.test", organization=globex),
        section=section,
    )
