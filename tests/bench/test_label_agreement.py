"""bench/label_agreement.py on made-up label files: the table it prints has the kappa the textbook gives."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bench import label_agreement

CUSTOMER = ["source", "id", "frustration", "profanity", "abusive", "manager_request", "notes"]
REPLIES = ["source", "id", "apology", "excuse", "next_step", "has_date", "commitments", "notes"]


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _customer(i: int, frustration: str = "0", manager: str = "0", profanity: str = "0") -> dict[str, str]:
    return {
        "source": "made_up",
        "id": str(i),
        "frustration": frustration,
        "profanity": profanity,
        "abusive": "0",
        "manager_request": manager,
    }


def _reply(i: int, apology: str = "none", commitments: Sequence[tuple[str, str]] = ()) -> dict[str, str]:
    return {
        "source": "made_up",
        "id": str(i),
        "apology": apology,
        "excuse": "0",
        "next_step": "none",
        "has_date": "0",
        "commitments": json.dumps([{"action": a, "due_text": "", "due": d} for a, d in commitments]),
    }


def _table(capsys: pytest.CaptureFixture[str], first: Path, second: Path) -> tuple[str, dict[str, list[str]]]:
    assert label_agreement.main(["--first", str(first), "--second", str(second)]) == 0
    out = capsys.readouterr().out
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and cells[0] != "label":
            rows[cells[0]] = cells[1:]
    return out, rows


def test_perfect_agreement_is_kappa_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        _customer(1, "0"),
        _customer(2, "1", profanity="1"),
        _customer(3, "2", "1"),
        _customer(4, "0", "2"),
    ]
    first = _write(tmp_path / "a.csv", CUSTOMER, rows)
    second = _write(tmp_path / "b.csv", CUSTOMER, list(reversed(rows)))  # order does not matter

    out, table = _table(capsys, first, second)

    assert "Joined on (source, id): 4 rows" in out
    assert table["frustration (0/1/2)"][:3] == ["4", "1.000", "1.000"]
    assert table["profanity"][:3] == ["4", "1.000", "1.000"]
    assert table["manager_request (0/1/2)"][:3] == ["4", "1.000", "1.000"]


def test_chance_level_agreement_is_kappa_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Each labeller says "frustrated" half the time, independently: they agree on half the rows,
    # exactly what chance predicts.
    first = _write(tmp_path / "a.csv", CUSTOMER, [_customer(i, f) for i, f in enumerate("0011")])
    second = _write(tmp_path / "b.csv", CUSTOMER, [_customer(i, f) for i, f in enumerate("0101")])

    _, table = _table(capsys, first, second)

    assert table["frustration (0/1/2)"][:3] == ["4", "0.500", "0.000"]
    assert table["frustration>=1"][:3] == ["4", "0.500", "0.000"]


def test_known_kappa_and_the_binary_readings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 2x2 table: 20 both yes, 5 first only, 10 second only, 15 both no -> p_o 0.70, p_e 0.50, kappa 0.40.
    cells = [("1", "1")] * 20 + [("1", "0")] * 5 + [("0", "1")] * 10 + [("0", "0")] * 15
    first = _write(
        tmp_path / "a.csv", CUSTOMER, [_customer(i, profanity=a) for i, (a, _) in enumerate(cells)]
    )
    second = _write(
        tmp_path / "b.csv", CUSTOMER, [_customer(i, profanity=b) for i, (_, b) in enumerate(cells)]
    )
    _, table = _table(capsys, first, second)
    assert table["profanity"] == ["50", "0.700", "0.400", "0:25 1:25", "0:20 1:30"]

    # Manager requests: 1 vs 2 is a disagreement on the 3-class label and on ==1, but not on >=1.
    a = [_customer(1, manager="1"), _customer(2, manager="0"), _customer(3, manager="2"), _customer(4)]
    b = [_customer(1, manager="2"), _customer(2, manager="0"), _customer(3, manager="2"), _customer(4)]
    _, table = _table(
        capsys, _write(tmp_path / "c.csv", CUSTOMER, a), _write(tmp_path / "d.csv", CUSTOMER, b)
    )
    assert table["manager_request>=1"][:3] == ["4", "1.000", "1.000"]
    assert table["manager_request (0/1/2)"][1] == "0.750"
    assert table["manager_request==1"][1] == "0.750"


def test_one_class_only_has_no_kappa_and_unmatched_rows_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _write(tmp_path / "a.csv", CUSTOMER, [_customer(i) for i in range(5)])
    second = _write(tmp_path / "b.csv", CUSTOMER, [_customer(i) for i in range(3, 8)])

    out, table = _table(capsys, first, second)

    assert "Joined on (source, id): 2 rows; only in first: 3; only in second: 3." in out
    # Nobody ever marked abuse: agreement is perfect, kappa is undefined rather than a made-up 1.0.
    assert table["abusive"][:3] == ["2", "1.000", "n/a"]


def test_replies_apology_readings_and_commitments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _write(
        tmp_path / "a.csv",
        REPLIES,
        [
            _reply(1, "non_apology", [("take a look backstage", "")]),
            _reply(2, "formulaic", [("refund you", "2017-10-20"), ("send a replacement", "")]),
            _reply(3, "none"),
            _reply(4, "sincere", [("call you back", "2017-10-21")]),
        ],
    )
    second = _write(
        tmp_path / "b.csv",
        REPLIES,
        [
            _reply(1, "non_apology", [("take a look", "")]),  # shorter span of the same promise
            _reply(2, "sincere", [("refund you", "2017-10-21")]),  # one promise missed, due differs
            _reply(3, "none", [("follow up", "")]),
            _reply(4, "none", [("call you back", "2017-10-21")]),
        ],
    )

    _, table = _table(capsys, first, second)

    assert table["apology (4 classes)"][1] == "0.500"
    assert table["apology==non_apology"][:3] == ["4", "1.000", "1.000"]
    assert table["apology!=none"][1] == "0.750"
    assert table["has a commitment"][:2] == ["4", "0.750"]
    assert table["commitments matched"][0] == "3"
    assert table["commitments matched"][3:] == ["3 of 4", "3 of 4"]
    # Matched: backstage ("" = ""), refund (20th vs 21st), call back (21st = 21st).
    assert table["due of matched commitments"][:2] == ["3", "0.667"]
    assert table["due, where either gave one"][:2] == ["2", "0.500"]


def test_a_bad_label_is_named_with_its_file_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _write(tmp_path / "a.csv", CUSTOMER, [_customer(1), _customer(2, frustration="3")])
    second = _write(tmp_path / "b.csv", CUSTOMER, [_customer(1), _customer(2)])

    assert label_agreement.main(["--first", str(first), "--second", str(second)]) == 2

    err = capsys.readouterr().err
    assert "a.csv, line 3 (made_up,2): column frustration is '3', expected one of 0, 1, 2" in err


def test_a_customer_file_is_not_compared_with_a_reply_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _write(tmp_path / "a.csv", CUSTOMER, [_customer(1)])
    second = _write(tmp_path / "b.csv", REPLIES, [_reply(1)])

    assert label_agreement.main(["--first", str(first), "--second", str(second)]) == 2
    assert "holds customer labels but" in capsys.readouterr().err


def test_disagreements_are_listed_by_id_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _write(
        tmp_path / "a.csv", REPLIES, [_reply(1, "none"), _reply(2, "sincere", [("refund you", "")])]
    )
    second = _write(tmp_path / "b.csv", REPLIES, [_reply(1, "none"), _reply(2, "formulaic")])

    assert label_agreement.main(["--first", str(first), "--second", str(second), "--disagreements"]) == 0

    out = capsys.readouterr().out
    assert "- apology (4 classes) (1): made_up,2: sincere -> formulaic" in out
    assert "- has a commitment (1): made_up,2: 1 -> 0" in out
    assert "made_up,1" not in out
