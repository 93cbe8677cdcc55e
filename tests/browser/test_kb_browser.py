"""The knowledge base in headless Chromium: an author writes an article, a lead reviews and publishes
it, and a customer finds it by searching the help center and again while typing a new ticket. An
internal article on the same subject never shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from anchordesk.kb.actions import (
    ArticleData,
    do_create_article,
    do_publish_article,
    do_save_category,
    do_save_section,
)
from anchordesk.kb.choices import Visibility
from anchordesk.kb.models import Article
from anchordesk.tickets.models import Ticket
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD
from tests.portal.conftest import emailed_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_author_writes_a_lead_publishes_and_a_customer_finds_it(
    new_context: Callable[[], Any], live_server: Any, people: Personas
) -> None:
    cache.clear()
    category = do_save_category(actor=people.lead, name="Billing")
    section = do_save_section(actor=people.lead, category=category, name="Refunds")
    internal = do_create_article(
        ArticleData(
            title="Refund overrides for agents",
            body_md="How to override a refund limit.",
            section_id=section.pk,
            visibility=Visibility.AGENTS,
        ),
        actor=people.agent2,
    )
    do_publish_article(internal, actor=people.lead)

    # The author writes a draft and sends it for review.
    author = new_context().new_page()
    console_errors: list[str] = []
    author.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    sign_in(author, live_server.url, people.agent.email, PASSWORD)
    author.click("nav >> text=Knowledge base")
    author.click("text=New article")
    author.fill("#id_title", "How to get a refund")
    author.select_option("#id_section", str(section.pk))
    author.fill("#id_tags", "refund, money")
    author.fill("#id_body_md", "Ask for a **refund** within 30 days of delivery from *My orders*.")
    author.click("button:has-text('Save')")
    expect(author.locator("h1")).to_have_text("How to get a refund")
    expect(author.locator(".kb-body strong")).to_have_text("refund")
    author.click("button:has-text('Send for review')")
    expect(author.locator("#kb-state")).to_have_text("In review")

    # A lead reviews it and publishes it with a comment for the author.
    article = Article.objects.get(title="How to get a refund")
    reviewer = new_context().new_page()
    sign_in(reviewer, live_server.url, people.lead.email, PASSWORD)
    reviewer.goto(f"{live_server.url}/kb/{article.pk}/")
    reviewer.fill("#id_comment", "Clear and short.")
    reviewer.click("button:has-text('Publish')")
    expect(reviewer.locator("#kb-state")).to_have_text("Published")
    expect(reviewer.locator("text=Clear and short.")).to_be_visible()

    # A customer signs in to the portal and searches the help center.
    customer = new_context().new_page()
    customer.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    customer.goto(f"{live_server.url}/portal/")
    customer.fill("#id_email", people.customer.email)
    customer.click("button[type=submit]")
    expect(customer.locator("h1")).to_have_text("Check your inbox")
    customer.goto(f"{live_server.url}/portal/sign-in/{emailed_token(people.customer.email)}")
    customer.click("button:has-text('Sign in')")
    customer.wait_for_url(f"{live_server.url}/portal/tickets/")
    customer.click("nav >> text=Help articles")
    customer.fill("#help-q", "refund")
    customer.press("#help-q", "Enter")
    results = customer.locator("#search-results")
    expect(results).to_contain_text("How to get a refund")
    expect(results).not_to_contain_text("Refund overrides for agents")
    customer.click("#search-results >> text=How to get a refund")
    expect(customer.locator("article h1")).to_have_text("How to get a refund")
    expect(customer.locator("link[rel=canonical]")).to_have_attribute(
        "href", f"{live_server.url}/portal/help/en/articles/how-to-get-a-refund"
    )

    # Typing a new ticket: the article is suggested after a short pause, the internal one never.
    customer.goto(f"{live_server.url}/portal/tickets/new")
    customer.fill("#id_subject", "Money back")
    customer.type("#id_message", "I want a refund for my order")
    suggestions = customer.locator("[data-kb-suggestions]")
    expect(suggestions).to_contain_text("How to get a refund")
    expect(suggestions).not_to_contain_text("Refund overrides")
    assert not Ticket.objects.filter(subject="Money back").exists()
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
