"""Markdown to safe HTML, and to plain text for the search index. Pure: no settings or database.

The HTML goes through the product's one sanitizer (tickets/sanitize.py: nh3 behind a linear-time
nesting limit), with the allowlist of what Markdown can make.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

from anchordesk.tickets.sanitize import clean_html

# CommonMark plus tables and strikethrough; raw HTML in the source is escaped, not passed through,
# and the sanitizer cleans what the renderer made anyway (links, images), so no script ever reaches a page.
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


def render_markdown(source: str) -> str:
    return str(
        clean_html(
            _MD.render(source), tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"}
        )
    )


def plain_text(safe_html: str) -> str:
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", safe_html))).strip()


def normalize_tags(raw: str | list[str]) -> str:
    words = raw if isinstance(raw, list) else re.split(r"[,\s]+", raw)
    seen: list[str] = []
    for word in words:
        tag = re.sub(r"[^\w-]", "", word.lower())[:40]
        if tag and tag not in seen:
            seen.append(tag)
    return " ".join(seen[:20])
