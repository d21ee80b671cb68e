"""Direct messages in (S1): each verified Messenger or X message filed as a ticket message.

The page or account names the response point (``accounts``); the person is found by their
platform identity on a contact card (``facebook:<psid>``, ``x:<user id>``, a Lookups key
like an e-mail address, so no Scan) or gets a new card; the conversation (platform, our
page or account, the person) threads the messages into one ticket; the platform's message
id makes a redelivery a no-op (``conversations.file_inbound``).

Requests per new message of a known person in an open thread: the account (Config, cached),
the identity lookup and the contact (two GetItems), then file_inbound's BatchGetItem, GetItem
and TransactWriteItems."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from chalicelib.channels.social.common import SocialMessage
from chalicelib.domain.contact import Contact
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.statuses import Channel
from chalicelib.services import conversations
from chalicelib.services.context import Services
from chalicelib.services.conversations import FiledInbound
from chalicelib.services.search_index.indexing import index_contact
from chalicelib.services.social import accounts

logger = Logger(service="servit-social")

_PLATFORM_NAMES = {"facebook": "Facebook", "x": "X"}


def receive(svc: Services, messages: list[SocialMessage]) -> list[FiledInbound]:
    """File each message; those to a switched-off page or account are left out (logged)."""
    filed = []
    for message in messages:
        outcome = file_message(svc, message)
        if outcome is not None:
            filed.append(outcome)
    return filed


def file_message(svc: Services, message: SocialMessage) -> FiledInbound | None:
    rp = accounts.response_point_for(svc, message.platform, message.account_id)
    if rp is None:
        logger.warning(
            "message to a switched-off social account not filed",
            extra={"platform": message.platform, "account": message.account_id},
        )
        return None
    contact = contact_for(svc, message)
    filed = conversations.file_inbound(
        svc,
        message.inbound,
        channel=Channel(message.platform),
        contact_id=contact.id,
        organisation_id=contact.organisation_id,
        response_point=rp,
        message_key=message.message_key,
        thread_key=message.thread_key,
        extra={
            # What an agent's reply needs to reach the person again (services/social/replies).
            "social_account": message.account_id,
            "social_sender": message.sender_id,
            "social_identity": message.identity,
            "social_handle": message.sender_handle,
            "attachment_urls": list(message.attachment_urls),
        },
    )
    logger.info(
        "social message filed",
        extra={
            "platform": message.platform,
            "outcome": filed.outcome,
            "ticket_id": filed.ticket_id,
        },
    )
    return filed


def contact_for(svc: Services, message: SocialMessage) -> Contact:
    """The contact whose card carries the sender's identity, or a new card for them."""
    found = svc.contacts.find_by_identity(message.identity)
    if found is not None:
        return found
    now = svc.clock()
    name = message.sender_name or (f"@{message.sender_handle}" if message.sender_handle else "")
    contact = Contact(
        id=new_ulid(now),
        name=name or f"{_PLATFORM_NAMES[message.platform]} {message.sender_id}",
        identities=[message.identity],
        created_at=now,
    )
    try:
        svc.contacts.add(contact)
        index_contact(svc, contact)  # issue 15: the top-bar search finds the sender's name
    except ConflictError:
        # A second message of the same person, filed at the same moment, made the card.
        again = svc.contacts.find_by_identity(message.identity)
        if again is None:
            raise
        return again
    return contact
