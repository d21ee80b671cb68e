"""Keep only what the sender newly wrote in a reply.

The ticket history already holds the earlier messages, so quoted text,
attribution lines, forwarded-style header blocks, signatures and phone
footers are cut. Two kinds of marker are told apart:

* quotes with ``>`` may be interleaved with new text (inline answers), so the
  quoted lines and their attribution line are removed and the rest kept;
* Outlook-style markers ("-----Original Message-----", a From/Sent/To block,
  a signature, a phone footer) start the part below which nothing is new,
  so everything from there on is cut.

If nothing would be left, the whole text is returned: a reply that is only a
quote is better shown whole than as an empty message.
"""

from __future__ import annotations

import re

_ATTRIBUTION_ENDINGS = re.compile(
    r"(wrote|skrev|schrieb|a écrit|escribió|escreveu|schreef|kirjoitti|scrisse|napisał"
    r"|пишет|написал\w*|写道|寫道)"
    r"\s*(\S+(\s+\S+){0,6})?\s*[:：]\s*$",
    re.IGNORECASE,
)
# Any language: "<date> <name> <address>:" directly above quoted lines.
_ADDRESS_THEN_COLON = re.compile(r"@\S+\s*>?\s*[:：]\s*$")
_ATTRIBUTION_STARTS = re.compile(
    r"^\s*(on|den|am|le|el|op|il|w dniu|päivänä|\d{1,4}[-./]\d)\b", re.IGNORECASE
)
_SEPARATORS = re.compile(
    r"^\s*-{2,}\s*("
    r"original message|ursprungligt meddelande|originalmeddelande|ursprüngliche nachricht"
    r"|original-nachricht|message d'origine|mensaje original|oorspronkelijk bericht"
    r"|alkuperäinen viesti|oprindelig meddelelse|opprinnelig melding"
    r")\s*-{2,}\s*$",
    re.IGNORECASE,
)
# Forwarded mail is old text too; a forward with no note of its own ends up
# with nothing cut (see strip_reply), so the agent still sees all of it.
_FORWARD_MARKERS = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|vidarebefordrat meddelande|weitergeleitete nachricht"
    r"|message transféré)\s*-{2,}|begin forwarded message:|vidarebefordrat meddelande:)\s*$",
    re.IGNORECASE,
)
_UNDERSCORE_RULE = re.compile(r"^\s*_{20,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(from|från|von|de|van|fra|lähettäjä)\s*:\*?\s*\S", re.I)
_HEADER_OTHERS = re.compile(
    r"^\s*\*?(sent|skickat|date|datum|gesendet|envoyé|enviado|verzonden|sendt|lähetetty"
    r"|to|till|an|à|para|aan|til|vastaanottaja|cc|kopia"
    r"|subject|ämne|betreff|objet|asunto|onderwerp|emne|aihe)\s*:",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^-- ?$")
_FOOTERS = re.compile(
    r"^\s*("
    r"sent from my \w+|sent from (my )?(iphone|ipad|android|samsung|galaxy|mobile)"
    r"|skickat från min \w+|skickat från (min )?(iphone|ipad|android|mobil)"
    r"|(get|skaffa|hämta) outlook (for|för) (ios|android)"
    r"|(sent|skickat) (from|från) outlook (for|för) (ios|android)"
    r"|sent from (mail|e-post) for windows|skickat från e-post för windows"
    r"|sent from yahoo mail|von meinem \w+ gesendet|envoyé de mon \w+"
    r")\b",
    re.IGNORECASE,
)


def strip_reply(text: str) -> str:
    """The new text of a reply, without quotes, signatures and footers."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _ends_message(lines, index):
            break
        span, strong = _attribution_span(lines, index)
        if span and _next_text_is_quoted(lines, index + span):
            index += span
            continue
        if span and strong:
            # "On <date>, <address> wrote:" above an unquoted old message.
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
        index += 1
    result = _tidy(kept)
    return result if result else text.strip()


def _ends_message(lines: list[str], index: int) -> bool:
    line = lines[index]
    if any(p.match(line) for p in (_SIGNATURE, _FOOTERS, _SEPARATORS, _FORWARD_MARKERS)):
        return True
    if _UNDERSCORE_RULE.match(line) and _header_block_at(lines, _next_text(lines, index + 1)):
        return True
    return _header_block_at(lines, index)


def _header_block_at(lines: list[str], index: int) -> bool:
    """A From: line followed closely by at least two of Sent/To/Subject."""
    if index >= len(lines) or not _HEADER_FROM.match(lines[index]):
        return False
    following = lines[index + 1 : index + 8]
    return sum(1 for line in following if _HEADER_OTHERS.match(line)) >= 2


def _attribution_span(lines: list[str], index: int) -> tuple[int, bool]:
    """(lines, strong) of an "On … wrote:" line (maybe wrapped) starting here.

    Strong attributions name a date or an address and mark the old message
    even when it is not quoted; weak ones ("Hans skrev:") count only when
    quoted lines follow, since new text may end in "wrote:" too.
    """
    line = lines[index].strip()
    if not line or line.startswith(">") or len(line) > 300:
        return 0, False
    if _ATTRIBUTION_ENDINGS.search(line) or _ADDRESS_THEN_COLON.search(line):
        return 1, _is_strong(line)
    if index + 1 < len(lines) and _ATTRIBUTION_STARTS.match(line):
        joined = f"{line} {lines[index + 1].strip()}"
        if _ATTRIBUTION_ENDINGS.search(joined) and _is_strong(joined):
            return 2, True
    return 0, False


def _is_strong(line: str) -> bool:
    named = "@" in line or any(char.isdigit() for char in line)
    return bool(_ATTRIBUTION_STARTS.match(line)) and named


def _next_text(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _next_text_is_quoted(lines: list[str], index: int) -> bool:
    following = _next_text(lines, index)
    return following < len(lines) and lines[following].lstrip().startswith(">")


def _tidy(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line.rstrip())
    return "\n".join(out).strip()
