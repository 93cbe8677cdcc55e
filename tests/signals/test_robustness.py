"""Analyzers never raise on arbitrary text and stay linear on long, adversarial input."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anchordesk.signals import analyze_message, find_commitments, review_reply

SENT = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = st.sampled_from(
    [
        "sorry",
        "manager",
        "supervisor",
        "I'll",
        "we",
        "will",
        "by",
        "Friday",
        "tomorrow",
        "f***",
        "sh!t",
        "damn",
        "you",
        "are",
        "idiots",
        "!!!",
        "???",
        "3/14",
        "within",
        "3",
        "business",
        "days",
        "escalate",
        "please",
        "DM",
        "us",
        "because",
        "the",
        "system",
        "policy",
    ]
)
MIXED = st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=60).map(" ".join))


@FAST
@given(MIXED)
def test_analyze_message_never_raises(text: str) -> None:
    a = analyze_message(text)
    assert a.frustration in (0, 1, 2)
    assert a.manager_request in (0, 1, 2)
    assert 0.0 <= a.frustration_score <= 1.0
    for sp in a.evidence:
        assert text[sp.start : sp.end] == sp.text


@FAST
@given(MIXED, st.booleans())
def test_review_reply_never_raises(text: str, upset: bool) -> None:
    r = review_reply(text, customer_upset=upset)
    assert r.apology in ("none", "sincere", "formulaic", "non_apology")
    assert r.next_step in ("none", "vague", "concrete")
    for f in r.findings:
        assert f.suggestion
        if f.span is not None:
            assert text[f.span.start : f.span.end] == f.span.text


@FAST
@given(MIXED, st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]))
def test_find_commitments_never_raises(text: str, tz: str) -> None:
    for c in find_commitments(text, sent_at=SENT, tz=tz):
        assert text[c.span.start : c.span.end] == c.span.text
        assert c.due is None or c.due.tzinfo is not None


ADVERSARIAL = [
    "a" * 200_000,
    "!" * 200_000,
    "AAAA " * 40_000,
    "sorry " * 35_000,
    "I will " * 30_000,
    "you are " * 25_000,
    "manager supervisor " * 11_000,
    "f*** " * 40_000,
    "by Friday 3/14 " * 14_000,
    "1/2/3/4/5/6/7/8/9/" * 11_000,
    ("can you " * 10 + "?") * 2_500,
    "\n" * 200_000,
    " \t\n" * 60_000,
    "Sorry, " * 30_000,
    "we'll " * 30_000,
    "in 3 " * 40_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: repr(t[:12]))
def test_long_adversarial_input_completes(text: str) -> None:
    # Not a timing assertion on the product, just a generous guard against
    # catastrophic backtracking (which would take minutes, not milliseconds).
    start = time.perf_counter()
    analyze_message(text)
    review_reply(text, customer_upset=True)
    find_commitments(text, sent_at=SENT)
    assert time.perf_counter() - start < 20


def test_non_string_input_is_tolerated() -> None:
    assert analyze_message(None).frustration == 0  # type: ignore[arg-type]
    assert review_reply(None).apology == "none"  # type: ignore[arg-type]
    assert find_commitments(None, sent_at=SENT) == []  # type: ignore[arg-type]
