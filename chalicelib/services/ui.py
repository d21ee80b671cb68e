"""What the agent UI needs to draw its forms: names and shapes, for any logged-in user.

The admin routes list the same items, but only to admins; an agent's ticket form
still needs group and agent names, ticket types, custom field definitions, the
hidden fields and the status moves. Nothing secret is in here: no e-mail
addresses of colleagues' logins beyond their names, no settings but those forms use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.organisation import User
from chalicelib.domain.statuses import TRANSITIONS, Channel, ItilProcess, Priority, Status
from chalicelib.domain.ticket import Ticket
from chalicelib.services import directory, inboxes
from chalicelib.services.context import Services


def ui_directory(svc: Services, actor: User) -> dict[str, Any]:
    settings = directory.settings(svc)
    return {
        "response_points": [
            {
                "id": rp.id,
                "name": rp.name,
                "language": rp.language.value,
                "visibility_level": rp.visibility_level.value,
            }
            for rp in directory.response_points(svc)
        ],
        "groups": [
            {"id": g.id, "name": g.name, "response_point_id": g.response_point_id}
            for g in directory.groups(svc)
        ],
        "users": [
            {
                "id": u.id,
                "name": u.name,
                "roles": [r.value for r in u.roles],
                "groups": u.groups,
                "active": u.active,
            }
            for u in directory.users(svc)
        ],
        "ticket_types": [
            {"id": t.id, "name_sv": t.name_sv, "name_en": t.name_en}
            for t in directory.ticket_types(svc)
        ],
        "custom_fields": [
            {
                "id": d.id,
                "label": d.label,
                "type": d.type.value,
                "required": d.required,
                "options": list(d.options),
            }
            for d in directory.custom_fields(svc).values()
        ],
        "hidden_fields": list(settings.hidden_fields),
        "default_response_point_id": settings.default_response_point_id,
        "time_zone": settings.time_zone,
        # The domain's status machine, so the UI offers only the moves it allows.
        "status_moves": {s.value: sorted(m.value for m in TRANSITIONS[s]) for s in Status},
        "statuses": [s.value for s in Status],
        "priorities": [p.value for p in Priority],
        "itil_processes": [p.value for p in ItilProcess],
        "channels": [c.value for c in Channel],
    }


@dataclass(frozen=True)
class InboxPage:
    tickets: list[Ticket]
    cursor: str | None
    contact_names: dict[str, str]


def inbox_page_with_contacts(
    svc: Services, actor: User, inbox_id: str, *, limit: int, cursor: str | None
) -> InboxPage:
    """An inbox page and the names of its contacts, so a list row needs no request of its own.

    One GetItem per distinct contact on the page (at most the page size). A batch read
    on the contact repository would make it one request; see the issue 4 notes.
    """
    page = inboxes.inbox_page(svc, actor, inbox_id, limit=limit, cursor=cursor)
    names: dict[str, str] = {}
    for contact_id in dict.fromkeys(t.contact_id for t in page.items if t.contact_id):
        try:
            contact = svc.contacts.get(contact_id)
        except NotFoundError:
            continue
        names[contact_id] = contact.name or (contact.emails[0] if contact.emails else "")
    return InboxPage(page.items, page.cursor, names)
