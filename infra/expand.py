"""Expand the packaged SAM template the way CloudFormation does on deploy, offline.

    .venv/bin/python infra/expand.py OUT_DIR/sam.json OUT_DIR/expanded.json

cfn-lint reads a SAM template without expanding it, so it cannot see what CloudFormation
sees after the AWS::Serverless-2016-10-31 transform: the plain resources and their
dependency graph (a cycle among them makes CloudFormation refuse the stack). infra/package.sh
lints the expanded template too, and tests/infra creates it in moto's CloudFormation.

The transform needs an account, a region and code in S3, none of which matter to the shape:
a fake account, AWS_DEFAULT_REGION, and `s3://servit-artifacts/deployment.zip` stand in
for what `aws cloudformation package` fills in.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path
from typing import Any

PLACEHOLDER_CODE = "s3://servit-artifacts/deployment.zip"


class NoManagedPolicies:
    """Chalice gives every function its own role, so no managed policy name needs looking up
    (the real loader would ask IAM)."""

    def load(self) -> dict[str, str]:
        return {}


def expand(sam: dict[str, Any], region: str | None = None) -> dict[str, Any]:
    region = region or os.environ.get("AWS_DEFAULT_REGION") or "eu-north-1"
    os.environ.setdefault("AWS_DEFAULT_REGION", region)
    from samtranslator.translator.arn_generator import ArnGenerator
    from samtranslator.translator.transform import transform

    ArnGenerator.BOTO_SESSION_REGION_NAME = region
    template = copy.deepcopy(sam)
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        code = props.get("CodeUri")
        is_function = resource.get("Type") == "AWS::Serverless::Function"
        if is_function and isinstance(code, str) and not code.startswith("s3://"):
            props["CodeUri"] = PLACEHOLDER_CODE
    expanded: dict[str, Any] = transform(template, {}, NoManagedPolicies())
    return expanded


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: infra/expand.py SAM_TEMPLATE OUTPUT", file=sys.stderr)
        return 2
    sam = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    Path(argv[2]).write_text(json.dumps(expand(sam), indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
