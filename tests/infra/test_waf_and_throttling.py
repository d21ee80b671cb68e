"""Issue 11: API Gateway stage throttling, and WAF on the API (in the stack) and on CloudFront
(infra/waf-cloudfront.json, a us-east-1 stack of its own), checked on the template
CloudFormation really gets (SAM-expanded, tests/infra/conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra import gen_resources, package_finish

pytestmark = pytest.mark.infra

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLOUDFRONT_WAF = ROOT / "infra" / "waf-cloudfront.json"


@pytest.fixture(scope="module")
def expanded(packaged: Path) -> dict[str, Any]:
    return json.loads((packaged / "expanded.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def sam(packaged: Path) -> dict[str, Any]:
    return json.loads((packaged / "sam.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def evaluate(node: Any, conditions: dict[str, Any], parameters: dict[str, str]) -> Any:
    """Enough of CloudFormation's condition functions for the stack's conditions."""
    if isinstance(node, dict):
        ((function, value),) = node.items()
        if function == "Ref":
            return parameters[value]
        if function == "Condition":
            return evaluate(conditions[value], conditions, parameters)
        args = [evaluate(v, conditions, parameters) for v in value]
        if function == "Fn::Equals":
            return args[0] == args[1]
        if function == "Fn::Or":
            return any(args)
        if function == "Fn::And":
            return all(args)
        if function == "Fn::Not":
            return not args[0]
        raise AssertionError(f"unexpected {function}")
    if isinstance(node, str) and node in conditions:
        return evaluate(conditions[node], conditions, parameters)
    return node


def test_the_stage_throttles_every_route_and_each_login_route_more(
    expanded: dict[str, Any], sam: dict[str, Any]
) -> None:
    # Given the stage SAM made from Chalice's API
    (stage,) = of_type(expanded, "AWS::ApiGateway::Stage").values()
    settings = stage["Properties"]["MethodSettings"]

    # Then the stage-wide bucket comes from the parameters
    assert settings[0] == {
        "ResourcePath": "/*",
        "HttpMethod": "*",
        "ThrottlingRateLimit": {"Ref": "ApiThrottleRate"},
        "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurst"},
    }
    # and every POST route under /api/auth/ but logout has its own, tighter one
    paths = sam["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    routes = package_finish.login_routes(sam)
    assert ("/api/auth/login", "POST") in routes
    assert ("/api/auth/logout", "POST") not in routes
    login = settings[1:]
    assert len(login) == len(routes)
    for setting in login:
        path = setting["ResourcePath"].removeprefix("/").replace("~1", "/")
        assert setting["HttpMethod"].lower() in paths[path], path  # API Gateway checks this
        assert setting["ThrottlingRateLimit"] == {"Ref": "ApiLoginThrottleRate"}
        assert setting["ThrottlingBurstLimit"] == {"Ref": "ApiLoginThrottleBurst"}
    assert {(s["ResourcePath"], s["HttpMethod"]) for s in login} == {
        ("/~1" + p.removeprefix("/").replace("/", "~1"), m) for p, m in routes
    }
    params = expanded["Parameters"]
    assert params["ApiLoginThrottleRate"]["Default"] < params["ApiThrottleRate"]["Default"]


def test_package_finish_refuses_an_api_without_login_routes() -> None:
    template = {
        "Resources": {
            "RestAPI": {
                "Properties": {
                    "DefinitionBody": {"paths": {"/api/health": {"get": {}}}},
                    "MethodSettings": [gen_resources.stage_throttling()],
                }
            }
        }
    }
    with pytest.raises(SystemExit):
        package_finish.throttle_login(template)


def test_the_api_stage_gets_a_web_acl_when_waf_is_on(expanded: dict[str, Any]) -> None:
    # Given the expanded template
    (acl_id,) = of_type(expanded, "AWS::WAFv2::WebACL")
    acl = expanded["Resources"][acl_id]
    (association,) = of_type(expanded, "AWS::WAFv2::WebACLAssociation").values()
    (stage_id,) = of_type(expanded, "AWS::ApiGateway::Stage")

    # Then both exist only under WafOn, the ACL is REGIONAL and guards the API's stage
    assert acl["Condition"] == association["Condition"] == "WafOn"
    assert acl["Properties"]["Scope"] == "REGIONAL"
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    arn = association["Properties"]["ResourceArn"]["Fn::Sub"]
    # the stage by reference: the association waits for it
    assert arn.endswith(f"/restapis/${{RestAPI}}/stages/${{{stage_id}}}")


@pytest.mark.parametrize(
    ("enable", "stage", "on"),
    [
        ("auto", "prod", True),
        ("auto", "test", False),
        ("auto", "dev", False),
        ("true", "dev", True),
        ("false", "prod", False),
    ],
)
def test_waf_is_on_by_default_for_prod_only(
    expanded: dict[str, Any], enable: str, stage: str, on: bool
) -> None:
    assert expanded["Parameters"]["EnableWaf"]["Default"] == "auto"
    assert expanded["Parameters"]["EnableWaf"]["AllowedValues"] == ["auto", "true", "false"]
    parameters = {"EnableWaf": enable, "Stage": stage}
    assert evaluate({"Condition": "WafOn"}, expanded["Conditions"], parameters) is on


def rules_of(acl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in acl["Properties"]["Rules"]}


def check_rules(acl: dict[str, Any]) -> None:
    rules = rules_of(acl)
    managed = {
        name: rule["Statement"]["ManagedRuleGroupStatement"]
        for name, rule in rules.items()
        if "ManagedRuleGroupStatement" in rule["Statement"]
    }
    assert set(managed) == {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    }
    for rule in managed.values():
        assert rule["VendorName"] == "AWS"
    # portal uploads are multipart bodies over 8 KB: the size rule only counts
    counted = {
        o["Name"]: o["ActionToUse"]
        for o in managed["AWSManagedRulesCommonRuleSet"]["RuleActionOverrides"]
    }
    assert counted["SizeRestrictions_BODY"] == {"Count": {}}
    assert all(action == {"Count": {}} for action in counted.values())
    rate = rules["rate-per-ip"]["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP" and rate["Limit"] == {"Ref": "WafRateLimit"}
    assert rules["rate-per-ip"]["Action"] == {"Block": {}}
    login = rules["login-rate-per-ip"]["Statement"]["RateBasedStatement"]
    assert login["Limit"] == {"Ref": "WafLoginRateLimit"}
    match = login["ScopeDownStatement"]["ByteMatchStatement"]
    assert match["SearchString"] == gen_resources.LOGIN_PATH_PREFIX
    priorities = [rule["Priority"] for rule in acl["Properties"]["Rules"]]
    assert len(set(priorities)) == len(priorities)


def test_both_web_acls_have_the_managed_rules_and_rate_rules(expanded: dict[str, Any]) -> None:
    (regional,) = of_type(expanded, "AWS::WAFv2::WebACL").values()
    cloudfront = json.loads(CLOUDFRONT_WAF.read_text())["Resources"]["CloudFrontWebAcl"]
    check_rules(regional)
    check_rules(cloudfront)
    assert cloudfront["Properties"]["Scope"] == "CLOUDFRONT"
    assert set(rules_of(regional)) == set(rules_of(cloudfront))


def test_the_distribution_takes_the_cloudfront_acl_from_a_parameter(
    expanded: dict[str, Any],
) -> None:
    config = expanded["Resources"]["WebDistribution"]["Properties"]["DistributionConfig"]
    assert config["WebACLId"] == {
        "Fn::If": ["HasCloudFrontWebAcl", {"Ref": "CloudFrontWebAclArn"}, {"Ref": "AWS::NoValue"}]
    }
    assert expanded["Parameters"]["CloudFrontWebAclArn"]["Default"] == ""
    conditions = expanded["Conditions"]
    for arn, has in (("", False), ("arn:aws:wafv2:us-east-1:1:global/webacl/x/y", True)):
        parameters = {"CloudFrontWebAclArn": arn}
        assert evaluate({"Condition": "HasCloudFrontWebAcl"}, conditions, parameters) is has
    # the us-east-1 stack's output is what infra/deploy.sh passes on
    outputs = json.loads(CLOUDFRONT_WAF.read_text())["Outputs"]
    assert outputs["WebAclArn"]["Value"] == {"Fn::GetAtt": ["CloudFrontWebAcl", "Arn"]}


def test_the_cloudfront_waf_template_is_current_and_lints_clean() -> None:
    expected = gen_resources.render(gen_resources.cloudfront_waf_template())
    assert CLOUDFRONT_WAF.read_text(encoding="utf-8") == expected, (
        "infra/waf-cloudfront.json is stale: run .venv/bin/python infra/gen_resources.py"
    )
    result = subprocess.run(
        [str(BIN / "cfn-lint"), str(CLOUDFRONT_WAF)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
