"""Demo data for the local stack, seeded once: response points, groups, users,
contacts and 40 tickets in several languages and scripts, spread over statuses."""

from __future__ import annotations

import random
from typing import Any

from chalicelib.domain import calendars as calendars_domain
from chalicelib.domain.organisation import User
from chalicelib.services import (
    admin,
    assignment,
    calendars,
    directory,
    rules,
    saved_searches,
    templates,
    tickets,
)
from chalicelib.services.context import Services
from chalicelib.services.forms import admin as forms_admin

DEMO_PASSWORD = "demo"  # noqa: S105 - the local stack's published demo password
SEEDED_MARKER = ("meta", "seeded")

RESPONSE_POINTS = [
    {"id": "kundtjanst", "name": "Kundtjänst", "emails": ["kundtjanst@servit.example"],
     "language": "sv", "visibility_level": "all", "reopen_window_days": 14,
     "auto_acknowledge": True, "notification_mode": "full"},
    {"id": "it-support", "name": "IT-support", "emails": ["it@servit.example"],
     "language": "en", "visibility_level": "own_groups", "reopen_window_days": 7,
     "auto_acknowledge": False, "notification_mode": "link"},
]  # fmt: skip
GROUPS = [
    {"id": "kt-forsta", "name": "Första linjen", "response_point_id": "kundtjanst"},
    {"id": "kt-faktura", "name": "Fakturor", "response_point_id": "kundtjanst"},
    {"id": "it-servicedesk", "name": "Servicedesk", "response_point_id": "it-support"},
]
USERS = [
    {"id": "admin", "email": "admin@example.com", "name": "Astrid Admin", "roles": ["admin"],
     "groups": [], "language": "sv"},
    {"id": "dispatcher", "email": "dispatcher@example.com", "name": "Dan Dispatcher",
     "roles": ["dispatcher"], "groups": ["kt-forsta", "kt-faktura"], "language": "sv"},
    {"id": "agent1", "email": "agent1@example.com", "name": "Anna Andersson", "roles": ["agent"],
     "groups": ["kt-forsta"], "language": "sv"},
    {"id": "agent2", "email": "agent2@example.com", "name": "Bengt Berg", "roles": ["agent"],
     "groups": ["kt-forsta", "kt-faktura"], "language": "sv", "view": "pro"},
    {"id": "agent3", "email": "agent3@example.com", "name": "Chen Wei", "roles": ["agent"],
     "groups": ["it-servicedesk"], "language": "en"},
]  # fmt: skip
CONTACTS = [
    {"name": "Karin Lindqvist", "email": "karin.lindqvist@example.se", "language": "sv"},
    {"name": "Erik Johansson", "email": "erik.johansson@example.se", "phone": "+46701234567"},
    {"name": "Jane Smith", "email": "jane.smith@example.co.uk", "language": "en"},
    {"name": "王伟", "email": "wang.wei@example.cn", "language": "en"},
    {"name": "Ольга Иванова", "email": "olga@example.ru", "language": "en"},
    {"name": "佐藤 花子", "email": "hanako.sato@example.jp", "language": "en"},
    {"name": "فاطمة الزهراء", "email": "fatima@example.ae", "language": "en"},
    {"name": "Nils Holgersson", "phone": "+46731112233", "organisation": "Vittskövle kommun"},
]
TITLES = [
    ("Fakturan stämmer inte", "Jag har fått en faktura på fel belopp, kan ni kontrollera?"),
    ("Kan inte logga in på Mina sidor", "Lösenordet fungerar inte sedan i går."),
    ("Beställning av nytt passerkort", "Jag behöver ett nytt passerkort till kontoret."),
    ("Printer on floor 3 is jammed", "The printer keeps jamming on every second page."),
    ("VPN disconnects every hour", "My VPN connection drops roughly every 60 minutes."),
    ("打印机无法连接", "办公室的打印机从昨天开始无法连接网络。"),
    ("Не приходит счёт", "Я не получила счёт за октябрь. Пожалуйста, проверьте."),
    ("パスワードをリセットしたい", "パスワードを忘れました。リセットをお願いします。"),
    ("لا أستطيع الوصول إلى البريد", "لا يمكنني فتح بريدي الإلكتروني منذ الصباح."),
    ("Flytt av abonnemang", "Vi flyttar den 1 december och vill flytta abonnemanget."),
]
STATUS_PLAN = ["new"] * 12 + ["open"] * 10 + ["with_contact"] * 4 + ["with_external"] * 2 + [
    "dormant"] * 2 + ["resolved"] * 4 + ["closed"] * 6  # fmt: skip


def already_seeded(svc: Services) -> bool:
    return svc.config.get(*SEEDED_MARKER) is not None


def seed(svc: Services) -> int:
    """Seed the demo helpdesk unless it is there; returns the number of tickets made."""
    if already_seeded(svc):
        return 0
    root = User(id="seed", email="seed@servit.example", name="Seed", roles=["admin"])  # type: ignore[list-item]
    for rp in RESPONSE_POINTS:
        _upsert(svc, root, directory.RESPONSE_POINT, rp)
    for group in GROUPS:
        _upsert(svc, root, directory.GROUP, group)
    for user in USERS:
        _upsert(svc, root, directory.USER, {**user, "password": DEMO_PASSWORD})
    # The demo's admin logs in with the published password alone, as the README says: an
    # admin MFA set-up on the first login would meet a reviewer with a QR code instead of
    # the helpdesk. In AWS the setting is on unless an admin turns it off (Settings).
    admin.put_settings(
        svc, root, {"default_response_point_id": "kundtjanst", "admins_require_mfa": False}
    )
    _seed_routing(svc, root)
    _seed_organisations(svc)  # issue 14: before the tickets, so their contacts join
    made = _seed_tickets(svc)
    svc.config.put(*SEEDED_MARKER, {"tickets": made})
    return made


OFFICE = {"start": "08:00", "end": "17:00"}
CALENDARS = [
    {"id": "kontorstid", "name": "Kontorstid Sverige", "time_zone": "Europe/Stockholm",
     "hours": {day: OFFICE for day in ("mon", "tue", "wed", "thu", "fri")},
     "holiday_country": "SE", "closed_dates": ["2026-12-24", "2026-12-31"]},
    {"id": "dygnet-runt", "name": "Dygnet runt", "time_zone": "Europe/Stockholm",
     "hours": {day: {"start": "00:00", "end": "24:00"} for day in calendars_domain.WEEKDAYS}},
]  # fmt: skip

INVOICE_TEMPLATE = {
    "title": "Fakturafrågor", "response_point_id": "kundtjanst", "group_id": "kt-faktura",
    "calendar_id": "kontorstid",
    "ticket_types": [{"id": "order", "instruction": "Kontrollera ordern i affärssystemet."}],
    "default_ticket_type": "order",
    "description": "Fakturaärende från {{ contact_name }}.",
    "solution_text": "Hej {{ contact_name }}!\n\nVi har rättat fakturan i ärende "
                     "#{{ ticket_number }}.\n\nVänliga hälsningar\n{{ agent_name }}, "
                     "{{ response_point }}",
    "solution_suggestions": [
        {"title": "Kreditering", "text": "Vi krediterar fakturan, {{ contact_name }}."},
        {"title": "Ny faktura", "text": "En ny faktura skickas inom tre arbetsdagar."},
    ],
    "sla": {"first_response": {"high": 60, "medium": 240, "low": 480},
            "resolution": {"high": 480, "medium": 2880, "low": 5760}},
    "default_status": "open", "default_priority": "medium",
    "steps": ["Hitta fakturan", "Kontrollera beloppet mot ordern", "Svara kunden"],
}  # fmt: skip


def _seed_routing(svc: Services, root: User) -> None:
    """A template with a matching rule (mail about an invoice goes to Fakturor, prefilled),
    a shared saved search and a menu profile for every agent (issue 5)."""
    for calendar in CALENDARS:
        calendars.save_calendar(svc, root, calendar["id"], calendar, create=True)
    templates.save_template(svc, root, "faktura", INVOICE_TEMPLATE, create=True)
    rules.save_rule(svc, root, "fakturor", {
        "name": "Fakturor", "template_id": "faktura", "combine": "any", "position": 10,
        "conditions": [
            {"field": "subject", "operator": "contains", "value": "faktura", "whole_word": True},
            {"field": "body", "operator": "contains", "value": "faktura", "whole_word": True},
        ],
    }, create=True)  # fmt: skip
    search = saved_searches.create_search(svc, root, {
        "name": "Öppna fakturaärenden", "shared": True,
        "criteria": {"template_id": "faktura", "status": ["new", "open", "with_contact"]},
    })  # fmt: skip
    admin.put_item(svc, root, directory.MENU_PROFILE, "agenter", {
        "name": "Agenter", "roles": ["agent", "dispatcher", "admin"],
        "links": [
            {"kind": "saved_search", "target": search["id"]},
            {"kind": "inbox", "target": "pool-group:kt-faktura", "label": "Ej tilldelade fakturor"},
            {"kind": "new_from_template", "target": "faktura"},
        ],
    }, create=True)  # fmt: skip
    # A public web form (issue 13): /forms/kontakt makes a ticket in Kundtjänst.
    forms_admin.save_form(svc, root, "kontakt", {
        "name": "Kontakta kundtjänst", "response_point_id": "kundtjanst",
        "fields": ["name", "email", "phone", "subject", "description", "attachments"],
        "required": ["email", "subject", "description"],
    }, create=True)  # fmt: skip


def _upsert(svc: Services, root: User, kind: str, record: dict[str, Any]) -> None:
    exists = svc.config.get(kind, record["id"]) is not None
    admin.put_item(svc, root, kind, record["id"], record, create=not exists)


# issue 14: customer organisations whose domains match some demo contacts (they join on creation).
ORGANISATIONS = [
    {"name": "Exempelbolaget i Sverige AB", "org_number": "556036-0793", "domains": ["example.se"],
     "phone": "08-123 456 78", "address": "Storgatan 1, 111 22 Stockholm",
     "notes": "Ramavtal sedan 2024.", "custom_fields": {"avtal": "Guld"}},
    {"name": "Example Ltd", "domains": ["example.co.uk"], "address": "1 High Street, London"},
]  # fmt: skip


def _seed_organisations(svc: Services) -> None:
    from chalicelib.services.crm import organisations

    for record in ORGANISATIONS:
        organisations.create(svc, record)


def _seed_tickets(svc: Services) -> int:
    rng = random.Random(10001)  # the same demo data on every machine
    users = {u.id: u for u in directory.users(svc)}
    groups_of_rp = {"kundtjanst": ["kt-forsta", "kt-faktura"], "it-support": ["it-servicedesk"]}
    for index, status in enumerate(STATUS_PLAN):
        title, text = TITLES[index % len(TITLES)]
        rp = "it-support" if index % 10 in (3, 4, 5, 7) else "kundtjanst"
        group = rng.choice(groups_of_rp[rp])
        contact = dict(CONTACTS[index % len(CONTACTS)])
        body = {
            "title": title,
            "description": text,
            "response_point_id": rp,
            "group_id": group,
            "priority": rng.choice(["low", "medium", "medium", "high"]),
            "ticket_type": rng.choice(["fault", "order", "other"]),
            "contact": contact,
        }
        creator = users["agent3" if rp == "it-support" else "agent1"]
        ticket = tickets.create_ticket(svc, creator, body)
        if status == "new":
            continue
        agent = next(u for u in users.values() if group in u.groups and "agent" in u.roles)
        assignment.pick_ticket(svc, agent, ticket.id)
        if status != "open":
            tickets.add_note(
                svc, agent, ticket.id, {"kind": "action", "text": "Kontaktade kunden."}
            )
            tickets.update_ticket(svc, agent, ticket.id, {"status": status})
    return len(STATUS_PLAN)
