"""Thread reconstruction on the SpamAssassin mailing-list corpus, with and without threading headers."""

from __future__ import annotations

import csv
import dataclasses

from anchordesk.mail import normalize_subject, parse, rebuild_parents
from tests.mail._corpus import require_corpus


def _load() -> tuple[list, dict[str, str]]:
    root = require_corpus() / "spamassassin"
    with open(root / "manifest.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ids = {row["message_id"] for row in rows}
    messages = [parse((root / row["file"]).read_bytes()) for row in rows]
    truth: dict[str, str] = {}
    for row in rows:
        candidates = [row["in_reply_to"], *reversed(row["references"].split())]
        parent = next((c for c in candidates if c and c in ids and c != row["message_id"]), None)
        if parent:
            truth[row["message_id"]] = parent
    return messages, truth


def test_threading_exact_with_headers_and_recovered_without() -> None:
    messages, truth = _load()
    assert len(truth) > 800
    with_headers = rebuild_parents(messages)
    exact = sum(with_headers.get(k) == v for k, v in truth.items()) / len(truth)
    # Measured 0.998 (the misses are messages whose Message-ID repeats in the corpus).
    assert exact >= 0.99
    stripped = [dataclasses.replace(m, in_reply_to="", references=[]) for m in messages]
    guessed = rebuild_parents(stripped)
    recovered = sum(guessed.get(k) == v for k, v in truth.items()) / len(truth)
    # Measured 0.827 from subject, quoted text, attribution names and date order alone.
    assert recovered >= 0.78


def test_normalize_subject() -> None:
    assert normalize_subject("Re: AW: [zzzzteana] RE: Alexander") == "alexander"
    assert normalize_subject("Fwd: SV: Vs: Re[2]: Hello   World") == "hello world"
    assert normalize_subject("回复: 退款") == "退款"


def test_rebuild_parents_small_thread_without_headers() -> None:
    @dataclasses.dataclass
    class Msg:
        message_id: str
        subject: str
        text: str
        from_name: str = ""
        date: object = None

    thread = [
        Msg("<a@x>", "Printer broken", "The printer on floor two jams on every page since Monday."),
        Msg(
            "<b@x>",
            "Re: Printer broken",
            "Did you try a new tray?\n> The printer on floor two jams on every page since Monday.",
        ),
        Msg("<c@x>", "Printer broken", "Unrelated new report with the same subject line as before."),
        Msg("<d@x>", "RE: Printer broken", "Yes, still jams.\n> Did you try a new tray?"),
    ]
    parents = rebuild_parents(thread)
    assert parents == {"<a@x>": None, "<b@x>": "<a@x>", "<c@x>": None, "<d@x>": "<b@x>"}
