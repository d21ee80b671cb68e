"""Plain text from HTML, for mails that come without a text/plain part.

Only the stdlib parser is used. Block elements become line breaks, list
items get a dash, and ``<blockquote>`` becomes ``> `` quoting so that reply
stripping works the same on HTML-only replies as on plain ones.

Every step is linear in the input, and the conversion gives up once its time
budget is spent: hostile HTML is the caller's to fall back on (``strip_html``,
a regex-only reading that cannot be slow).
"""

from __future__ import annotations

import re
import time
from html import unescape
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
# Deeper quoting is shown at this depth: a "> " per level on every line would
# make the text grow with depth times lines.
_MAX_QUOTE_MARKS = 50
DEFAULT_SECONDS = 1.0


class _OutOfTime(Exception):
    pass


class _TextCollector(HTMLParser):
    def __init__(self, deadline: float) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._tail = ""  # the last two characters of the line so far
        self._skip_depth = 0
        self._quote_depth = 0
        self._pre_depth = 0
        self._deadline = deadline

    def _tick(self) -> None:
        # Every event: reading the clock costs ~1% of handling one, and one
        # event of malformed HTML can take milliseconds.
        if time.monotonic() > self._deadline:
            raise _OutOfTime

    def _add(self, piece: str) -> None:
        self._line.append(piece)
        self._tail = (self._tail + piece)[-2:]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tick()
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
            self._add("- ")
        elif tag in ("td", "th") and self._line:
            self._add("\t")

    def handle_endtag(self, tag: str) -> None:
        self._tick()
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
        self._tick()
        if self._skip_depth:
            return
        if self._pre_depth:
            first, *rest = data.split("\n")
            self._add(first)
            for line in rest:
                self._break(force=True)
                self._add(line)
            return
        collapsed = _SPACES.sub(" ", data)
        # Checking the tail, not the joined line, keeps long lines linear.
        if not self._line or self._tail.endswith((" ", "\t", "- ")):
            collapsed = collapsed.lstrip(" ")
        if collapsed:
            self._add(collapsed)

    def _break(self, force: bool = False) -> None:
        line = "".join(self._line).rstrip()
        self._line = []
        self._tail = ""
        if not line and not force:
            return
        quotes = min(self._quote_depth, _MAX_QUOTE_MARKS)
        self.lines.append("> " * quotes + line if line else ">" * quotes)

    def _blank_if(self, wanted: bool) -> None:
        if wanted and self.lines:
            self.lines.append(("> " * min(self._quote_depth, _MAX_QUOTE_MARKS)).rstrip())

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
    """Readable plain text of ``html``; never raises, never takes long."""
    text = html_to_text_within(html, DEFAULT_SECONDS)
    return strip_html(html) if text is None else text


def html_to_text_within(html: str, seconds: float) -> str | None:
    """Readable plain text of ``html``, or None when ``seconds`` ran out first."""
    collector = _TextCollector(time.monotonic() + seconds)
    try:
        collector.feed(_parser_ready(html))
        collector.close()
    except AssertionError:
        # Old parser paths assert on some malformed declarations; keep what
        # was read so far rather than lose the whole body.
        pass
    except _OutOfTime:
        return None
    return collector.finish()


_HIDDEN = re.compile(r"<!--|<(script|style|title)\b", re.IGNORECASE)
_HIDDEN_END = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style", "title")
}
_PARAGRAPH_TAG = re.compile(
    r"</?(?:p|h[1-6]|blockquote|table|ul|ol|pre|hr)\b[^<>]*>", re.IGNORECASE
)
_BREAK_TAG = re.compile(
    r"<(?:br|/?(?:div|li|tr|dt|dd|section|article|header|footer))\b[^<>]*>", re.IGNORECASE
)
_BLANK = "\x00"  # marks where a paragraph tag wants a blank line
_DECLARATION = re.compile(r"<[!?][^<>]*>")
_STRAY_LT = re.compile(r"<(?![^<>]*>)")
_FEW_STRAYS = 50
# No "<" inside a tag: every match attempt ends at the next "<", so a page of
# unclosed "<a<a<a" stays linear.
_ANY_TAG = re.compile(r"<[^<>]*>")
_LINE_SPACES = re.compile(r"[ \t\f\u00a0\u200b]+")
_LINE_EDGES = re.compile(r" ?\n ?")
_NEWLINES = re.compile(r"\n+")
_BLANK_LINES = re.compile(r"\n{3,}")


def strip_html(html: str) -> str:
    """Text of ``html`` by regexes alone: linear, for HTML too hostile to parse.

    Comments, scripts and styles go, block tags become line breaks, other tags
    vanish and entities are decoded; quoting and lists are not kept.
    """
    text = _without_hidden(html).replace(_BLANK, "")
    text = _PARAGRAPH_TAG.sub(f"\n{_BLANK}\n", text)
    text = unescape(_ANY_TAG.sub("", _BREAK_TAG.sub("\n", text)))
    text = _LINE_EDGES.sub("\n", _LINE_SPACES.sub(" ", text.replace("\r", "\n")))
    # Empty lines between block tags are no paragraphs; only the marks are.
    # (Regexes, not a loop over lines: a pile of "<a\n" has a million lines.)
    text = _NEWLINES.sub("\n", text).replace(_BLANK, "")
    return _BLANK_LINES.sub("\n\n", text).strip()


def _without_hidden(html: str) -> str:
    """``html`` without comments, scripts, styles and titles, which hold no
    text; one left open runs to the end, as in a browser."""
    kept: list[str] = []
    pos = 0
    while (found := _HIDDEN.search(html, pos)) is not None:
        kept.append(html[pos : found.start()])
        if found.group(1):
            end = _HIDDEN_END[found.group(1).lower()].search(html, found.end())
            pos = len(html) if end is None else end.end()
        else:
            end_at = html.find("-->", found.end())
            pos = len(html) if end_at < 0 else end_at + 3
    kept.append(html[pos:])
    return "".join(kept)


def _parser_ready(html: str) -> str:
    """``html`` without what the stdlib HTMLParser reads in quadratic time.

    Before Python 3.13.4 (CVE-2025-6069) unclosed comments, declarations and
    tags cost it O(n²): 160 KB of "<a" took 23 s. Comments, declarations and
    script bodies hold no text, so they go. Many a "<" that starts no complete
    tag means junk: those become "&lt;". A few are left alone, as they cost
    little and may sit in a quoted attribute value (``alt="<< Back"``).
    """
    text = _DECLARATION.sub("", _without_hidden(html))
    escaped, strays = _STRAY_LT.subn("&lt;", text)
    return escaped if strays > _FEW_STRAYS else text
