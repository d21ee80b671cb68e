"""GDPR (issue 14): after anonymisation no personal datum of the contact is left anywhere.

The contact has a name, two e-mail addresses and a phone number; they write two mails with
attachments (raw mails in the blob store), text once, and an agent's note quotes the name.
After anonymisation every item of every table (all of ALL_MODELS, on DynamoDB Local and on
the in-memory fakes) and every stored file is searched for the name, each address, the
number in several forms and a phrase from a message: none is found.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import boto3
import pytest

from chalicelib.adapters.dynamodb.models import ALL_MODELS
from chalicelib.adapters.memory import InMemoryTicketRepository
from chalicelib.adapters.memory_mail import InMemoryBlobStore
from chalicelib.domain.events import EventType
from chalicelib.domain.organisation import User
from chalicelib.services import contacts, tickets
from chalicelib.services.context import Services
from chalicelib.services.gdpr import anonymise, export
from chalicelib.services.mail import intake as mail_intake
from chalicelib.services.sms import intake as sms_intake
from chalicelib.services.statistics import rebuild
from chalicelib.services.statistics import report as stats_report
from tests.support import FrozenClock, drain_stream, fake_services, seed_helpdesk

NAME = "Ingegerd Qvarnström"
EMAIL_1 = "ingegerd.q@kundbolaget.example.se"
EMAIL_2 = "iq.privat@mejl.example.org"
PHONE_TYPED = "070-412 77 93"
PHONE_FORMS = ["+46704127793", "0704127793", "0046704127793", "070-412 77 93", "070 412 77 93"]
PHRASE = "kaffemaskinen sjunger falskt"
SMS_PHRASE = "routern luktar bränt"
SEARCHED = [NAME, "Qvarnström", EMAIL_1, EMAIL_2, *PHONE_FORMS, PHRASE, SMS_PHRASE]


def _mail(sender: str, subject: str, text: str, message_id: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{NAME} <{sender}>"
    msg["To"] = "kundtjanst@example.com"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{message_id}>"
    msg.set_content(text)
    msg.add_attachment(
        f"Faktura till {NAME}, {PHONE_TYPED}".encode(),
        maintype="application",
        subtype="pdf",
        filename=f"{NAME} faktura.pdf",
    )
    return bytes(msg)


def _deliver(svc: Services, raw: bytes, key: str) -> str:
    svc.blobs.put(key, raw, "message/rfc822")
    entry = mail_intake.ingest(svc, key, ["kundtjanst@example.com"])
    _drain(svc)
    assert entry.ticket_id
    return entry.ticket_id


def _drain(svc: Services) -> None:
    if isinstance(svc.tickets, InMemoryTicketRepository):
        drain_stream(svc)


def _everything(svc: Services) -> str:
    """Every item of every table and every stored file, as text."""
    parts: list[str] = []
    if isinstance(svc.tickets, InMemoryTicketRepository):
        for repo in (
            svc.tickets,
            svc.contacts,
            svc.config,
            svc.lookups,
            svc.mail_log,
            svc.notifications,
            svc.stats,
            svc.organisations,
        ):
            parts.append(repr(vars(repo)))
    else:
        client = boto3.client(
            "dynamodb", endpoint_url=ALL_MODELS[0].Meta.host, region_name="eu-north-1"
        )
        for model in ALL_MODELS:
            pages = client.get_paginator("scan").paginate(TableName=model.Meta.table_name)
            for page in pages:
                parts.extend(json.dumps(item, ensure_ascii=False) for item in page["Items"])
    blobs = svc.blobs
    assert isinstance(blobs, InMemoryBlobStore)
    for key, (data, _) in blobs.blobs.items():
        parts.append(key)
        parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


def _found(text: str) -> list[str]:
    lowered = text.lower()
    return [s for s in SEARCHED if s.lower() in lowered]


@pytest.fixture
def people(any_services: Services) -> dict[str, User]:
    return seed_helpdesk(any_services)


def _story(svc: Services, people: dict[str, User]) -> tuple[str, list[str]]:
    contact = contacts.create_contact(
        svc, {"name": NAME, "emails": [EMAIL_1, EMAIL_2], "phones": [PHONE_TYPED]}
    )
    first = _deliver(
        svc,
        _mail(EMAIL_1, f"Hjälp, {NAME}", f"Hej! {PHRASE}. Ring {PHONE_TYPED}.", "m1@kund.example"),
        "inbound/gdpr-one",
    )
    second = _deliver(
        svc,
        _mail(EMAIL_2, "Faktura", f"{PHRASE} igen. /{NAME}", "m2@kund.example"),
        "inbound/gdpr-two",
    )
    texted = sms_intake.receive(
        svc,
        {
            "originationNumber": "+46704127793",
            "destinationNumber": "+46766861234",
            "messageBody": f"Hej, {SMS_PHRASE}!",
            "messageKeyword": "",
            "inboundMessageId": "gdpr-sms-1",
        },
    )
    _drain(svc)
    assert texted.ticket_id
    tickets.add_note(
        svc,
        people["admin"],
        first,
        {"text": f"Pratade med {NAME} på {PHONE_TYPED}, mejl {EMAIL_2}"},
    )
    _drain(svc)
    ids = [first, second, str(texted.ticket_id)]
    assert {svc.tickets.get(i).contact_id for i in ids} == {contact.id}
    return contact.id, ids


def test_after_anonymisation_no_personal_datum_is_left_in_any_table_or_file(
    any_services: Services, people: dict[str, User]
) -> None:
    svc = any_services
    contact_id, ids = _story(svc, people)
    before = _found(_everything(svc))
    assert set(before) == set(SEARCHED) - {"070 412 77 93"} or len(before) >= 6  # it is there
    history_before = {i: [(e.type, e.at, e.actor) for e in svc.tickets.events(i)] for i in ids}
    sent_before = len(svc.mailer.sent)  # type: ignore[attr-defined]

    outcome = anonymise.anonymise_contact(svc, people["admin"], contact_id)
    _drain(svc)

    assert outcome.counts.tickets == 3
    assert _found(_everything(svc)) == []
    card = svc.contacts.get(contact_id)
    assert (card.name, card.emails, card.phones) == ("[anonymised]", [], [])
    customer = {EMAIL_1, EMAIL_2, "+46704127793"}
    for ticket_id in ids:
        after = [(e.type, e.at, e.actor) for e in svc.tickets.events(ticket_id)]
        # Types, times and agents kept (the customer as actor replaced); one
        # contact_anonymised event added at the end.
        assert after[:-1] == [
            (t, at, "[anonymised]" if actor in customer else actor)
            for t, at, actor in history_before[ticket_id]
        ]
        assert after[-1][0] == EventType.CONTACT_ANONYMISED.value
    # No mail, text or notice came of it.
    assert len(svc.mailer.sent) == sent_before  # type: ignore[attr-defined]
    audit = svc.config.get(anonymise.AUDIT_KIND, f"contact#{contact_id}")
    assert audit and audit["actor"] == "admin" and audit["tickets"] == 3


def test_the_export_holds_the_raw_mails_attachments_and_texts_and_after_anonymisation_none(
    any_services: Services, people: dict[str, User]
) -> None:
    svc = any_services
    contact_id, _ = _story(svc, people)

    before, tickets = export.build_archive(svc, contact_id)
    anonymise.anonymise_contact(svc, people["admin"], contact_id)
    after, _ = export.build_archive(svc, contact_id)

    assert tickets == 3
    names = zipfile.ZipFile(io.BytesIO(before)).namelist()
    assert any(n.endswith("inbound_gdpr-one.eml") for n in names), names
    assert any("attachments_" in n for n in names), names
    texts = _archive_text(before)
    assert PHRASE in texts and SMS_PHRASE in texts and EMAIL_2 in texts
    assert _found(_archive_text(after)) == []


def _archive_text(data: bytes) -> str:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def test_anonymising_twice_changes_nothing_and_a_new_mail_makes_a_new_contact(
    any_services: Services, people: dict[str, User]
) -> None:
    svc = any_services
    contact_id, ids = _story(svc, people)
    anonymise.anonymise_contact(svc, people["admin"], contact_id)
    history = {i: svc.tickets.events(i) for i in ids}

    again = anonymise.anonymise_contact(svc, people["admin"], contact_id)

    assert again.already
    assert {i: svc.tickets.events(i) for i in ids} == history
    fresh = _deliver(svc, _mail(EMAIL_1, "Ny fråga", "Hej igen", "m3@kund.example"), "inbound/g3")
    new_contact = svc.tickets.get(fresh).contact_id
    assert new_contact and new_contact != contact_id
    assert svc.contacts.get(new_contact).emails == [EMAIL_1]


def test_an_interrupted_anonymisation_is_finished_by_asking_again(
    any_services: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = any_services
    contact_id, ids = _story(svc, people)
    real = anonymise.anonymise_ticket
    calls: list[Any] = []

    def cut_off(*args: Any, **kwargs: Any) -> bool:
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("Lambda timed out")
        return real(*args, **kwargs)

    monkeypatch.setattr(anonymise, "anonymise_ticket", cut_off)
    with pytest.raises(RuntimeError):
        anonymise.anonymise_contact(svc, people["admin"], contact_id)
    monkeypatch.setattr(anonymise, "anonymise_ticket", real)

    anonymise.anonymise_contact(svc, people["admin"], contact_id)

    assert _found(_everything(svc)) == []
    for ticket_id in ids:
        marks = [
            e for e in svc.tickets.events(ticket_id) if e.type == EventType.CONTACT_ANONYMISED.value
        ]
        assert len(marks) == 1


def test_anonymisation_keeps_the_statistics_and_a_rebuild_from_the_anonymised_histories_agrees(
    clock: FrozenClock,
) -> None:
    """Statistics kept (issue 14): the figures before and after anonymising are the same,
    and so are the figures recounted from the rewritten histories (a later rebuild)."""
    svc = fake_services(clock)
    people = seed_helpdesk(svc)
    contact_id, ids = _story(svc, people)
    day = clock.now.date()
    query = {
        "from": (day - timedelta(days=1)).isoformat(),
        "to": (day + timedelta(days=1)).isoformat(),
        "by": "channel",
    }
    before = stats_report.report(svc, people["admin"], query)
    assert before["totals"]["created"] == 3
    assert before["totals"]["messages_in"] == {"email": 2, "sms": 1}

    anonymise.anonymise_contact(svc, people["admin"], contact_id)
    _drain(svc)
    assert stats_report.report(svc, people["admin"], query) == before

    assert rebuild.rebuild(svc, ids) == 3
    assert stats_report.report(svc, people["admin"], query) == before
