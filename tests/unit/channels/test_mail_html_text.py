"""Plain text derived from HTML-only mail (html_text.py)."""

from __future__ import annotations

from chalicelib.channels.html_text import html_to_text


def test_paragraphs_breaks_and_lists_become_lines() -> None:
    html = "<p>Hej,</p><p>rad ett<br>rad två</p><ul><li>ett</li><li>två</li></ul>"
    assert html_to_text(html) == "Hej,\n\nrad ett\nrad två\n\n- ett\n- två"


def test_head_script_and_style_are_not_text() -> None:
    html = "<html><head><title>T</title><style>p{}</style></head><body>Synlig<script>x()</script></body>"
    assert html_to_text(html) == "Synlig"


def test_blockquotes_become_quoted_lines_so_replies_can_be_stripped() -> None:
    html = "<div>Svar</div><blockquote><p>Gammalt</p><blockquote>Äldre</blockquote></blockquote>"
    assert html_to_text(html).splitlines()[:4] == ["Svar", "", "> Gammalt", ">"]
    assert "> > Äldre" in html_to_text(html)


def test_entities_are_decoded_and_spaces_collapsed() -> None:
    assert html_to_text("<p>A&nbsp;&amp;   B &lt;c&gt;</p>") == "A & B <c>"


def test_preformatted_text_keeps_its_spacing() -> None:
    assert html_to_text("<pre>a  b\n  c</pre>") == "a  b\n  c"


def test_broken_html_still_gives_text() -> None:
    assert (
        html_to_text("<p>ok <b>fet <i>kursiv</p> <<>> </div> slut") == "ok fet kursiv\n\n<<>>\nslut"
    )
