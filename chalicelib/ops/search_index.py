"""Fill the top-bar search's index for an existing installation (issue 15).

    python -m chalicelib.ops.search_index --stage prod [--region eu-north-1]
    python -m chalicelib.ops.search_index --prefix local- --endpoint http://127.0.0.1:8001

New changes are indexed by the TicketEvents stream consumer and by the contact and
organisation use cases; tickets written before the index existed (or before a change in how
words are folded) need this once. It scans the Tickets table for ids (a Scan: an operator's
command, never a request path), reads each ticket and its history, and lists contacts and
organisations by their name index. Every item has a fixed key, so it is safe to run while
the stack is in use, and again. Needs credentials allowed to Scan Tickets, read Tickets,
TicketEvents, Contacts and Lookups, and write the SearchIndex table.
"""

from __future__ import annotations

import argparse
import sys

from chalicelib.ops.rebuild_stats import services_for, ticket_ids
from chalicelib.services.search_index.rebuild import Rebuilt, rebuild


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalicelib.ops.search_index",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--stage", help="the deployed stage: tables servit-<stage>-*")
    where.add_argument("--prefix", help="a table prefix as it is (the local stack: local-)")
    parser.add_argument("--endpoint", default=None, help="DynamoDB endpoint (DynamoDB Local)")
    parser.add_argument("--region", default=None, help="default: the AWS CLI's region")
    args = parser.parse_args(argv)

    import boto3

    from chalicelib.adapters.dynamodb.organisations import DynamoOrganisationRepository
    from chalicelib.adapters.dynamodb.search_index import DynamoSearchIndex

    region = args.region or boto3.session.Session().region_name or "eu-north-1"
    prefix = args.prefix if args.prefix is not None else f"servit-{args.stage}-"
    svc = services_for(prefix, args.endpoint, region)
    svc.organisations = DynamoOrganisationRepository()
    svc.search_index = DynamoSearchIndex()

    def report(done: Rebuilt) -> None:
        print(f"... {done.tickets} ticket(s), {done.items} item(s)", flush=True)

    done = rebuild(svc, ticket_ids(), progress=report)
    print(
        f"indexed {done.tickets} ticket(s), {done.contacts} contact(s), "
        f"{done.organisations} organisation(s): {done.items} index item(s) written"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
