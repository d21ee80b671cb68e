"""E-mail addresses: what we accept, what we can send to, and how they go on the wire.

Intake must turn every sender into a ticket, so ``check_email`` accepts any RFC 5322
addr-spec with RFC 6531/6532 UTF-8 (quoted local parts, UTF-8 local parts and domains,
dotless domains, domain literals). Whether mail can be delivered there is a separate
question, answered by ``unreachable_reason``; ``smtp_forms`` and ``wire_address`` give the
form that goes into headers and the SMTP envelope (IDNA domain, local part as given).

Amazon SES, our only way out, does not support SMTPUTF8: "the local part of a destination
email address ... may only contain 7-bit ASCII characters. If the domain part ... contains
non-ASCII characters, they must be encoded using Punycode" (SES API v2 reference,
Destination: https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Destination.html).
So an IDN domain is sent IDNA-encoded, and a UTF-8 local part is unreachable for us.
"""

from __future__ import annotations

import unicodedata

from chalicelib.domain.errors import ValidationError

MAX_ADDRESS_OCTETS = 254  # RFC 5321 path (256) less the angle brackets
MAX_LOCAL_OCTETS = 64  # RFC 5321 4.5.3.1.1
MAX_DOMAIN_OCTETS = 253  # RFC 1035, as written without the root dot
MAX_LABEL_OCTETS = 63
# Whether the mail service can send SMTPUTF8 (RFC 6531) mail; SES cannot (see above).
SMTPUTF8_SUPPORTED = False

# RFC 5322 atext besides letters and digits; RFC 6531 adds every non-ASCII character.
_ATEXT_SPECIALS = frozenset("!#$%&'*+-/=?^_`{|}~")
# Top-level domains that can never take mail (RFC 6761): ``.invalid`` is what we give
# placeholder addresses ourselves. ``.example`` and ``.test`` are left reachable on purpose:
# the local stack, the demo and the tests write to such addresses and must be able to answer
# them (the local outbox takes anything); in AWS a mail to them simply bounces.
_NO_MAIL_TLDS = frozenset({"invalid", "localhost"})


def _atext(ch: str) -> bool:
    return (ch.isascii() and (ch.isalnum() or ch in _ATEXT_SPECIALS)) or _utf8_char(ch)


def _utf8_char(ch: str) -> bool:
    # UTF8-non-ascii, less the C1 controls and other unprintables a header must not carry.
    return not ch.isascii() and unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn")


def _dot_atom(text: str) -> bool:
    """RFC 5322 dot-atom-text: atoms of atext joined by single dots."""
    return all(atom and all(_atext(ch) for ch in atom) for atom in text.split("."))


def _quoted_end(value: str) -> int:
    """Index just past the closing quote of the quoted-string at the start of value, or -1."""
    i = 1
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            # quoted-pair: a backslash and one printable character or blank (RFC 5322 3.2.1)
            nxt = value[i + 1 : i + 2]
            if not nxt or not (nxt in " \t" or nxt.isprintable()):
                return -1
            i += 2
            continue
        if ch == '"':
            return i + 1
        # qtext (any printable but '\' and '"', UTF-8 too) and blanks inside the quotes.
        if not (ch in " \t" or ch.isprintable()):
            return -1
        i += 1
    return -1


def _domain_literal(domain: str) -> bool:
    """RFC 5322 domain-literal: [ dtext ] where dtext is printable ASCII but '[', ']', '\\'."""
    inner = domain[1:-1]
    return (
        len(domain) > 2
        and domain[0] == "["
        and domain[-1] == "]"
        and all(33 <= ord(ch) <= 126 and ch not in "[]\\" for ch in inner)
    )


def _split(value: str) -> tuple[str, str] | None:
    """The local part and domain of an addr-spec, or None if it is not one."""
    if value.startswith('"'):
        end = _quoted_end(value)
        if end < 0 or value[end : end + 1] != "@":
            return None
        local, domain = value[:end], value[end + 1 :]
    else:
        local, at, domain = value.partition("@")
        if not at or not _dot_atom(local):
            return None
    if not domain or not (_dot_atom(domain) or _domain_literal(domain)):
        return None
    return local, domain


def check_email(value: str) -> str:
    """The address in the normalised form used everywhere for matching, or ValidationError.

    Accepts any RFC 5322 addr-spec with RFC 6532 UTF-8: dot-atom or quoted local part,
    UTF-8 local part and domain, domains without a dot, domain literals. Surrounding
    blanks are stripped. The whole address is lower-cased, as the rest of the system
    matches addresses lower-cased (strictly the local part is case-sensitive, but mail
    systems that care are rare and a contact found twice is worse), and put in Unicode
    NFC (RFC 6532 3.1), so a domain stays in its Unicode form; an ``xn--`` domain given
    in ASCII stays ASCII. Limits: 254 octets in all and 64 for the local part, counted
    in UTF-8 as SMTPUTF8 does.
    """
    if not isinstance(value, str):
        raise ValidationError(f"not an e-mail address: {value!r}")
    # Only blanks are stripped: a CR or LF anywhere is refused, as it would be in a header.
    address = unicodedata.normalize("NFC", value.strip(" \t")).lower()
    parts = _split(address)
    if (
        parts is None
        or len(address.encode("utf-8")) > MAX_ADDRESS_OCTETS
        or len(parts[0].encode("utf-8")) > MAX_LOCAL_OCTETS
    ):
        raise ValidationError(f"not an e-mail address: {value!r}")
    return address


def is_email(value: str) -> bool:
    try:
        check_email(value)
    except ValidationError:
        return False
    return True


def split_address(address: str) -> tuple[str, str]:
    """Local part and domain of a valid address (the '@' of a quoted local part is kept)."""
    parts = _split(address)
    if parts is None:
        raise ValidationError(f"not an e-mail address: {address!r}")
    return parts


def idna_domain(domain: str) -> str:
    """The domain as DNS and SMTP know it: every non-ASCII label IDNA (ToASCII) encoded.

    Uses the standard library's IDNA 2003 codec: it needs no extra package in the Lambda
    bundle and gives the same A-label as IDNA 2008 for ordinary letters such as å, ä, ö, ü;
    they differ on a few (ß, ς, joiners), where IDNA 2003 maps rather than encodes. Raises
    ValidationError when a label cannot be encoded.
    """
    labels = []
    for label in domain.split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            labels.append(label.encode("idna").decode("ascii"))
        except UnicodeError:
            raise ValidationError(
                f"the domain {domain!r} cannot be written in the form mail servers use (IDNA)",
                code="address_unreachable",
            ) from None
    return ".".join(labels)


def _host_label(label: str) -> bool:
    """RFC 5321 sub-domain: letters, digits and inner hyphens, at most 63 octets."""
    return (
        0 < len(label) <= MAX_LABEL_OCTETS
        and label.isascii()
        and all(ch.isalnum() or ch == "-" for ch in label)
        and not label.startswith("-")
        and not label.endswith("-")
    )


def unreachable_reason(address: str) -> str | None:
    """Why mail cannot be delivered to this (normalised) address, for agents; None if it can.

    IDN domains are reachable (we send them IDNA-encoded), and so are quoted local parts.
    UTF-8 local parts are not while ``SMTPUTF8_SUPPORTED`` is False: SES cannot send them.
    """
    try:
        local, domain = split_address(address)
    except ValidationError:
        return "it is not an e-mail address"
    if domain.startswith("["):
        return f"the domain {domain} is an address literal, not a mail domain"
    if "." not in domain:
        return f"the domain '{domain}' is not a public mail domain"
    if domain.rsplit(".", 1)[1] in _NO_MAIL_TLDS:
        return f"the domain '{domain}' is reserved and never takes mail"
    try:
        wire = idna_domain(domain)
    except ValidationError as exc:
        return exc.message
    if len(wire) > MAX_DOMAIN_OCTETS or not all(_host_label(label) for label in wire.split(".")):
        return f"the domain '{domain}' is not a valid mail domain name"
    if len(local.encode("utf-8")) + 1 + len(wire) > MAX_ADDRESS_OCTETS:
        return "the address is longer than mail servers accept"
    if not local.isascii() and not SMTPUTF8_SUPPORTED:
        return (
            "the part before the @ has non-ASCII characters, which our mail service "
            "(Amazon SES, without SMTPUTF8) cannot send to"
        )
    return None


def smtp_forms(address: str) -> tuple[str, bool]:
    """The address as it goes on the wire, and whether it needs SMTPUTF8.

    The domain is IDNA-encoded (so an IDN domain alone needs no SMTPUTF8); the local part
    is kept exactly, quotes and all; a non-ASCII local part cannot be encoded and needs
    SMTPUTF8 (RFC 6531) and a UTF-8 header (RFC 6532). Raises ValidationError (code
    ``address_unreachable``) when the domain cannot be encoded.
    """
    local, domain = split_address(address)
    return f"{local}@{idna_domain(domain)}", not local.isascii()


def wire_address(address: str) -> str:
    """The address for a header or the SMTP envelope of mail we send: ``smtp_forms`` with
    the case kept as given, refused (ValidationError, ``address_unreachable``) where it
    would need SMTPUTF8, which our mail service lacks."""
    check_email(address)  # the limits and the whole grammar, not only the split
    wire, smtputf8 = smtp_forms(unicodedata.normalize("NFC", address.strip(" \t")))
    if smtputf8 and not SMTPUTF8_SUPPORTED:
        raise ValidationError(
            f"{address!r} has non-ASCII characters before the @, which our mail service "
            "cannot send to",
            code="address_unreachable",
        )
    return wire
