"""Threading (S5): which ticket a received message belongs to, in a fixed order.

1. a signed reply address (``support+t10001.<sig>@…``) among the recipients;
2. In-Reply-To / References against Message-IDs we sent or received (strongly
   consistent lookup items, not an index);
3. the ticket tag in the subject, in the response point's format;
4. otherwise: a new ticket.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.channels.message import InboundMessage
from chalicelib.domain.organisation import ResponsePoint
from chalicelib.domain.reply_address import ticket_number_from_address
from chalicelib.domain.subject_tag import find_number
from chalicelib.services import lookup_keys

# Kept under their threading names; the formats live in lookup_keys.
msgid_key = lookup_keys.message_id
number_key = lookup_keys.ticket_number
raw_key_claim = lookup_keys.raw_mail
bounce_key = lookup_keys.bounce
contact_email_key = lookup_keys.contact_email


@dataclass(frozen=True)
class ThreadingClues:
    reply_numbers: tuple[int, ...]
    referenced_ids: tuple[str, ...]  # most recent first
    tag_number: int | None

    def lookup_keys(self) -> list[str]:
        keys = [number_key(n) for n in self.reply_numbers]
        keys += [msgid_key(m) for m in self.referenced_ids]
        if self.tag_number is not None:
            keys.append(number_key(self.tag_number))
        return keys


def clues(
    msg: InboundMessage, recipients: list[str], rp: ResponsePoint, secret: bytes
) -> ThreadingClues:
    numbers = []
    for address in recipients:
        number = ticket_number_from_address(address, secret)
        if number is not None:
            numbers.append(number)
    referenced = []
    if msg.in_reply_to:
        referenced.append(msg.in_reply_to)
    referenced += reversed(msg.references)
    return ThreadingClues(
        reply_numbers=tuple(dict.fromkeys(numbers)),
        referenced_ids=tuple(dict.fromkeys(referenced)),
        tag_number=find_number(rp.subject_tag_format, msg.subject),
    )


def match(found: dict[str, str], hints: ThreadingClues) -> tuple[str | None, str]:
    """The ticket id and the rule that matched, given the looked-up keys."""
    for number in hints.reply_numbers:
        if number_key(number) in found:
            return found[number_key(number)], "reply_address"
    for message_id in hints.referenced_ids:
        if msgid_key(message_id) in found:
            return found[msgid_key(message_id)].partition("|")[0], "message_id"
    if hints.tag_number is not None and number_key(hints.tag_number) in found:
        return found[number_key(hints.tag_number)], "subject_tag"
    return None, "new"
