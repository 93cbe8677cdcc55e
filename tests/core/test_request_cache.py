"""Active triggers and webhooks are read once per web request, and an edit is seen at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

from anchordesk.automation.actions import do_save_trigger, do_set_rule_active
from anchordesk.automation.engine import active_triggers
from anchordesk.core.request_cache import hold_for_transaction, take_from_transaction
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


class _Holder:
    """Stands for the locked ticket an action hands to its subscribers."""


def test_a_value_held_for_the_transaction_is_taken_once_by_the_same_action() -> None:
    holder = _Holder()
    with transaction.atomic():  # the action
        with transaction.atomic():  # one subscriber's savepoint
            hold_for_transaction(holder, "rows", ["timer"])
        with transaction.atomic():  # the next subscriber's
            assert take_from_transaction(holder, "rows") == ["timer"]
            assert take_from_transaction(holder, "rows") is None  # once


def test_a_value_is_not_taken_by_another_action_or_after_its_savepoint_rolled_back() -> None:
    holder = _Holder()
    with transaction.atomic(), transaction.atomic():
        hold_for_transaction(holder, "rows", ["timer"])
    with transaction.atomic(), transaction.atomic():  # a later action on the same object
        assert take_from_transaction(holder, "rows") is None

    class Failed(Exception):
        pass

    with transaction.atomic():
        with pytest.raises(Failed), transaction.atomic():
            hold_for_transaction(holder, "rows", ["timer changed, then rolled back"])
            raise Failed
        with transaction.atomic():
            assert take_from_transaction(holder, "rows") is None
