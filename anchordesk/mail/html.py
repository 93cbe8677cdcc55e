"""HTML from email: a safe copy for display (nh3) and a plain-text rendering.

The text rendering keeps what matters for reading and for reply extraction: paragraphs
and line breaks, list bullets, link targets, and `<blockquote>` turned into "> " quoted
lines, so an HTML-only reply has its history stripped like a plain-text one.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

from anchordesk.tickets.sanitize import CleanHtml, clean_html, limit_nesting

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup",
    "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "*": {"title", "dir", "lang", "align"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "valign"},
    "th": {"colspan", "rowspan", "valign", "scope"},
    "font": {"color"},
    "ol": {"start", "type"},
    "blockquote": {"cite", "type"},
}
# cid: lets the UI point inline images at their attachment; data: images stay out.
_URL_SCHEMES = {"http", "https", "mailto", "cid", "tel"}
_CLEAN_CONTENT = {"script", "style", "title", "head", "noscript", "template", "iframe", "object", "svg"}


def sanitize_html(html: str) -> str:
    """Markup safe to show an agent: no scripts, styles, frames, event handlers or javascript: links.

    Elements nested deeper than MAX_HTML_DEPTH are flattened first (their text is kept), so
    the time is linear in the length; the result is a `CleanHtml`, which the ticket actions
    store as it is instead of cleaning it again.
    """
    if not html or not html.strip():
        return ""
    try:
        return CleanHtml(
            clean_html(
                html,
                tags=_ALLOWED_TAGS,
                clean_content_tags=_CLEAN_CONTENT,
                attributes=_ALLOWED_ATTRIBUTES,
                url_schemes=_URL_SCHEMES,
            ).strip()
        )
    except Exception:  # nh3 refuses input it cannot handle (e.g. lone surrogates): show nothing
        try:
            flat, _ = limit_nesting(html.encode("utf-8", "replace").decode("utf-8"))
            return CleanHtml(nh3.clean(flat, tags=set(), attributes={}))
        except Exception:
            return ""


_BLOCK = {
    "address", "article", "aside", "div", "dl", "dt", "dd", "fieldset", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "section", "table",
    "tr", "ul", "center", "pre",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title", "noscript", "template", "object", "svg", "xml", "iframe"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}
_SPACES = re.compile(r"[ \t\r\n\f\u200b\ufeff]+")


class _TextRenderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.current_depth = 0
        self.quote_depth = 0
        self.skip_depth = 0
        self.pre_depth = 0
        self.href_stack: list[str | None] = []
        self.list_stack: list[list[int]] = []

    # -- building lines --
    def _newline(self, force: bool = False) -> None:
        line = "".join(self.current).rstrip()
        if line or force:
            prefix = "> " * self.current_depth
            self.lines.append((prefix + line).rstrip() if prefix else line)
        self.current = []
        self.current_depth = self.quote_depth

    def _blank(self) -> None:
        self._newline()
        if self.lines and self.lines[-1].strip("> ") != "":
            self.lines.append(("> " * self.quote_depth).rstrip())

    def _write(self, text: str) -> None:
        if not self.current:
            self.current_depth = self.quote_depth
        self.current.append(text)

    # -- parser callbacks --
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag == "br":
            self._newline(force=True)
        elif tag == "blockquote":
            self._blank()
            self.quote_depth += 1
            self.current_depth = self.quote_depth
        elif tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre"):
            self._blank()
            if tag in ("ul", "ol"):
                self.list_stack.append([1 if tag == "ol" else 0])
            if tag == "pre":
                self.pre_depth += 1
        elif tag == "li":
            self._newline()
            marker = "- "
            if self.list_stack and self.list_stack[-1][0]:
                marker = f"{self.list_stack[-1][0]}. "
                self.list_stack[-1][0] += 1
            self._write("  " * max(len(self.list_stack) - 1, 0) + marker)
        elif tag in ("td", "th"):
            if self.current and not "".join(self.current).endswith(" "):
                self._write(" ")
        elif tag == "hr":
            self._newline()
            self.lines.append(("> " * self.quote_depth) + "-" * 30)
        elif tag == "a":
            self.href_stack.append(dict(attrs).get("href"))
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self._write(f"[{alt}]")
        elif tag in _BLOCK:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if self.skip_depth:
                self.skip_depth -= 1
            return
        if self.skip_depth:
            return
        if tag == "blockquote":
            self._newline()
            self.quote_depth = max(self.quote_depth - 1, 0)
            self._blank()
        elif tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre"):
            if tag in ("ul", "ol") and self.list_stack:
                self.list_stack.pop()
            if tag == "pre":
                self.pre_depth = max(self.pre_depth - 1, 0)
            self._blank()
        elif tag == "a":
            href = self.href_stack.pop() if self.href_stack else None
            if href and href.startswith(("http://", "https://")):
                shown = "".join(self.current[-3:])
                if href not in shown and href.rstrip("/") not in shown:
                    self._write(f" <{href}>")
        elif tag in _BLOCK or tag == "li":
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            chunks = data.split("\n")
            for i, chunk in enumerate(chunks):
                if i:
                    self._newline(force=True)
                if chunk:
                    self._write(chunk.replace("\xa0", " "))
            return
        text = _SPACES.sub(" ", data).replace("\xa0", " ")
        if not text.strip():
            if self.current and not "".join(self.current[-1:]).endswith(" "):
                self._write(" ")
            return
        if not self.current:
            text = text.lstrip()
        self._write(text)

    def text(self) -> str:
        self._newline()
        out: list[str] = []
        for line in self.lines:
            if not line.strip("> ") and out and not out[-1].strip("> "):
                continue  # one blank line between blocks is enough
            out.append(line)
        return "\n".join(out).strip("\n")


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML body; never raises."""
    if not html:
        return ""
    renderer = _TextRenderer()
    try:
        renderer.feed(limit_nesting(html)[0])  # deep nesting would repeat "> " prefixes per line
        renderer.close()
    except Exception:  # HTMLParser is lenient, but keep whatever was rendered so far
        pass
    return renderer.text()
