"""The DynamoDB tables, defined once (pynamodb models).

The local stack, the tests and ``infra/`` (through ``tables.py``) all take
their table definitions from these classes. Access patterns are listed in
docs/architecture.md; each index below names the one it serves.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

# Logical table names; the deployed name is "<prefix><name>" (see bind()).
TICKETS = "Tickets"
TICKET_EVENTS = "TicketEvents"
CONTACTS = "Contacts"
CONFIG = "Config"
LOOKUPS = "Lookups"
MAIL_LOG = "MailLog"
NOTIFICATIONS = "Notifications"
STATS = "Stats"  # issue 14: statistics counters
LIVE = "Live"  # issue 15: live connections (chalicelib/adapters/dynamodb/live.py)
SEARCH_INDEX = "SearchIndex"  # issue 15: the top-bar search's words


def _gsi(name: str, hash_attr: str, range_attr: str) -> type[GlobalSecondaryIndex[Any]]:
    """An index with all attributes projected: a list page is one Query, no follow-up reads."""

    class Meta:
        index_name = name
        projection = AllProjection()

    attrs: dict[str, Any] = {
        "Meta": Meta,
        hash_attr: UnicodeAttribute(hash_key=True),
        range_attr: UnicodeAttribute(range_key=True),
    }
    return type(f"{name}_index", (GlobalSecondaryIndex,), attrs)


class TicketModel(Model):
    class Meta:
        table_name = TICKETS
        region = "eu-north-1"

    ticket_id = UnicodeAttribute(hash_key=True)
    number = NumberAttribute()
    title = UnicodeAttribute()
    status = UnicodeAttribute()
    priority = UnicodeAttribute()
    channel = UnicodeAttribute()
    response_point_id = UnicodeAttribute()
    contact_id = UnicodeAttribute(null=True)
    template_id = UnicodeAttribute(null=True)
    itil_process = UnicodeAttribute(null=True)
    ticket_type = UnicodeAttribute(null=True)
    group_id = UnicodeAttribute(null=True)
    agent_id = UnicodeAttribute(null=True)
    parent_id = UnicodeAttribute(null=True)
    organisation_id = UnicodeAttribute(null=True)  # issue 14: the contact's organisation
    description = UnicodeAttribute(null=True)
    cc = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    bcc = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    attachments = ListAttribute(null=True)  # type: ignore[var-annotated]
    custom_fields = MapAttribute(null=True)  # type: ignore[var-annotated]
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    resolved_at = UnicodeAttribute(null=True)
    closed_at = UnicodeAttribute(null=True)
    dormant_until = UnicodeAttribute(null=True)
    locked_by = UnicodeAttribute(null=True)
    locked_until = UnicodeAttribute(null=True)
    template_version = NumberAttribute(null=True)
    steps_done = ListAttribute(null=True)  # type: ignore[var-annotated]
    routing = MapAttribute(null=True)  # type: ignore[var-annotated]
    first_response_due = UnicodeAttribute(null=True)
    resolution_due = UnicodeAttribute(null=True)
    first_response_at = UnicodeAttribute(null=True)
    sla_breached = BooleanAttribute(null=True)
    # Issue 15 (list rows): domain Ticket.agent_replied / customer_replied; absent = False.
    agent_replied = BooleanAttribute(null=True)
    customer_replied = BooleanAttribute(null=True)
    portal_generation = NumberAttribute(null=True)  # absent = 0
    wake_generation = NumberAttribute(null=True)  # absent = 0 (issue 12: dormant wake-ups)
    # The SLA clock's pauses and deadlines (issue 12, domain/ticket.py); absent = none/0.
    sla_pausing = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    sla_calendar_id = UnicodeAttribute(null=True)
    sla_paused_since = UnicodeAttribute(null=True)
    sla_resumed_at = UnicodeAttribute(null=True)
    sla_paused_seconds = NumberAttribute(null=True)
    sla_generation = NumberAttribute(null=True)
    sla_breaches = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    contact_change = MapAttribute(null=True)  # type: ignore[var-annotated]
    consultations = ListAttribute(null=True)  # type: ignore[var-annotated]  # S6, maps
    children_run = MapAttribute(null=True)  # type: ignore[var-annotated]  # S10, a parent's run
    version = NumberAttribute()
    # Saved searches (S16): the title lower-cased for word filters (`contains` is
    # case-sensitive), and one partition holding every ticket by creation time for
    # searches that name no response point, group, agent, contact or template.
    title_lc = UnicodeAttribute(null=True)
    list_pk = UnicodeAttribute(null=True)

    # Sparse inbox keys: present only while the ticket is open (domain/inbox.py).
    ib_agent = UnicodeAttribute(null=True)
    ib_group = UnicodeAttribute(null=True)
    ib_rp = UnicodeAttribute(null=True)
    pool_group = UnicodeAttribute(null=True)
    pool_rp = UnicodeAttribute(null=True)
    ib_sort = UnicodeAttribute(null=True)  # priority rank # created
    # List keys over all statuses: status # updated, newest first.
    status_updated = UnicodeAttribute()

    inbox_agent = _gsi("inbox_agent", "ib_agent", "ib_sort")()
    inbox_group = _gsi("inbox_group", "ib_group", "ib_sort")()
    inbox_rp = _gsi("inbox_rp", "ib_rp", "ib_sort")()
    pool_by_group = _gsi("pool_group", "pool_group", "ib_sort")()
    pool_by_rp = _gsi("pool_rp", "pool_rp", "ib_sort")()
    by_rp_status = _gsi("by_rp_status", "response_point_id", "status_updated")()
    by_group_status = _gsi("by_group_status", "group_id", "status_updated")()
    by_agent_status = _gsi("by_agent_status", "agent_id", "status_updated")()
    by_contact = _gsi("by_contact", "contact_id", "created_at")()
    by_parent = _gsi("by_parent", "parent_id", "created_at")()
    by_template = _gsi("by_template", "template_id", "created_at")()
    by_organisation = _gsi("by_organisation", "organisation_id", "created_at")()
    by_created = _gsi("by_created", "list_pk", "created_at")()


class TicketEventModel(Model):
    """Append-only history; the stream on this table is the outbox of side effects."""

    class Meta:
        table_name = TICKET_EVENTS
        region = "eu-north-1"

    ticket_id = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)  # at # event ulid
    event_id = UnicodeAttribute()
    at = UnicodeAttribute()
    type = UnicodeAttribute()
    actor = UnicodeAttribute()
    data = MapAttribute(null=True)  # type: ignore[var-annotated]
    # The change that wrote the event, for the stream consumer (absent on older items):
    # the ticket version it produced, how many events it wrote, the ticket's agent after it.
    change = NumberAttribute(null=True)
    change_size = NumberAttribute(null=True)
    owner = UnicodeAttribute(null=True)


class ContactModel(Model):
    class Meta:
        table_name = CONTACTS
        region = "eu-north-1"

    contact_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(null=True)
    emails = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    phones = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    identities = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    sms_opted_out = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    organisation = UnicodeAttribute(null=True)
    organisation_id = UnicodeAttribute(null=True)  # issue 14: the customer organisation
    language = UnicodeAttribute()
    notes = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    version = NumberAttribute()
    # All contacts in one index partition, ordered by lower-cased name (search by prefix).
    list_pk = UnicodeAttribute()
    name_sort = UnicodeAttribute()

    by_name = _gsi("by_name", "list_pk", "name_sort")()
    # An organisation's contacts by name (issue 14).
    by_organisation = _gsi("by_organisation", "organisation_id", "name_sort")()


class OrganisationModel(Model):
    """Customer organisations (issue 14) live in the Contacts table: key "org#<id>", and
    list_pk "organisation" in the by_name index (search by name prefix). No table of their
    own: the same functions read them as contacts, with the same grants
    (docs/architecture.md, "Organisations and contacts")."""

    class Meta:
        table_name = CONTACTS
        region = "eu-north-1"

    contact_id = UnicodeAttribute(hash_key=True)  # "org#<id>"
    name = UnicodeAttribute()
    org_number = UnicodeAttribute(null=True)
    domains = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    phone = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    custom_fields = MapAttribute(null=True)  # type: ignore[var-annotated]
    created_at = UnicodeAttribute(null=True)
    version = NumberAttribute()
    list_pk = UnicodeAttribute()
    name_sort = UnicodeAttribute()

    by_name = _gsi("by_name", "list_pk", "name_sort")()


class ConfigModel(Model):
    class Meta:
        table_name = CONFIG
        region = "eu-north-1"

    kind = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)
    record = MapAttribute(null=True)  # type: ignore[var-annotated]
    value = NumberAttribute(null=True)  # counters
    expires_at = NumberAttribute(null=True)  # epoch seconds: TTL removes short-lived counters


class LookupModel(Model):
    """Unique keys read with strong consistency: ticket numbers, contact e-mails and phones,
    Message-IDs. Written in the same transaction as the item they point to."""

    class Meta:
        table_name = LOOKUPS
        region = "eu-north-1"

    key = UnicodeAttribute(hash_key=True)
    target = UnicodeAttribute()


class MailLogModel(Model):
    """One entry per received mail: where it went, or why it is in quarantine."""

    class Meta:
        table_name = MAIL_LOG
        region = "eu-north-1"

    entry_id = UnicodeAttribute(hash_key=True)
    received_at = UnicodeAttribute()
    raw_key = UnicodeAttribute()
    outcome = UnicodeAttribute()
    sender = UnicodeAttribute(null=True)
    recipients = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    envelope_sender = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    ticket_id = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    threading_rule = UnicodeAttribute(null=True)
    replayed_at = UnicodeAttribute(null=True)
    day = UnicodeAttribute()  # YYYY-MM-DD of received_at: time-range queries per day
    quarantine = UnicodeAttribute(null=True)  # "open" while quarantined (sparse index)

    by_message = _gsi("by_message", "message_id", "received_at")()
    by_sender = _gsi("by_sender", "sender", "received_at")()
    by_day = _gsi("by_day", "day", "received_at")()
    in_quarantine = _gsi("quarantine", "quarantine", "received_at")()


class NotificationModel(Model):
    """Agents' notifications (S16): newest first per user; a sparse index holds the unread
    ones, so the badge is one Query with Select=COUNT however many were read."""

    class Meta:
        table_name = NOTIFICATIONS
        region = "eu-north-1"

    user_id = UnicodeAttribute(hash_key=True)
    notification_id = UnicodeAttribute(range_key=True)  # ULID: sorts by time
    at = UnicodeAttribute()
    kind = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    number = NumberAttribute()
    title = UnicodeAttribute()
    actor = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    unread_user = UnicodeAttribute(null=True)  # = user_id while unread (sparse index key)
    mailed_at = UnicodeAttribute(null=True)  # set once the notice mail is claimed (sent once)
    expires_at = NumberAttribute(null=True)  # epoch seconds: TTL removes old notifications

    unread = _gsi("unread", "unread_user", "notification_id")()


class StatsModel(Model):
    """Statistics counters (issue 14, chalicelib/adapters/dynamodb/stats.py): pk
    "<dimension>#<value>", sk the day (YYYY-MM-DD), one numeric attribute per counter
    (written with ADD, so not declared here); pk "ticket#<id>", sk "ledger": what that
    ticket's history is counted for (JSON) and the ledger's version."""

    class Meta:
        table_name = STATS
        region = "eu-north-1"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class LiveModel(Model):
    """Issue 15, live lists (chalicelib/adapters/dynamodb/live.py): pk "aud#<audience>", sk
    the connection id (fan-out: one Query per audience); pk "conn#<id>", sk "conn": the
    connection's user and audiences (so $disconnect removes it from each). TTL: API Gateway
    closes a connection after 2 hours at the latest, so nothing outlives a missed
    $disconnect for long. Read markers (the "unread" of list rows): pk "read#<user>", sk the
    ticket id, ``version`` last opened; a list page reads its rows' in one BatchGetItem."""

    class Meta:
        table_name = LIVE
        region = "eu-north-1"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    user_id = UnicodeAttribute(null=True)
    audiences = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    version = NumberAttribute(null=True)  # read markers: the ticket version last opened
    expires_at = NumberAttribute(null=True)  # epoch seconds


class SearchIndexModel(Model):
    """Issue 15, the top-bar search (chalicelib/adapters/dynamodb/search_index.py): pk
    "<kind>#<first 2 letters>", sk "<token>|<entity id>" (a word or prefix is one Query);
    pk "e#<kind>#<id>", sk "src#<source>": the tokens a source holds (and what a result
    shows); sk "removed": when the entity left the index (GDPR)."""

    class Meta:
        table_name = SEARCH_INDEX
        region = "eu-north-1"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


ALL_MODELS: tuple[type[Model], ...] = (
    TicketModel,
    TicketEventModel,
    ContactModel,
    ConfigModel,
    LookupModel,
    MailLogModel,
    NotificationModel,
    StatsModel,
    LiveModel,
    SearchIndexModel,
)
LOGICAL_NAMES = {
    TicketModel: TICKETS,
    TicketEventModel: TICKET_EVENTS,
    ContactModel: CONTACTS,
    ConfigModel: CONFIG,
    LookupModel: LOOKUPS,
    MailLogModel: MAIL_LOG,
    NotificationModel: NOTIFICATIONS,
    StatsModel: STATS,
    LiveModel: LIVE,
    SearchIndexModel: SEARCH_INDEX,
}


# Models that share another model's table (not in ALL_MODELS: the table is defined once).
SHARED_TABLE_MODELS: dict[type[Model], str] = {OrganisationModel: CONTACTS}


def bind(prefix: str, host: str | None, region: str) -> None:
    """Point every model at its table (``prefix`` + logical name) and endpoint."""
    every: dict[type[Model], str] = {**LOGICAL_NAMES, **SHARED_TABLE_MODELS}
    for model, logical in every.items():
        model.Meta.table_name = f"{prefix}{logical}"
        model.Meta.host = host  # type: ignore[attr-defined]
        model.Meta.region = region
        model._connection = None
