"""Plain text from HTML, for mails that come without a text/plain part.

Only the stdlib parser is used. Block elements become line breaks, list
items get a dash, and ``<blockquote>`` becomes ``> `` quoting so that reply
stripping works the same on HTML-only replies as on plain ones.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt"),
        *("fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table"),
        *("tbody", "thead", "tfoot", "tr", "ul"),
    }
)
# Elements that stand apart from their neighbours by a blank line.
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "pre"})
_SKIPPED = frozenset({"head", "script", "style", "title", "template", "noscript"})
_SPACES = re.compile(r"[ \t\r\n\f\u00a0\u200b]+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._skip_depth = 0
        self._quote_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
            return
        if tag == "br":
            self._break(force=True)
        elif tag in _BLOCKS:
            self._break()
            self._blank_if(tag in _PARAGRAPHS)
        if tag == "blockquote":
            self._quote_depth += 1
        elif tag == "pre":
            self._pre_depth += 1
        elif tag == "li":
            self._line.append("- ")
        elif tag in ("td", "th") and self._line:
            self._line.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if tag in _BLOCKS:
            self._break()
        if tag == "blockquote":
            self._quote_depth = max(0, self._quote_depth - 1)
        elif tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        self._blank_if(tag in _PARAGRAPHS)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._pre_depth:
            first, *rest = data.split("\n")
            self._line.append(first)
            for line in rest:
                self._break(force=True)
                self._line.append(line)
            return
        collapsed = _SPACES.sub(" ", data)
        if not self._line or "".join(self._line).endswith((" ", "\t", "- ")):
            collapsed = collapsed.lstrip(" ")
        if collapsed:
            self._line.append(collapsed)

    def _break(self, force: bool = False) -> None:
        line = "".join(self._line).rstrip()
        self._line = []
        if not line and not force:
            return
        self.lines.append("> " * self._quote_depth + line if line else ">" * self._quote_depth)

    def _blank_if(self, wanted: bool) -> None:
        if wanted and self.lines:
            self.lines.append(("> " * self._quote_depth).rstrip())

    def finish(self) -> str:
        self._break()
        return _squeeze_blank_lines(self.lines)


def _squeeze_blank_lines(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        blank = not line.strip(" >")
        if blank and (not out or not out[-1].strip(" >")):
            continue
        out.append(line.rstrip())
    return "\n".join(out).strip("\n")


def html_to_text(html: str) -> str:
    """Readable plain text of ``html``; never raises."""
    collector = _TextCollector()
    try:
        collector.feed(html)
        collector.close()
    except AssertionError:
        # Old parser paths assert on some malformed declarations; keep what
        # was read so far rather than lose the whole body.
        pass
    return collector.finish()
