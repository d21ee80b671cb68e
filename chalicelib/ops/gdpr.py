"""GDPR by hand (issue 14): run the retention job now, or write a contact's export archive
to a file (for archives over what one API answer may carry).

    python -m chalicelib.ops.gdpr retention [--budget 200] [--until-done]
    python -m chalicelib.ops.gdpr preview --response-point kundtjanst
    python -m chalicelib.ops.gdpr export --contact <id> --out contact.zip

Runs on the services the environment describes, as the functions do (SERVIT_TABLE_PREFIX,
SERVIT_MAIL_BUCKET, SERVIT_IDENTITY, SERVIT_SECRET_ARN ...; the local stack's defaults when
unset). Needs what the retention function's role grants (.chalice/policy-aws-retention.json),
plus s3:GetObject for an export.
"""

from __future__ import annotations

import argparse
import json

from chalicelib import bootstrap
from chalicelib.services.gdpr import export, retention


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalicelib.ops.gdpr",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("retention", help="anonymise or delete what retention says")
    run.add_argument("--budget", type=int, default=retention.MAX_PER_RUN)
    run.add_argument("--until-done", action="store_true", help="repeat while more is due")
    preview = commands.add_parser("preview", help="how many tickets the next run touches")
    preview.add_argument("--response-point", required=True)
    archive = commands.add_parser("export", help="a contact's archive into a file")
    archive.add_argument("--contact", required=True)
    archive.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    svc = bootstrap.services()
    if args.command == "retention":
        while True:
            report = retention.run(svc, budget=args.budget)
            print(json.dumps(report.as_dict()))
            if not (args.until_done and report.more):
                return 0
    if args.command == "preview":
        print(json.dumps(retention.preview(svc, args.response_point).as_dict()))
        return 0
    data, tickets = export.build_archive(svc, args.contact)
    with open(args.out, "wb") as handle:
        handle.write(data)
    print(f"wrote {args.out}: {len(data)} bytes, {tickets} ticket(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
