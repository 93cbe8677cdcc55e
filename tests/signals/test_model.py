"""The learned heads: stable features, bounded work, scores that agree with the decisions,
weights that ship inside the package and load with no network, reproducible weight files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anchordesk.signals import analyze_message, find_commitments, review_reply
from anchordesk.signals import model as M
from anchordesk.signals.customer import manager_window

ROOT = Path(__file__).resolve().parents[2]
SENT = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GROUPS = ("customer", "manager", "reply", "clause")


def test_token_hash_is_crc32_not_pythons_salted_hash() -> None:
    assert M.stable_hash("refund") == zlib.crc32(b"refund")


def test_features_are_the_same_in_every_process() -> None:
    """Python salts str hashes per process; the features must not depend on that."""
    code = (
        "from anchordesk.signals.model import featurize;"
        "f = featurize('I want my REFUND now!!! Third time asking', ['c:x']);"
        "print(list(map(int, f.idx)))"
    )
    outs = set()
    for seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        outs.add(
            subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            ).stdout
        )
    assert len(outs) == 1


def test_feature_work_is_bounded_by_construction() -> None:
    huge = "word " * 200_000 + "!!!"
    f = M.featurize(huge)
    assert len(f.low) == M.MAX_FEATURE_CHARS
    # unigrams + bigrams + 3 char n-gram orders + a few shape cues, all from the clipped text
    assert len(f.idx) <= 2 * M.MAX_FEATURE_CHARS + 3 * (M.MAX_FEATURE_CHARS + 2) + 10
    assert f.idx.min() >= 0 and f.idx.max() < M.N_FEATURES


def test_manager_window_is_bounded_and_only_around_escalation_words() -> None:
    text = ("My manager at work said hi. " * 500) + "I want a supervisor"
    window, spans = manager_window(text)
    assert len(spans) <= 6
    assert "manager" in window
    assert manager_window("The package never came and nobody answers.") == ("", [])


def _shipped() -> list[str]:
    return [g for g in GROUPS if (M.WEIGHTS_DIR / f"{g}.json").exists()]


def test_weights_ship_and_fit_the_budget() -> None:
    assert _shipped(), "run bench/train_signals.py"
    files = [p for g in _shipped() for p in (M.WEIGHTS_DIR / f"{g}.npz", M.WEIGHTS_DIR / f"{g}.json")]
    assert all(p.exists() for p in files)
    assert sum(p.stat().st_size for p in files) <= 30 * 1024 * 1024
    loaded = [M.load_group(g) for g in _shipped()]
    assert all(g is not None and g.heads for g in loaded)
    assert sum(g.weights.nbytes + g.bias.nbytes for g in loaded if g is not None) <= 60 * 1024 * 1024


def test_loading_is_once_per_process() -> None:
    assert M.load_group(_shipped()[0]) is M.load_group(_shipped()[0])


def _head(group_name: str, head: str) -> M.Head | None:
    group = M.load_group(group_name)
    return None if group is None else group.heads.get(head)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("You are a useless idiot and I want your manager NOW!!!", "abusive"),
        ("this fucking app crashed again", "profanity"),
        ("Can I talk to a supervisor please?", "manager_request"),
        ("Thanks, all sorted now.", "profanity"),
        ("Our Device Manager shows the driver is fine.", "manager_request"),
    ],
)
def test_customer_scores_agree_with_decisions_and_thresholds(text: str, field: str) -> None:
    a = analyze_message(text)
    head = _head("manager" if field == "manager_request" else "customer", field)
    score = getattr(a, field + "_score")
    decision = bool(getattr(a, field))
    assert 0.0 <= score <= 1.0
    if head is None:  # no weights for this head: the rule decides, its score is 0 or 1
        assert score == float(decision)
    elif field == "manager_request" and not manager_window(text)[1]:
        assert not decision and score == 0.0
    else:
        assert decision == (score >= round(head.threshold, 3) - 1e-3) or abs(score - head.threshold) < 2e-3


@pytest.mark.parametrize(
    "text",
    [
        "We're sorry for the delay, the courier lost the parcel. I've sent a new one today.",
        "Sorry if you feel that way.",
        "Thanks for reaching out! Could you DM us your order number?",
        "I'll refund you by Friday.",
    ],
)
def test_reply_scores_agree_with_decisions(text: str) -> None:
    r = review_reply(text)
    for field in ("excuse", "has_date"):
        head = _head("reply", field)
        score = getattr(r, field + "_score")
        if head is None:
            assert score == float(getattr(r, field))
        else:
            assert (score >= head.threshold - 1e-3) == getattr(r, field) or abs(score - head.threshold) < 2e-3
    assert 0.0 < r.apology_score <= 1.0 and 0.0 < r.next_step_score <= 1.0


def test_commitments_carry_a_score_over_the_threshold() -> None:
    head = _head("clause", "commitment")
    found = find_commitments("I'll send the replacement tomorrow and refund the fee by Friday.", sent_at=SENT)
    assert found
    low = 1.0 if head is None else head.threshold - 1e-3
    assert all(low <= c.score <= 1.0 for c in found)


@FAST
@given(st.text(max_size=400))
def test_scores_are_probabilities_and_spans_hold_on_any_text(text: str) -> None:
    a = analyze_message(text)
    for s in (a.frustration_score, a.profanity_score, a.abusive_score, a.manager_request_score):
        assert 0.0 <= s <= 1.0
    for sp in a.evidence:
        assert text[sp.start : sp.end] == sp.text
    r = review_reply(text)
    for s in (r.apology_score, r.excuse_score, r.next_step_score, r.has_date_score):
        assert 0.0 <= s <= 1.0
    for sp in r.evidence:
        assert text[sp.start : sp.end] == sp.text
    for c in find_commitments(text, sent_at=SENT):
        assert 0.0 <= c.score <= 1.0
        assert text[c.span.start : c.span.end] == c.span.text


def test_model_evidence_points_into_the_text() -> None:
    text = "I asked three times for someone higher up and got nowhere"
    a = analyze_message(text)
    for sp in a.evidence:
        assert text[sp.start : sp.end] == sp.text


def test_weight_files_are_written_byte_for_byte_reproducibly(tmp_path: Path) -> None:
    w = np.arange(12, dtype=np.float32).reshape(6, 2)
    b = np.ones(2, dtype=np.float32)
    heads = [{"name": "x", "kind": "binary", "col": 0, "classes": ["0", "1"], "threshold": 0.5}]
    M.write_group(tmp_path / "a", "g", w, b, heads, {"k": 1})
    M.write_group(tmp_path / "b", "g", w, b, heads, {"k": 1})
    for ext in (".npz", ".json"):
        assert (tmp_path / "a" / f"g{ext}").read_bytes() == (tmp_path / "b" / f"g{ext}").read_bytes()
    with np.load(tmp_path / "a" / "g.npz") as npz:
        assert np.array_equal(npz["weights"], w)


def test_weights_from_another_featurizer_are_refused(tmp_path: Path) -> None:
    """Weights hashed by a different featurizer would score garbage: the rules decide instead."""
    M.write_group(tmp_path, "customer", np.zeros((4, 1), np.float32), np.zeros(1, np.float32), [], {})
    meta = json.loads((tmp_path / "customer.json").read_text())
    meta["featurizer"] = -1
    (tmp_path / "customer.json").write_text(json.dumps(meta))
    assert M.load_group("customer", tmp_path) is None


def test_weights_load_from_a_built_wheel_without_network(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    wheel = next(tmp_path.glob("anchordesk-*.whl"))
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(unpacked)
    shipped = _shipped()
    assert all((unpacked / "anchordesk" / "signals" / "weights" / f"{g}.npz").exists() for g in shipped)
    code = (
        "import anchordesk.signals as s, anchordesk.signals.model as m;"
        "assert m.WEIGHTS_DIR.is_relative_to(__import__('pathlib').Path.cwd()), m.WEIGHTS_DIR;"
        "a = s.analyze_message('Get me your supervisor right now, this is the third time');"
        f"print(a.manager_request, all(m.load_group(g) is not None for g in {shipped!r}))"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(unpacked),
        "PYTHONNOUSERSITE": "1",
        "NO_PROXY": "*",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }
    cmd = [sys.executable, "-c", code]
    if (
        Path("/usr/bin/unshare").exists()
        and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0
    ):
        cmd = ["unshare", "-rn", *cmd]  # no network namespace: any download attempt fails
    out = subprocess.run(cmd, env=env, cwd=unpacked, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "True"]
