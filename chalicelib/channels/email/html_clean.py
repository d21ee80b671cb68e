"""HTML from mail made safe to show to an agent (nh3, an allow-list).

Only formatting survives: no scripts, styles, event handlers, forms or
frames. Links open without giving the opener or referrer away. Images may
come only from the mail itself (``cid:``, rewritten to the URL the caller
stores the attachment under) or over https; everything else is dropped so
that a mail cannot make the agent's browser call an http or internal URL.

nh3 cannot be interrupted and its work grows with the square of the nesting
depth, so HTML is measured first (``html_limits``); the mail parser keeps
HTML past the limits out of ``html_raw``, and anything past twice the limits
that still arrives here is shown as its plain text instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote

import nh3

from chalicelib.channels.email.html_limits import MAX_CHARS, MAX_DEPTH, MAX_TAGS, HtmlAllowance
from chalicelib.channels.email.html_text import strip_html

_TAGS = frozenset(
    {
        *("a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "center", "cite"),
        *("code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "font"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark"),
        *("ol", "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub"),
        *("sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul"),
    }
)
_CELL = frozenset({"colspan", "rowspan", "align", "valign", "width", "height"})
_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"dir", "lang", "title"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": _CELL,
    "th": _CELL,
    "table": frozenset({"border", "cellpadding", "cellspacing", "width", "align"}),
    "font": frozenset({"color", "face", "size"}),
    "p": frozenset({"align"}),
    "div": frozenset({"align"}),
    "ol": frozenset({"start", "type"}),
}
_DROPPED_WITH_CONTENT = frozenset({"script", "style", "title", "template", "xmp", "noembed"})
_LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")
# nh3 serialises with every attribute double-quoted and '"' escaped inside,
# so this matches exactly one whole <img> tag of its output.
_IMG_TAG = re.compile(r'<img(?:\s+[^\s="/>]+(?:="[^"]*")?)*\s*/?>')
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def sanitise_html(html: str, cid_map: Mapping[str, str]) -> str:
    """Safe HTML; ``cid:`` images are pointed at ``cid_map[content_id]``.

    Content-ids are matched without angle brackets, URL-unescaped and
    case-insensitively. Images whose content-id is not in the map, and
    remote images not on https, are removed.
    """
    if _too_costly(html):
        return f'<pre style="white-space: pre-wrap">{_escape(strip_html(html))}</pre>'
    cids = {_cid_key(key): url for key, url in cid_map.items()}
    mapped_urls = frozenset(cids.values())

    def keep_attribute(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return _image_source(value, cids)
        if tag == "a" and attribute == "href":
            return _link_target(value)
        return value

    cleaned = nh3.clean(
        html,
        tags=set(_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        attribute_filter=keep_attribute,
        strip_comments=True,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        # "cid" passes the scheme check so the filter can rewrite it; the filter
        # returns only mapped URLs for it.
        url_schemes={"http", "https", "mailto", "tel", "cid"},
        # Relative URLs would resolve against our own site; only the URLs
        # the caller gave for inline images may be relative.
        url_relative=lambda url: url if url in mapped_urls else None,
    )
    return _IMG_TAG.sub(lambda m: m.group(0) if ' src="' in m.group(0) else "", cleaned)


def _too_costly(html: str) -> bool:
    # Depth cannot exceed the number of tags, so short HTML needs no scan.
    if html.count("<") <= 2 * MAX_DEPTH:
        return False
    guard = HtmlAllowance(max_depth=2 * MAX_DEPTH, max_tags=2 * MAX_TAGS, max_chars=2 * MAX_CHARS)
    return guard.admit(html) is not None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cid_key(content_id: str) -> str:
    return unquote(content_id).strip().strip("<>").lower()


def _image_source(value: str, cids: Mapping[str, str]) -> str | None:
    source = _INVISIBLE.sub("", value)
    if source[:4].lower() == "cid:":
        return cids.get(_cid_key(source[4:]))
    if source[:8].lower() == "https://":
        return source
    return None


def _link_target(value: str) -> str | None:
    target = _INVISIBLE.sub("", value)
    if target.startswith("#") or target.lower().startswith(_LINK_SCHEMES):
        return target
    return None
