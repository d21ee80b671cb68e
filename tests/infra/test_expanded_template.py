"""The template CloudFormation really gets (SAM transform applied, infra/expand.py) has no
dependency cycle, lints clean, keeps data when something is deleted by mistake, and names
everything by the stack's Stage parameter."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra import gen_resources, package_finish

pytestmark = pytest.mark.infra

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def expanded(packaged: Path) -> dict[str, Any]:
    return json.loads((packaged / "expanded.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def references(node: Any) -> set[str]:
    """Logical ids a resource's properties name (Ref, Fn::GetAtt, ${...} in Fn::Sub)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else value.split(".")[0])
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!][^}]*)\}", text)}
                if not isinstance(value, str):
                    found |= references(value[1])
            else:
                found |= references(value)
    elif isinstance(node, list):
        for value in node:
            found |= references(value)
    return found


def dependencies(template: dict[str, Any]) -> dict[str, set[str]]:
    resources = template["Resources"]
    graph = {}
    for logical_id, resource in resources.items():
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else depends
        named = references(resource.get("Properties", {})) | set(depends)
        graph[logical_id] = {name for name in named if name in resources}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
            if nxt not in state and (cycle := visit(nxt, [*path, nxt])):
                return cycle
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_the_expanded_template_has_no_dependency_cycle(expanded: dict[str, Any]) -> None:
    assert find_cycle(dependencies(expanded)) is None


def test_the_cycle_check_finds_the_one_the_api_had_before_it_named_its_function() -> None:
    # Given the API and function as Chalice writes them, with the public URL defaulting to
    # the CloudFront origin in front of the API
    template = {
        "Resources": {
            "RestAPI": {"Properties": {"Uri": {"Fn::Sub": "x/${APIHandler.Arn}/invocations"}}},
            "WebDistribution": {"Properties": {"Origin": {"Fn::Sub": "${RestAPI}.example"}}},
            "APIHandler": {"Properties": {"Url": {"Fn::GetAtt": ["WebDistribution", "Domain"]}}},
        }
    }
    assert find_cycle(dependencies(template)) is not None
    # When the API names the function's ARN by its name instead
    template["Resources"]["RestAPI"]["Properties"]["Uri"]["Fn::Sub"] = package_finish.BY_NAME
    assert find_cycle(dependencies(template)) is None


def test_cfn_lint_finds_nothing_in_the_expanded_template(packaged: Path) -> None:
    # E3004 is cfn-lint's circular dependency; W3660 a gateway response outside the API body
    result = subprocess.run(
        [str(BIN / "cfn-lint"), str(packaged / "expanded.json")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_api_reaches_the_api_function_by_name(expanded: dict[str, Any]) -> None:
    (api,) = of_type(expanded, "AWS::ApiGateway::RestApi").values()
    body = json.dumps(api["Properties"]["Body"])
    assert "APIHandler.Arn" not in body
    assert "function:servit-${Stage}-api/invocations" in body
    assert gen_resources.FUNCTIONS["APIHandler"] == "api"
    # the invoke permission still names the function, so it is created with it (the
    # WebSocket API's two, issue 15, name its own functions)
    (permission,) = [
        p
        for p in of_type(expanded, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
        and "Websocket" not in json.dumps(p["Properties"]["FunctionName"])
    ]
    assert permission["Properties"]["FunctionName"] == {"Ref": "APIHandler"}


def test_tables_refuse_deletion_and_every_store_of_data_outlives_the_stack(
    expanded: dict[str, Any],
) -> None:
    tables = of_type(expanded, "AWS::DynamoDB::Table")
    assert tables
    for logical_id, table in tables.items():
        assert table["Properties"]["DeletionProtectionEnabled"] is True, logical_id
    kept = ("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Logs::LogGroup")
    for kind in kept:
        resources = of_type(expanded, kind)
        assert resources, kind
        for logical_id, resource in resources.items():
            assert resource.get("DeletionPolicy") == "Retain", logical_id
            assert resource.get("UpdateReplacePolicy") == "Retain", logical_id
    (pool,) = of_type(expanded, "AWS::Cognito::UserPool").values()
    assert pool["DeletionPolicy"] == "Retain"


def test_names_come_from_the_stage_parameter_never_a_fixed_stage(
    packaged: Path, expanded: dict[str, Any]
) -> None:
    for name in ("sam.json", "expanded.json"):
        assert "servit-dev" not in (packaged / name).read_text(encoding="utf-8"), name
    config = (ROOT / ".chalice" / "config.json").read_text(encoding="utf-8")
    for name in set(re.findall(r'"iam_policy_file": "([^"]+)"', config)):
        policy = (ROOT / ".chalice" / name).read_text(encoding="utf-8")
        assert "servit-dev" not in policy, name
    stage = expanded["Parameters"]["Stage"]
    assert "AllowedValues" not in stage
    pattern = re.compile(stage["AllowedPattern"])
    for good in ("dev", "test", "prod", "acme2"):
        assert pattern.fullmatch(good), good
    # no hyphen: "servit-<stage>-*" in IAM never reaches another stage's resources
    for bad in ("", "Prod", "pre-prod", "2dev", "a" * 17):
        assert not pattern.fullmatch(bad), bad
    for function in of_type(expanded, "AWS::Lambda::Function").values():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["SERVIT_STAGE"] == {"Ref": "Stage"}
        assert variables["SERVIT_TABLE_PREFIX"] == {"Fn::Sub": "servit-${Stage}-"}
