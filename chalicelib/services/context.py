"""The ports a use case works with, handed over as one bundle (wired in bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.services.live.ports import LiveChannel, ReadMarkers
from chalicelib.services.ports import (
    BlobStore,
    Clock,
    ConfigRepository,
    ContactRepository,
    IdentityProvider,
    LookupRepository,
    Mailer,
    MailLogRepository,
    NotificationRepository,
    OrganisationRepository,
    Scheduler,
    SmsSender,
    SocialSender,
    StatsRepository,
    TicketRepository,
    Workflows,
)
from chalicelib.services.search_index.ports import SearchIndex
from chalicelib.services.social.keys import SocialKeySource


@dataclass(frozen=True)
class MailSettings:
    """How we send and receive mail; the secret signs reply addresses and portal links."""

    secret: bytes = b"change-me-in-config"
    message_id_domain: str = "servit.example"  # right-hand side of every Message-ID we make
    portal_base_url: str = "http://127.0.0.1:8000"
    max_message_bytes: int = 40 * 1024 * 1024  # as SES: larger mail is kept but not parsed
    max_attachments: int = 100
    auto_mail_per_hour: int = 5  # automatic mails to one address (+tags folded), at most
    # ... and to one mail domain, except the big public mailbox providers (mail_caps)
    auto_mail_per_domain_per_hour: int = 20
    portal_link_days: int = 30


@dataclass
class Services:
    tickets: TicketRepository
    contacts: ContactRepository
    config: ConfigRepository
    identity: IdentityProvider
    clock: Clock
    lookups: LookupRepository
    mail_log: MailLogRepository
    blobs: BlobStore
    mailer: Mailer
    notifications: NotificationRepository
    workflows: Workflows
    mail: MailSettings = field(default_factory=MailSettings)
    # Scheduled activities' timers (EventBridge Scheduler); None: nothing outside keeps
    # them (the local stack's loop reads Config; unit tests).
    scheduler: Scheduler | None = None
    # Texts (issue 13): End User Messaging in AWS, the outbox folder locally. None: not set up.
    sms: SmsSender | None = None
    # Messenger and X direct messages (issue 13). None: not set up.
    social: SocialSender | None = None
    # The platforms' webhook secrets and send tokens, read on first use (services/social/
    # keys.py). None: the webhooks answer 503.
    social_keys: SocialKeySource | None = None
    # Statistics counters (issue 14). None: not kept (the stream consumer skips them).
    stats: StatsRepository | None = None
    # Customer organisations (issue 14, services/crm). None: not wired (older tests).
    organisations: OrganisationRepository | None = None
    # Issue 15, live lists (services/live): connections and the push to browsers. None: not
    # wired (tests; a stack without a WebSocket API): lists refresh by the UI's fallback.
    live: LiveChannel | None = None
    # Issue 15: the ticket version each user last opened ("unread" list rows). None: rows
    # carry no "unread" (older tests).
    read_markers: ReadMarkers | None = None
    # Issue 15, the top-bar search (services/search_index). None: nothing is indexed and
    # the search finds only ticket numbers (older tests).
    search_index: SearchIndex | None = None
