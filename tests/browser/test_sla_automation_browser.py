"""SLAs and automation in headless Chromium: an admin configures a business calendar, an SLA policy,
a trigger and a macro; an agent sees the time left in the inbox and answers with the macro."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from anchordesk.core.models import AuditEvent
from anchordesk.tickets.choices import Priority
from anchordesk.tickets.models import Ticket
from tests import factories
from tests.browser.conftest import sign_in
from tests.conftest import Personas
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A Monday morning in the office, with the clock running from there.
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_admin_configures_sla_and_automation_and_an_agent_works_by_them(
    new_context: Callable[[], Any], live_server: Any, people: Personas, time_machine: Any
) -> None:
    time_machine.move_to(MONDAY_9, tick=True)
    base = live_server.url
    admin = new_context().new_page()
    sign_in(admin, base, people.admin.email, PASSWORD)

    # A business calendar: weekdays 09:00-17:00 in Berlin, Christmas off.
    admin.click(".usermenu summary")
    admin.get_by_role("link", name="Settings", exact=True).click()
    admin.get_by_role("link", name="SLA policies and business calendars", exact=True).click()
    admin.wait_for_url(f"{base}/sla/")
    admin.get_by_role("link", name="New calendar", exact=True).click()
    admin.fill("#id_name", "Berlin office")
    admin.fill("#id_timezone", "Europe/Nowhere")
    admin.fill("#id_holidays", "2026-12-25 Christmas")
    admin.check("#id_is_default")
    admin.click("main form.card button[type=submit]")
    expect(admin.locator('.field-error[data-field="timezone"]')).to_contain_text("Unknown time zone")
    admin.fill("#id_timezone", "UTC")
    admin.click("main form.card button[type=submit]")
    admin.wait_for_url(f"{base}/sla/")
    expect(admin.locator("table").nth(1)).to_contain_text("Berlin office")

    # An SLA policy: answer within 2 business hours.
    admin.get_by_role("link", name="New policy", exact=True).click()
    admin.fill("#id_name", "Standard")
    admin.fill("#id_first_response_minutes", "120")
    admin.fill("#id_resolution_minutes", "2400")
    admin.select_option("#id_calendar", label="Berlin office")
    admin.click("main form.card button[type=submit]")
    admin.wait_for_url(f"{base}/sla/")
    expect(admin.locator("table").first).to_contain_text("Standard")

    # A trigger: outages are urgent and tagged.
    admin.get_by_role("link", name="Triggers and time rules", exact=True).click()
    admin.wait_for_url(f"{base}/automation/")
    admin.get_by_role("link", name="New trigger", exact=True).click()
    admin.fill("#id_name", "Outages are urgent")
    admin.check("input[name=events][value='ticket.created']")
    admin.select_option("#id_cond-0-field", "subject")
    admin.select_option("#id_cond-0-op", "contains")
    admin.fill("#id_cond-0-value", "outage")
    admin.select_option("#id_act-0-type", "set_priority")
    admin.fill("#id_act-0-value", "Very urgent")
    admin.select_option("#id_act-1-type", "add_tags")
    admin.fill("#id_act-1-value", "outage")
    admin.click("main form.card button[type=submit]")
    expect(admin.locator('.field-error[data-field="act-0-value"]')).to_contain_text("not a priority")
    admin.fill("#id_act-0-value", "Urgent")
    admin.click("main form.card button[type=submit]")
    admin.wait_for_url(f"{base}/automation/")
    expect(admin.locator("#triggers")).to_contain_text("subject contains outage")

    # A shared macro with placeholders and an action.
    admin.get_by_role("link", name="Macros", exact=True).click()
    admin.wait_for_url(f"{base}/automation/macros/")
    admin.get_by_role("link", name="New macro", exact=True).click()
    admin.fill("#id_name", "Outage apology")
    admin.fill(
        "#id_body",
        "Hi {{customer.first_name}}, I'm sorry about the outage on #{{ticket.number}}. "
        "Service is back and I'll check in tomorrow. {{agent.first_name}}",
    )
    admin.select_option("#id_scope", "shared")
    admin.select_option("#id_act-0-type", "add_tags")
    admin.fill("#id_act-0-value", "apologized")
    admin.click("main form.card button[type=submit]")
    admin.wait_for_url(f"{base}/automation/macros/")
    expect(admin.locator("table")).to_contain_text("Outage apology")

    # A customer writes; the trigger and the policy take hold.
    ticket = factories.make_ticket(people.customer, subject="Total outage since this morning")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.priority == Priority.URGENT

    agent = new_context().new_page()
    sign_in(agent, base, people.agent.email, PASSWORD)
    row = agent.locator(f"tr.ticket-row[data-ticket-id='{ticket.pk}']")
    expect(row.locator(".sla-badge")).to_have_text(re.compile(r"^(2 h|1 h \d+ m) left$"))

    row.locator("a").first.click()
    agent.wait_for_url(f"{base}/tickets/{ticket.pk}/")
    agent.click("#macro-picker summary")
    agent.fill("#macro-search", "outage")
    result = agent.locator(".macro-insert", has_text="Outage apology")
    expect(result).to_be_visible()
    expect(agent.locator(".macro-result")).to_contain_text("On send: add tags: apologized")
    # Enter in the search box picks the first macro; it does not send the reply.
    agent.press("#macro-search", "Enter")
    expected = f"Hi Carol, I'm sorry about the outage on #{ticket.pk}. Service is back and I'll check in tomorrow. Alice"
    expect(agent.locator("#reply-body")).to_have_value(expected)
    agent.click("#send-reply")
    agent.wait_for_url(f"{base}/tickets/{ticket.pk}/")
    expect(agent.locator(".msg-reply").last).to_contain_text("I'm sorry about the outage")
    expect(agent.locator(".tag-list")).to_contain_text("apologized")
    assert AuditEvent.objects.filter(ticket=ticket, kind="automation.rule_fired", actor=people.agent).exists()
