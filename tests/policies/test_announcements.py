"""A published change shows what changed in the plain-language text as well as in the rules."""

from __future__ import annotations

from anchordesk.policies import actions
from tests.policies.conftest import refunds_definition


def _publish(people, policy, *, rules: str | None = None, plain_text: str):
    definition = refunds_definition(**({"rules": rules} if rules is not None else {}))
    draft = actions.do_save_draft(
        policy, actions.PolicyDraft(definition=definition, plain_text=plain_text), actor=people.lead
    )
    return actions.do_publish_version(draft, actor=people.lead)


def test_the_announcement_shows_the_text_diff_line_by_line(people, client, refunds):
    announcement = _publish(
        people,
        refunds,
        plain_text="Refunds within 30 days.\nDamaged items: a replacement at no cost.",
    )
    assert announcement.text_diff() == [
        "--- version 1",
        "+++ version 2",
        "@@ -1 +1,2 @@",
        " Refunds within 30 days.",
        "+Damaged items: a replacement at no cost.",
    ]
    assert "The plain-language text changed." in announcement.summary
    client.force_login(people.agent)
    page = client.get(f"/policies/announcements/{announcement.pk}/").content.decode()
    assert '<span class="diff-added">+Damaged items: a replacement at no cost.</span>' in page
    assert "The plain-language text, line by line" in page


def test_a_rules_only_change_has_no_text_diff(people, client, refunds):
    rules = refunds_definition()["rules"].replace("<= 30", "<= 14")
    announcement = _publish(people, refunds, rules=rules, plain_text="Refunds within 30 days.")
    assert announcement.text_diff() == []
    assert any(line.startswith("+") and "14" in line for line in announcement.rules_diff)
    client.force_login(people.agent)
    page = client.get(f"/policies/announcements/{announcement.pk}/").content.decode()
    assert "The plain-language text, line by line" not in page
    assert "The rules, line by line" in page
