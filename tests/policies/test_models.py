from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anchordesk.policies import actions
from anchordesk.policies.models import Announcement, Decision, PolicyVersion
from tests.policies.conftest import refunds_definition


def _draft(**changes):
    return actions.PolicyDraft(definition=refunds_definition(**changes), plain_text="Refunds within 30 days.")


def test_editing_a_policy_makes_a_new_draft_and_leaves_the_current_version_alone(people, refunds):
    draft = actions.do_save_draft(refunds, _draft(rules='deny "No refunds"'), actor=people.lead)
    refunds.refresh_from_db()
    assert draft.number == 2 and draft.is_draft
    assert refunds.current_version.number == 1
    assert "days_since" in refunds.current_version.rules_text


def test_publishing_makes_the_draft_current_and_old_decisions_keep_their_version(people, refunds, ticket):
    old = actions.do_decide(
        ticket, refunds, {"reason": "late", "delivered_on": "2026-01-01"}, actor=people.agent
    )
    draft = actions.do_save_draft(refunds, _draft(rules='deny "No refunds"'), actor=people.lead)
    actions.do_publish_version(draft, actor=people.lead)
    refunds.refresh_from_db()
    new = actions.do_decide(
        ticket, refunds, {"reason": "late", "delivered_on": "2026-01-01"}, actor=people.agent
    )
    assert refunds.current_version == draft
    old.refresh_from_db()
    assert old.policy_version.number == 1 and new.policy_version.number == 2
    assert new.outcome == "not_allowed"


def test_a_malformed_rule_is_refused_at_save_with_line_column_and_reason(people, refunds):
    bad = "allow when days_since(delivered_on) <= 30\nallow when delivred_on is missing"
    with pytest.raises(ValidationError) as caught:
        actions.do_save_draft(refunds, _draft(rules=bad), actor=people.lead)
    message = caught.value.message_dict["rules"][0]
    assert message.startswith("line 2, column 12: unknown input 'delivred_on'")
    assert PolicyVersion.objects.filter(policy=refunds).count() == 1


def test_a_malformed_input_definition_names_the_inputs_field(people):
    definition = refunds_definition(inputs=[{"name": "x", "type": "colour"}], rules="")
    with pytest.raises(ValidationError) as caught:
        actions.do_create_policy(actions.PolicyDraft(definition=definition), actor=people.lead)
    assert "inputs[0].type" in caught.value.message_dict["inputs"][0]


def test_agents_cannot_write_policies(people):
    with pytest.raises(ValidationError):
        actions.do_create_policy(_draft(), actor=people.agent)


def test_publishing_announces_the_diff(people, refunds):
    draft = actions.do_save_draft(
        refunds, _draft(alternatives=["a replacement at no cost"]), actor=people.lead
    )
    announcement = actions.do_publish_version(draft, actor=people.lead)
    assert announcement.previous_version.number == 1
    assert "No longer offered as an alternative: store credit for the full amount." in announcement.summary
    assert Announcement.objects.filter(policy=refunds).count() == 2


def test_publishing_twice_is_refused(people, refunds):
    with pytest.raises(ValidationError) as caught:
        actions.do_publish_version(refunds.current_version, actor=people.lead)
    assert "already published" in caught.value.message_dict["version"][0]


def test_a_policy_without_a_published_version_cannot_decide(people, ticket):
    version = actions.do_create_policy(_draft(), actor=people.lead)
    with pytest.raises(ValidationError) as caught:
        actions.do_decide(ticket, version.policy, {}, actor=people.agent)
    assert "policy" in caught.value.message_dict
    assert not Decision.objects.exists()
