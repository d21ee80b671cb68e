"""Login throttling: per account and per client address, shared by every container.

Per account (known or not, so that the answers do not tell which accounts exist):
at most ``ACCOUNT_FAILURES`` wrong passwords, then the account is locked for
``FIRST_LOCK``; once a lock has ended, every further wrong password within
``STRIKE_MEMORY`` locks it again for twice as long, up to ``MAX_LOCK``. A good
password resets all of it. During a lock even the right password is refused, without
being checked. Per client address: ``IP_FAILURES`` wrong passwords within an
``IP_WINDOW`` bucket lock that address out of logging in for ``IP_WINDOW``.

Storage: the lock states are Lookups items (read with one strongly consistent
BatchGetItem before each attempt, written on a lock and on a good login); the counts
are Config counters (atomic ADD, removed by TTL), keyed by time bucket and by the
lock state's ``epoch``, so that a lock or a good login starts the count afresh without
deleting anything and an expired counter that TTL has not yet removed is never read
again. Accounts and addresses appear in keys only as HMACs under the mail secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from chalicelib.domain.errors import TooManyRequestsError
from chalicelib.services.context import Services

ACCOUNT_FAILURES = 5
ACCOUNT_WINDOW = 900  # seconds: the failures that count towards a lock are this recent
FIRST_LOCK = 60
MAX_LOCK = 900
STRIKE_MEMORY = 86_400  # a lock this recent makes the next failure lock again, doubled
IP_FAILURES = 30
IP_WINDOW = 600

MESSAGE = "too many failed logins; try again in {seconds} seconds"


@dataclass
class Guard:
    """The lock state of one account or address (a Lookups item, JSON)."""

    epoch: int = 0  # moves on at each lock and good login: the counters start afresh
    strikes: int = 0  # locks since the last good login
    until: int = 0  # epoch seconds; locked before this

    @classmethod
    def parse(cls, text: str | None) -> Guard:
        try:
            data = json.loads(text) if text else {}
            return cls(int(data["epoch"]), int(data["strikes"]), int(data["until"]))
        except (ValueError, KeyError, TypeError):
            return cls()


@dataclass
class Attempt:
    account_key: str
    ip_key: str
    account: Guard
    tries: int  # this attempt's number within the account's window and epoch


def _digest(svc: Services, kind: str, value: str) -> str:
    mac = hmac.new(svc.mail.secret, f"{kind}:{value}".encode(), hashlib.sha256)
    return f"login-guard:{kind}:{mac.hexdigest()[:32]}"


def _refuse(until: float, now: float) -> TooManyRequestsError:
    seconds = max(1, math.ceil(until - now))
    error = TooManyRequestsError(MESSAGE.format(seconds=seconds), code="too_many_attempts")
    error.retry_after = seconds
    return error


def before(svc: Services, email: str, ip: str) -> Attempt:
    """Refuse (429) while the account or the address is locked; count the attempt."""
    now = svc.clock()
    stamp = now.timestamp()
    account_key, ip_key = _digest(svc, "account", email), _digest(svc, "ip", ip or "unknown")
    stored = svc.lookups.get_many([account_key, ip_key])
    account, address = Guard.parse(stored.get(account_key)), Guard.parse(stored.get(ip_key))
    for guard in (address, account):
        if guard.until > stamp:
            raise _refuse(guard.until, stamp)
    # Counted before the password is checked: a burst of parallel attempts gets at most
    # ACCOUNT_FAILURES checks, whatever order the containers see the lock in.
    bucket = int(stamp // ACCOUNT_WINDOW)
    tries = svc.config.next_number(
        f"login-try:{account_key}:{account.epoch}:{bucket}",
        1,
        expires_at=_later(now, 2 * ACCOUNT_WINDOW),
    )
    if tries > ACCOUNT_FAILURES:
        raise _refuse(stamp + FIRST_LOCK, stamp)
    return Attempt(account_key, ip_key, account, tries)


def failed(svc: Services, attempt: Attempt) -> None:
    """A wrong password (or unknown account): count it, lock when over a limit."""
    now = svc.clock()
    stamp = int(now.timestamp())
    bucket = stamp // IP_WINDOW
    ip_failures = svc.config.next_number(
        f"login-fail:{attempt.ip_key}:{bucket}", 1, expires_at=_later(now, 2 * IP_WINDOW)
    )
    if ip_failures >= IP_FAILURES:
        svc.lookups.put(attempt.ip_key, _dump(Guard(until=stamp + IP_WINDOW)))
    account = attempt.account
    relapse = account.strikes > 0 and stamp - account.until < STRIKE_MEMORY
    if attempt.tries >= ACCOUNT_FAILURES or relapse:
        lock = min(FIRST_LOCK * 2**account.strikes, MAX_LOCK)
        locked = Guard(account.epoch + 1, account.strikes + 1, stamp + lock)
        svc.lookups.put(attempt.account_key, _dump(locked))


def succeeded(svc: Services, attempt: Attempt) -> None:
    """A good login: the account's failures and strikes are forgotten."""
    svc.lookups.put(attempt.account_key, _dump(Guard(attempt.account.epoch + 1)))


def _later(now: datetime, seconds: int) -> datetime:
    return now + timedelta(seconds=seconds)


def _dump(guard: Guard) -> str:
    return json.dumps(asdict(guard))
