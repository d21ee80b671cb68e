"""Retention per response point (issue 14): closed tickets older than N months are
anonymised or deleted by a daily job, with a preview of what its next run touches.

Setting: Config kind "retention", id = response point id (months 0 = off, the default;
action anonymise | delete). Kept beside the response point record rather than in it, so
that the response point editor and its records stay as they were.

Which tickets: one Query per response point on by_rp_status, sort key
"closed#<updated_at>" below "closed#<cutoff>" (a closed ticket's last change is at or after
its closing, so none is taken early), never a Scan. The cutoff is midnight in the
organisation's time zone N calendar months ago (domain/anonymisation.py).

Anonymise: the ticket's title, description, custom fields and cc go whole; message texts in
its history go, other history texts lose the contact's personal data; its files are
deleted; the title becomes "[anonymised]", which the Query filters out, so the next run
continues with the next tickets. The contact card is anonymised too (services/gdpr/
anonymise.py) only once none of its tickets is left un-anonymised: a contact with a younger
ticket keeps the card.
Delete: the ticket item, its history items, its files, its ticket-number and Message-ID
Lookups keys and the agents' notifications about it; the card as above once no ticket of
the contact is left. Statistics counters stay (they were counted when the events came).

Bounded: at most ``MAX_PER_RUN`` tickets per run over all response points; the answer says
whether more are due (the next day's run, or the ops command run again, continues).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.anonymisation import (
    ANONYMISED_NAME,
    PersonalData,
    Retention,
    blob_keys,
    retention_cutoff,
)
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.timefmt import iso
from chalicelib.services import directory, inputs, lookup_keys
from chalicelib.services.context import Services
from chalicelib.services.gdpr import anonymise
from chalicelib.services.gdpr.store import HistoryStore
from chalicelib.services.search_index.indexing import forget_ticket

RETENTION_KIND = "retention"
SYSTEM_ACTOR = "system:retention"
MAX_PER_RUN = 200


def setting(svc: Services, rp_id: str) -> Retention:
    record = svc.config.get(RETENTION_KIND, rp_id)
    if not record:
        return Retention()
    return Retention(months=int(record.get("months", 0)), action=str(record.get("action")))


def setting_json(svc: Services, rp_id: str) -> dict[str, Any]:
    directory.response_point(svc, rp_id)  # 404 for an unknown one
    current = setting(svc, rp_id)
    return {"response_point": rp_id, "months": current.months, "action": current.action}


def save_setting(svc: Services, rp_id: str, body: Any) -> dict[str, Any]:
    directory.response_point(svc, rp_id)
    data = inputs.require_object(body)
    inputs.only_keys(data, {"months", "action"})
    months = data.get("months", 0)
    if isinstance(months, bool) or not isinstance(months, int):
        raise ValidationError("months must be a whole number (0 = off)", code="bad_retention")
    chosen = Retention(months=months, action=str(data.get("action", "anonymise")))
    svc.config.put(
        RETENTION_KIND,
        rp_id,
        {"id": rp_id, "months": chosen.months, "action": chosen.action},
    )
    return setting_json(svc, rp_id)


@dataclass(frozen=True)
class Preview:
    response_point: str
    months: int
    action: str
    cutoff: str | None
    tickets: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _cutoff(svc: Services, retention: Retention) -> str:
    zone = directory.settings(svc).time_zone
    return iso(retention_cutoff(svc.clock(), retention.months, zone))


def preview(svc: Services, rp_id: str, store: HistoryStore | None = None) -> Preview:
    if not rp_id:
        raise ValidationError("name the response point: ?response_point=<id>")
    directory.response_point(svc, rp_id)
    current = setting(svc, rp_id)
    if not current.enabled:
        return Preview(rp_id, 0, current.action, None, 0)
    store = store or anonymise.history_store(svc)
    cutoff = _cutoff(svc, current)
    count = store.count_closed_before(rp_id, cutoff, skip_title=ANONYMISED_NAME)
    return Preview(rp_id, current.months, current.action, cutoff, count)


@dataclass
class RunReport:
    touched: dict[str, int] = field(default_factory=dict)
    more: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"touched": self.touched, "more": self.more}


def run(svc: Services, *, budget: int = MAX_PER_RUN) -> RunReport:
    store = anonymise.history_store(svc)
    report = RunReport()
    for rp in directory.response_points(svc):
        current = setting(svc, rp.id)
        if not current.enabled:
            continue
        if budget <= 0:
            report.more = True
            break
        cutoff = _cutoff(svc, current)
        ids = store.closed_before(rp.id, cutoff, limit=budget + 1, skip_title=ANONYMISED_NAME)
        if len(ids) > budget:
            report.more = True
            ids = ids[:budget]
        contacts: set[str] = set()
        for ticket_id in ids:
            contact_id = _handle(svc, store, ticket_id, current.action)
            if contact_id:
                contacts.add(contact_id)
        budget -= len(ids)
        report.touched[rp.id] = len(ids)
        for contact_id in sorted(contacts):
            _maybe_anonymise_card(svc, contact_id)
    return report


def _handle(svc: Services, store: HistoryStore, ticket_id: str, action: str) -> str | None:
    try:
        ticket = svc.tickets.get(ticket_id)
    except NotFoundError:
        return None
    person = PersonalData((), (), (), ())
    if ticket.contact_id:
        with contextlib.suppress(NotFoundError):
            person = anonymise.personal_data(svc.contacts.get(ticket.contact_id))
    if action == "delete":
        delete_ticket(svc, store, ticket_id)
    else:
        anonymise.anonymise_ticket(
            svc, store, ticket_id, person, SYSTEM_ACTOR, anonymise.Counts(), whole=True
        )
    return ticket.contact_id


def delete_ticket(svc: Services, store: HistoryStore, ticket_id: str) -> None:
    """Files, notifications and Lookups keys first, the items last: a run cut off half-way
    finds the ticket again and finishes."""
    ticket = svc.tickets.get(ticket_id)
    events = svc.tickets.events(ticket_id)
    keys = blob_keys(ticket.attachments)
    for event in events:
        keys.extend(blob_keys(event.data))
        message_id = event.data.get("message_id")
        if isinstance(message_id, str) and message_id:
            svc.lookups.release(lookup_keys.message_id(message_id), ticket_id)
        raw_key = event.data.get("raw_key")
        if isinstance(raw_key, str) and raw_key:
            for key in (lookup_keys.raw_mail(raw_key),):
                if (target := svc.lookups.get(key)) is not None:
                    svc.lookups.release(key, target)
    for key in dict.fromkeys(keys):
        svc.blobs.delete(key)
    for user in directory.users(svc):
        store.delete_notifications(user.id, {ticket_id})
    svc.lookups.release(lookup_keys.ticket_number(ticket.number), ticket_id)
    forget_ticket(svc, ticket_id)  # issue 15: its words leave the search
    store.delete_ticket(ticket_id)


def _maybe_anonymise_card(svc: Services, contact_id: str) -> None:
    """The card goes only when every ticket of the contact is anonymised or deleted."""
    try:
        svc.contacts.get(contact_id)
    except NotFoundError:
        return
    for ticket_id in anonymise.contact_ticket_ids(svc, contact_id):
        try:
            if svc.tickets.get(ticket_id).title != ANONYMISED_NAME:
                return
        except NotFoundError:
            continue
    anonymise.run(svc, SYSTEM_ACTOR, contact_id)
