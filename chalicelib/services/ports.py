"""Ports: what the services need from the outside world, as small abstract classes.

Adapters named for their technology implement them (``chalicelib.adapters``);
in-memory fakes implement them for unit tests. One contract test suite runs
against both.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from chalicelib.domain.contact import Contact
from chalicelib.domain.crm_organisation import CustomerOrganisation
from chalicelib.domain.email_address import wire_address
from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.events import TicketEvent
from chalicelib.domain.inbox import InboxKind
from chalicelib.domain.mail_log import MailLogEntry
from chalicelib.domain.notifications import Notification, StoredEvent
from chalicelib.domain.schedules import ScheduledActivity
from chalicelib.domain.search import SearchCriteria
from chalicelib.domain.ticket import Ticket

T = TypeVar("T")

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursor: str | None = None  # opaque; None when there is nothing more


class ListIndex:
    """Indexes a ticket list may be served from (all statuses, newest change first)."""

    RESPONSE_POINT = "by_rp_status"
    GROUP = "by_group_status"
    AGENT = "by_agent_status"
    CONTACT = "by_contact"
    PARENT = "by_parent"
    ORGANISATION = "by_organisation"  # issue 14: a company's tickets, newest first


@dataclass(frozen=True)
class TicketQuery:
    index: str
    key: str
    status: str | None = None  # narrows the key condition where the index sorts by status
    filters: dict[str, str] = field(default_factory=dict)  # applied to each page, not a scan
    limit: int = 50
    cursor: str | None = None


class TicketRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, ticket: Ticket, *, claims: Mapping[str, str] | None = None) -> None:
        """Store a new ticket, its number lookup and its pending events atomically.

        ``claims`` are lookup keys (-> target) written in the same transaction,
        each only if it does not exist yet (Message-IDs, stored raw mails).
        """

    @abc.abstractmethod
    def save(self, ticket: Ticket, *, claims: Mapping[str, str] | None = None) -> None:
        """Store changes and pending events atomically if nobody wrote since ``version``.

        Raises ConflictError when the stored version is not ``ticket.version`` or a
        claim is taken. Increments ``ticket.version`` and clears ``pending_events``.
        """

    @abc.abstractmethod
    def get(self, ticket_id: str) -> Ticket:
        """Raises NotFoundError."""

    def get_many(self, ticket_ids: list[str]) -> dict[str, Ticket]:
        """Issue 15 (bulk work): the tickets found of at most 100 ids, by id (missing ones
        left out). DynamoDB reads them in one BatchGetItem; this default reads one by one."""
        found: dict[str, Ticket] = {}
        for ticket_id in dict.fromkeys(ticket_ids):
            try:
                found[ticket_id] = self.get(ticket_id)
            except NotFoundError:
                continue
        return found

    @abc.abstractmethod
    def id_for_number(self, number: int) -> str | None: ...

    @abc.abstractmethod
    def events(self, ticket_id: str) -> list[TicketEvent]:
        """The whole history, oldest first."""

    @abc.abstractmethod
    def change_events(self, ticket_id: str, change: int) -> list[StoredEvent]:
        """The events one change wrote (the one that made ticket version ``change``), oldest
        first: for a stream consumer that was handed only part of a change."""

    @abc.abstractmethod
    def inbox(
        self, kind: InboxKind, key: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[Ticket]:
        """Open tickets of one inbox: high priority first, then oldest first."""

    @abc.abstractmethod
    def count_inbox(self, kind: InboxKind, key: str) -> int: ...

    @abc.abstractmethod
    def query(self, query: TicketQuery) -> Page[Ticket]: ...

    @abc.abstractmethod
    def search(
        self, criteria: SearchCriteria, now: datetime, *, limit: int = 50, cursor: str | None = None
    ) -> Page[Ticket]:
        """Tickets meeting ``criteria`` (saved searches): one Query on the best index with
        the rest as a filter, so a page may hold fewer than ``limit`` with a cursor."""


class ContactRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, contact: Contact) -> None:
        """Store a new contact; ConflictError if one of its e-mails or phones is taken."""

    @abc.abstractmethod
    def save(self, contact: Contact) -> None:
        """Store changes if ``version`` is current; keeps e-mail/phone uniqueness."""

    @abc.abstractmethod
    def get(self, contact_id: str) -> Contact:
        """Raises NotFoundError."""

    @abc.abstractmethod
    def find_by_email(self, email: str) -> Contact | None: ...

    @abc.abstractmethod
    def find_by_phone(self, phone: str) -> Contact | None: ...

    @abc.abstractmethod
    def find_by_identity(self, identity: str) -> Contact | None:
        """The contact a social identity ("facebook:<psid>", "x:<id>") belongs to."""

    @abc.abstractmethod
    def list(
        self, *, name_prefix: str = "", limit: int = 50, cursor: str | None = None
    ) -> Page[Contact]:
        """Contacts ordered by name."""

    # --- issue 14: organisations and merging ------------------------------------------
    @abc.abstractmethod
    def list_by_organisation(
        self, organisation_id: str, *, limit: int = 100, cursor: str | None = None
    ) -> Page[Contact]:
        """An organisation's contacts ordered by name (one Query)."""

    @abc.abstractmethod
    def merge_into(self, source: Contact, kept: Contact) -> None:
        """In one transaction: store ``kept`` (version checked; it already holds what it
        takes over), delete ``source`` (version checked), point every lookup key of
        ``source`` at ``kept`` and leave a tombstone key (``merged_into``). ConflictError
        when either card changed or a key belongs to a third contact."""

    @abc.abstractmethod
    def merged_into(self, contact_id: str) -> str | None:
        """The contact a merged (deleted) contact went into, if any."""


class OrganisationRepository(abc.ABC):
    """Customer organisations (issue 14): unique organisation numbers and domains."""

    @abc.abstractmethod
    def add(self, organisation: CustomerOrganisation) -> None:
        """ConflictError (code "taken") if its number or one of its domains is taken."""

    @abc.abstractmethod
    def save(self, organisation: CustomerOrganisation) -> None:
        """Store changes if ``version`` is current; keeps number/domain uniqueness."""

    @abc.abstractmethod
    def get(self, organisation_id: str) -> CustomerOrganisation:
        """Raises NotFoundError."""

    @abc.abstractmethod
    def find_by_number(self, org_number: str) -> CustomerOrganisation | None: ...

    @abc.abstractmethod
    def find_by_domain(self, domain: str) -> CustomerOrganisation | None: ...

    @abc.abstractmethod
    def list(
        self, *, name_prefix: str = "", limit: int = 50, cursor: str | None = None
    ) -> Page[CustomerOrganisation]:
        """Organisations ordered by lower-cased name, from ``name_prefix`` on."""


class ConfigRepository(abc.ABC):
    """Settings of the helpdesk, stored as (kind, id) -> record."""

    @abc.abstractmethod
    def get(self, kind: str, item_id: str) -> dict[str, Any] | None: ...

    @abc.abstractmethod
    def list(self, kind: str) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def put(self, kind: str, item_id: str, record: dict[str, Any], *, create: bool = False) -> None:
        """With ``create``, ConflictError if the item exists already."""

    @abc.abstractmethod
    def delete(self, kind: str, item_id: str) -> None: ...

    @abc.abstractmethod
    def next_number(
        self, counter: str, start: int, *, expires_at: datetime | None = None, step: int = 1
    ) -> int:
        """Atomically hand out the next number of ``counter``, the first being ``start``.

        With ``expires_at`` the counter may be removed after that time (hourly caps).
        ``step``: add this much instead of one (SMS parts against a spend cap; a negative
        step gives back what was taken); the number returned is then the counter's new
        value plus ``start - 1``."""


@dataclass(frozen=True)
class Claims:
    user_id: str
    email: str
    roles: tuple[str, ...]  # as the token says; the user record's roles are the ones used
    token_id: str = ""  # "jti": what a logout revokes
    issued_at: int = 0  # "iat", epoch seconds: compared with the user's signed_out_before
    expires_at: int = 0  # "exp", epoch seconds


class Challenge:
    """What a login may ask for before it hands out a token (Cognito's challenge names)."""

    MFA_CODE = "SOFTWARE_TOKEN_MFA"  # a code from the user's authenticator app
    # The password was temporary: choose one.
    NEW_PASSWORD = "NEW_PASSWORD_REQUIRED"  # noqa: S105 (a challenge name, no password)
    MFA_SETUP = "MFA_SETUP"  # set up TOTP first (ours: admins must, services/sign_in.py)


@dataclass(frozen=True)
class SignInStep:
    """One answer of the identity provider during a login: done, or a challenge to meet.

    None of it goes to the client as it is: until the login is complete the service keeps
    it server-side (services/challenge_store.py)."""

    user_id: str = ""  # may be empty while a challenge is open
    challenge: str = ""  # a ``Challenge``; "" once the provider is done
    session: str = ""  # the provider's session for answering ``challenge``
    token: str = ""  # done: the id token the client will get
    access: str = ""  # done: what the user's own TOTP calls need (Cognito: the access token)


class IdentityProvider(abc.ABC):
    @abc.abstractmethod
    def login(self, email: str, password: str) -> SignInStep:
        """Check the password: tokens, or the first challenge; AuthenticationError if wrong."""

    @abc.abstractmethod
    def respond(self, email: str, step: SignInStep, answer: str) -> SignInStep:
        """Answer ``step.challenge`` (MFA_CODE: the code; NEW_PASSWORD: the new password).

        AuthenticationError ``wrong_code`` for a wrong code, ``challenge_expired`` for a
        session the provider no longer knows; ValidationError ``weak_password``."""

    @abc.abstractmethod
    def begin_totp(self, access: str) -> str:
        """Start setting up TOTP for the user ``access`` speaks for: the shared secret."""

    @abc.abstractmethod
    def confirm_totp(self, access: str, code: str) -> None:
        """The first code from the app: TOTP is on from now (AuthenticationError if wrong)."""

    @abc.abstractmethod
    def disable_totp(self, access: str) -> None:
        """Turn TOTP off (the caller has just checked a code: ``access`` came after one)."""

    @abc.abstractmethod
    def verify(self, token: str) -> Claims:
        """Check signature, expiry, audience and issuer; AuthenticationError otherwise."""

    @abc.abstractmethod
    def register(
        self,
        user_id: str,
        email: str,
        roles: list[str],
        password: str | None,
        *,
        temporary: bool = False,
    ) -> None:
        """Create or update the login of a user; a ``temporary`` password must be changed
        at the next login (NEW_PASSWORD challenge)."""

    def sign_out_everywhere(self, user_id: str) -> None:  # noqa: B027 (optional hook)
        """End the user's sessions at the provider too (Cognito: refresh tokens).

        Our own check (the user's ``signed_out_before``) applies whatever this does."""


class BlobStore(abc.ABC):
    """Raw mails and attachments: S3 in AWS, a folder locally."""

    @abc.abstractmethod
    def put(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None: ...

    @abc.abstractmethod
    def get(self, key: str) -> bytes:
        """Raises NotFoundError."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file; nothing happens if there is none (issue 14: GDPR)."""


@dataclass(frozen=True)
class OutgoingMail:
    """A built message and its SMTP envelope.

    The envelope is kept in wire form whatever the caller gives: IDN domains IDNA-encoded
    (``doerte@xn--exmple-cua.se``), as SES wants them and every mailer (SES, the local
    outbox, the test recorder) then sees the same; an address that would need SMTPUTF8
    raises ValidationError (``address_unreachable``): SES cannot send it.
    """

    sender: str
    recipients: tuple[str, ...]  # envelope: to + cc + bcc
    raw: bytes
    message_id: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "sender", wire_address(self.sender))
        wire = (wire_address(r) for r in self.recipients)
        object.__setattr__(self, "recipients", tuple(dict.fromkeys(wire)))


class Mailer(abc.ABC):
    """Sends a built MIME message: SES v2 in AWS, an outbox folder locally."""

    @abc.abstractmethod
    def send(self, mail: OutgoingMail) -> str:
        """Returns the provider's id for the sent message."""


@dataclass(frozen=True)
class OutgoingSms:
    """One text to send: ``to`` in E.164; ``reference`` is ours (the ticket event or the
    trigger firing), kept with the provider's id so delivery receipts find the message."""

    to: str
    text: str
    reference: str
    origination: str | None = None  # origination identity (number, sender id); None: default


class SmsSender(abc.ABC):
    """Sends a text: AWS End User Messaging SMS (SendTextMessage) in AWS, an outbox
    folder locally, a recording fake in tests."""

    @abc.abstractmethod
    def send(self, sms: OutgoingSms) -> str:
        """Returns the provider's message id."""


@dataclass(frozen=True)
class OutgoingSocial:
    """A reply on a social channel: ``platform`` is "facebook" or "x"; ``recipient`` the
    platform's id of the person (PSID, X user id); ``account`` our page or account id."""

    platform: str
    account: str
    recipient: str
    text: str
    reference: str


class SocialSender(abc.ABC):
    """Sends a direct message: Graph API (Messenger) or X API; a recording fake in tests."""

    @abc.abstractmethod
    def send(self, message: OutgoingSocial) -> str:
        """Returns the platform's message id."""


class LookupRepository(abc.ABC):
    """Unique keys with strongly consistent reads (Message-IDs, stored raw mails, bounces)."""

    @abc.abstractmethod
    def get(self, key: str) -> str | None: ...

    @abc.abstractmethod
    def get_many(self, keys: list[str]) -> dict[str, str]: ...

    @abc.abstractmethod
    def put(self, key: str, target: str) -> None:
        """Set or overwrite."""

    @abc.abstractmethod
    def claim(self, key: str, target: str) -> bool:
        """Set the key only if nobody has; True if it was set now (first writer wins)."""

    @abc.abstractmethod
    def release(self, key: str, target: str) -> None:
        """Undo ``claim``: delete the key if it still names ``target``."""


class MailLogRepository(abc.ABC):
    @abc.abstractmethod
    def put(self, entry: MailLogEntry) -> None:
        """Insert or replace the entry with this id."""

    @abc.abstractmethod
    def get(self, entry_id: str) -> MailLogEntry:
        """Raises NotFoundError."""

    @abc.abstractmethod
    def by_message_id(self, message_id: str) -> list[MailLogEntry]: ...

    @abc.abstractmethod
    def by_sender(
        self, sender: str, since: datetime, until: datetime, limit: int = 100
    ) -> list[MailLogEntry]: ...

    @abc.abstractmethod
    def between(self, since: datetime, until: datetime, limit: int = 100) -> list[MailLogEntry]:
        """Newest first."""

    @abc.abstractmethod
    def quarantined(self, limit: int = 100) -> list[MailLogEntry]:
        """Entries still in quarantine, newest first."""


class NotificationRepository(abc.ABC):
    """Agents' notifications: newest first per user; unread ones counted for the badge."""

    @abc.abstractmethod
    def add(self, notification: Notification) -> bool:
        """Store it unless the user has one with its id already; True if it was stored."""

    @abc.abstractmethod
    def claim_mail(self, user_id: str, notification_id: str) -> bool:
        """Mark the stored notification mailed; False if it was already (or is not there)."""

    @abc.abstractmethod
    def release_mail(self, user_id: str, notification_id: str) -> None:
        """Undo ``claim_mail`` after the mail could not be sent, so a retry sends it."""

    @abc.abstractmethod
    def for_user(
        self, user_id: str, *, unread_only: bool = False, limit: int = 50, cursor: str | None = None
    ) -> Page[Notification]: ...

    @abc.abstractmethod
    def unread_count(self, user_id: str) -> int: ...

    @abc.abstractmethod
    def mark_read(self, user_id: str, ids: list[str] | None = None) -> int:
        """Mark the given notifications (all unread ones with None) read; returns how many."""


class Workflows(abc.ABC):
    """Step Functions state machines (infra/statemachines/): started by name, so a start
    that AWS or our own stream consumer repeats finds the execution already there and
    does nothing. The engine never holds the truth: every step it runs reads DynamoDB."""

    @abc.abstractmethod
    def start(self, machine: str, name: str, payload: Mapping[str, Any]) -> bool:
        """Start ``machine`` as execution ``name``; False if one of that name exists."""

    @abc.abstractmethod
    def stop(self, machine: str, name: str) -> None:
        """Stop the named execution if it runs (a no-op if it ended or never was)."""

    @abc.abstractmethod
    def send_task_success(self, token: str, output: Mapping[str, Any]) -> bool:
        """Complete a waiting task; False if the token is spent, timed out or unknown."""


class Scheduler(abc.ABC):
    """Keeps one timer per scheduled activity (EventBridge Scheduler in AWS) in step with
    the activities in Config. Each timer calls the ``scheduled_activity`` function with the
    activity's id and the occurrence's scheduled time; firing is idempotent, so a timer
    that fires twice, or late, does no harm. The local stack has none (None in Services):
    its loop reads the activities from Config (``local/scheduler_loop.py``)."""

    @abc.abstractmethod
    def put(self, activity: ScheduledActivity) -> None:
        """Create or replace the activity's timer (state, expression, zone, period)."""

    @abc.abstractmethod
    def delete(self, activity_id: str) -> None:
        """Remove the activity's timer; one that is gone already is fine."""

    @abc.abstractmethod
    def put_once(self, activity_id: str, scheduled: datetime, at: datetime) -> None:
        """A one-off timer at ``at`` for the occurrence scheduled at ``scheduled`` (moved to
        the next open day); arming the same occurrence twice arms it once."""


class StatsRepository(abc.ABC):
    """Statistics counters (issue 14): one item per dimension value and day, holding every
    counter of that day (``domain/statistics``), and per ticket the ledger of what its
    history has been counted for, so a change processed twice counts once."""

    @abc.abstractmethod
    def ledger(self, ticket_id: str) -> tuple[dict[tuple[str, str, str], dict[str, int]], int]:
        """What the ticket is counted for now, and the ledger's version (0: none yet)."""

    @abc.abstractmethod
    def apply(
        self,
        ticket_id: str,
        delta: dict[tuple[str, str, str], dict[str, int]],
        ledger: dict[tuple[str, str, str], dict[str, int]],
        version: int,
    ) -> None:
        """Add ``delta`` to the day counters and store ``ledger`` as the ticket's new one,
        atomically, if the ledger is still at ``version``; ConflictError otherwise."""

    @abc.abstractmethod
    def days(
        self, dimension: str, value: str, since: str, until: str
    ) -> list[tuple[str, dict[str, int]]]:
        """Each day's counters of one dimension value from ``since`` to ``until``
        (YYYY-MM-DD, both included), oldest first: a Query (paginated), never a Scan."""

    @abc.abstractmethod
    def backlog_before(self, dimension: str, value: str, day: str) -> int:
        """The sum of the ``backlog`` deltas of the days before ``day``: tickets open then.
        A Query of those days reading back only that counter."""

    @abc.abstractmethod
    def replace_all(
        self,
        counters: dict[tuple[str, str, str], dict[str, int]],
        ledgers: dict[str, dict[tuple[str, str, str], dict[str, int]]],
    ) -> None:
        """Rebuild (ops only, may scan): every counter and ledger replaced by these."""
