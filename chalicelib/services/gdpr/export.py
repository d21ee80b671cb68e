"""Export everything about a contact (issue 14, GDPR art. 15: subject access request).

One zip archive: the contact card, every ticket of the contact with its history and
message texts, the stored files (attachments, raw mails) and a README in Swedish and
English. Admins only: the archive holds every raw mail at once, which is the data
protection officer's task, not a dispatcher's (they can read each ticket in the app).

A Lambda answer is at most 6 MB (base64 adds a third), so an archive over
``MAX_DIRECT_BYTES`` is refused with 413 and the ops command
(``python -m chalicelib.ops.gdpr export``) writes it to a file instead.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from typing import Any

from chalicelib.domain.anonymisation import blob_keys
from chalicelib.domain.errors import NotFoundError, PayloadTooLargeError
from chalicelib.domain.organisation import Role, User
from chalicelib.services.context import Services
from chalicelib.services.gdpr.anonymise import contact_ticket_ids
from chalicelib.services.visibility import require_role

MAX_DIRECT_BYTES = 4 * 1024 * 1024

README = """ServIT - export av personuppgifter / export of personal data
=============================================================

Svenska
-------
Arkivet innehåller allt ServIT har sparat om kontakten:
  contact.json                kontaktkortet (namn, e-postadresser, telefonnummer m.m.)
  tickets/<nummer>/ticket.json    ärendet (rubrik, beskrivning, status, fält)
  tickets/<nummer>/history.json   ärendets historik (händelser med tid och utförare)
  tickets/<nummer>/messages.txt   meddelandenas texter (e-post, SMS, sociala medier, portal)
  tickets/<nummer>/files/...      bifogade filer och originalmejl (.eml) som de togs emot
Tider anges i UTC (ISO 8601).

English
-------
The archive holds everything ServIT has stored about the contact:
  contact.json                the contact card (name, e-mail addresses, phone numbers etc.)
  tickets/<number>/ticket.json    the ticket (title, description, status, fields)
  tickets/<number>/history.json   the ticket's history (events with time and actor)
  tickets/<number>/messages.txt   the messages' texts (e-mail, SMS, social media, portal)
  tickets/<number>/files/...      attachments and original mails (.eml) as received
Times are in UTC (ISO 8601).
"""

_MESSAGE_TYPES = ("message_in", "message_out", "external_answer", "consultation_sent")


class ExportTooLarge(PayloadTooLargeError):
    code = "export_too_large"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _record(obj: Any) -> dict[str, Any]:
    record = dataclasses.asdict(obj)
    record.pop("pending_events", None)
    return record


def build_archive(svc: Services, contact_id: str) -> tuple[bytes, int]:
    """The zip archive's bytes and the number of tickets in it."""
    contact = svc.contacts.get(contact_id)
    buffer = io.BytesIO()
    tickets = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr("contact.json", _json(_record(contact)))
        for ticket_id in contact_ticket_ids(svc, contact_id):
            try:
                ticket = svc.tickets.get(ticket_id)
            except NotFoundError:
                continue
            tickets += 1
            folder = f"tickets/{ticket.number}"
            events = svc.tickets.events(ticket_id)
            archive.writestr(f"{folder}/ticket.json", _json(_record(ticket)))
            archive.writestr(
                f"{folder}/history.json", _json([dataclasses.asdict(e) for e in events])
            )
            archive.writestr(f"{folder}/messages.txt", _messages(events))
            keys = blob_keys(ticket.attachments)
            for event in events:
                keys.extend(blob_keys(event.data))
            for key in dict.fromkeys(keys):
                try:
                    data = svc.blobs.get(key)
                except NotFoundError:
                    continue
                name = key.replace("/", "_")
                if key.startswith("inbound/") or ("raw" in key and "." not in name):
                    name += ".eml"
                archive.writestr(f"{folder}/files/{name}", data)
    return buffer.getvalue(), tickets


def _messages(events: list[Any]) -> str:
    lines: list[str] = []
    for event in events:
        if event.type not in _MESSAGE_TYPES and event.type != "note":
            continue
        data = event.data
        text = data.get("text") or data.get("stripped_text") or data.get("body") or ""
        head = f"--- {event.at.isoformat()} {event.type} {data.get('channel', '')}".rstrip()
        sender = data.get("from") or data.get("from_address") or event.actor
        subject = data.get("subject")
        lines.append(head)
        lines.append(f"from: {sender}")
        if subject:
            lines.append(f"subject: {subject}")
        lines.append("")
        lines.append(str(text))
        lines.append("")
    return "\n".join(lines)


def export_contact(svc: Services, actor: User, contact_id: str) -> tuple[bytes, int]:
    require_role(actor, Role.ADMIN)
    data, tickets = build_archive(svc, contact_id)
    if len(data) > MAX_DIRECT_BYTES:
        raise ExportTooLarge(
            f"the archive is {len(data) // 1024 // 1024} MB, over what one answer may carry:"
            " run python -m chalicelib.ops.gdpr export --contact <id> --out <file>"
        )
    return data, tickets
