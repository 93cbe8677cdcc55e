"""HTML bodies: sanitized for display, rendered to text when there is no text/plain part."""

from __future__ import annotations

from anchordesk.mail import parse
from anchordesk.mail.html import html_to_text, sanitize_html

HOSTILE = """<html><head><style>body{background:url(javascript:alert(1))}</style>
<script>alert('head')</script></head><body onload="steal()">
<p>Hello <b>there</b>, <i>thanks</i>!</p>
<img src="https://example.test/x.png" onerror="alert(1)" alt="logo">
<a href="javascript:alert(document.cookie)">click</a>
<a href="JaVaScRiPt:alert(1)">again</a>
<a href="https://example.test/ok" onclick="evil()">fine link</a>
<iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name=password></form>
<svg onload="alert(1)"><script>alert(2)</script></svg>
<div style="position:fixed;top:0">overlay</div>
<ul><li>one</li><li>two</li></ul>
</body></html>"""


def test_hostile_html_is_sanitized() -> None:
    clean = sanitize_html(HOSTILE).lower()
    for bad in ("<script", "onerror", "onload", "onclick", "javascript:", "<iframe", "<style", "<form",
                "<input", "<svg", "position:fixed", "alert("):  # fmt: skip
        assert bad not in clean, bad
    for kept in ("<p>", "<b>there</b>", "<i>thanks</i>", "<li>one</li>", 'href="https://example.test/ok"'):
        assert kept in clean, kept


def test_html_only_message_gets_text_and_sanitized_html() -> None:
    raw = b"From: a@example.test\nSubject: h\nContent-Type: text/html; charset=utf-8\n\n" + HOSTILE.encode()
    parsed = parse(raw)
    assert parsed.ok
    assert "Hello there, thanks!" in parsed.text
    assert "alert" not in parsed.text and "background" not in parsed.text
    assert "- one" in parsed.text
    assert "<script" not in parsed.html and parsed.html.startswith("<p>")


def test_html_to_text_keeps_structure_and_quotes() -> None:
    text = html_to_text(
        "<p>Para one</p><p>Para&nbsp;two<br>line</p><blockquote>quoted<blockquote>deeper</blockquote></blockquote>"
        '<a href="https://example.test/a">link</a>'
    )
    assert "Para one\n\nPara two\nline" in text
    assert "> quoted" in text and "> > deeper" in text
    assert "link <https://example.test/a>" in text


def test_broken_html_never_raises() -> None:
    for html in (
        "<",
        "<p",
        "<<<>>>",
        "<table><tr><td>x",
        "</div></div>",
        "<a href='",
        "&#xffffffff;",
        "<![CDATA[",
    ):
        assert isinstance(html_to_text(html), str)
        assert isinstance(sanitize_html(html), str)


def test_nesting_is_limited_in_one_pass_keeping_the_text():
    from anchordesk.tickets.sanitize import MAX_HTML_DEPTH, limit_nesting

    flat, removed = limit_nesting("<div>" * 5000 + "deep words" + "</div>" * 5000 + "<p>after</p>")
    assert removed == 5000 - MAX_HTML_DEPTH
    assert flat == "<div>" * MAX_HTML_DEPTH + "deep words" + "</div>" * MAX_HTML_DEPTH + "<p>after</p>"
    # Unclosed paragraphs, list items and table rows close each other, as a browser reads them:
    # a long ordinary email is not flattened.
    ordinary = (
        "<table>" + "<tr><td>cell<td>cell" * 500 + "</table><ul>" + "<li>item" * 500 + "</ul>" + "<p>x" * 500
    )
    assert limit_nesting(ordinary) == (ordinary, 0)
    # Text inside comments and scripts is not markup.
    assert limit_nesting("<!--" + "<div>" * 500 + "--><script>" + "<div>" * 500 + "</script>")[1] == 0


def test_sanitized_html_is_stored_as_it_is_and_never_cleaned_twice():
    from anchordesk.tickets.sanitize import CleanHtml
    from anchordesk.tickets.sanitize import sanitize_html as ticket_sanitize

    clean = sanitize_html('<p onclick="x()">Hi <font color="red">there</font></p>')
    assert isinstance(clean, CleanHtml) and "onclick" not in clean
    assert ticket_sanitize(clean) is clean  # the ticket actions reuse the parser's result
