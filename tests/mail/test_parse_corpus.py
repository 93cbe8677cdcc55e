"""Every file of the shared corpus parses without an exception, and the results make sense."""

from __future__ import annotations

import email.utils

from anchordesk.mail import parse
from tests.mail._corpus import corpus_file, require_corpus

RUBY = "ruby_mail/spec/fixtures/emails/"


def test_every_corpus_file_parses_without_an_exception_and_mostly_ok() -> None:
    root = require_corpus()
    files = sorted(p for p in root.rglob("*") if p.is_file())
    assert len(files) > 2500
    failures: list[str] = []
    emails = ok = with_text = with_sender = 0
    for path in files:
        try:
            parsed = parse(path.read_bytes())
        except Exception as exc:  # pragma: no cover - the point of the test
            failures.append(f"{path}: {exc!r}")
            continue
        if not parsed.ok:
            assert parsed.error, path
        if path.suffix == ".eml":
            emails += 1
            ok += parsed.ok
            with_text += bool(parsed.text.strip())
            with_sender += "@" in parsed.from_address
    assert failures == []
    # Measured on the corpus: 100% of .eml ok, 99.5% with text, 99.9% with a sender.
    assert ok / emails >= 0.99
    assert with_text / emails >= 0.97
    assert with_sender / emails >= 0.98


def test_plain_message_fields() -> None:
    parsed = parse(corpus_file(RUBY + "rfc2822/example06.eml"))
    assert parsed.ok
    assert parsed.subject == "Re: Saying Hello"
    assert parsed.from_address == "mary@example.net"
    assert parsed.in_reply_to.startswith("<") and parsed.in_reply_to.endswith(">")
    assert parsed.date is not None and parsed.date.tzinfo is not None
    assert "This is a reply to your hello." in parsed.text


def test_iso_2022_jp_subject_and_body() -> None:
    parsed = parse(corpus_file(RUBY + "multi_charset/japanese_iso_2022.eml"))
    assert parsed.subject == "まみむめも"
    assert "すみません" in parsed.text


def test_shift_jis_body() -> None:
    parsed = parse(corpus_file(RUBY + "multi_charset/japanese_shift_jis.eml"))
    assert "あいうえお" in parsed.text
    assert "テスト" in parsed.text


def test_korean_ks_c_5601_body() -> None:
    parsed = parse(corpus_file(RUBY + "multi_charset/ks_c_5601-1987.eml"))
    assert "스티해" in parsed.text


def test_japanese_attachment_name() -> None:
    parsed = parse(corpus_file(RUBY + "multi_charset/japanese_attachment_long_name.eml"))
    assert parsed.attachments[0].name.startswith("かきくけこ")
    assert parsed.subject.startswith("まみむめも")


def test_big5_body_declared_without_transfer_encoding() -> None:
    parsed = parse(corpus_file(RUBY + "error_emails/content_transfer_encoding_empty.eml"))
    assert parsed.ok
    assert parsed.text.strip()
    assert "\ufffd" not in parsed.text[:2000]


def test_big5_and_gbk_and_utf7_bodies_built_here() -> None:
    for charset, words in [
        ("big5", "客服中心您好"),
        ("gb2312", "请帮我退款"),
        ("gbk", "請幫我退款"),
        ("utf-7", "Grüße €"),
    ]:
        body = f"{words}\n".encode(charset if charset != "gb2312" else "gb18030")
        raw = (
            f"From: a@example.test\nSubject: x\nContent-Type: text/plain; charset={charset}\n\n".encode()
            + body
        )
        assert words in parse(raw).text, charset


def test_mislabelled_8bit_falls_back_to_cp1252() -> None:
    raw = b"From: a@example.test\nSubject: caf\xe9\nContent-Type: text/plain; charset=us-ascii\n\nCaf\xe9 cr\xe8me \x80 5\n"
    parsed = parse(raw)
    assert parsed.ok
    assert "Café crème € 5" in parsed.text
    assert parsed.subject == "café"


def test_unknown_charset_and_wrong_encoded_word_charset() -> None:
    raw = (
        b"From: =?x-made-up?Q?J=F6rg?= <j@example.test>\n"
        b"Subject: =?utf-8?B?!!!broken?= =?iso-8859-1?Q?Gr=FC=DFe?=\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\n\nGr\xc3\xbc\xc3\x9fe\n"
    )
    parsed = parse(raw)
    assert parsed.ok
    assert "Grüße" in parsed.subject
    assert parsed.from_name == "Jörg"
    assert "Grüße" in parsed.text


def test_broken_base64_body_is_kept() -> None:
    raw = (
        b"From: a@example.test\nSubject: b64\nContent-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: base64\n\nSGVsbG8gd29ybGQ=!!\nbm90IGE*gcmVhbA\n"
    )
    parsed = parse(raw)
    assert parsed.ok
    assert "Hello world" in parsed.text


def test_missing_boundary_is_recovered_from_the_body() -> None:
    parsed = parse(corpus_file(RUBY + "mime_emails/raw_email_with_illegal_boundary.eml"))
    assert parsed.ok
    assert "This is an outlook test" in parsed.text
    raw = (
        b"From: a@example.test\nSubject: nb\nContent-Type: multipart/mixed\n\n"
        b"--XYZ\nContent-Type: text/plain\n\nPart one text\n--XYZ\nContent-Type: text/plain\n\nPart two\n--XYZ--\n"
    )
    recovered = parse(raw)
    assert "Part one text" in recovered.text


def test_torture_like_nesting_does_not_crash() -> None:
    """The flanker torture message is not in the corpus snapshot; this builds a worse one."""
    inner = b"From: x@example.test\nSubject: inner\nContent-Type: text/plain\n\ninnermost text\n"
    for depth in range(60):
        inner = (
            b'From: x@example.test\nSubject: level %d\nContent-Type: multipart/mixed; boundary="b%d"\n\n'
            b"--b%d\nContent-Type: message/rfc822\n\n"
            % (depth, depth, depth)
            + inner
            + b"\n--b%d--\n" % depth
        )
    parsed = parse(inner)
    assert parsed.ok
    assert parsed.attachments  # the nested message is kept as an attachment


def test_attachments_and_inline_images() -> None:
    parsed = parse(corpus_file(RUBY + "attachment_emails/attachment_pdf.eml"))
    pdf = parsed.attachments[0]
    assert pdf.name == "broken.pdf" and pdf.content_type == "application/pdf"
    assert pdf.size == len(pdf.content) > 0
    named = parse(corpus_file(RUBY + "attachment_emails/attachment_nonascii_filename.eml"))
    assert named.attachments[0].name == "ciële.txt"
    inline = parse(corpus_file("nodemailer_mailparser/test/fixtures/nodemailer.eml"))
    image = next(a for a in inline.attachments if a.content_type == "image/png")
    assert image.content_id and image.inline


def test_bounce_is_detected_with_the_original_message_id() -> None:
    parsed = parse(corpus_file(RUBY + "multipart_report_emails/multi_address_bounce1.eml"))
    assert parsed.is_bounce and parsed.is_auto_reply
    assert parsed.bounced_message_id == "<118707422.15521266992174819.JavaMail.root@lvmail01>"
    ses = parse(corpus_file("nodemailer_mailparser/test/fixtures/delivery-status.eml"))
    assert ses.is_bounce and ses.bounced_message_id


def test_text_bounce_from_mailer_daemon_finds_the_quoted_message_id() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example.test\nTo: support@example.test\nSubject: failure notice\n\n"
        b"Hi. This is the qmail-send program. I'm afraid I wasn't able to deliver your message.\n\n"
        b"--- Below this line is a copy of the message.\n\nMessage-ID: <abc123@anchordesk.test>\nSubject: Re: x\n"
    )
    parsed = parse(raw)
    assert parsed.is_bounce
    assert parsed.bounced_message_id == "<abc123@anchordesk.test>"


def test_auto_replies() -> None:
    def flags(headers: str, subject: str = "Hello") -> tuple[bool, bool]:
        raw = f"From: a@example.test\nSubject: {subject}\n{headers}\n\nbody\n".encode()
        parsed = parse(raw)
        return parsed.is_auto_reply, parsed.is_bulk

    assert flags("Auto-Submitted: auto-replied") == (True, False)
    assert flags("Auto-Submitted: no") == (False, False)
    assert flags("X-Autoreply: yes") == (True, False)
    assert flags("X-Autorespond: yes") == (True, False)
    assert flags("X-Auto-Response-Suppress: All") == (True, False)
    assert flags("Precedence: bulk") == (True, True)
    assert flags("List-Id: <support.lists.example.test>") == (True, True)
    assert flags("X-Mailer: x", "Out of Office: back Monday") == (True, False)
    assert flags("X-Mailer: x", "Automatic reply: My parcel") == (True, False)
    assert flags("X-Mailer: x", "Abwesenheitsnotiz: Paket") == (True, False)
    assert flags("X-Mailer: x", "Re: My parcel never arrived") == (False, False)


def test_headers_and_addresses() -> None:
    raw = (
        b'From: "Doe, Jane" <jane@example.test>\nTo: a@example.test, B <b@example.test>\n'
        b"Cc: =?utf-8?q?Ren=C3=A9?= <rene@example.test>\nReply-To: replies@example.test\n"
        b"Message-ID: <m1@example.test>\nReferences: <r1@example.test>\n <r2@example.test>\n"
        b"In-Reply-To: <r2@example.test>\nDate: Thu, 22 Aug 2002 18:26:25 +0700\nSubject: hi\n\nbody\n"
    )
    parsed = parse(raw)
    assert parsed.from_name == "Doe, Jane" and parsed.from_address == "jane@example.test"
    assert parsed.to == ["a@example.test", "b@example.test"]
    assert parsed.cc == ["rene@example.test"]
    assert parsed.reply_to == "replies@example.test"
    assert parsed.references == ["<r1@example.test>", "<r2@example.test>"]
    assert parsed.in_reply_to == "<r2@example.test>"
    assert parsed.date == email.utils.parsedate_to_datetime("Thu, 22 Aug 2002 18:26:25 +0700")
    assert parsed.headers["Message-ID"] == "<m1@example.test>"


def test_unusable_input_is_flagged_not_raised() -> None:
    for raw in (b"", b"   \n", b"\x00\xff\xfe garbage without headers", "not bytes"):
        parsed = parse(raw)  # type: ignore[arg-type]
        assert not parsed.ok
        assert parsed.error


def test_obsolete_header_spacing_is_accepted() -> None:
    parsed = parse(corpus_file(RUBY + "rfc2822/example13.eml"))
    assert parsed.ok
    assert parsed.from_address == "jdoe@machine.example"
