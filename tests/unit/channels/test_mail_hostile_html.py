"""HTML built to make parsing slow is bounded (html_limits.py, body_collector.py).

What the agent sees: the text of the mail, a note saying the HTML was not
shown, and the original HTML kept as the file message.html.
"""

from __future__ import annotations

import base64

import pytest

from chalicelib.channels.email import html_limits
from chalicelib.channels.email.html_limits import MAX_DEPTH, MAX_TAGS, measure
from chalicelib.channels.email.mime_in import parse_message
from chalicelib.channels.message import InboundMessage
from chalicelib.services.mail.events import inbound_event_data

NOTE_TAIL = "; shown as text, original kept as message.html"
BOM = b"\xef\xbb\xbf"


def html_mail(html: str, plain: str | None = None) -> bytes:
    head = (
        b"From: Anna <anna@kund.example.se>\r\nTo: support@servit.example\r\n"
        b"Subject: Skrivaren\r\nMIME-Version: 1.0\r\n"
    )
    body = base64.encodebytes(html.encode("utf-8"))
    html_part = b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
    if plain is None:
        return head + html_part + b"\r\n" + body
    return (
        head + b'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        b"--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + plain.encode("utf-8")
        + b"\r\n--alt\r\n"
        + html_part
        + b"\r\n"
        + body
        + b"\r\n--alt--\r\n"
    )


def nested_divs(levels: int, inner: str = "Skrivaren p&aring; plan 3 &auml;r trasig.") -> str:
    return "<div>" * levels + inner + "</div>" * levels


def kept_html(msg: InboundMessage) -> bytes:
    [kept] = [a for a in msg.attachments if a.filename == "message.html"]
    assert kept.content_type == "text/html"
    return kept.payload


def event_html(msg: InboundMessage) -> str:
    data = inbound_event_data(
        msg, raw_key="raw/1", message_id="m1@x", attachments=[], cid_map={}, threading_rule="new"
    )
    return str(data["html"])


def test_200000_nested_divs_are_filed_as_text_with_the_html_kept_as_a_file() -> None:
    html = nested_divs(200_000)
    msg = parse_message(html_mail(html))

    assert msg.text == "Skrivaren på plan 3 är trasig."
    assert f"HTML too deeply nested (over {MAX_DEPTH} levels){NOTE_TAIL}" in msg.problems
    assert kept_html(msg) == BOM + html.encode()
    # Nothing of it is offered to the sanitiser, now or when the event is written.
    assert msg.html_raw == ""
    assert msg.html_sanitised == ""
    assert event_html(msg) == ""


def test_the_plain_alternative_is_the_text_when_the_html_is_refused() -> None:
    plain = "Hej!\n\nSkrivaren på plan 3 är trasig.\n\n/Anna"
    msg = parse_message(html_mail(nested_divs(5_000, "<p>HTML-versionen</p>"), plain))

    assert msg.text == plain
    assert msg.stripped_text.startswith("Hej!")
    assert any(p.endswith(NOTE_TAIL) for p in msg.problems)
    assert b"HTML-versionen" in kept_html(msg)
    assert msg.html_raw == ""


def test_html_with_too_many_tags_is_refused_even_when_shallow() -> None:
    html = "<p>rad</p>\n" * (MAX_TAGS // 2 + 1)
    msg = parse_message(html_mail(html))

    assert f"HTML has too many tags (over {MAX_TAGS:,}){NOTE_TAIL}" in msg.problems
    assert msg.text.splitlines()[:3] == ["rad", "", "rad"]
    assert msg.html_raw == ""


def test_html_over_the_size_limit_is_refused() -> None:
    html = "<p>" + "a" * html_limits.MAX_CHARS + "</p>"
    msg = parse_message(html_mail(html))

    assert any(p.startswith("HTML too large (5.0 MB)") for p in msg.problems)
    assert len(msg.text) == html_limits.MAX_CHARS
    assert msg.html_raw == ""


def test_html_that_takes_too_long_to_read_falls_back_with_a_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(html_limits, "TIME_BUDGET_SECONDS", 0.0)
    html = "<p>Hej &amp; tack</p>" + "<span>x</span>" * 300
    msg = parse_message(html_mail(html))

    assert f"HTML took too long to read{NOTE_TAIL}" in msg.problems
    assert msg.text.startswith("Hej & tack")
    assert kept_html(msg) == BOM + html.encode()
    assert msg.html_raw == ""


def test_depth_adds_up_across_html_parts_that_are_joined_into_one_document() -> None:
    third = MAX_DEPTH // 3 + 1
    parts = b"".join(
        b"--mix\r\nContent-Type: text/html\r\n\r\n"
        + ("<div>" * third + f"del {n}").encode()
        + b"\r\n"
        for n in (1, 2, 3)
    )
    raw = (
        b'From: a@kund.example.se\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary="mix"\r\n\r\n'
        + parts
        + b"--mix--\r\n"
    )
    msg = parse_message(raw)

    assert msg.text.split("\n\n") == ["del 1", "del 2", "del 3"]
    assert "del 2" in msg.html_sanitised
    # The third part's HTML is not kept; its text is, shown as plain text.
    assert msg.html_raw.count("<div>") == 2 * third
    assert 'white-space: pre-wrap">del 3</pre>' in msg.html_raw
    assert any(p.startswith("HTML too deeply nested") for p in msg.problems)


def test_a_refused_html_part_of_a_forwarded_mail_stays_inside_its_eml() -> None:
    inner = (
        b"From: Bo <bo@lev.example>\r\nSubject: Fel\r\nContent-Type: text/html\r\n\r\n"
        + nested_divs(2_000, "inne").encode()
        + b"\r\n"
    )
    raw = (
        b'From: a@kund.example.se\r\nSubject: Fwd: Fel\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n'
        b"--m\r\nContent-Type: text/plain\r\n\r\nSe nedan.\r\n"
        b"--m\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"--m--\r\n"
    )
    msg = parse_message(raw)

    assert [a.filename for a in msg.attachments] == ["Fel.eml"]
    assert msg.text.endswith("Subject: Fel\n\ninne")
    note = f"HTML too deeply nested (over {MAX_DEPTH} levels); shown as text, original kept in the forwarded message"
    assert note in msg.problems


GMAIL_THREAD = "".join(
    f'<div dir="ltr">Svar {n}<br></div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
    f'Den m&aring;n 2 mars skrev Person {n}:<br></div><blockquote class="gmail_quote" style="margin:0">'
    for n in range(40)
) + ("</blockquote></div>" * 40)
OUTLOOK_MAIL = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8">'
    "<style><!-- p.MsoNormal {margin:0} --></style><!--[if gte mso 9]><xml><o:shapedefaults/>"
    '</xml><![endif]--></head><body lang="SV"><div class="WordSection1">'
    + '<p class="MsoNormal"><span style="font-size:11pt">Rad<o:p></o:p></span></p>\n' * 3_000
    + "<table><tr><td>a<td>b<tr><td>c</table><ul><li>ett<li>tv&aring;</ul><p>slut<p><font>x<p>y"
    + "</div></body></html>"
)


@pytest.mark.parametrize(
    ("html", "shown"),
    [(GMAIL_THREAD, "Svar 39"), (OUTLOOK_MAIL, "Rad")],
    ids=["gmail_thread", "outlook"],
)
def test_real_mail_html_is_kept_and_shown(html: str, shown: str) -> None:
    msg = parse_message(html_mail(html))

    assert not [p for p in msg.problems if "HTML" in p]
    assert msg.html_raw == html
    assert shown in msg.html_sanitised
    assert not [a for a in msg.attachments if a.filename == "message.html"]


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("<p>a<p>b<p>c", 1),  # an open <p> closes at the next one
        ("<ul><li>a<li>b<li>c</ul>", 2),
        ("<table><tr><td>a<td>b<tr><td>c</table>", 3),
        ("<dl><dt>a<dd>b<dt>c</dl>", 2),
        ("<div><br><img src=x><hr><br/></div>", 1),  # void elements never open
        ("<html><body><html><body>x", 0),
        ("<!-- <div><div><div> --><div>x</div>", 1),
        ("<script>if (a<b) { '<div><div>' }</script><style>p<i{}</style>", 1),
        ('<svg><path d="1"/><path d="2"/></svg>', 1),
        ("<b><div>x</b></div>" * 50, 2),  # misnesting repaired, as browsers do
        ("<table><tr><td>x</td></tr><table>" * 50, 3),  # a table in a table's rows ends it
    ],
)
def test_real_world_shapes_do_not_inflate_the_measured_depth(html: str, depth: int) -> None:
    assert measure(html).depth == depth


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 600,  # never closed
        "<div/>" * 600,  # "/>" does not close an HTML element
        "<span><div>" * 300 + "</span>",  # an inline end tag cannot close block elements
        "<b><div></b>" * 300,  # each </b> leaves a copy of the <b> open inside the <div>
        "<table><tr><td>" * 200,  # tables nest inside cells
    ],
    ids=["unclosed", "self_closing", "inline_end", "formatting", "tables"],
)
def test_tricks_that_keep_a_browser_stack_deep_are_measured_deep(html: str) -> None:
    assert measure(html).depth > MAX_DEPTH


def test_the_scan_is_linear_on_unclosed_angle_brackets_comments_and_scripts() -> None:
    for html in ("<a" * 200_000, "<!--" * 200_000, "<script>" * 200_000, "<x " * 200_000):
        assert measure(html).depth <= 1
