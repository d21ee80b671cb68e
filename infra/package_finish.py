"""Finish the template `chalice package` wrote: what the merge template cannot say.

    .venv/bin/python infra/package_finish.py OUT_DIR/sam.json

Chalice's REST API reaches the API function through `${APIHandler.Arn}` in every route of its
DefinitionBody, so the API depends on the function. The function's SERVIT_PUBLIC_URL defaults
to the CloudFront origin, which depends on the API: a cycle, and CloudFormation refuses the
stack (cfn-lint E3004 on the expanded template). The function has a fixed name
("servit-${Stage}-api", infra/gen_resources.FUNCTIONS), so each route names its ARN built
from that name instead; the API no longer depends on the function. API Gateway does not need
the function to exist when an integration is defined, only when it is called, and the stack
creates the function and its invoke permission before it completes.

The routes are many and change with the app, so this is done here on Chalice's output rather
than listed in infra/resources.json. For the same reason the login routes' own throttling
(issue 11) is added here: every POST route under /api/auth/ but logout (login, the MFA
challenge, ...) gets an entry in the stage's MethodSettings with the ApiLoginThrottle*
parameters, beside the stage-wide entry from infra/resources.json. API Gateway refuses a
method setting for a route that does not exist, so they are listed from the routes Chalice
wrote.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.gen_resources import FUNCTIONS, LOGIN_PATH_PREFIX, login_throttling  # noqa: E402

BY_REFERENCE = "${APIHandler.Arn}"
BY_NAME = (
    "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
    f"servit-${{Stage}}-{FUNCTIONS['APIHandler']}"
)


def _rewrite(node: Any) -> tuple[Any, int]:
    if isinstance(node, dict):
        count = 0
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "Fn::Sub" and isinstance(value, str) and BY_REFERENCE in value:
                out[key] = value.replace(BY_REFERENCE, BY_NAME)
                count += 1
            else:
                out[key], n = _rewrite(value)
                count += n
        return out, count
    if isinstance(node, list):
        items = [_rewrite(v) for v in node]
        return [v for v, _ in items], sum(n for _, n in items)
    return node, 0


def decouple_api(template: dict[str, Any]) -> int:
    """Point the REST API's integrations at the API function by name; returns how many."""
    api = template["Resources"]["RestAPI"]
    api["Properties"]["DefinitionBody"], count = _rewrite(api["Properties"]["DefinitionBody"])
    if count == 0:
        raise SystemExit("RestAPI names no ${APIHandler.Arn}: has Chalice's output changed?")
    return count


def login_routes(template: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, method) of the routes whose stricter throttling package_finish adds."""
    paths = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    return sorted(
        (path, method.upper())
        for path, operations in paths.items()
        if path.startswith(LOGIN_PATH_PREFIX) and not path.endswith("/logout")
        for method in operations
        if method.lower() == "post"
    )


def throttle_login(template: dict[str, Any]) -> int:
    """Give each login route its own, tighter bucket on the stage; returns how many."""
    routes = login_routes(template)
    if not routes:
        raise SystemExit(f"no POST route under {LOGIN_PATH_PREFIX}: has the login moved?")
    props = template["Resources"]["RestAPI"]["Properties"]
    settings = [s for s in props.get("MethodSettings", []) if s.get("ResourcePath") == "/*"]
    if not settings:
        raise SystemExit("RestAPI has no stage-wide MethodSettings: is resources.json merged?")
    props["MethodSettings"] = settings + [login_throttling(p, m) for p, m in routes]
    return len(routes)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: infra/package_finish.py SAM_TEMPLATE", file=sys.stderr)
        return 2
    path = Path(argv[1])
    template = json.loads(path.read_text(encoding="utf-8"))
    decouple_api(template)
    throttle_login(template)
    path.write_text(json.dumps(template, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
