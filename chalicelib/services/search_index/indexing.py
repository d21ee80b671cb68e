"""What goes into the search index, and when it leaves (issue 15).

- Tickets, from the TicketEvents stream (``index_change``, called by the stream consumer per
  stored change): the card (title, description) when the change created the ticket or
  changed a field; every message in or out, note, consultation and external answer as a
  source of its own, written once (a redelivered record writes the same items).
- Contacts and organisations, by the use cases that write them (``index_contact``,
  ``index_organisation``, right after the card is stored): their table has no stream, and
  adding one would mean a second stream consumer (function, event source, dead-letter
  queue, alarms, local poller) for a handful of writes a day. The cost: every function that
  creates contacts (the API, mail and SMS intake) may write the index.
- GDPR: ``forget_ticket`` / ``forget_contact`` when a ticket is anonymised or deleted and a
  card blanked; the marker they leave keeps a late stream record from bringing words back.
  An anonymised ticket's ``contact_anonymised`` event then indexes what is left of it.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.anonymisation import ANONYMISED_NAME
from chalicelib.domain.contact import Contact
from chalicelib.domain.crm_organisation import CustomerOrganisation
from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.search_index import (
    CONTACT,
    ORGANISATION,
    TICKET,
    digits,
    phone_tokens,
    text_tokens,
)
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso
from chalicelib.services.context import Services

CARD = "card"
# Events whose words a ticket is found by (notes too: only agents search).
TEXT_EVENTS = {
    EventType.MESSAGE_IN.value, EventType.MESSAGE_OUT.value, EventType.NOTE.value,
    EventType.EXTERNAL_ANSWER.value, EventType.CONSULTATION_SENT.value,
}  # fmt: skip
# Events after which the card (title, description) is read and indexed again.
CARD_EVENTS = {
    EventType.CREATED.value, EventType.FIELD_CHANGED.value, EventType.TEMPLATE_APPLIED.value,
}  # fmt: skip


def event_source(event: TicketEvent) -> str:
    return f"ev#{event.event_id}"


def event_tokens(event: TicketEvent) -> set[str]:
    data = event.data
    texts = [data.get(k) for k in ("subject", "text", "question", "answer")]
    return text_tokens(*(t for t in texts if isinstance(t, str)))


def index_change(svc: Services, change: list[StoredEvent]) -> int:
    """Index one stored change of a ticket (the stream consumer). Returns items written."""
    index = svc.search_index
    if index is None or not change:
        return 0
    events = [s.event for s in change]
    ticket_id = events[0].ticket_id
    types = {e.type for e in events}
    if EventType.CONTACT_ANONYMISED.value in types:
        return reindex_ticket(svc, ticket_id, forget_first=True)
    texts = [e for e in events if e.type in TEXT_EVENTS]
    if not texts and not types & CARD_EVENTS:
        return 0
    written = 0
    if types & CARD_EVENTS:
        # The card is read as it is now (an anonymised ticket's scrubbed title): never stale.
        try:
            ticket = svc.tickets.get(ticket_id)
        except NotFoundError:  # deleted (retention) since: nothing to index
            return 0
        written += index_card(svc, ticket)
    removed = index.removed_at(TICKET, ticket_id) if texts else None
    for event in texts:
        if removed is not None and iso(event.at) <= removed:
            continue  # anonymised or deleted after it was written: its words stay out
        written += index.add(TICKET, ticket_id, event_source(event), event_tokens(event))
    return written


def index_card(svc: Services, ticket: Ticket) -> int:
    assert svc.search_index is not None
    tokens = text_tokens(ticket.title, ticket.description)
    doc = {"number": ticket.number}
    return svc.search_index.replace(TICKET, ticket.id, CARD, tokens, doc)


def reindex_ticket(svc: Services, ticket_id: str, *, forget_first: bool = False) -> int:
    """Index a ticket from what is stored now (its card and history): for the rebuild
    command, and after GDPR anonymisation (``forget_first``: every word it had goes first,
    then the scrubbed texts come back)."""
    index = svc.search_index
    if index is None:
        return 0
    try:
        ticket = svc.tickets.get(ticket_id)
    except NotFoundError:
        return 0
    written = index.remove(TICKET, ticket_id, at=iso(svc.clock())) if forget_first else 0
    written += index_card(svc, ticket)
    for event in svc.tickets.events(ticket_id):
        if event.type in TEXT_EVENTS:
            written += index.add(TICKET, ticket_id, event_source(event), event_tokens(event))
    return written


def forget_ticket(svc: Services, ticket_id: str) -> int:
    """GDPR: every word of the ticket leaves the index at once."""
    if svc.search_index is None:
        return 0
    return svc.search_index.remove(TICKET, ticket_id, at=iso(svc.clock()))


# --- contacts and organisations ----------------------------------------------------------


def _national(e164: str) -> str:
    if not e164.startswith("+"):
        return ""
    import phonenumbers  # on first use: its metadata is large (cold start)

    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return ""
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))


def contact_doc(contact: Contact) -> dict[str, Any]:
    return {
        "name": contact.name,
        "email": contact.emails[0] if contact.emails else "",
        "phone": contact.phones[0] if contact.phones else "",
        "organisation_id": contact.organisation_id or "",
        "organisation": contact.organisation,
    }


def index_contact(svc: Services, contact: Contact) -> int:
    index = svc.search_index
    if index is None:
        return 0
    if contact.name == ANONYMISED_NAME and not contact.emails and not contact.phones:
        return forget_contact(svc, contact.id)
    tokens = text_tokens(contact.name, contact.organisation, *contact.emails)
    for phone in contact.phones:
        tokens |= phone_tokens(phone, _national(phone))
    return index.replace(CONTACT, contact.id, CARD, tokens, contact_doc(contact))


def forget_contact(svc: Services, contact_id: str) -> int:
    if svc.search_index is None:
        return 0
    return svc.search_index.remove(CONTACT, contact_id, at=iso(svc.clock()))


def organisation_doc(organisation: CustomerOrganisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "org_number": organisation.org_number,
        "domain": organisation.domains[0] if organisation.domains else "",
    }


def index_organisation(svc: Services, organisation: CustomerOrganisation) -> int:
    index = svc.search_index
    if index is None:
        return 0
    tokens = text_tokens(organisation.name, *organisation.domains)
    if organisation.org_number:
        tokens |= text_tokens(organisation.org_number) | {digits(organisation.org_number)}
    if organisation.phone:
        tokens |= phone_tokens(organisation.phone, _national(organisation.phone))
    doc = organisation_doc(organisation)
    return index.replace(ORGANISATION, organisation.id, CARD, tokens, doc)
