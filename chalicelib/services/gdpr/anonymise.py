"""Anonymise a contact (issue 14, GDPR art. 17), in steps each safe to repeat.

1. every ticket of the contact (by_contact index): each history item's data rewritten
   (message texts replaced whole, other texts without the personal data; type, time, actor
   kept), the stored files it names (raw mails, attachments) deleted, the ticket's title,
   description, custom fields, cc/bcc and attachment names scrubbed, and a
   ``contact_anonymised`` event recorded with counts only. That event marks the ticket done:
   a repeated run skips it;
2. mail log entries of the contact's addresses (by_sender index): sender, recipients,
   subject blanked, their raw mail deleted; agents' notifications about the tickets deleted
   (they quote the title); bounce keys of the addresses released;
3. the card last: name replaced, addresses, numbers, identities, notes gone, its Lookups
   keys released in the same transaction (a later mail from the address makes a new
   contact); and the audit entry (who, when, contact id, counts).
The card goes last because it holds what the earlier steps search for: a run cut off
half-way is finished by asking again. The statistics counters are untouched: rewriting a
history item is a MODIFY on the stream, which the consumer ignores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.anonymisation import (
    ANONYMISED_NAME,
    PersonalData,
    blob_keys,
    scrub_event_data,
    scrub_text,
    scrub_value,
)
from chalicelib.domain.contact import Contact, phone_forms
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.mail_log import MailLogEntry
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso
from chalicelib.services import directory, lookup_keys
from chalicelib.services.context import Services
from chalicelib.services.conversations import thread_lookup_key
from chalicelib.services.gdpr.store import HistoryStore
from chalicelib.services.ports import ListIndex, TicketQuery
from chalicelib.services.search_index.indexing import forget_contact, forget_ticket
from chalicelib.services.sms.intake import thread_key as sms_thread_key
from chalicelib.services.visibility import require_role

AUDIT_KIND = "gdpr_audit"
# Channels whose ticket title is the first message's first words.
_TITLE_IS_TEXT = frozenset({"sms", "facebook", "x"})
_FAR_PAST = "2000-01-01T00:00:00+00:00"


@dataclass
class Counts:
    tickets: int = 0
    events: int = 0
    files: int = 0
    mail_log: int = 0
    notifications: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Outcome:
    contact_id: str
    already: bool
    counts: Counts = field(default_factory=Counts)


def history_store(svc: Services) -> HistoryStore:
    """The adapter matching the services' ticket repository."""
    from chalicelib.adapters.memory import InMemoryTicketRepository

    if isinstance(svc.tickets, InMemoryTicketRepository):
        from chalicelib.adapters.memory_gdpr import InMemoryHistoryStore
        from chalicelib.adapters.memory_mail import InMemoryNotificationRepository

        assert isinstance(svc.notifications, InMemoryNotificationRepository)
        return InMemoryHistoryStore(svc.tickets, svc.notifications)
    from chalicelib.adapters.dynamodb.gdpr import DynamoHistoryStore

    return DynamoHistoryStore()


def personal_data(contact: Contact) -> PersonalData:
    phones: list[str] = []
    for phone in [*contact.phones, *contact.sms_opted_out]:
        try:
            phones.extend(phone_forms(phone))
        except ValidationError:
            phones.append(phone)
    names = (contact.name,) if contact.name and contact.name != ANONYMISED_NAME else ()
    return PersonalData(
        names=names,
        emails=tuple(contact.emails),
        phones=tuple(dict.fromkeys(phones)),
        identities=tuple(contact.identities),
    )


def is_anonymised(contact: Contact) -> bool:
    return contact.name == ANONYMISED_NAME and not (
        contact.emails or contact.phones or contact.identities
    )


def contact_ticket_ids(svc: Services, contact_id: str) -> list[str]:
    ids: list[str] = []
    cursor: str | None = None
    while True:
        page = svc.tickets.query(
            TicketQuery(ListIndex.CONTACT, contact_id, limit=100, cursor=cursor)
        )
        ids.extend(t.id for t in page.items)
        cursor = page.cursor
        if not cursor:
            return ids


def anonymise_contact(svc: Services, actor: User, contact_id: str) -> Outcome:
    require_role(actor, Role.ADMIN)
    return run(svc, actor.id, contact_id)


def run(svc: Services, actor: str, contact_id: str) -> Outcome:
    """Anonymise the contact (no role check: the caller decided; retention calls it)."""
    contact = svc.contacts.get(contact_id)
    if is_anonymised(contact) and _audited(svc, contact_id):
        return Outcome(contact_id, already=True)
    person = personal_data(contact)
    pattern = person.pattern()
    store = history_store(svc)
    counts = Counts()
    ticket_ids = contact_ticket_ids(svc, contact_id)
    for ticket_id in ticket_ids:
        if anonymise_ticket(svc, store, ticket_id, person, actor, counts):
            counts.tickets += 1
    _mail_log(svc, contact, pattern, counts)
    ticket_set = set(ticket_ids)
    for user in directory.users(svc):
        counts.notifications += store.delete_notifications(user.id, ticket_set)
    for email in contact.emails:
        _release(svc, lookup_keys.bounce(email))
    if not is_anonymised(contact):
        _blank_card(svc, contact)
    _audit(svc, actor, contact_id, counts)
    return Outcome(contact_id, already=False, counts=counts)


def anonymise_ticket(
    svc: Services,
    store: HistoryStore,
    ticket_id: str,
    person: PersonalData,
    actor: str,
    counts: Counts,
    *,
    whole: bool = False,
) -> bool:
    """Anonymise one ticket's texts, history and files; False if it was done before.
    ``whole`` (retention): the title, description and custom field values go entirely."""
    try:
        ticket = svc.tickets.get(ticket_id)
    except NotFoundError:
        return False
    events = svc.tickets.events(ticket_id)
    done = any(e.type == EventType.CONTACT_ANONYMISED.value for e in events)
    if done and (not whole or ticket.title == ANONYMISED_NAME):
        return False
    # The description is the first message's text; an SMS or social ticket's title is its
    # first words: they go wherever they were copied (the created event, notifications).
    copied = [ticket.description]
    if whole or ticket.channel.value in _TITLE_IS_TEXT:
        copied.append(ticket.title)
    pattern = person.with_phrases(*copied).pattern()
    files = blob_keys(ticket.attachments)
    rewritten = 0
    for event in events:
        files.extend(blob_keys(event.data))
        data = scrub_event_data(event.type, event.data, pattern)
        actor_after = scrub_text(event.actor, pattern)
        if data != event.data or actor_after != event.actor:
            store.rewrite_event(ticket_id, event.sort_key, data, actor_after)
            rewritten += 1
        thread = event.data.get("thread_key")
        if isinstance(thread, str) and thread:
            _release(svc, thread_lookup_key(thread))
    for phone in person.phones:
        _release(svc, thread_lookup_key(sms_thread_key(ticket.response_point_id, phone)))
    deleted = 0
    for key in dict.fromkeys(files):
        svc.blobs.delete(key)
        deleted += 1
    scrub_ticket(ticket, pattern)
    if ticket.channel.value in _TITLE_IS_TEXT:
        ticket.title = ANONYMISED_NAME
    if whole:
        ticket.title = ANONYMISED_NAME
        ticket.description = ""
        ticket.custom_fields = {}
        ticket.cc, ticket.bcc = [], []
    now = svc.clock()
    ticket.pending_events.append(
        TicketEvent.new(
            ticket.id,
            now,
            EventType.CONTACT_ANONYMISED.value,
            actor,
            events=rewritten,
            files=deleted,
        )
    )
    ticket.updated_at = now
    # Issue 15: the ticket's words leave the search at once; its contact_anonymised event
    # indexes the scrubbed texts again (services/search_index/indexing).
    forget_ticket(svc, ticket.id)
    svc.tickets.save(ticket)
    counts.events += rewritten
    counts.files += deleted
    return True


def _release(svc: Services, key: str) -> None:
    if (target := svc.lookups.get(key)) is not None:
        svc.lookups.release(key, target)


def scrub_ticket(ticket: Ticket, pattern: re.Pattern[str] | None) -> None:
    ticket.title = scrub_value(ticket.title, pattern) or "-"
    ticket.description = scrub_value(ticket.description, pattern)
    ticket.custom_fields = scrub_value(ticket.custom_fields, pattern)
    ticket.cc = [c for c in ticket.cc if scrub_value(c, pattern) == c]
    ticket.bcc = [c for c in ticket.bcc if scrub_value(c, pattern) == c]
    ticket.attachments = scrub_value(ticket.attachments, pattern)
    if ticket.routing is not None:
        ticket.routing = scrub_value(ticket.routing, pattern)
    if ticket.contact_change is not None:
        ticket.contact_change = scrub_value(ticket.contact_change, pattern)


def _mail_log(
    svc: Services, contact: Contact, pattern: re.Pattern[str] | None, counts: Counts
) -> None:
    from chalicelib.domain.timefmt import parse_iso

    since, until = parse_iso(_FAR_PAST), svc.clock().replace(year=svc.clock().year + 1)
    seen: set[str] = set()
    for email in contact.emails:
        while True:
            # The index is eventually consistent: an entry seen already may come again.
            entries = [
                e for e in svc.mail_log.by_sender(email, since, until, limit=100)
                if e.id not in seen
            ]  # fmt: skip
            if not entries:
                break
            for entry in entries:
                seen.add(entry.id)
                svc.blobs.delete(entry.raw_key)
                counts.files += 1
                svc.mail_log.put(_scrubbed_entry(entry, pattern))
                counts.mail_log += 1


def _scrubbed_entry(entry: MailLogEntry, pattern: re.Pattern[str] | None) -> MailLogEntry:
    entry.sender = ""
    entry.envelope_sender = ""
    entry.subject = ""
    entry.recipients = [r for r in entry.recipients if scrub_value(r, pattern) == r]
    entry.reason = scrub_value(entry.reason, pattern)
    return entry


def _blank_card(svc: Services, contact: Contact) -> None:
    forget_contact(svc, contact.id)  # issue 15: the name and addresses leave the search
    contact.name = ANONYMISED_NAME
    contact.emails = []
    contact.phones = []
    contact.identities = []
    contact.sms_opted_out = []
    contact.notes = ""
    contact.organisation = ""
    svc.contacts.save(contact)


def _audited(svc: Services, contact_id: str) -> bool:
    return svc.config.get(AUDIT_KIND, f"contact#{contact_id}") is not None


def _audit(svc: Services, actor: str, contact_id: str, counts: Counts) -> None:
    """Who, when, which contact id and how much: never the personal data itself."""
    if _audited(svc, contact_id):
        return
    record: dict[str, Any] = {
        "id": f"contact#{contact_id}",
        "audit_id": new_ulid(svc.clock()),
        "action": "contact_anonymised",
        "contact_id": contact_id,
        "actor": actor,
        "at": iso(svc.clock()),
        **counts.as_dict(),
    }
    svc.config.put(AUDIT_KIND, record["id"], record)
