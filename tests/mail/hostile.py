"""A corpus of hostile emails, generated: each a way a sender (or a broken mailer) can try to
make ingest crash, stall, lose mail or send mail to thousands.

`hostile_corpus()` gives `Hostile(name, raw, outcome)` cases; `outcome` is the state the
message must end in ("processed": on a ticket; "quarantined": kept with a reason;
"duplicate"). What each must look like afterwards is checked in test_hostile.py.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

DEPTH = 100_000  # the nested-HTML bomb: 1.1 MB of <div>
SUPPORT = "support@anchordesk.localhost"
PREFIX_250 = "x" * 250  # two Message-IDs that agree on their first 250 characters


@dataclass(frozen=True)
class Hostile:
    name: str
    raw: bytes
    outcome: str = "processed"


def build_email(
    name: str,
    body: bytes | str = "Hello, my order has not arrived.\n",
    *,
    headers: str = "",
    subject: str | None = None,
    sender: str | None = None,
    message_id: str | None = None,
    to: str = SUPPORT,
    content_type: str = "text/plain; charset=utf-8",
    extra_top: bytes = b"",
) -> bytes:
    sender = sender if sender is not None else f"{name} <{name}@example.test>"
    subject = subject if subject is not None else f"Hostile {name}"
    message_id = message_id if message_id is not None else f"<{name}@hostile.example.test>"
    head = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
        f"Date: Mon, 07 Dec 2026 10:00:00 +0000\r\nX-Hostile-Case: {name}\r\nMIME-Version: 1.0\r\n{headers}"
        f"Content-Type: {content_type}\r\n"
    ).encode("utf-8", "surrogateescape")
    data = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
    return extra_top + head + b"\r\n" + data


def _multipart(name: str, parts: list[bytes], *, boundary: str = "BOUNDARY", **kw: str) -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    body += b"--" + boundary.encode() + b"--\r\n"
    return build_email(name, body, content_type=f'multipart/mixed; boundary="{boundary}"', **kw)


def _text_part(text: str) -> bytes:
    return b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + text.encode()


def _attachment(filename: str, content: bytes, ctype: str = "text/plain") -> bytes:
    return (
        f'Content-Type: {ctype}; name="{filename}"\r\nContent-Disposition: attachment; filename="{filename}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + base64.encodebytes(content)


def _nested_multipart(depth: int) -> bytes:
    inner = b"Content-Type: text/plain\r\n\r\nThe deepest part.\r\n"
    for level in range(depth):
        b = f"L{level}".encode()
        inner = (
            b'Content-Type: multipart/mixed; boundary="'
            + b
            + b'"\r\n\r\n--'
            + b
            + b"\r\n"
            + inner
            + b"\r\n--"
            + b
            + b"--"
        )
    head, _, body = inner.partition(b"\r\n\r\n")
    ctype = head.split(b": ", 1)[1].decode()
    return build_email("nested_multipart_100", body, content_type=ctype)


def hostile_corpus() -> list[Hostile]:
    b64 = base64.b64encode
    cases = [
        # -- NUL bytes and other code points PostgreSQL refuses
        Hostile("nul_raw_body", build_email("nul_raw_body", b"Hello\x00 world, my refund\x00 please.\r\n")),
        Hostile(
            "nul_base64_body",
            build_email(
                "nul_base64_body",
                b64(b"Refund\x00 me\x00 now") + b"\r\n",
                headers="Content-Transfer-Encoding: base64\r\n",
            ),
        ),
        Hostile(
            "nul_encoded_word_subject",
            build_email(
                "nul_encoded_word_subject", subject="=?utf-8?B?" + b64(b"Where\x00 is it").decode() + "?="
            ),
        ),
        Hostile(
            "nul_encoded_word_name",
            build_email(
                "nul_encoded_word_name",
                sender="=?utf-8?Q?Ev=00il?= <nul_encoded_word_name@example.test>",
            ),
        ),
        Hostile("nul_raw_subject", build_email("nul_raw_subject", subject="Broken\x00subject")),
        Hostile("nul_in_header", build_email("nul_in_header", headers="X-Mailer: evil\x00mailer\r\n")),
        Hostile(
            "nul_attachment_name",
            _multipart(
                "nul_attachment_name",
                [_text_part("See attached."), _attachment("rec\x00eipt.txt", b"total 10 EUR")],
            ),
        ),
        Hostile(
            "nul_html_body",
            build_email("nul_html_body", "<p>Hi\x00 there</p>", content_type="text/html; charset=utf-8"),
        ),
        Hostile(
            "lone_surrogate_utf7_body",
            build_email(
                "lone_surrogate_utf7_body", "Hi +2D0- there\r\n", content_type="text/plain; charset=utf-7"
            ),
        ),
        Hostile(
            "lone_surrogate_utf7_subject",
            build_email("lone_surrogate_utf7_subject", subject="=?utf-7?Q?a+2D0-b?="),
        ),
        # -- CPU bombs
        Hostile(
            "nested_html_100k",
            build_email(
                "nested_html_100k",
                "<div>" * DEPTH + "Help, my order is lost." + "</div>" * DEPTH,
                content_type="text/html; charset=utf-8",
            ),
        ),
        Hostile(
            "nested_blockquote_20k",
            build_email(
                "nested_blockquote_20k",
                "<blockquote>" * 20_000 + "quoted" + "</blockquote>" * 20_000,
                content_type="text/html",
            ),
        ),
        Hostile(
            "unclosed_formatting_50k",
            build_email(
                "unclosed_formatting_50k",
                "".join(f'<b title="{i}">x' for i in range(50_000)),
                content_type="text/html",
            ),
        ),
        Hostile(
            "nested_tables_10k",
            build_email("nested_tables_10k", "<table><tr><td>" * 10_000 + "cell", content_type="text/html"),
        ),
        Hostile(
            "unclosed_comment_html",
            build_email(
                "unclosed_comment_html", "<p>visible</p><!-- " + "<div>" * 50_000, content_type="text/html"
            ),
        ),
        Hostile(
            "unclosed_script_html",
            build_email(
                "unclosed_script_html", "<p>visible</p><script>" + "<div>" * 50_000, content_type="text/html"
            ),
        ),
        Hostile(
            "huge_html_3mb",
            build_email(
                "huge_html_3mb", "<p>Refund please.</p>" * 150_000, content_type="text/html; charset=utf-8"
            ),
        ),
        Hostile("nested_multipart_100", _nested_multipart(100)),
        Hostile(
            "thousand_parts",
            _multipart("thousand_parts", [_text_part(f"part {i}") for i in range(1000)]),
        ),
        # -- huge headers
        Hostile(
            "huge_header_1mb", build_email("huge_header_1mb", headers="X-Junk: " + "a" * 1_000_000 + "\r\n")
        ),
        Hostile(
            "folded_header_100k_lines",
            build_email("folded_header_100k_lines", headers="X-Junk: a\r\n" + " b\r\n" * 100_000),
        ),
        Hostile(
            "ten_thousand_headers", build_email("ten_thousand_headers", headers="X-Many: v\r\n" * 10_000)
        ),
        Hostile("subject_100k", build_email("subject_100k", subject="Refund " * 15_000)),
        Hostile(
            "from_name_100k",
            build_email("from_name_100k", sender="N" * 100_000 + " <from_name_100k@example.test>"),
        ),
        Hostile(
            "encoded_words_5000",
            build_email("encoded_words_5000", subject=" ".join(["=?utf-8?B?w6k=?="] * 5000)),
        ),
        Hostile(
            "references_5000",
            build_email(
                "references_5000",
                headers="References: " + " ".join(f"<ref{i}@example.test>" for i in range(5000)) + "\r\n",
            ),
        ),
        Hostile(
            "in_reply_to_100k",
            build_email("in_reply_to_100k", headers="In-Reply-To: <" + "r" * 100_000 + "@example.test>\r\n"),
        ),
        # Long runs without "@" once made the tolerant address and Message-ID scans backtrack for hours.
        Hostile(
            "references_without_at_1mb",
            build_email("references_without_at_1mb", headers="References: " + "a" * 1_000_000 + "\r\n"),
        ),
        Hostile(
            "cc_without_at_1mb", build_email("cc_without_at_1mb", headers="Cc: " + "x" * 1_000_000 + "\r\n")
        ),
        # -- amplification
        Hostile(
            "cc_5000",
            build_email(
                "cc_5000", headers="Cc: " + ", ".join(f"cc{i}@example.test" for i in range(5000)) + "\r\n"
            ),
        ),
        Hostile(
            "to_5000",
            build_email("to_5000", to=", ".join([SUPPORT] + [f"to{i}@example.test" for i in range(5000)])),
        ),
        Hostile(
            "from_1000_addresses",
            build_email("from_1000_addresses", sender=", ".join(f"f{i}@example.test" for i in range(1000))),
        ),
        Hostile(
            "attachments_200",
            _multipart(
                "attachments_200",
                [_text_part("Two hundred receipts.")]
                + [_attachment(f"receipt{i}.txt", f"receipt {i}".encode()) for i in range(200)],
            ),
        ),
        Hostile(
            "attachment_name_10k",
            _multipart(
                "attachment_name_10k",
                [_text_part("Long name."), _attachment("a" * 10_000 + ".txt", b"content")],
            ),
        ),
        # -- charsets
        Hostile(
            "invalid_charset",
            build_email(
                "invalid_charset",
                "Caf\xe9 au lait".encode("latin-1"),
                content_type="text/plain; charset=x-nonsense",
            ),
        ),
        Hostile(
            "binary_codec_charset",
            build_email("binary_codec_charset", b"plain words", content_type="text/plain; charset=base64"),
        ),
        Hostile(
            "unknown_charset_encoded_word",
            build_email("unknown_charset_encoded_word", subject="=?x-klingon?Q?qapla=27?="),
        ),
        Hostile(
            "raw_8bit_header",
            build_email(
                "raw_8bit_header", subject="Caf\udce9 \udcff\udcfe"
            ),  # bytes 0xE9 0xFF 0xFE, not UTF-8
        ),
        Hostile(
            "broken_base64",
            build_email("broken_base64", b"SGVsbG8@@@@!!!", headers="Content-Transfer-Encoding: base64\r\n"),
        ),
        Hostile(
            "broken_quoted_printable",
            build_email(
                "broken_quoted_printable",
                b"Hello =ZZ=\r\n=4",
                headers="Content-Transfer-Encoding: quoted-printable\r\n",
            ),
        ),
        Hostile(
            "unknown_transfer_encoding",
            build_email(
                "unknown_transfer_encoding", b"Hello there", headers="Content-Transfer-Encoding: x-evil\r\n"
            ),
        ),
        # -- Message-IDs
        Hostile("long_id_a", build_email("long_id_a", message_id=f"<{PREFIX_250}-first@example.test>")),
        Hostile("long_id_b", build_email("long_id_b", message_id=f"<{PREFIX_250}-second@example.test>")),
        Hostile(
            "message_id_100k",
            build_email("message_id_100k", message_id="<" + "m" * 100_000 + "@example.test>"),
        ),
        Hostile(
            "duplicate_id_other_bytes",
            build_email("duplicate_id_other_bytes", message_id=f"<{PREFIX_250}-first@example.test>"),
            outcome="duplicate",
        ),
        # -- bodies
        Hostile("body_1mb", build_email("body_1mb", "My order 12345 is lost. " * 45_000)),
        Hostile("body_one_line_1mb", build_email("body_one_line_1mb", "x" * 1_000_000)),
        # -- MIME structure
        Hostile(
            "missing_boundary",
            build_email(
                "missing_boundary",
                b"--XYZ\r\nContent-Type: text/plain\r\n\r\nhi\r\n--XYZ--\r\n",
                content_type="multipart/mixed",
            ),
        ),
        Hostile(
            "wrong_boundary",
            build_email(
                "wrong_boundary",
                b"--REAL\r\nContent-Type: text/plain\r\n\r\nhello\r\n--REAL\r\n\r\nx\r\n--REAL--\r\n",
                content_type='multipart/mixed; boundary="NOPE"',
            ),
        ),
        Hostile(
            "unterminated_multipart",
            build_email(
                "unterminated_multipart",
                b"--B\r\nContent-Type: text/plain\r\n\r\nstarts but never ends\r\n--B\r\nContent-Type: text/html\r\n\r\n<p>",
                content_type='multipart/mixed; boundary="B"',
            ),
        ),
        Hostile(
            "boundary_of_1000_chars",
            _multipart("boundary_of_1000_chars", [_text_part("long boundary")], boundary="b" * 1000),
        ),
        # -- display tricks
        Hostile(
            "rtl_override_subject_and_name",
            build_email(
                "rtl_override_subject_and_name",
                subject="=?utf-8?B?" + b64("Invoice \u202egpj.exe".encode()).decode() + "?=",
                sender="=?utf-8?B?" + b64("Supp\u202eort".encode()).decode() + "?= <rtl@example.test>",
            ),
        ),
        Hostile(
            "zero_width_everywhere",
            build_email(
                "zero_width_everywhere",
                "Pay\u200b now\ufeff\u200d to acc\u2060ount\r\n",
                subject="=?utf-8?B?" + b64("Re\u200b:\u200d refund".encode()).decode() + "?=",
            ),
        ),
        # -- dates and senders
        Hostile("bad_date", build_email("bad_date", extra_top=b"Date: 99 Foo 99999 99:99:99 +9999\r\n")),
        Hostile(
            "date_year_zero",
            build_email("date_year_zero", extra_top=b"Date: Mon, 01 Jan 0000 00:00:00 +0000\r\n"),
        ),
        Hostile("no_sender", build_email("no_sender", sender=""), outcome="quarantined"),
        Hostile("not_an_email", b"\x00\x01\x02 binary garbage \xff\xfe" * 1000, outcome="quarantined"),
    ]
    return cases
