"""Active triggers and webhooks are read once per web request, and an edit is seen at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from anchordesk.automation.actions import do_save_trigger, do_set_rule_active
from anchordesk.automation.engine import active_triggers
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def _signal(signal: Any) -> None:
    """Send a request signal the way the test client does: without closing the test's connection."""
    signal.disconnect(close_old_connections)
    try:
        signal.send(sender=None)
    finally:
        signal.connect(close_old_connections)


@pytest.fixture
def in_request() -> Iterator[None]:
    _signal(request_started)
    try:
        yield
    finally:
        _signal(request_finished)


def _trigger(people: Personas, name: str) -> Any:
    return do_save_trigger(
        actor=people.admin,
        name=name,
        events=["ticket.replied"],
        conditions={},
        actions=[{"type": "add_tags", "value": ["x"]}],
    )


def test_a_request_reads_the_active_triggers_once(
    people: Personas, in_request: None, django_assert_num_queries: Any
) -> None:
    _trigger(people, "First")
    with django_assert_num_queries(1):
        assert [t.name for t in active_triggers()] == ["First"]
        assert [t.name for t in active_triggers()] == ["First"]


def test_a_trigger_saved_during_the_request_is_seen_at_the_next_event(
    people: Personas, in_request: None
) -> None:
    first = _trigger(people, "First")
    assert [t.name for t in active_triggers()] == ["First"]
    _trigger(people, "Second")
    assert sorted(t.name for t in active_triggers()) == ["First", "Second"]
    do_set_rule_active(first, False, actor=people.admin)
    assert [t.name for t in active_triggers()] == ["Second"]


def test_outside_a_request_every_event_reads_afresh(people: Personas, django_assert_num_queries: Any) -> None:
    _trigger(people, "First")
    with django_assert_num_queries(2):
        active_triggers()
        active_triggers()


def test_the_next_request_reads_afresh(people: Personas, django_assert_num_queries: Any) -> None:
    _trigger(people, "First")
    for _ in range(2):
        _signal(request_started)
        try:
            with django_assert_num_queries(1):
                active_triggers()
                active_triggers()
        finally:
            _signal(request_finished)
