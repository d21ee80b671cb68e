"""Test helpers: services on in-memory fakes, a controllable clock, a small helpdesk."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.adapters.identity_local import LocalIdentity, generate_private_key_pem
from chalicelib.adapters.memory import (
    InMemoryConfigRepository,
    InMemoryContactRepository,
    InMemoryTicketRepository,
)
from chalicelib.adapters.memory_mail import (
    InMemoryBlobStore,
    InMemoryLookupRepository,
    InMemoryMailLogRepository,
    InMemoryNotificationRepository,
    RecordingMailer,
)
from chalicelib.adapters.memory_organisations import InMemoryOrganisationRepository
from chalicelib.adapters.memory_search_index import InMemorySearchIndex
from chalicelib.adapters.memory_sms import RecordingSmsSender
from chalicelib.adapters.memory_stats import InMemoryStatsRepository
from chalicelib.adapters.memory_workflows import RecordingWorkflows
from chalicelib.domain.organisation import Group, ResponsePoint, Settings, User
from chalicelib.domain.records import to_record
from chalicelib.services import directory
from chalicelib.services.context import MailSettings, Services

_KEY = generate_private_key_pem()
TEST_MAIL_SETTINGS = MailSettings(secret=b"test-secret", message_id_domain="servit.test")


@dataclass
class FrozenClock:
    """Starts at the real present (tokens carry real expiry times) and moves only when told."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def fake_services(clock: FrozenClock | None = None) -> Services:
    clock = clock or FrozenClock()
    config = InMemoryConfigRepository()
    lookups = InMemoryLookupRepository()
    return Services(
        tickets=InMemoryTicketRepository(lookups),
        contacts=InMemoryContactRepository(lookups),
        config=config,
        identity=LocalIdentity(config, _KEY, clock=clock, hash_rounds=1000),
        clock=clock,
        lookups=lookups,
        mail_log=InMemoryMailLogRepository(),
        blobs=InMemoryBlobStore(),
        mailer=RecordingMailer(),
        notifications=InMemoryNotificationRepository(),
        organisations=InMemoryOrganisationRepository(lookups),
        stats=InMemoryStatsRepository(),
        search_index=InMemorySearchIndex(),
        workflows=RecordingWorkflows(),
        sms=RecordingSmsSender(),
        mail=TEST_MAIL_SETTINGS,
    )


PASSWORD = "secret-pw"


def logged_in(svc: Services, body: Any, *, ip: str = "") -> tuple[str, User]:
    """Log in through the service and expect a token at once (no challenge)."""
    from chalicelib.services import sign_in

    outcome = sign_in.login(svc, body, ip=ip)
    assert outcome.token and outcome.user, f"a challenge instead of a token: {outcome.challenge}"
    return outcome.token, outcome.user


def seed_helpdesk(svc: Services) -> dict[str, User]:
    """Two response points, three groups, five users: the shape most tests need.

    - kundtjanst (level own_groups): groups kt-first (agent1, agent2), kt-second (agent3)
    - it-support (level all): group it-desk (agent3)
    """
    rps = [
        ResponsePoint(
            "kundtjanst", "Kundtjänst", ["kundtjanst@example.com"], visibility_level="own_groups"
        ),  # type: ignore[arg-type]
        ResponsePoint("it-support", "IT-support", ["it@example.com"], language="en"),  # type: ignore[arg-type]
    ]
    groups = [
        Group("kt-first", "Första linjen", "kundtjanst"),
        Group("kt-second", "Andra linjen", "kundtjanst"),
        Group("it-desk", "Servicedesk", "it-support"),
    ]
    users = [
        User("admin", "admin@example.com", "Ada Admin", roles=["admin"]),  # type: ignore[list-item]
        User(
            "dispatcher",
            "dispatcher@example.com",
            "Dag Dispatcher",
            roles=["dispatcher"],
            groups=["kt-first"],
        ),  # type: ignore[list-item]
        User("agent1", "agent1@example.com", "Agnes Agent", groups=["kt-first"]),
        User("agent2", "agent2@example.com", "Bo Agent", groups=["kt-first"]),
        User("agent3", "agent3@example.com", "Cai Agent", groups=["kt-second", "it-desk"]),
    ]
    for rp in rps:
        svc.config.put(directory.RESPONSE_POINT, rp.id, to_record(rp))
    for group in groups:
        svc.config.put(directory.GROUP, group.id, to_record(group))
    for user in users:
        svc.config.put(directory.USER, user.id, to_record(user))
        svc.identity.register(user.id, user.email, [r.value for r in user.roles], PASSWORD)
    svc.config.put(
        directory.SETTINGS,
        "global",
        # Admin MFA off: most tests log the admin in with a password alone; the tests of
        # the MFA set-up turn it on (tests/api/test_api_mfa.py).
        to_record(Settings(default_response_point_id="kundtjanst", admins_require_mfa=False)),
    )
    return {u.id: u for u in users}


def dynamo_backed_services(endpoint: str, prefix: str, clock: FrozenClock) -> Services:
    from chalicelib.adapters.dynamodb.config import DynamoConfigRepository
    from chalicelib.adapters.dynamodb.contacts import DynamoContactRepository
    from chalicelib.adapters.dynamodb.mail import DynamoLookupRepository, DynamoMailLogRepository
    from chalicelib.adapters.dynamodb.models import bind
    from chalicelib.adapters.dynamodb.notifications import DynamoNotificationRepository
    from chalicelib.adapters.dynamodb.organisations import DynamoOrganisationRepository
    from chalicelib.adapters.dynamodb.search_index import DynamoSearchIndex
    from chalicelib.adapters.dynamodb.stats import DynamoStatsRepository
    from chalicelib.adapters.dynamodb.tickets import DynamoTicketRepository

    bind(prefix, endpoint, "eu-north-1")
    config = DynamoConfigRepository()
    return Services(
        tickets=DynamoTicketRepository(),
        contacts=DynamoContactRepository(),
        config=config,
        identity=LocalIdentity(config, _KEY, clock=clock, hash_rounds=1000),
        clock=clock,
        lookups=DynamoLookupRepository(),
        mail_log=DynamoMailLogRepository(),
        blobs=InMemoryBlobStore(),
        mailer=RecordingMailer(),
        notifications=DynamoNotificationRepository(),
        organisations=DynamoOrganisationRepository(),
        stats=DynamoStatsRepository(),
        search_index=DynamoSearchIndex(),
        workflows=RecordingWorkflows(),
        sms=RecordingSmsSender(),
        mail=TEST_MAIL_SETTINGS,
    )


_SEQUENCE = itertools.count(1)


def drain_stream(svc: Services, *, times: int = 1) -> list[dict[str, Any]]:
    """Deliver what the in-memory TicketEvents "stream" holds to the stream consumer's
    Lambda handler, as Lambda would: records in its event shape, in order, and again from
    a reported failure (left for the next drain). ``times=2`` delivers the same batch twice,
    as a redelivering stream may. Returns the handler's answers."""
    from chalicelib.adapters.dynamodb.stream import lambda_record
    from chalicelib.api import events

    repo = svc.tickets
    assert isinstance(repo, InMemoryTicketRepository)
    taken = repo.take_stream()
    records = [lambda_record(s, f"{next(_SEQUENCE):021d}") for s in taken]
    answers = []
    for _ in range(times):
        answer = events.handle(svc, {"Records": records})
        answers.append(answer)
        failures = [f["itemIdentifier"] for f in answer["batchItemFailures"]]
        if failures:
            at = [r["dynamodb"]["SequenceNumber"] for r in records].index(min(failures))
            repo.give_back(taken[at:])
            break
    return answers
