"""Fuzzing parse(): random bytes and damaged real messages never raise; failures say why."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anchordesk.mail import ParsedMessage, extract_reply, parse
from tests.mail._corpus import EMAILS

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def _samples() -> list[bytes]:
    picks = [
        "ruby_mail/spec/fixtures/emails/multi_charset/japanese_iso_2022.eml",
        "ruby_mail/spec/fixtures/emails/attachment_emails/attachment_pdf.eml",
        "ruby_mail/spec/fixtures/emails/multipart_report_emails/multi_address_bounce1.eml",
        "ruby_mail/spec/fixtures/emails/mime_emails/raw_email_with_nested_attachment.eml",
        "nodemailer_mailparser/test/fixtures/nodemailer.eml",
        "talon/tests/fixtures/reply-quotations-share-block.eml",
        "spamassassin/easy-ham-1/00001.7c53336b37003a9286aba55d2945844c.eml",
    ]
    found = [(EMAILS / p).read_bytes() for p in picks if (EMAILS / p).is_file()]
    return found or [
        b"From: a@example.test\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        b"Content-Type: text/plain\n\nhello\n--b--\n"
    ]


SAMPLES = _samples()


def _check(result: ParsedMessage) -> None:
    assert isinstance(result, ParsedMessage)
    if not result.ok:
        assert result.error
    assert isinstance(result.text, str) and isinstance(result.reply_text, str)
    assert isinstance(result.html, str)


@SETTINGS
@given(st.binary(max_size=4000))
def test_random_bytes(raw: bytes) -> None:
    _check(parse(raw))


@SETTINGS
@given(st.sampled_from(SAMPLES), st.data())
def test_truncated_and_flipped(sample: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(sample)))
    damaged = bytearray(sample[:cut])
    flips = data.draw(st.lists(st.tuples(st.integers(0, max(cut - 1, 0)), st.integers(0, 255)), max_size=20))
    for position, value in flips:
        if damaged:
            damaged[position % len(damaged)] = value
    _check(parse(bytes(damaged)))


@SETTINGS
@given(st.sampled_from(SAMPLES), st.data())
def test_duplicated_and_spliced_headers(sample: bytes, data: st.DataObject) -> None:
    head, sep, body = sample.partition(b"\n\n")
    lines = head.split(b"\n")
    extra = data.draw(st.lists(st.sampled_from(lines), max_size=10))
    junk = data.draw(
        st.lists(
            st.sampled_from([
                b"Content-Type: multipart/mixed; boundary=", b"Content-Transfer-Encoding: base64",
                b"Content-Type: text/plain; charset=utf-7", b"Subject: =?utf-8?B?====?=",
                b"From: <<<@@@>>>", b"Date: Mon, 99 Foo 99999 99:99:99 +9999", b"Content-Type: message/rfc822",
                b"References: " + b"<x@y> " * 50, b"Content-Disposition: attachment; filename*0*=utf-8''%FF",
            ]),
            max_size=5,
        )
    )  # fmt: skip
    damaged = b"\n".join(lines + extra + junk) + (sep or b"\n\n") + body
    _check(parse(damaged))


@SETTINGS
@given(st.text(max_size=3000))
def test_extract_reply_on_any_text(text: str) -> None:
    assert isinstance(extract_reply(text), str)


def test_pathological_inputs_are_bounded() -> None:
    huge_quote = ("> " * 5000 + "x\n") * 50
    many_colons = "On x wrote:\n" * 20000
    _check(parse(b"From: a@example.test\nSubject: s\n\n" + huge_quote.encode() + many_colons.encode()))
    assert Path(__file__).is_file()
