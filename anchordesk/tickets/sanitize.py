"""HTML from customers and integrations is cleaned before it is stored or shown.

Cleaning costs time in proportion to the input, whatever its shape. The HTML parser behind
nh3 walks the stack of open elements for every tag, so 100,000 nested <div> took minutes:
before it sees the markup, `limit_nesting` (one linear scan) removes the tags that would
open elements deeper than MAX_HTML_DEPTH, keeping their text. Deep content is therefore
flattened into its ancestor at the limit, never dropped. Markup already cleaned (a
`CleanHtml`, e.g. an email's HTML sanitized by the parser) is not cleaned a second time.

Pure: nh3 and the standard library, no settings, so the email parser can use it.
"""

from __future__ import annotations

import re
from collections import Counter

import nh3
from django.core.exceptions import ValidationError

MAX_HTML_DEPTH = 100  # elements open at once; deeper tags are removed and their text kept
MAX_HTML_CHARS = 1_000_000  # HTML bodies larger than this are refused (API) or not kept (email)

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan"}}


class CleanHtml(str):
    """Markup that went through nh3 with a safe allowlist: stored as it is, never cleaned again."""

    __slots__ = ()


_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "frame",
        "basefont",
        "isindex",
    ]
)
# Elements whose text is not markup: copied through to their end tag as one leaf.
_RAW_TEXT = frozenset(
    ["script", "style", "textarea", "title", "xmp", "noscript", "iframe", "noembed", "noframes"]
)
# An open one of these is closed by the next of the same kind (an unclosed <p>, <li>, <td>...).
_IMPLIED_END = {
    "p": {"p"},
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
    "option": {"option"},
    "thead": {"tbody", "thead", "tfoot"},
    "tbody": {"tbody", "thead", "tfoot"},
    "tfoot": {"tbody", "thead", "tfoot"},
}
_MARKUP = re.compile(r"<!--|<(/?)([A-Za-z][^\s/>]*)([^>]*)>")


def limit_nesting(html: str, max_depth: int = MAX_HTML_DEPTH) -> tuple[str, int]:
    """(html, removed): the markup with no element nested deeper than `max_depth`.

    One pass over the text; the tags that would open deeper elements (and their end tags)
    are removed, so their content joins the element at the limit. `removed` counts the
    start tags taken out (0 when the markup was within the limit).
    """
    if "<" not in html:
        return html, 0
    out: list[str] = []
    stack: list[str] = []
    dropped: Counter[str] = Counter()  # start tags removed and not yet closed, by name
    removed = 0
    pos = 0
    length = len(html)
    while pos < length:
        match = _MARKUP.search(html, pos)
        if match is None:
            break
        start = match.start()
        if match.group(0) == "<!--":
            end = html.find("-->", start + 4)
            end = length if end < 0 else end + 3
            out.append(html[pos:end])
            pos = end
            continue
        out.append(html[pos:start])
        pos = match.end()
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        if not closing:
            if name in _RAW_TEXT:
                end_match = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE).search(html, pos)
                end = length if end_match is None else end_match.end()
                out.append(html[start:end])
                pos = end
                continue
            closes = _IMPLIED_END.get(name)
            while closes and stack and stack[-1] in closes:
                stack.pop()
            if name in _VOID or rest.rstrip().endswith("/"):
                out.append(match.group(0))
                continue
            # The parser adds the table sections a row or cell needs: they count as levels too.
            top = stack[-1] if stack else ""
            implied: tuple[str, ...] = ()
            if name == "tr" and top == "table":
                implied = ("tbody",)
            elif name in ("td", "th") and top in ("table", "tbody", "thead", "tfoot"):
                implied = ("tbody", "tr") if top == "table" else ("tr",)
            if len(stack) + len(implied) >= max_depth:
                dropped[name] += 1
                removed += 1
            else:
                stack.extend(implied)
                stack.append(name)
                out.append(match.group(0))
            continue
        if dropped[name]:
            dropped[name] -= 1
            continue
        for index in range(len(stack) - 1, -1, -1):  # at most max_depth steps
            if stack[index] == name:
                del stack[index:]
                out.append(match.group(0))
                break
        # An end tag that closes nothing open is left out: the parser would ignore it anyway.
    out.append(html[pos:])
    return "".join(out), removed


def check_html(html: str, *, field: str = "html") -> None:
    """Refuse HTML a person or integration sent that is too large or too deeply nested (a 4xx)."""
    if len(html) > MAX_HTML_CHARS:
        raise ValidationError({field: f"Too long: at most {MAX_HTML_CHARS:,} characters of HTML."})
    _, removed = limit_nesting(html)
    if removed:
        raise ValidationError(
            {field: f"Nested too deeply: elements may be nested at most {MAX_HTML_DEPTH} levels deep."}
        )


def clean_html(
    html: str,
    *,
    tags: set[str],
    attributes: dict[str, set[str]],
    url_schemes: set[str],
    clean_content_tags: set[str] | None = None,
) -> CleanHtml:
    """nh3 over the markup, nesting limited first so the time is linear in its length."""
    if isinstance(html, CleanHtml):
        return html
    flat, _ = limit_nesting(html)
    return CleanHtml(
        nh3.clean(
            flat,
            tags=tags,
            clean_content_tags=clean_content_tags,
            attributes=attributes,
            url_schemes=url_schemes,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        )
    )


def sanitize_html(html: str) -> CleanHtml:
    return clean_html(
        html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto", "cid"}
    )
