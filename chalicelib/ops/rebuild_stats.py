"""Recount every statistics counter from the tickets' histories (issue 14).

    python -m chalicelib.ops.rebuild_stats --stage prod [--region eu-north-1]
    python -m chalicelib.ops.rebuild_stats --prefix local- --endpoint http://127.0.0.1:8001

Run it after a new figure is added, or after a fix in how figures are counted: it scans the
Tickets table (a Scan: an operator's command, never a request path), folds each ticket's
history as the stream consumer does (services/statistics/recording.py) and replaces the
Stats table's counters and ledgers with the recount. Changes the stream counts while it
runs are counted again by their ledgers' next change; run it when the stream is quiet, or
twice. Needs credentials allowed to Scan Tickets and Stats, Query TicketEvents, read Config
and write Stats. ``--dry-run`` counts and prints, writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from chalicelib.services.context import Services
from chalicelib.services.statistics import rebuild


class _NotUsed:
    """A port the rebuild never touches (mail, identity, blobs, workflows): a use is a bug."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        raise RuntimeError(f"rebuild_stats does not use {self._name}.{attribute}")


def services_for(prefix: str, endpoint: str | None, region: str) -> Services:
    from chalicelib.adapters.dynamodb.config import DynamoConfigRepository
    from chalicelib.adapters.dynamodb.contacts import DynamoContactRepository
    from chalicelib.adapters.dynamodb.mail import DynamoLookupRepository, DynamoMailLogRepository
    from chalicelib.adapters.dynamodb.models import bind
    from chalicelib.adapters.dynamodb.notifications import DynamoNotificationRepository
    from chalicelib.adapters.dynamodb.stats import DynamoStatsRepository
    from chalicelib.adapters.dynamodb.tickets import DynamoTicketRepository

    bind(prefix, endpoint, region)
    return Services(
        tickets=DynamoTicketRepository(),
        contacts=DynamoContactRepository(),
        config=DynamoConfigRepository(),
        identity=_NotUsed("identity"),  # type: ignore[arg-type]
        clock=lambda: datetime.now(UTC),
        lookups=DynamoLookupRepository(),
        mail_log=DynamoMailLogRepository(),
        blobs=_NotUsed("blobs"),  # type: ignore[arg-type]
        mailer=_NotUsed("mailer"),  # type: ignore[arg-type]
        notifications=DynamoNotificationRepository(),
        workflows=_NotUsed("workflows"),  # type: ignore[arg-type]
        stats=DynamoStatsRepository(),
    )


def ticket_ids() -> list[str]:
    from chalicelib.adapters.dynamodb.models import TicketModel

    return [item.ticket_id for item in TicketModel.scan(attributes_to_get=["ticket_id"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalicelib.ops.rebuild_stats",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--stage", help="the deployed stage: tables servit-<stage>-*")
    where.add_argument("--prefix", help="a table prefix as it is (the local stack: local-)")
    parser.add_argument("--endpoint", default=None, help="DynamoDB endpoint (DynamoDB Local)")
    parser.add_argument("--region", default=None, help="default: the AWS CLI's region")
    parser.add_argument("--dry-run", action="store_true", help="count, write nothing")
    args = parser.parse_args(argv)

    import boto3

    region = args.region or boto3.session.Session().region_name or "eu-north-1"
    prefix = args.prefix if args.prefix is not None else f"servit-{args.stage}-"
    svc = services_for(prefix, args.endpoint, region)
    ids = ticket_ids()
    if args.dry_run:
        counters, ledgers = rebuild.recount(
            svc, ((svc.tickets.get(i), svc.tickets.events(i)) for i in ids)
        )
        print(f"would write {len(counters)} day counter item(s) for {len(ledgers)} ticket(s)")
        return 0
    counted = rebuild.rebuild(svc, ids)
    print(f"recounted {counted} ticket(s) of {len(ids)}: the Stats table is replaced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
