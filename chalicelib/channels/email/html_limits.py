"""Cheap bounds on hostile HTML, checked before any real HTML parser sees it.

html5ever (inside nh3) walks its stack of open elements for every block tag,
so N nested ``<div>``s cost N² steps: 16,000 levels take ~0.7 s, 200,000 take
many minutes, and nothing can interrupt the Rust call. One linear scan here
models that stack closely enough to bound the work first. The model errs
towards deeper (it pops only where a browser certainly would), so hostile
HTML cannot hide its depth, while real mail (Outlook and Gmail rarely nest
past ~100 levels) stays far below the limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# At these limits the worst shapes (500 levels, then 50,000 tags inside) cost
# ~0.05 s to scan, ~0.2 s in html_to_text and ~0.13 s per nh3 call on a shared
# 2-core machine: about half a second for the whole mail, sanitising twice.
# Unbounded, 16,000 nested <div>s took nh3 0.7 s and 64,000 took 13.6 s. Real
# mail stays far below: Gmail threads nest ~5 levels a reply, and 50,000 "<"
# is ~2 MB of Outlook HTML. "Tags" counts every "<", tag or not.
MAX_DEPTH = 500
MAX_TAGS = 50_000
# Text between tags is cheap for both parsers (5 MB in one <p>: 0.2 s).
MAX_CHARS = 5_000_000
# For html_to_text over all HTML parts of one mail; a backstop for whatever
# the limits miss (HTMLParser takes ~4 µs a tag, so real mail needs ~0.1 s).
TIME_BUDGET_SECONDS = 1.0

_TOKEN = re.compile(r"<(?:(!--)|(/?)([A-Za-z][^\s/<>]*)([^<>]*)>)")
_RAW_TEXT = frozenset({"script", "style", "title", "textarea", "xmp", "iframe", "noembed"})
_RAW_END = {name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE) for name in _RAW_TEXT}
_VOID = frozenset(
    {
        *("area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img"),
        *("input", "keygen", "link", "meta", "param", "source", "track", "wbr"),
    }
)
_IGNORED = frozenset({"html", "head", "body"})  # never nest: repeats only merge attributes
# Scope boundaries: an end tag or implied close never reaches past them.
_BOUNDARY = frozenset(
    {"applet", "button", "caption", "marquee", "object", "table", "td", "template", "th"}
)
# Elements whose end tag an inline end tag cannot close through (HTML "special").
_SPECIAL = _BOUNDARY | frozenset(
    {
        *("address", "article", "aside", "blockquote", "center", "dd", "details", "dialog"),
        *("dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "li", "listing", "main"),
        *("menu", "nav", "ol", "p", "pre", "section", "select", "summary", "tbody", "tfoot"),
        *("thead", "tr", "ul"),
    }
)
# Start tags that close an open <p> first ("p in button scope").
_CLOSES_P = (_SPECIAL - _BOUNDARY - {"tbody", "tfoot", "thead", "tr", "select"}) | {"table", "xmp"}
_FORMATTING = frozenset(
    {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt"}
    | {"u"}
)
_GONE, _CLONE = "", "#"  # stack entries that are not (or no longer) named elements
_CELLS = ("td", "th")
_ROWS = ("tr",)
_SECTIONS = ("tbody", "thead", "tfoot")
# A start tag of the key closes the nearest open element of the first family
# found that was opened after the fence (``<li>a<li>b``, ``<td>a<td>b``).
_SIBLINGS: dict[str, tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]] = {
    "li": ((("li",),), ("ul", "ol", "menu", *_BOUNDARY)),
    "dt": ((("dt", "dd"),), ("dl", *_BOUNDARY)),
    "dd": ((("dt", "dd"),), ("dl", *_BOUNDARY)),
    "option": ((("option",),), ("select", "optgroup", *_BOUNDARY)),
    "table": ((("table",),), ("td", "th", "caption")),  # a table directly in a table ends it
    "td": ((_CELLS,), ("tr", "table")),
    "th": ((_CELLS,), ("tr", "table")),
    "tr": ((_ROWS, _CELLS), ("tbody", "thead", "tfoot", "table")),
    **dict.fromkeys(_SECTIONS, ((_SECTIONS, _ROWS, _CELLS), ("table",))),
}


@dataclass(frozen=True)
class HtmlShape:
    """What the scan saw, up to where it stopped."""

    depth: int
    open_at_end: int
    tags: int


class _Stack:
    """Open elements, with per-name positions so every step is O(1) amortised."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.where: dict[str, list[int]] = {}
        self.special = [-1]
        self.boundary = [-1]
        self.live = 0  # names minus the formatting elements closed out of order

    def last(self, names: tuple[str, ...]) -> int:
        found = -1
        for name in names:
            positions = self.where.get(name)
            if positions and positions[-1] > found:
                found = positions[-1]
        return found

    def pop_to(self, index: int) -> None:
        names, where = self.names, self.where
        while len(names) > index:
            name = names.pop()
            if name != _GONE:
                self.live -= 1
                if name != _CLONE:
                    where[name].pop()
            if self.special[-1] == len(names):
                self.special.pop()
            if self.boundary[-1] == len(names):
                self.boundary.pop()

    def start(self, name: str) -> None:
        if name in _CLOSES_P:
            positions = self.where.get("p")
            if positions and positions[-1] > self.boundary[-1]:
                self.pop_to(positions[-1])
        if name in _SIBLINGS:
            families, fence = _SIBLINGS[name]
            after = self.last(fence)
            for family in families:
                found = self.last(family)
                if found > after:
                    self.pop_to(found)
                    break
        index = len(self.names)
        self.names.append(name)
        self.where.setdefault(name, []).append(index)
        self.live += 1
        if name in _SPECIAL:
            self.special.append(index)
            if name in _BOUNDARY:
                self.boundary.append(index)

    def end(self, name: str) -> None:
        positions = self.where.get(name)
        if not positions:
            return
        # A special element closes within its scope; any other only when no
        # special element was opened after it, else browsers ignore the tag,
        # except a formatting one, which leaves the stack (adoption agency).
        at = positions[-1]
        if name in _SPECIAL:
            if at >= self.boundary[-1]:
                self.pop_to(at)
        elif at > self.special[-1]:
            self.pop_to(at)
        elif name in _FORMATTING:
            # The element leaves the stack and a copy of it opens inside the
            # special element after it; that copy closes with its parent.
            self.names[at] = _GONE
            positions.pop()
            self.names.append(_CLONE)


def measure(html: str, max_depth: int = MAX_DEPTH, max_tags: int = MAX_TAGS) -> HtmlShape:
    """Nesting depth and tag count of ``html``, in one pass that never backtracks.

    The scan stops once past ``max_depth`` levels or ``max_tags`` tags.
    """
    stack = _Stack()
    deepest = tags = skip_to = 0
    for match in _TOKEN.finditer(html):
        if match.start() < skip_to:
            continue
        if match.group(1):
            # An unclosed comment runs to the end, as in a browser.
            end = html.find("-->", match.end())
            if end < 0:
                break
            skip_to = end + 3
            continue
        tags += 1
        name = match.group(3).lower()
        if match.group(2):
            stack.end(name)
            continue
        if name in _VOID or name in _IGNORED:
            continue
        # Only inside SVG and MathML does "/>" close an element; <div/> stays open.
        foreign = stack.where.get("svg") or stack.where.get("math")
        if not (foreign and match.group(4).endswith("/")):
            stack.start(name)
        if stack.live > deepest:
            deepest = stack.live
            if deepest > max_depth:
                break
        if tags > max_tags:
            break
        if name in _RAW_TEXT:
            # Script and style content is text up to the end tag; without one
            # it runs to the end of the document.
            closing = _RAW_END[name].search(html, match.end())
            if closing is None:
                break
            skip_to = closing.start()
    return HtmlShape(deepest, stack.live, tags)


@dataclass
class HtmlAllowance:
    """One mail's HTML budget, shared by all its parts.

    The parts' HTML is joined into one document later, so elements one part
    leaves open deepen the next one: depth, tags and size add up across parts.
    """

    max_depth: int = MAX_DEPTH
    max_tags: int = MAX_TAGS
    max_chars: int = MAX_CHARS
    seconds_left: float = field(default_factory=lambda: TIME_BUDGET_SECONDS)
    carried_depth: int = 0
    tags_used: int = 0
    chars_used: int = 0

    def admit(self, html: str) -> str | None:
        """None when ``html`` may be parsed (and is counted); else the reason."""
        if self.chars_used + len(html) > self.max_chars:
            return f"HTML too large ({(self.chars_used + len(html)) / 1_000_000:.1f} MB)"
        # Every "<" costs the parsers a token, tag or not (piles of unclosed
        # "<a" are the cheapest hostile HTML), and counting them is C-fast.
        tags = html.count("<")
        depth_left = self.max_depth - self.carried_depth
        shape = measure(html, depth_left, self.max_tags)
        if shape.depth > depth_left:
            return f"HTML too deeply nested (over {self.max_depth:,} levels)"
        if self.tags_used + tags > self.max_tags:
            return f"HTML has too many tags (over {self.max_tags:,})"
        self.carried_depth += shape.open_at_end
        self.tags_used += tags
        self.chars_used += len(html)
        return None
