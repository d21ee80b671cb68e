"""Hard mails (issue 9's classes), written by hand as raw bytes, and the "intact" check.

Each mail says what should reach its ticket: the sender's address, the subject and the
first line of the body. ``check`` compares that with what the ticket's message event
holds (its ``from``, ``subject`` and ``text``; for the sender also the ticket contact's
addresses) and returns what differs, so the bench can report the share that arrive
intact and name each failure. It reports; it never asserts.

The classes: Message-IDs reused by different mails (two pairs); odd sender addresses
(a quoted local part, a domain without a dot, an address without angle brackets, a
display name only, no From at all, an IDN domain); a raw GB2312 subject in a mail whose
first part is labelled Latin-1; a raw Shift_JIS subject with an ISO-2022-JP body;
ISO-2022-JP as Microsoft writes it, with circled digits (NEC row 13); a body labelled
``iso-gb2312``; a first line of 5,000 octets; HTML nested 2,000 elements deep.
"""

from __future__ import annotations

import base64
import contextlib
from dataclasses import dataclass
from typing import Any

SUPPORT = "kundtjanst@servit.example"


@dataclass(frozen=True)
class HardMail:
    name: str
    raw: bytes
    envelope_sender: str  # SMTP MAIL FROM (SES's mail.source)
    sender: str  # the address the ticket should name
    subject: str
    first_line: str
    recipients: tuple[str, ...] = (SUPPORT,)
    message_id: str = ""  # as in the mail, without brackets ("" when it has none)


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _mail(headers: str, body: bytes, **fields: Any) -> HardMail:
    raw = _crlf(headers).encode("utf-8") + b"\r\n" + body
    return HardMail(raw=raw, **fields)


def _iso2022jp_ms(text: str) -> bytes:
    """ISO-2022-JP the way Outlook writes it (CP50220): JIS X 0208 with the NEC row 13
    characters (①, ㈱, №) that standard ISO-2022-JP lacks, all under ``ESC $ B``."""
    out = bytearray()
    kanji = False
    for char in text:
        if ord(char) < 0x80:
            if kanji:
                out += b"\x1b(B"
                kanji = False
            out += char.encode("ascii")
            continue
        s1, s2 = char.encode("cp932")
        j1 = (s1 - (0x71 if s1 <= 0x9F else 0xB1)) * 2 + 1
        if s2 > 0x7F:
            s2 -= 1
        if s2 >= 0x9E:
            j1, j2 = j1 + 1, s2 - 0x7D
        else:
            j2 = s2 - 0x1F
        if not kanji:
            out += b"\x1b$B"
            kanji = True
        out += bytes((j1, j2))
    if kanji:
        out += b"\x1b(B"
    return bytes(out)


def _b64(payload: bytes) -> bytes:
    encoded = base64.b64encode(payload)
    return b"\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76)) + b"\r\n"


def _line(octets: int) -> str:
    """One line of exactly ``octets`` octets in UTF-8, marked at both ends."""
    head, tail = "<start>", "<end>"
    room = octets - len(head) - len(tail)
    body = ("Skrivaren på plan tre " * (octets // 20 + 1)).encode()[:room].decode("utf-8", "ignore")
    return head + body + "." * (room - len(body.encode())) + tail


def mails(tag: str = "x") -> list[HardMail]:
    """The hard mails; ``tag`` makes their Message-IDs and addresses unique per run."""
    out: list[HardMail] = []
    date = "Date: Mon, 02 Mar 2026 09:00:00 +0100\n"

    # --- Message-IDs reused by different mails ------------------------------------------
    for pair, (sender, words) in enumerate(
        (("monitor@example.org", ("disk full", "disk OK again")),
         ("script@example.org", ("nightly job failed", "nightly job succeeded")))
    ):  # fmt: skip
        message_id = f"reused-{pair}-{tag}@localhost"
        for n, word in enumerate(words):
            subject = f"Alarm {pair}: {word}"
            first = f"Server srv-{pair}: {word}."
            out.append(_mail(
                f"From: Monitor <{sender}>\nTo: {SUPPORT}\nSubject: {subject}\n{date}"
                f"Message-ID: <{message_id}>\nContent-Type: text/plain; charset=us-ascii\n",
                _crlf(f"{first}\nSee the dashboard.\n").encode(),
                name=f"reused Message-ID, pair {pair + 1}, mail {n + 1}",
                envelope_sender=sender, sender=sender, subject=subject, first_line=first,
                message_id=message_id,
            ))  # fmt: skip

    # --- odd sender addresses -------------------------------------------------------------
    def plain(name: str, from_header: str | None, envelope: str, sender: str, n: int) -> None:
        subject = f"Fråga {n} om fakturan"
        first = f"Hej, det här är fråga {n}."
        from_line = f"From: {from_header}\n" if from_header is not None else ""
        message_id = f"odd-{n}-{tag}@mail.example.org"
        out.append(_mail(
            f"{from_line}To: {SUPPORT}\nSubject: =?utf-8?q?{_q(subject)}?=\n{date}"
            f"Message-ID: <{message_id}>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n",
            _crlf(f"{first}\nMvh\n").encode(),
            name=name, envelope_sender=envelope, sender=sender, subject=subject,
            first_line=first, message_id=message_id,
        ))  # fmt: skip

    plain('sender "john smith"@example.com (quoted local part)',
          '"john smith"@example.com', '"john smith"@example.com',
          '"john smith"@example.com', 1)  # fmt: skip
    plain("sender helpdesk@intranet (no dot in the domain)",
          "Helpdesk <helpdesk@intranet>", "helpdesk@intranet", "helpdesk@intranet", 2)  # fmt: skip
    plain("sender Test User test@example.com (no angle brackets)",
          f"Test User test-{tag}@example.com", f"test-{tag}@example.com",
          f"test-{tag}@example.com", 3)  # fmt: skip
    plain("sender with a display name only (address from the envelope)",
          "Test User", f"test.user-{tag}@example.org", f"test.user-{tag}@example.org",
          4)  # fmt: skip
    plain("no From header (address from the envelope)",
          None, f"no-from-{tag}@example.org", f"no-from-{tag}@example.org", 5)  # fmt: skip
    plain("IDN sender doerte@exämple.se",
          f"=?utf-8?q?D=C3=B6rte?= <doerte-{tag}@exämple.se>", f"doerte-{tag}@xn--exmple-cua.se",
          f"doerte-{tag}@exämple.se", 6)  # fmt: skip

    # --- charsets ---------------------------------------------------------------------------
    subject = "关于发票的问题"
    first = "Please see the question about the invoice below."
    message_id = f"gb2312-raw-{tag}@mail.example.cn"
    html = f"<html><body><p>{first}</p><p>请帮我查一下发票。</p></body></html>"
    out.append(HardMail(
        name="raw GB2312 subject, first part labelled Latin-1",
        raw=_crlf(
            f"From: Wang Wei <wang-{tag}@example.cn>\nTo: {SUPPORT}\n").encode()
        + b"Subject: " + subject.encode("gb2312") + b"\r\n"
        + _crlf(f"{date}Message-ID: <{message_id}>\nMIME-Version: 1.0\n"
                'Content-Type: multipart/alternative; boundary="b1"\n\n'
                "--b1\nContent-Type: text/plain; charset=iso-8859-1\n"
                f"Content-Transfer-Encoding: 8bit\n\n{first}\n\n"
                "--b1\nContent-Type: text/html; charset=gb2312\n"
                "Content-Transfer-Encoding: 8bit\n\n").encode()
        + html.encode("gb2312") + b"\r\n--b1--\r\n",
        envelope_sender=f"wang-{tag}@example.cn", sender=f"wang-{tag}@example.cn",
        subject=subject, first_line=first, message_id=message_id,
    ))  # fmt: skip

    subject = "請求書について"
    first = "お世話になっております。"
    message_id = f"sjis-subject-{tag}@mail.example.jp"
    out.append(HardMail(
        name="raw Shift_JIS subject, ISO-2022-JP body",
        raw=_crlf(f"From: Sato <sato-{tag}@example.jp>\nTo: {SUPPORT}\n").encode()
        + b"Subject: " + subject.encode("shift_jis") + b"\r\n"
        + _crlf(f"{date}Message-ID: <{message_id}>\nMIME-Version: 1.0\n"
                "Content-Type: text/plain; charset=iso-2022-jp\n"
                "Content-Transfer-Encoding: 7bit\n\n").encode()
        + _crlf(f"{first}\n請求書を確認してください。\n").encode("iso2022_jp"),
        envelope_sender=f"sato-{tag}@example.jp", sender=f"sato-{tag}@example.jp",
        subject=subject, first_line=first, message_id=message_id,
    ))  # fmt: skip

    subject = "①請求書と②納品書"
    first = "①請求書 ②納品書 ③領収書 を送ります。"
    message_id = f"circled-{tag}@mail.example.jp"
    out.append(HardMail(
        name="ISO-2022-JP (Microsoft) with circled digits ①②③",
        raw=_crlf(f"From: Suzuki <suzuki-{tag}@example.jp>\nTo: {SUPPORT}\n").encode()
        + b"Subject: =?iso-2022-jp?B?" + base64.b64encode(_iso2022jp_ms(subject)) + b"?=\r\n"
        + _crlf(f"{date}Message-ID: <{message_id}>\nMIME-Version: 1.0\n"
                "Content-Type: text/plain; charset=iso-2022-jp\n"
                "Content-Transfer-Encoding: 7bit\n\n").encode()
        + _iso2022jp_ms(_crlf(f"{first}\nよろしくお願いします。\n")),
        envelope_sender=f"suzuki-{tag}@example.jp", sender=f"suzuki-{tag}@example.jp",
        subject=subject, first_line=first, message_id=message_id,
    ))  # fmt: skip

    subject = "打印机坏了"
    first = "您好，我的打印机坏了。"
    message_id = f"iso-gb2312-{tag}@mail.example.cn"
    out.append(HardMail(
        name="body labelled iso-gb2312",
        raw=_crlf(f"From: Li Na <li-{tag}@example.cn>\nTo: {SUPPORT}\n"
                  f"Subject: =?gb2312?B?{base64.b64encode(subject.encode('gb2312')).decode()}?=\n"
                  f"{date}Message-ID: <{message_id}>\nMIME-Version: 1.0\n"
                  'Content-Type: text/plain; charset="iso-gb2312"\n'
                  "Content-Transfer-Encoding: base64\n\n").encode()
        + _b64(_crlf(f"{first}\n请尽快回复。\n").encode("gb2312")),
        envelope_sender=f"li-{tag}@example.cn", sender=f"li-{tag}@example.cn",
        subject=subject, first_line=first, message_id=message_id,
    ))  # fmt: skip

    # --- shapes -----------------------------------------------------------------------------
    first = _line(5_000)
    subject = "En rad på 5 000 oktetter"
    message_id = f"long-line-{tag}@mail.example.se"
    out.append(_mail(
        f"From: Lång Rad <langrad-{tag}@example.se>\nTo: {SUPPORT}\n"
        f"Subject: =?utf-8?q?{_q(subject)}?=\n{date}Message-ID: <{message_id}>\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n",
        _crlf(f"{first}\nMvh\n").encode(),
        name="a first line of 5,000 octets", envelope_sender=f"langrad-{tag}@example.se",
        sender=f"langrad-{tag}@example.se", subject=subject, first_line=first,
        message_id=message_id,
    ))  # fmt: skip

    first = "Hej! Skrivaren fungerar inte."
    subject = "Djupt nästlad HTML"
    message_id = f"deep-html-{tag}@mail.example.se"
    depth = 2_000
    html = "<html><body>" + "<div>" * depth + f"<p>{first}</p><p>Mvh Nils</p>" + "</div>" * depth
    out.append(_mail(
        f"From: Nils <nils-{tag}@example.se>\nTo: {SUPPORT}\n"
        f"Subject: =?utf-8?q?{_q(subject)}?=\n{date}Message-ID: <{message_id}>\n"
        "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n",
        (html + "</body></html>\r\n").encode(),
        name=f"HTML only, nested {depth:,} elements deep", envelope_sender=f"nils-{tag}@example.se",
        sender=f"nils-{tag}@example.se", subject=subject, first_line=first, message_id=message_id,
    ))  # fmt: skip
    return out


def _q(text: str) -> str:
    """RFC 2047 Q-encoding of a short UTF-8 text."""
    return "".join(
        chr(b) if (chr(b).isalnum() and b < 0x80) else ("_" if b == 0x20 else f"={b:02X}")
        for b in text.encode("utf-8")
    )


# --- the check ------------------------------------------------------------------------------


def normal_address(address: str) -> str:
    """Lower case, the domain in Unicode (so xn-- and IDN forms compare equal)."""
    local, at, domain = address.strip().strip("<>").rpartition("@")
    if not at:
        return address.strip().lower()
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("ascii").decode("idna") if domain.isascii() else domain
    return f"{local}@{domain}".lower()


def first_line(text: str) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def check(
    sender: str,
    subject: str,
    first: str,
    data: dict[str, Any] | None,
    contact_emails: list[str],
) -> list[str]:
    """What of sender, subject and first body line did not reach the ticket intact."""
    if data is None:
        return ["no message on a ticket"]
    problems = []
    found = [normal_address(str(data.get("from") or ""))] + [
        normal_address(e) for e in contact_emails
    ]
    if normal_address(sender) not in found:
        problems.append(f"sender {sender!r} arrived as {data.get('from')!r}")
    got_subject = " ".join(str(data.get("subject") or "").split())
    if got_subject != " ".join(subject.split()):
        problems.append(f"subject {subject!r} arrived as {got_subject[:80]!r}")
    got_first = first_line(str(data.get("text") or ""))
    if got_first != first.strip():
        shown = first if len(first) < 60 else f"{first[:40]}… ({len(first.encode())} octets)"
        problems.append(f"first line {shown!r} arrived as {got_first[:60]!r}")
    return problems
