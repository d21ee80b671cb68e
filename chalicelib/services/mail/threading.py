"""Threading (S5): which ticket a received message belongs to, in a fixed order.

1. a signed reply address (``support+t10001.<sig>@…``) among the recipients;
2. In-Reply-To / References against Message-IDs we sent or received (strongly
   consistent lookup items, not an index). A Message-ID that more than one
   different mail has used (``message_id_reused``) threads only when the sender
   is the ticket's contact or on its cc list;
3. the ticket tag in the subject, in the response point's format;
4. otherwise: a new ticket.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from chalicelib.channels.message import InboundMessage
from chalicelib.domain.organisation import ResponsePoint
from chalicelib.domain.reply_address import ticket_number_from_address
from chalicelib.domain.subject_tag import find_number
from chalicelib.services import lookup_keys
from chalicelib.services.context import Services

# Kept under their threading names; the formats live in lookup_keys.
msgid_key = lookup_keys.message_id
number_key = lookup_keys.ticket_number
raw_key_claim = lookup_keys.raw_mail
bounce_key = lookup_keys.bounce
contact_email_key = lookup_keys.contact_email
copy_key = lookup_keys.message_copy

# Ids longer than this are not real Message-IDs (generators write 30-100 characters);
# they are skipped for threading, never an error.
MAX_THREADING_ID_CHARS = 500
# Of a long References list, the first (the thread's root) and the latest are kept.
REFERENCES_FIRST, REFERENCES_LAST = 1, 30


@dataclass(frozen=True)
class KnownMessage:
    """What a ``msgid#`` lookup item says: the ticket, the content digest of the mail
    that first used the id ("" for our own sent mail and mail filed before digests
    were kept), and whether different mails have used the id since."""

    ticket_id: str
    digest: str = ""
    reused: bool = False

    @classmethod
    def parse(cls, target: str) -> KnownMessage:
        ticket_id, _, rest = target.partition("|")
        digest, _, flag = rest.partition("|")
        return cls(ticket_id, digest, flag == "many")

    def target(self) -> str:
        return "|".join([self.ticket_id, self.digest, *(["many"] if self.reused else [])])


@dataclass(frozen=True)
class OwnKeys:
    """The lookup items a received mail claims when it is filed, in the ticket's own
    transaction: its S3 object (SES delivering one object twice), and its Message-ID
    with the content digest — or, when a different mail already holds the id, a key
    of its own for (id, digest), so that only the same mail delivered again is a
    duplicate."""

    raw_key: str
    message_id: str
    digest: str
    reused: bool = False

    def keys(self) -> list[str]:
        return [raw_key_claim(self.raw_key), msgid_key(self.message_id)]

    def copy(self) -> str:
        return copy_key(self.message_id, self.digest)

    def claims(self, ticket_id: str) -> dict[str, str]:
        if self.reused:
            return {raw_key_claim(self.raw_key): ticket_id, self.copy(): ticket_id}
        first = KnownMessage(ticket_id, self.digest).target()
        return {raw_key_claim(self.raw_key): ticket_id, msgid_key(self.message_id): first}

    def delivered_before(self, found: dict[str, str]) -> str | None:
        """The ticket this very mail was filed to, if ``found`` shows it was."""
        if raw_key_claim(self.raw_key) in found:
            return found[raw_key_claim(self.raw_key)]
        first = found.get(msgid_key(self.message_id))
        if first is not None and KnownMessage.parse(first).digest == self.digest:
            return KnownMessage.parse(first).ticket_id
        return found.get(self.copy())


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
    references = msg.references
    if len(references) > REFERENCES_FIRST + REFERENCES_LAST:
        references = references[:REFERENCES_FIRST] + references[-REFERENCES_LAST:]
    referenced += reversed(references)
    usable = [i for i in referenced if len(i) <= MAX_THREADING_ID_CHARS]
    return ThreadingClues(
        reply_numbers=tuple(dict.fromkeys(numbers))[:10],
        referenced_ids=tuple(dict.fromkeys(usable)),
        tag_number=find_number(rp.subject_tag_format, msg.subject),
    )


def match(found: dict[str, str], hints: ThreadingClues) -> tuple[str | None, str]:
    """The ticket id and the rule that matched, given the looked-up keys."""
    for number in hints.reply_numbers:
        if number_key(number) in found:
            return found[number_key(number)], "reply_address"
    for message_id in hints.referenced_ids:
        if msgid_key(message_id) in found:
            known = KnownMessage.parse(found[msgid_key(message_id)])
            return known.ticket_id, "message_id_reused" if known.reused else "message_id"
    if hints.tag_number is not None and number_key(hints.tag_number) in found:
        return found[number_key(hints.tag_number)], "subject_tag"
    return None, "new"


def mark_reused(svc: Services, message_id: str) -> None:
    """Note on the id's first item that different mails have used it: replies that
    reference it then thread only for the ticket's own people (the stranger rule)."""
    target = svc.lookups.get(msgid_key(message_id))
    if target is None:
        return
    known = KnownMessage.parse(target)
    if not known.reused:
        svc.lookups.put(msgid_key(message_id), replace(known, reused=True).target())
