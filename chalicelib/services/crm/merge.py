"""Duplicate contacts and merging them (issue 14, S19).

Duplicates: other cards holding one of the contact's e-mail addresses or one of its
numbers in any form ('+46701234567', '0701234567' typed before numbers were stored as
E.164): one batch read of Lookups keys, no Scan.

Merge (admins only), in steps each safe to repeat, so that a merge cut off half-way is
finished by asking again:
1. every ticket of the merged contact (by_contact index) moves to the kept one, with a
   history event (who, when) and the kept card's organisation;
2. one transaction stores the kept card with the merged card's addresses, numbers,
   identities and SMS opt-outs, deletes the merged card, points each of its Lookups keys
   at the kept card and leaves a tombstone key (merged -> kept): no key ever points at a
   deleted card;
3. tickets filed for the merged card meanwhile move too (step 1 again).
Asked again after it finished, the tombstone answers: the merge is done.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.contact import Contact, phone_forms
from chalicelib.domain.contact_merge import merged_card
from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.organisation import Role, User
from chalicelib.services import lookup_keys
from chalicelib.services.contacts import restamp_tickets
from chalicelib.services.context import Services
from chalicelib.services.ports import ListIndex, TicketQuery
from chalicelib.services.search_index.indexing import forget_contact, index_contact
from chalicelib.services.visibility import require_role


@dataclass(frozen=True)
class Duplicate:
    contact: Contact
    reasons: tuple[str, ...]  # "email", "phone"


def duplicates(svc: Services, contact_id: str) -> list[Duplicate]:
    contact = svc.contacts.get(contact_id)
    reasons: dict[str, set[str]] = {}
    keys: dict[str, str] = {lookup_keys.contact_email(e): "email" for e in contact.emails}
    for phone in contact.phones:
        try:
            forms = phone_forms(phone)
        except ValidationError:
            continue
        keys.update({lookup_keys.contact_phone(f): "phone" for f in forms})
    for key, target in svc.lookups.get_many(list(keys)).items():
        if target != contact.id:
            reasons.setdefault(target, set()).add(keys[key])
    found = []
    for other_id, why in sorted(reasons.items()):
        try:
            found.append(Duplicate(svc.contacts.get(other_id), tuple(sorted(why))))
        except NotFoundError:
            continue
    return found


@dataclass(frozen=True)
class MergeResult:
    kept: Contact
    moved: int  # tickets moved by this call


def merge(svc: Services, actor: User, contact_id: str, into: str) -> MergeResult:
    require_role(actor, Role.ADMIN)
    if not isinstance(into, str) or not into:
        raise ValidationError('give the contact to keep as {"into": "<id>"}')
    if into == contact_id:
        raise ValidationError("a contact cannot be merged into itself", code="same_contact")
    kept = svc.contacts.get(into)
    try:
        source: Contact | None = svc.contacts.get(contact_id)
    except NotFoundError:
        if svc.contacts.merged_into(contact_id) != into:
            raise
        source = None  # merged already: only stragglers may be left
    moved = 0
    if source is not None:
        plan = merged_card(kept, source)  # refused here, before anything moved
        moved += _move_tickets(svc, contact_id, plan.id, plan.organisation_id, actor.id)
        kept = _merge_cards(svc, contact_id, into)
    moved += _move_tickets(svc, contact_id, kept.id, kept.organisation_id, actor.id)
    return MergeResult(kept, moved)


def _merge_cards(svc: Services, source_id: str, into: str) -> Contact:
    for attempt in range(5):
        kept = svc.contacts.get(into)
        try:
            source = svc.contacts.get(source_id)
        except NotFoundError:
            return kept  # a concurrent repeat of this merge finished it
        plan = merged_card(kept, source)
        try:
            svc.contacts.merge_into(source, plan)
        except ConflictError:
            if attempt == 4:
                raise
            continue
        if plan.organisation_id != kept.organisation_id:
            restamp_tickets(svc, plan.id, plan.organisation_id)
        # Issue 15: the merged card is found by both cards' words; the other is gone.
        forget_contact(svc, source.id)
        index_contact(svc, plan)
        return plan
    raise AssertionError("unreachable")


def _move_tickets(
    svc: Services, source_id: str, kept_id: str, organisation_id: str | None, actor: str
) -> int:
    moved = 0
    while True:
        # Moved tickets leave the index: always the first page again.
        # (The index is eventually consistent: a pass that moves nothing ends it.)
        page = svc.tickets.query(TicketQuery(ListIndex.CONTACT, source_id, limit=100))
        this_pass = sum(_move_one(svc, t.id, kept_id, organisation_id, actor) for t in page.items)
        if not this_pass:
            return moved
        moved += this_pass


def _move_one(
    svc: Services, ticket_id: str, kept_id: str, organisation_id: str | None, actor: str
) -> int:
    for attempt in range(5):
        ticket = svc.tickets.get(ticket_id)
        if not ticket.move_to_contact(kept_id, organisation_id, actor, svc.clock()):
            return 0
        try:
            svc.tickets.save(ticket)
            return 1
        except ConflictError:
            if attempt == 4:
                raise
    return 0
