"""The settings hub: one page from the account menu to every section; leads see theirs, admins all."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from anchordesk.accounts.choices import Role
from anchordesk.mail.models import InboundEmail, InboundState, Mailbox
from tests import factories

pytestmark = pytest.mark.django_db


def _page(user, path: str = "/settings/") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _links(html: str) -> dict[str, str]:
    """Section title -> link, from the hub's entries."""
    return dict(
        (title, href)
        for href, title in re.findall(r'<a class="settings-title" href="([^"]+)">([^<]+)</a>', html)
    )


def test_admins_reach_every_daily_section_from_the_hub(people):
    links = _links(_page(people.admin))
    assert links["Mailboxes"] == "/mail/mailboxes/"
    assert links["SLA policies and business calendars"] == "/sla/"
    assert links["Triggers"] == "/automation/"
    assert links["Time rules"] == "/automation/#time-rules"
    assert links["Macros"] == "/automation/macros/"
    assert links["Assignment"] == "/automation/assignment/"
    assert links["Webhooks"] == "/settings/webhooks/"
    assert links["Policies"] == "/policies/"
    assert links["Background jobs"] == "/settings/jobs/"
    assert links["Mail quarantine"] == "/mail/quarantine/"
    assert links["Outbox"] == "/mail/outbox/"
    assert links["CSAT"] == "/automation/csat/"
    assert "Agents" in links
    for href in links.values():  # every link opens for an admin
        assert Client().get(href).status_code in (302, 404)  # signed out: sent away
        client = Client()
        client.force_login(people.admin)
        assert client.get(href, follow=True).status_code == 200, href


def test_leads_see_only_what_leads_may_change(people):
    links = _links(_page(people.lead))
    assert {"SLA policies and business calendars", "Triggers", "Macros", "Policies"} <= set(links)
    assert not {"Mailboxes", "Webhooks", "Background jobs", "Mail quarantine", "Outbox"} & set(links)


def test_agents_and_customers_get_no_settings(people):
    for persona in (people.agent, people.collaborator):
        client = Client()
        client.force_login(persona)
        assert client.get("/settings/").status_code == 403
        assert 'href="/settings/"' not in client.get("/").content.decode()


def test_the_hub_counts_what_needs_a_look(people):
    Mailbox.objects.create(name="Support", address="support@example.test", host="imap.example.test")
    Mailbox.objects.create(name="Sales", address="sales@example.test", last_error="The server refused ...")
    Mailbox.objects.create(name="Old", address="old@example.test", active=False)
    InboundEmail.objects.create(
        source="push", raw=b"x", size=1, content_hash="h1", state=InboundState.QUARANTINED
    )
    html = _page(people.admin)
    mailboxes = re.search(
        r'id="settings-mailboxes".*?<p class="settings-state([^"]*)">([^<]+)</p>', html, re.S
    )
    assert mailboxes and mailboxes.group(2) == "3 mailboxes, 1 failing, 1 inactive"
    assert "settings-attention" in mailboxes.group(1)
    quarantine = re.search(
        r'id="settings-quarantine".*?<p class="settings-state[^"]*">([^<]+)</p>', html, re.S
    )
    assert quarantine and quarantine.group(1) == "1 message held"


def test_one_settings_entry_in_the_account_menu_replaces_the_scattered_admin_links(people):
    html = _page(people.admin, "/")
    menu = re.search(r'<details class="usermenu">(.*?)</details>', html, re.S)
    assert menu
    assert 'href="/settings/"' in menu.group(1)
    for old in ("/mail/quarantine/", "/mail/mailboxes/", "/settings/jobs/", "/sla/", "/admin/"):
        assert f'href="{old}"' not in menu.group(1)


def test_the_django_admin_stays_for_superusers_through_the_hub(people):
    root = factories.make_user(Role.ADMIN, username="root", is_staff=True, is_superuser=True)
    assert 'href="/admin/"' in _page(root)
    assert 'href="/admin/"' not in _page(people.admin)
