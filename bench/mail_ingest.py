"""E-mail intake: a generated mixed corpus through ``mail_intake.ingest``, one mail at a time.

As in AWS, the raw mail is stored before intake runs (SES writes it to S3; here the
LocalBlobStore that ``bootstrap.build`` wires for identity "local", in the bench's
temporary folder) and only ``ingest`` is timed and counted.
"""

from __future__ import annotations

import inspect
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench import hard_mails, mail_corpus
from bench.counting import Usage
from bench.workloads import Helpdesk, Timing, percentile, timing
from chalicelib.domain.mail_log import MailLogEntry, Outcome
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.records import to_record
from chalicelib.services import directory
from chalicelib.services.mail import intake as mail_intake
from chalicelib.services.mail import outbound

SEED = 20261128
CREATED = "new ticket"
APPENDED = "reply (appended to its ticket)"
IGNORED = "duplicate (ignored)"
BY_OUTCOME = {Outcome.CREATED: CREATED, Outcome.APPENDED: APPENDED, Outcome.IGNORED: IGNORED}


@dataclass
class Samples:
    name: str
    ms: list[float]
    requests: list[int]
    usage: Usage

    @classmethod
    def empty(cls, name: str) -> Samples:
        return cls(name, [], [], Usage())

    def add(self, ms: float, usage: Usage) -> None:
        self.ms.append(ms)
        self.requests.append(usage.total_requests)
        self.usage = self.usage.plus(usage)

    def timing(self) -> Timing:
        return timing(self.name, self.ms, self.usage, self.requests)


@dataclass(frozen=True)
class Intact:
    """Mails whose sender, subject and first body line reached their ticket intact."""

    checked: int
    failures: list[tuple[str, list[str]]]  # (mail, what differed)

    @property
    def intact(self) -> int:
        return self.checked - len(self.failures)


@dataclass(frozen=True)
class MailFigures:
    count: int
    megabytes: float
    seconds: float  # time inside ingest(), all messages
    generated_in: float
    by_kind: list[Timing]  # then "all messages"
    by_outcome: list[Timing]  # warm container, acknowledgements off
    extra: list[Timing]  # acknowledgements on; cold container
    acknowledgements: int  # mails in the outbox after the acknowledgement run
    warmup: int
    corpus_intact: Intact  # the measured corpus, duplicates (filed nowhere) left out
    hard_intact: Intact  # bench/hard_mails.py, in this process


class Intake:
    def __init__(self, desk: Helpdesk, data_dir: str) -> None:
        self.desk = desk
        self.outbox = Path(data_dir) / "outbox"
        self.corpus = mail_corpus.Corpus(
            SEED, list(desk.emails), ("kundtjanst@example.com", "it@example.com")
        )
        self.stored = 0
        self.generating = 0.0

    def one(
        self, kind: str | None = None
    ) -> tuple[mail_corpus.CorpusMail, float, Usage, MailLogEntry]:
        """Generate and store the next mail (untimed), then ingest it (timed and counted)."""
        svc, counter = self.desk.svc, self.desk.counter
        started = time.perf_counter()
        mail = self.corpus.next_mail(kind)
        self.stored += 1
        key = f"inbound/{self.stored:06d}.eml"
        svc.blobs.put(key, mail.raw, "message/rfc822")
        self.generating += time.perf_counter() - started
        self.desk.clock.advance(seconds=3)
        before = counter.usage()
        started = time.perf_counter()
        entry = mail_intake.ingest(svc, key, list(mail.recipients))
        ms = (time.perf_counter() - started) * 1000
        usage = counter.usage().minus(before)
        self._check(mail, entry)
        if entry.outcome is Outcome.CREATED and entry.ticket_id:
            # For later replies by subject tag (outside the counted window).
            self.corpus.ticket_created(mail.message_id, svc.tickets.get(entry.ticket_id).number)
        return mail, ms, usage, entry

    @staticmethod
    def _check(mail: mail_corpus.CorpusMail, entry: MailLogEntry) -> None:
        if entry.outcome.value != mail.expect_outcome or entry.threading_rule != mail.expect_rule:
            raise RuntimeError(
                f"{mail.kind} {mail.message_id}: expected {mail.expect_outcome}/"
                f"{mail.expect_rule!r}, got {entry.outcome.value}/{entry.threading_rule!r} "
                f"({entry.reason})"
            )

    def set_acknowledge(self, on: bool) -> None:
        svc = self.desk.svc
        for rp in directory.response_points(svc):
            svc.config.put(
                directory.RESPONSE_POINT, rp.id, to_record(replace(rp, auto_acknowledge=on))
            )


def run(desk: Helpdesk, data_dir: str, *, count: int, warmup: int, extra: int) -> MailFigures:
    intake = Intake(desk, data_dir)
    intake.set_acknowledge(False)
    for _ in range(warmup):
        intake.one()
    filed: list[tuple[mail_corpus.CorpusMail, MailLogEntry]] = []
    kinds = {k: Samples.empty(k) for k in mail_corpus.KINDS}
    outcomes = {name: Samples.empty(name) for name in BY_OUTCOME.values()}
    everything = Samples.empty("all messages")
    size = 0
    for i in range(count):
        mail, ms, usage, entry = intake.one()
        filed.append((mail, entry))
        size += len(mail.raw)
        kinds[mail.kind].add(ms, usage)
        outcomes[_outcome_name(mail)].add(ms, usage)
        everything.add(ms, usage)
        if (i + 1) % 250 == 0:
            print(f"  mail: {i + 1:,} ingested", flush=True)
    seconds = sum(everything.ms) / 1000

    # A cold container (config cache empty) for a new ticket and a reply.
    cold_new = Samples.empty(f"{CREATED}, known sender, cold container")
    cold_reply = Samples.empty(f"{APPENDED.split(' (')[0]} (In-Reply-To), cold container")
    for kind, samples in ((mail_corpus.NEW_KNOWN, cold_new), (mail_corpus.REPLY_ID, cold_reply)):
        for _ in range(extra):
            desk.cache.clear()
            _, ms, usage, _ = intake.one(kind)
            samples.add(ms, usage)

    # New tickets with the automatic acknowledgement on (both response points).
    intake.set_acknowledge(True)
    intake.one(mail_corpus.NEW_KNOWN)  # refills the cache the put cleared; not counted
    sent_before = _outbox_size(intake.outbox)
    acked = {
        k: Samples.empty(f"{CREATED}, {k.split(', ')[1]}, auto_acknowledge on")
        for k in mail_corpus.NEW_KINDS
    }
    for i in range(2 * extra):
        kind = mail_corpus.NEW_KINDS[i % 2]
        _, ms, usage, entry = intake.one(kind)
        # The acknowledgement itself is sent by the TicketEvents stream consumer (issue 11:
        # intake sends no mail): its requests and time belong to this row too.
        ack_ms, ack_usage = _acknowledge_from_stream(desk, entry)
        acked[kind].add(ms + ack_ms, usage.plus(ack_usage))
    intake.set_acknowledge(False)
    acknowledgements = _outbox_size(intake.outbox) - sent_before
    corpus_intact = Intact(
        sum(1 for mail, _ in filed if mail.kind != mail_corpus.DUPLICATE),
        [
            (f"{mail.kind} {mail.message_id}", problems)
            for mail, entry in filed
            if mail.kind != mail_corpus.DUPLICATE
            for problems in [_intact(desk, entry, mail.sender, mail.subject, mail.text)]
            if problems
        ],
    )
    hard_intact = _hard_mails(intake)
    print(
        f"  intact (sender, subject, first line): corpus {corpus_intact.intact} of "
        f"{corpus_intact.checked}, hard mails {hard_intact.intact} of {hard_intact.checked}",
        flush=True,
    )

    print(
        f"  mail: {count:,} in {seconds:.1f} s ({count / seconds:,.0f}/s); "
        f"{acknowledgements} acknowledgements",
        flush=True,
    )
    return MailFigures(
        count=count,
        megabytes=size / 1024 / 1024,
        seconds=seconds,
        generated_in=intake.generating,
        by_kind=[s.timing() for s in kinds.values() if s.ms] + [everything.timing()],
        by_outcome=[s.timing() for s in outcomes.values() if s.ms],
        extra=[s.timing() for s in (*acked.values(), cold_new, cold_reply)],
        acknowledgements=acknowledgements,
        warmup=warmup,
        corpus_intact=corpus_intact,
        hard_intact=hard_intact,
    )


def _intact(desk: Helpdesk, entry: MailLogEntry, sender: str, subject: str, text: str) -> list[str]:
    """What of sender, subject and first body line is not on the entry's ticket."""
    return _intact_first(desk, entry, sender, subject, hard_mails.first_line(text))


def _intact_first(
    desk: Helpdesk, entry: MailLogEntry, sender: str, subject: str, first: str
) -> list[str]:
    svc = desk.svc
    if not entry.ticket_id:
        return [f"no ticket: {entry.outcome.value} ({entry.reason})"]
    event = next(
        (e for e in svc.tickets.events(entry.ticket_id) if e.event_id == entry.event_id), None
    )
    contact_id = svc.tickets.get(entry.ticket_id).contact_id
    emails = svc.contacts.get(contact_id).emails if contact_id else []
    return hard_mails.check(sender, subject, first, event.data if event else None, emails)


def _hard_mails(intake: Intake) -> Intact:
    """bench/hard_mails.py through ``ingest`` in this process (acknowledgements off)."""
    svc = intake.desk.svc
    # MAIL FROM / SES's mail.source, where this version of ingest takes it.
    envelope = "envelope_sender" in inspect.signature(mail_intake.ingest).parameters
    failures = []
    mails = hard_mails.mails(f"bench{os.getpid()}")
    for n, mail in enumerate(mails):
        key = f"inbound/hard-{n:03d}.eml"
        svc.blobs.put(key, mail.raw, "message/rfc822")
        intake.desk.clock.advance(seconds=3)
        recipients = ["kundtjanst@example.com"]
        try:
            if envelope:
                entry = mail_intake.ingest(
                    svc, key, recipients, envelope_sender=mail.envelope_sender
                )
            else:
                entry = mail_intake.ingest(svc, key, recipients)
            problems = _intact_first(intake.desk, entry, mail.sender, mail.subject, mail.first_line)
        except Exception as error:  # reported, not raised: the bench measures
            problems = [f"intake raised {type(error).__name__}: {error}"]
        if problems:
            failures.append((mail.name, problems))
    return Intact(len(mails), failures)


@dataclass(frozen=True)
class Throughput:
    count: int
    per_second: float  # messages over the time inside ingest()
    p50_ms: float
    p99_ms: float


def throughput(desk: Helpdesk, data_dir: str, *, count: int, warmup: int) -> Throughput:
    """Only the rate: ``warmup`` mails, then ``count`` timed ones, acknowledgements off."""
    intake = Intake(desk, data_dir)
    intake.set_acknowledge(False)
    for _ in range(warmup):
        intake.one()
    ms = [intake.one()[1] for _ in range(count)]
    return Throughput(count, count / (sum(ms) / 1000), percentile(ms, 50), percentile(ms, 99))


def _outcome_name(mail: mail_corpus.CorpusMail) -> str:
    return BY_OUTCOME[Outcome(mail.expect_outcome)]  # checked against the mail log entry


def _acknowledge_from_stream(desk: Helpdesk, entry: MailLogEntry) -> tuple[float, Usage]:
    """What the stream consumer does with the new ticket's stored change: send the
    acknowledgement its created event notes as due (read outside the counted window)."""
    if not entry.ticket_id:
        return 0.0, Usage()
    change = [StoredEvent(e) for e in desk.svc.tickets.events(entry.ticket_id)]
    before = desk.counter.usage()
    started = time.perf_counter()
    outbound.acknowledge_change(desk.svc, change)
    return (time.perf_counter() - started) * 1000, desk.counter.usage().minus(before)


def _outbox_size(folder: Path) -> int:
    return len(list(folder.glob("*.eml"))) if folder.is_dir() else 0
