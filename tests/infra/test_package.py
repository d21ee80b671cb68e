"""infra/package.sh builds a bundle and a template that CloudFormation would accept.

Runs `chalice package` (which downloads Linux wheels from PyPI the first time) and cfn-lint:
about 10 s with Chalice's wheel cache warm.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from infra import gen_resources

pytestmark = pytest.mark.infra

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def out_dir(packaged: Path) -> Path:
    return packaged  # one package.sh run per session (tests/infra/conftest.py)


@pytest.fixture(scope="module")
def template(out_dir: Path) -> dict[str, Any]:
    return json.loads((out_dir / "sam.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def bundle(out_dir: Path) -> list[str]:
    with zipfile.ZipFile(out_dir / "deployment.zip") as zf:
        return zf.namelist()


def of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_cfn_lint_finds_nothing_in_the_packaged_template(out_dir: Path) -> None:
    result = subprocess.run(
        [str(BIN / "cfn-lint"), str(out_dir / "sam.json")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bundle_holds_the_app_its_package_and_the_templates_folder(bundle: list[str]) -> None:
    assert "app.py" in bundle
    assert "chalicelib/config.py" in bundle
    assert "chalicelib/adapters/dynamodb/models.py" in bundle
    # templates/ travels through vendor/, whose contents land at the bundle root
    assert "templates/README.md" in bundle
    # the public web form's pages (issue 13) are rendered from there in Lambda
    assert {"templates/forms/form.html.j2", "templates/forms/thanks.html.j2"} <= set(bundle)
    assert not any(name.startswith(("vendor/", "tests/", "infra/")) for name in bundle)


def test_native_wheels_in_the_bundle_match_the_lambda_architecture(
    out_dir: Path, template: dict[str, Any]
) -> None:
    architectures = {
        arch
        for function in of_type(template, "AWS::Serverless::Function").values()
        for arch in function["Properties"]["Architectures"]
    }
    (architecture,) = architectures  # one bundle serves every function
    machine = {"arm64": "aarch64", "x86_64": "x86_64"}[architecture]
    with zipfile.ZipFile(out_dir / "deployment.zip") as zf:
        wheels = {
            name: zf.read(name).decode()
            for name in zf.namelist()
            if name.endswith(".dist-info/WHEEL")
        }
    native = {name: text for name, text in wheels.items() if "Root-Is-Purelib: false" in text}
    assert any(name.startswith("cryptography-") for name in native)
    for name, text in native.items():
        tags = [line for line in text.splitlines() if line.startswith("Tag:")]
        assert all(machine in tag and "linux" in tag for tag in tags), (name, tags)


def test_template_holds_tables_mail_intake_user_pool_and_api(template: dict[str, Any]) -> None:
    tables = of_type(template, "AWS::DynamoDB::Table")
    assert {t["Properties"]["TableName"]["Fn::Sub"] for t in tables.values()} >= {
        "servit-${Stage}-Tickets",
        "servit-${Stage}-TicketEvents",
        "servit-${Stage}-Contacts",
        "servit-${Stage}-Config",
        "servit-${Stage}-Lookups",
    }
    topics = of_type(template, "AWS::SNS::Topic")
    assert {"Fn::Sub": "servit-${Stage}-inbound-mail"} in [
        t["Properties"]["TopicName"] for t in topics.values()
    ]
    (rule,) = of_type(template, "AWS::SES::ReceiptRule").values()
    assert rule["Properties"]["Rule"]["Actions"] == [
        {
            "S3Action": {
                "BucketName": {"Ref": "MailBucket"},
                "ObjectKeyPrefix": "inbound/",
                "TopicArn": {"Ref": "InboundMailTopic"},
            }
        }
    ]
    (pool,) = of_type(template, "AWS::Cognito::UserPool").values()
    assert pool["Properties"]["AliasAttributes"] == ["email"]
    assert pool["Properties"]["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    groups = of_type(template, "AWS::Cognito::UserPoolGroup").values()
    assert sorted(g["Properties"]["GroupName"] for g in groups) == ["admin", "agent", "dispatcher"]
    assert "EndpointURL" in template["Outputs"]
    assert template["Resources"]["RestAPI"]["Properties"]["EndpointConfiguration"] == "REGIONAL"


def test_every_function_is_named_and_gets_the_user_pool_from_the_stack(
    template: dict[str, Any],
) -> None:
    functions = of_type(template, "AWS::Serverless::Function")
    assert set(functions) == set(gen_resources.FUNCTIONS), (
        "add each Chalice function's logical id to FUNCTIONS in infra/gen_resources.py"
    )
    for logical_id, function in functions.items():
        props = function["Properties"]
        short = gen_resources.FUNCTIONS[logical_id]
        assert props["FunctionName"] == {"Fn::Sub": f"servit-${{Stage}}-{short}"}
        extra = gen_resources.FUNCTION_ENVIRONMENT.get(logical_id, dict)()
        assert props["Environment"]["Variables"] == {
            **extra,
            "SERVIT_STAGE": {"Ref": "Stage"},
            "SERVIT_IDENTITY": "cognito",
            "SERVIT_TABLE_PREFIX": {"Fn::Sub": "servit-${Stage}-"},
            "SERVIT_USER_POOL_ID": {"Ref": "UserPool"},
            "SERVIT_USER_POOL_CLIENT_ID": {"Ref": "UserPoolClient"},
            "SERVIT_MAIL_BUCKET": {"Ref": "MailBucket"},
            "SERVIT_MAIL_DOMAIN": {"Ref": "MailDomain"},
            "SERVIT_SECRET_ARN": {"Ref": "MailSecret"},  # a Secrets Manager secret
            "SERVIT_PUBLIC_URL": {
                "Fn::If": [
                    "HasPublicUrl",
                    {"Ref": "PublicUrl"},
                    {"Fn::Sub": "https://${WebDistribution.DomainName}"},
                ]
            },
        }


def test_mail_bucket_is_private_and_lets_ses_write_only_under_inbound(
    template: dict[str, Any],
) -> None:
    bucket = template["Resources"]["MailBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    for rule in bucket["LifecycleConfiguration"]["Rules"]:
        expires = {"ExpirationInDays", "ExpirationDate", "NoncurrentVersionExpiration"} & set(rule)
        # a rule without a prefix, or with quarantine/'s, would expire quarantined mail
        assert not expires or not "quarantine/".startswith(rule.get("Prefix", "")), rule["Id"]
    statements = template["Resources"]["MailBucketPolicy"]["Properties"]["PolicyDocument"]
    (ses,) = [
        s for s in statements["Statement"] if s.get("Principal") == {"Service": "ses.amazonaws.com"}
    ]
    assert ses["Action"] == "s3:PutObject"
    assert ses["Resource"]["Fn::Sub"].endswith("/inbound/*")
    assert "aws:SourceAccount" in ses["Condition"]["StringEquals"]


def test_the_mail_handler_listens_to_the_stacks_inbound_topic(template: dict[str, Any]) -> None:
    events = template["Resources"]["InboundMail"]["Properties"]["Events"]
    (subscription,) = events.values()
    assert subscription["Type"] == "SNS"
    assert subscription["Properties"]["Topic"] == {"Fn::Sub": "${InboundMailTopic}"}
    (rule,) = of_type(template, "AWS::SES::ReceiptRule").values()
    actions = rule["Properties"]["Rule"]["Actions"]
    assert actions[0]["S3Action"]["TopicArn"] == {"Ref": "InboundMailTopic"}


def test_the_stream_consumer_reads_the_stacks_ticket_events_stream(
    template: dict[str, Any],
) -> None:
    events = template["Resources"]["TicketEvents"]["Properties"]["Events"]
    (source,) = events.values()
    props = source["Properties"]
    assert source["Type"] == "DynamoDB"
    assert props["Stream"] == {"Fn::GetAtt": ["TicketEventsTable", "StreamArn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True and props["MaximumRetryAttempts"] > 0
    queue = props["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    assert template["Resources"][queue]["Type"] == "AWS::SQS::Queue"
    table = template["Resources"]["TicketEventsTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    alarms = of_type(template, "AWS::CloudWatch::Alarm").values()
    watched = {
        (a["Properties"].get("MetricName"), json.dumps(a["Properties"].get("Dimensions")))
        for a in alarms  # metric math alarms have neither
    }
    consumer = json.dumps([{"Name": "FunctionName", "Value": {"Ref": "TicketEvents"}}])
    assert {("Errors", consumer), ("IteratorAge", consumer)} <= watched


def test_api_gateways_own_refusals_answer_in_the_apps_error_shape(
    template: dict[str, Any],
) -> None:
    # Given the gateway responses of the packaged stack: in the REST API's own definition,
    # so an update of the API (overwrite mode) cannot wipe them
    assert not of_type(template, "AWS::ApiGateway::GatewayResponse")
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    responses = body["x-amazon-apigateway-gateway-responses"]

    # Then an unknown path, throttling, oversize and the defaults all answer {"error", "message"}
    assert set(responses) >= {
        "MISSING_AUTHENTICATION_TOKEN",
        "THROTTLED",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    }
    for kind, properties in responses.items():
        text = properties["responseTemplates"]["application/json"]
        # API Gateway substitutes messageString already quoted
        shown = json.loads(text.replace("$context.error.messageString", '"Too Many Requests"'))
        assert set(shown) == {"error", "message"}, kind
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == 404


def test_the_workflow_machines_and_timers_are_wired_without_a_cycle(
    template: dict[str, Any],
) -> None:
    """Issue 12: three Standard machines invoking the workflow function; the functions that
    start executions or keep timers name them by ARNs built from fixed names."""
    machines = of_type(template, "AWS::StepFunctions::StateMachine")
    assert {m["Properties"]["StateMachineName"]["Fn::Sub"] for m in machines.values()} == {
        "servit-${Stage}-wakeup",
        "servit-${Stage}-consultation",
        "servit-${Stage}-close_children",
    }
    for machine in machines.values():
        props = machine["Properties"]
        assert props["StateMachineType"] == "STANDARD"
        assert isinstance(props["Definition"], dict)  # linted, unlike a DefinitionString
        assert props["DefinitionSubstitutions"] == {
            "WorkflowFunctionArn": {"Fn::GetAtt": ["Workflow", "Arn"]}
        }
        assert props["LoggingConfiguration"]["Level"] == "ERROR"
    role = template["Resources"]["StateMachineRole"]["Properties"]
    invoke = [
        s
        for p in role["Policies"]
        for s in p["PolicyDocument"]["Statement"]
        if s["Action"] == "lambda:InvokeFunction"
    ]
    assert [s["Resource"] for s in invoke] == [{"Fn::GetAtt": ["Workflow", "Arn"]}]
    consumer = template["Resources"]["TicketEvents"]["Properties"]["Environment"]["Variables"]
    assert consumer["SERVIT_SFN_WAKEUP_ARN"] == {
        "Fn::Sub": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:"
        "stateMachine:servit-${Stage}-wakeup"
    }
    for logical in ("APIHandler", "ScheduledActivity"):
        variables = template["Resources"][logical]["Properties"]["Environment"]["Variables"]
        assert variables["SERVIT_SCHEDULE_GROUP"] == {"Fn::Sub": "servit-${Stage}"}
        assert variables["SERVIT_SCHEDULE_TARGET_ARN"]["Fn::Sub"].endswith(
            ":function:servit-${Stage}-scheduled-activity"
        )
    (group,) = of_type(template, "AWS::Scheduler::ScheduleGroup").values()
    assert group["Properties"]["Name"] == {"Fn::Sub": "servit-${Stage}"}
    trust = template["Resources"]["SchedulerRole"]["Properties"]["AssumeRolePolicyDocument"]
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {
        "aws:SourceAccount": {"Ref": "AWS::AccountId"}
    }
