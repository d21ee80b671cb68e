"""The expanded template creates in moto's CloudFormation: the part moto can build.

Resource types moto's CloudFormation does not implement are left out, and whatever names them
gets a placeholder ARN; UNSUPPORTED lists them (moto 5.2). That still proves the stack's tables,
functions (with the real bundle), queue, topics, roles, buckets, log groups, stream mapping and
outputs create from what CloudFormation would get, in a stage of our choosing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

pytestmark = pytest.mark.infra

REGION, ACCOUNT, STAGE = "eu-north-1", "123456789012", "test"
ARTIFACTS = "servit-artifacts"  # infra/expand.PLACEHOLDER_CODE

# Types in the stack that moto 5.2's CloudFormation cannot create, and why.
UNSUPPORTED = {
    "AWS::ApiGateway::Deployment": "moto ignores the RestApi's OpenAPI Body: no methods to deploy",
    "AWS::ApiGateway::Stage": "not in moto's CloudFormation",
    "AWS::CloudFront::Distribution": "not in moto's CloudFormation",
    "AWS::CloudFront::Function": "not in moto's CloudFormation",
    "AWS::CloudFront::OriginAccessControl": "not in moto's CloudFormation",
    "AWS::CloudFront::ResponseHeadersPolicy": "not in moto's CloudFormation",
    "AWS::CloudWatch::Alarm": "not in moto's CloudFormation",
    "AWS::CloudWatch::Dashboard": "not in moto's CloudFormation",
    "AWS::Cognito::UserPool": "not in moto's CloudFormation",
    "AWS::Lambda::EventInvokeConfig": "not in moto's CloudFormation",
    "AWS::Logs::QueryDefinition": "not in moto's CloudFormation",
    "AWS::SQS::QueuePolicy": "not in moto's CloudFormation",
    "AWS::WAFv2::WebACL": "not in moto's CloudFormation",
    "AWS::WAFv2::WebACLAssociation": "not in moto's CloudFormation",
    "AWS::Cognito::UserPoolClient": "not in moto's CloudFormation",
    "AWS::Cognito::UserPoolGroup": "not in moto's CloudFormation",
    "AWS::S3::BucketPolicy": "not in moto's CloudFormation",
    "AWS::SES::ReceiptRule": "not in moto's CloudFormation",
    "AWS::SES::ReceiptRuleSet": "not in moto's CloudFormation",
    "AWS::SNS::Subscription": "not in moto's CloudFormation",
    "AWS::SNS::TopicPolicy": "not in moto's CloudFormation",
    "AWS::SecretsManager::Secret": "not in moto's CloudFormation",
    "AWS::Scheduler::ScheduleGroup": "not in moto's CloudFormation",
    # Issue 15: the live lists' WebSocket API (Chalice's), with its routes and stage.
    "AWS::ApiGatewayV2::Api": "not in moto's CloudFormation",
    "AWS::ApiGatewayV2::Deployment": "not in moto's CloudFormation",
    "AWS::ApiGatewayV2::Integration": "not in moto's CloudFormation",
    "AWS::ApiGatewayV2::Route": "not in moto's CloudFormation",
    "AWS::ApiGatewayV2::Stage": "not in moto's CloudFormation",
}


def placeholder(logical_id: str) -> str:
    return f"arn:aws:removed:{REGION}:{ACCOUNT}:{logical_id}"


def scrub(node: Any, removed: set[str]) -> Any:
    """Replace every reference to a removed resource with a placeholder ARN."""

    def in_sub(match: re.Match[str]) -> str:
        name = match.group(1)
        return placeholder(name.split(".")[0]) if name.split(".")[0] in removed else match[0]

    if isinstance(node, dict):
        if set(node) == {"Ref"} and node["Ref"] in removed:
            return placeholder(node["Ref"])
        if set(node) == {"Fn::GetAtt"} and node["Fn::GetAtt"][0] in removed:
            return placeholder(node["Fn::GetAtt"][0])
        if set(node) == {"Fn::Sub"}:
            value = node["Fn::Sub"]
            if isinstance(value, str):
                return {"Fn::Sub": re.sub(r"\$\{([^}!][^}]*)\}", in_sub, value)}
            text = re.sub(r"\$\{([^}!][^}]*)\}", in_sub, value[0])
            return {"Fn::Sub": [text, scrub(value[1], removed)]}
        return {key: scrub(value, removed) for key, value in node.items()}
    if isinstance(node, list):
        return [scrub(value, removed) for value in node]
    return node


def moto_part(template: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    from moto.cloudformation.parsing import get_model_map

    supported = set(get_model_map()) - set(UNSUPPORTED)
    removed = {k for k, v in template["Resources"].items() if v["Type"] not in supported}
    resources = {}
    for logical_id, resource in template["Resources"].items():
        if logical_id in removed:
            continue
        resource = scrub(resource, removed)
        depends = resource.pop("DependsOn", [])
        depends = [d for d in ([depends] if isinstance(depends, str) else depends)]
        if kept := [d for d in depends if d not in removed]:
            resource["DependsOn"] = kept
        resources[logical_id] = resource
    outputs = {k: scrub(v, removed) for k, v in template.get("Outputs", {}).items()}
    return {**template, "Resources": resources, "Outputs": outputs}, removed


@pytest.fixture(scope="module")
def expanded(packaged: Path) -> dict[str, Any]:
    return json.loads((packaged / "expanded.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def stack(packaged: Path, expanded: dict[str, Any]) -> Iterator[dict[str, Any]]:
    template, _ = moto_part(expanded)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=ARTIFACTS, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.upload_file(str(packaged / "deployment.zip"), ARTIFACTS, "deployment.zip")
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        parameters = {"Stage": STAGE, "MailDomain": "support.example.com"}
        if "MailSecret" in template["Parameters"]:
            parameters["MailSecret"] = "s" * 32
        cloudformation.create_stack(
            StackName=f"servit-{STAGE}",
            TemplateBody=json.dumps(template),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
        (described,) = cloudformation.describe_stacks(StackName=f"servit-{STAGE}")["Stacks"]
        yield described


def test_only_the_listed_resource_types_are_left_out(expanded: dict[str, Any]) -> None:
    _, removed = moto_part(expanded)
    left_out = {expanded["Resources"][r]["Type"] for r in removed}
    assert left_out <= set(UNSUPPORTED), "moto lacks a new type: list it in UNSUPPORTED"
    kept = {v["Type"] for k, v in expanded["Resources"].items() if k not in removed}
    assert {
        "AWS::DynamoDB::Table",
        "AWS::Lambda::Function",
        "AWS::SQS::Queue",
        "AWS::SNS::Topic",
        "AWS::S3::Bucket",
        "AWS::IAM::Role",
    } <= kept


def test_the_stack_creates_completely(stack: dict[str, Any]) -> None:
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")


def test_the_stage_names_the_tables_and_they_refuse_deletion(
    stack: dict[str, Any], expanded: dict[str, Any]
) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    names = set(dynamodb.list_tables()["TableNames"])
    expected = {
        res["Properties"]["TableName"]["Fn::Sub"].replace("${Stage}", STAGE)
        for res in expanded["Resources"].values()
        if res["Type"] == "AWS::DynamoDB::Table"
    }
    assert expected and expected == names
    assert f"servit-{STAGE}-Tickets" in names
    for name in names:
        assert dynamodb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"]


def test_functions_queues_topics_and_buckets_exist(stack: dict[str, Any]) -> None:
    functions = {
        f["FunctionName"]: f
        for f in boto3.client("lambda", region_name=REGION).list_functions()["Functions"]
    }
    assert set(functions) == {
        f"servit-{STAGE}-api",
        f"servit-{STAGE}-inbound-mail",
        f"servit-{STAGE}-ticket-events",
        f"servit-{STAGE}-workflow",
        f"servit-{STAGE}-scheduled-activity",
        f"servit-{STAGE}-inbound-sms",  # texts (issue 13)
        f"servit-{STAGE}-sms-events",
        f"servit-{STAGE}-retention",  # issue 14: the daily retention job
        f"servit-{STAGE}-websocket-connect",  # issue 15: live lists
        f"servit-{STAGE}-websocket-disconnect",
    }
    api = functions[f"servit-{STAGE}-api"]
    assert api["Environment"]["Variables"]["SERVIT_TABLE_PREFIX"] == f"servit-{STAGE}-"
    assert api["Environment"]["Variables"]["SERVIT_STAGE"] == STAGE
    queues = boto3.client("sqs", region_name=REGION).list_queues()["QueueUrls"]
    assert any(url.endswith(f"/servit-{STAGE}-ticket-events-failed") for url in queues)
    topics = [
        t["TopicArn"] for t in boto3.client("sns", region_name=REGION).list_topics()["Topics"]
    ]
    assert any(arn.endswith(f":servit-{STAGE}-inbound-mail") for arn in topics)
    buckets = {b["Name"] for b in boto3.client("s3", region_name=REGION).list_buckets()["Buckets"]}
    assert f"servit-{STAGE}-mail-{ACCOUNT}-{REGION}" in buckets
    mappings = boto3.client("lambda", region_name=REGION).list_event_source_mappings(
        FunctionName=f"servit-{STAGE}-ticket-events"
    )["EventSourceMappings"]
    assert len(mappings) == 1


def test_the_outputs_the_deploy_scripts_read_are_there(stack: dict[str, Any]) -> None:
    outputs = {o["OutputKey"] for o in stack["Outputs"]}
    # infra/deploy-web.sh and infra/create_admin.py read these
    assert {"WebBucketName", "WebDistributionId", "WebUrl", "UserPoolId"} <= outputs


def test_the_state_machines_are_created_by_their_stage_names(
    stack: dict[str, Any], expanded: dict[str, Any]
) -> None:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machines = {m["name"] for m in sfn.list_state_machines()["stateMachines"]}
    assert machines == {f"servit-{STAGE}-{n}" for n in ("wakeup", "consultation", "close_children")}
    # moto's CloudFormation reads only DefinitionString: the substitutions are checked on the
    # template itself (every placeholder of a Definition has its substitution).
    for logical, resource in expanded["Resources"].items():
        if resource["Type"] == "AWS::StepFunctions::StateMachine":
            props = resource["Properties"]
            used = set(re.findall(r"\$\{([^}]+)\}", json.dumps(props["Definition"])))
            assert used == set(props["DefinitionSubstitutions"]), logical
