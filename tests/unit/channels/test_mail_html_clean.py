"""HTML from mail made safe to show (html_clean.py)."""

from __future__ import annotations

import nh3
import pytest

from chalicelib.channels.email.html_clean import sanitise_html
from chalicelib.channels.email.html_limits import MAX_DEPTH

CID_MAP = {
    "<logo@kund.example.se>": "/api/attachments/7",
    "image001.png@01DA": "/api/attachments/8",
}

DANGEROUS = [
    ("<p>hi</p><script>alert(1)</script>", "<script"),
    ("<p>hi</p><script>alert(1)</script>", "alert"),
    ("<style>body{display:none}</style><p>x</p>", "display:none"),
    ('<img src="https://x.example/a.png" onerror="alert(1)">', "onerror"),
    ('<p onclick="steal()">x</p>', "onclick"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', "script:"),
    ('<a href="java\tscript:alert(1)">x</a>', "script:"),
    ('<a href="data:text/html,<script>x</script>">x</a>', "data:"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<form action="https://evil.example"><input name="pw"></form>', "<input"),
    ("<svg><script>alert(1)</script></svg>", "alert"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "refresh"),
    ('<base href="https://evil.example/">', "<base"),
    ('<p style="position:fixed;top:0">x</p>', "position"),
    ('<div class="login-overlay" id="app">x</div>', "login-overlay"),
    ('<img src="http://tracker.example/p.gif">', "tracker"),
    ('<img src="/api/admin/delete?id=1">', "/api/admin"),
    ('<a href="/api/admin/delete?id=1">x</a>', "/api/admin"),
    ("<!--[if gte mso 9]><xml>secret</xml><![endif]--><p>x</p>", "secret"),
]


@pytest.mark.parametrize(("html", "forbidden"), DANGEROUS, ids=[d[1] for d in DANGEROUS])
def test_sanitised_html_holds_nothing_that_runs_or_calls_out(html: str, forbidden: str) -> None:
    assert forbidden.lower() not in sanitise_html(html, CID_MAP).lower()


def test_formatting_and_https_links_survive_with_safe_rel() -> None:
    html = '<p>Hej <b>Anna</b>, se <a href="https://servit.example/t/1">ärendet</a>.</p>'
    cleaned = sanitise_html(html, {})
    assert "<b>Anna</b>" in cleaned
    assert 'href="https://servit.example/t/1"' in cleaned
    assert 'rel="noopener noreferrer"' in cleaned


def test_mailto_links_are_kept() -> None:
    assert 'href="mailto:support@servit.example"' in sanitise_html(
        '<a href="mailto:support@servit.example">mejla</a>', {}
    )


def test_cid_images_point_at_the_url_the_caller_gave() -> None:
    html = '<img src="cid:logo@kund.example.se" alt="logo"><img src="CID:image001.png%4001DA">'
    cleaned = sanitise_html(html, CID_MAP)
    assert '<img src="/api/attachments/7" alt="logo">' in cleaned
    assert '<img src="/api/attachments/8">' in cleaned


def test_images_with_unknown_cid_are_removed_entirely() -> None:
    cleaned = sanitise_html('<p>a<img src="cid:nope@x" alt="gone > here">b</p>', CID_MAP)
    assert cleaned == "<p>ab</p>"


def test_remote_https_images_are_kept_and_plain_http_ones_dropped() -> None:
    cleaned = sanitise_html(
        '<img src="https://cdn.example/a.png"><img src="http://cdn.example/b.png">', {}
    )
    assert cleaned == '<img src="https://cdn.example/a.png">'


def test_table_layout_attributes_survive() -> None:
    cleaned = sanitise_html('<table border="1"><tr><td colspan="2">x</td></tr></table>', {})
    assert 'colspan="2"' in cleaned


def test_html_far_past_the_limits_is_shown_as_text_without_reaching_nh3(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("nh3 must not see this HTML")

    monkeypatch.setattr(nh3, "clean", refuse)
    html = "<div>" * (2 * MAX_DEPTH + 1) + "Hej <script>x()</script>&amp; <b>tack</b>"
    assert sanitise_html(html, {}) == '<pre style="white-space: pre-wrap">Hej &amp; tack</pre>'


def test_deep_but_allowed_html_is_still_sanitised() -> None:
    html = "<div>" * MAX_DEPTH + "<b onclick=x()>ok</b>" + "</div>" * MAX_DEPTH
    cleaned = sanitise_html(html, {})
    assert "<b>ok</b>" in cleaned
    assert "onclick" not in cleaned
