"""Texts (S1, S5, S7): what End User Messaging SMS hands us, and what a text costs.

In: two-way SMS publishes each received text to an SNS topic as JSON
(``originationNumber``, ``destinationNumber``, ``messageBody``, ``inboundMessageId``,
``messageKeyword``, ``previousPublishedMessageId``); ``parse_inbound`` checks it and
``as_inbound_message`` makes it the one ``InboundMessage`` every channel produces.

Out: a text is sent as GSM-7 when every character is in the GSM 03.38 alphabet (the
extension table's characters take two septets), else as UCS-2 (UTF-16 code units, so
an emoji takes two). One part holds 160 septets / 70 units; a longer text is split into
parts of 153 / 67 (the rest of each part is the concatenation header), never splitting an
escape pair or a surrogate pair. ``web/src/logic/smsParts.ts`` mirrors these rules for the
composer; both are tested against the same cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chalicelib.channels.message import InboundMessage
from chalicelib.domain.errors import ValidationError

# GSM 03.38 basic character set (the escape itself, 0x1B, is not text a person writes).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each is sent as ESC + a character, two septets.
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM_SINGLE, GSM_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67
# What we accept to send in one go (AWS's own limit is 1,600 characters / 10 parts by default).
MAX_PARTS = 10
# An inbound text longer than this is not a text (carriers join at most a few parts).
MAX_INBOUND_CHARS = 5_000
DEFAULT_REGION = "SE"  # numbers written without a country code are Swedish


@dataclass(frozen=True)
class SmsCount:
    """How a text goes out: ``encoding`` "GSM-7" or "UCS-2"; ``units`` septets or UTF-16
    code units in all; ``remaining`` what still fits in the last part before another starts."""

    encoding: str
    parts: int
    units: int
    remaining: int
    per_part: int


def is_gsm(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text)


def _units(text: str, gsm: bool) -> list[int]:
    """The size of each character on the wire (septets, or UTF-16 code units)."""
    if gsm:
        return [2 if ch in GSM_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def split(text: str) -> list[str]:
    """The parts the text is sent as, in order (an empty text: no part)."""
    gsm = is_gsm(text)
    sizes = _units(text, gsm)
    single, multi = (GSM_SINGLE, GSM_MULTI) if gsm else (UCS2_SINGLE, UCS2_MULTI)
    if sum(sizes) <= single:
        return [text] if text else []
    parts: list[str] = []
    start, used = 0, 0
    for index, size in enumerate(sizes):
        if used + size > multi:  # a two-unit character never straddles two parts
            parts.append(text[start:index])
            start, used = index, 0
        used += size
    parts.append(text[start:])
    return parts


def count(text: str) -> SmsCount:
    """Encoding, parts and characters left in the last part, as the composer shows them."""
    gsm = is_gsm(text)
    sizes = _units(text, gsm)
    single, multi = (GSM_SINGLE, GSM_MULTI) if gsm else (UCS2_SINGLE, UCS2_MULTI)
    encoding = "GSM-7" if gsm else "UCS-2"
    total = sum(sizes)
    if total <= single:
        return SmsCount(encoding, 1 if text else 0, total, single - total, single)
    parts = split(text)
    last = sum(_units(parts[-1], gsm))
    return SmsCount(encoding, len(parts), total, multi - last, multi)


# --- phone numbers ---------------------------------------------------------------


def to_e164(value: str, region: str = DEFAULT_REGION) -> str:
    """A phone number as E.164 ('070-123 45 67' -> '+46701234567'); ValidationError if it is
    no possible number. Numbers without a country code are read as ``region``'s; '00' is
    the international prefix as well as '+'."""
    import phonenumbers  # imported on first use: its metadata is large (cold start)

    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        raise ValidationError(f"not a phone number: {value!r}", code="bad_phone")
    cleaned = value.strip()
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"not a phone number: {value!r}", code="bad_phone") from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(f"not a phone number: {value!r}", code="bad_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """Whether texts can reach the number: a mobile (or a number that may be one)."""
    import phonenumbers

    try:
        kind = phonenumbers.number_type(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return False
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def national_forms(e164: str) -> list[str]:
    """The ways a contact card may hold the number (cards keep what an agent typed, digits
    only): '+46701234567' -> ['+46701234567', '0046701234567', '0701234567', '+460701234567']
    for Swedish numbers (the last is '+46 (0)70-...' as typed); other countries' E.164 form
    and its 00 form."""
    forms = [e164, "00" + e164[1:]]
    if e164.startswith("+46"):
        forms += ["0" + e164[3:], "+460" + e164[3:]]
    return forms


# --- keywords --------------------------------------------------------------------

# End User Messaging's default keywords (it opts the number out on its side on these too)
# and their Swedish counterparts, compared case-insensitively with the whole text: a
# sentence that mentions "stop" is a message, not an opt-out. No "yes"/"ja": customers
# answer agents' questions with those.
OPT_OUT = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT-OUT", "REMOVE"}
    | {"STOPP", "SLUTA", "AVSLUTA", "AVBESTÄLL", "AVREGISTRERA"}
)
OPT_IN = frozenset({"START", "UNSTOP", "OPTIN", "OPT-IN"} | {"STARTA", "BÖRJA", "FORTSÄTT"})
_TRAILING = re.compile(r"[\s.!?]+$")


def keyword(text: str) -> str | None:
    """ "opt_out", "opt_in" or None for an ordinary message."""
    word = _TRAILING.sub("", text.strip()).upper()
    if word in OPT_OUT:
        return "opt_out"
    if word in OPT_IN:
        return "opt_in"
    return None


# --- inbound ---------------------------------------------------------------------


@dataclass(frozen=True)
class InboundSms:
    """One received text, checked: both numbers in E.164."""

    message_id: str
    sender: str
    destination: str
    text: str
    keyword: str | None  # opt_out / opt_in, from the text itself
    registered_keyword: str  # what End User Messaging matched (messageKeyword), as given
    previous_message_id: str | None


def parse_inbound(payload: Any) -> InboundSms:
    """The SNS message body of a two-way SMS (a JSON object, already decoded);
    ValidationError when a field we need is missing or not what it should be."""
    if not isinstance(payload, dict):
        raise ValidationError("an inbound text is a JSON object", code="bad_sms")
    fields = {}
    for name in ("originationNumber", "destinationNumber", "messageBody", "inboundMessageId"):
        value = payload.get(name)
        if not isinstance(value, str) or (name != "messageBody" and not value.strip()):
            raise ValidationError(f"the inbound text has no {name}", code="bad_sms")
        fields[name] = value
    text = fields["messageBody"]
    if len(text) > MAX_INBOUND_CHARS:
        raise ValidationError(
            f"an inbound text is at most {MAX_INBOUND_CHARS} characters", code="too_long"
        )
    message_id = fields["inboundMessageId"].strip()
    if len(message_id) > 200:
        raise ValidationError("inboundMessageId is longer than 200 characters", code="bad_sms")
    previous = payload.get("previousPublishedMessageId")
    registered = payload.get("messageKeyword")
    return InboundSms(
        message_id=message_id,
        sender=to_e164(fields["originationNumber"]),
        destination=to_e164(fields["destinationNumber"]),
        text=text,
        keyword=keyword(text),
        registered_keyword=str(registered)[:100] if isinstance(registered, str) else "",
        previous_message_id=str(previous)[:200] if isinstance(previous, str) and previous else None,
    )


def subject_of(text: str, limit: int = 60) -> str:
    """A ticket title from a text: its first line, cut at a word near ``limit``."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if len(line) <= limit:
        return line or "SMS"
    cut = line[:limit].rsplit(" ", 1)[0] or line[:limit]
    return cut.rstrip(" ,.;:") + "…"


def as_inbound_message(sms: InboundSms) -> InboundMessage:
    """The one inbound message: no e-mail address (``from_addr`` empty), the sender's number
    as the name, the text as body; a text is never an automatic reply to a mail of ours."""
    text = sms.text.replace("\r\n", "\n")
    return InboundMessage(
        from_addr="",
        from_name=sms.sender,
        to=(sms.destination,),
        cc=(),
        reply_to=(),
        subject=subject_of(text),
        date=None,
        message_id=f"sms:{sms.message_id}",
        in_reply_to=f"sms:{sms.previous_message_id}" if sms.previous_message_id else None,
        references=(),
        text=text,
        html_raw="",
        html_sanitised="",
        stripped_text=text,
        attachments=(),
        auto_reply=False,
        auto_reply_reasons=(),
        is_bulk=False,
        dsn=None,
        loop_header=None,
        return_path=None,
        headers_raw_size=0,
        size=len(text.encode("utf-8")),
        problems=(),
    )


# --- delivery receipts -----------------------------------------------------------


@dataclass(frozen=True)
class DeliveryReceipt:
    """An End User Messaging event (configuration set -> SNS) about a text we sent."""

    provider_id: str
    event_type: str  # TEXT_DELIVERED, TEXT_SUCCESSFUL, TEXT_BLOCKED, ...
    status: str  # messageStatus: DELIVERED, SUCCESSFUL, FAILED, ...
    description: str
    final: bool
    parts: int | None
    price: float | None
    context: dict[str, str]

    @property
    def delivered(self) -> bool:
        return self.event_type in ("TEXT_DELIVERED", "TEXT_SUCCESSFUL")


def parse_receipt(payload: Any) -> DeliveryReceipt | None:
    """The event's fields we keep, or None when it is no text event (voice, MMS,
    registration events share the destination)."""
    if not isinstance(payload, dict):
        return None
    event_type = payload.get("eventType")
    message_id = payload.get("messageId")
    if not isinstance(event_type, str) or not event_type.startswith("TEXT_"):
        return None
    if not isinstance(message_id, str) or not message_id or len(message_id) > 200:
        return None
    parts = payload.get("totalMessageParts")
    price = payload.get("totalMessagePrice")
    context = payload.get("context")
    return DeliveryReceipt(
        provider_id=message_id,
        event_type=event_type[:60],
        status=str(payload.get("messageStatus") or "")[:60],
        description=str(payload.get("messageStatusDescription") or "")[:300],
        final=payload.get("isFinal") is True,
        parts=parts if isinstance(parts, int) and not isinstance(parts, bool) else None,
        price=float(price)
        if isinstance(price, int | float) and not isinstance(price, bool)
        else None,
        context=(
            {str(k)[:50]: str(v)[:200] for k, v in list(context.items())[:10]}
            if isinstance(context, dict)
            else {}
        ),
    )
