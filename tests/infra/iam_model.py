"""What each Lambda function's role may do, read from the files that define it.

A role is its Chalice policy file (.chalice/config.json names one per function) plus every
``AWS::IAM::Policy`` in infra/resources.json attached to it (the grants whose resources only
CloudFormation can name: the user pool, the secret, the SES identity, the dead-letter queue).
``Fn::Sub``, ``Ref`` and ``Fn::GetAtt`` are resolved with the example values below, so the
statements can be matched against concrete ARNs. Shared by tests/infra/test_iam_policy.py
and tests/integration/test_function_permissions.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT, REGION, STAGE = "123456789012", "eu-north-1", "dev"
MAIL_DOMAIN = "example.com"  # the stack's MailDomain parameter in these tests
USER_POOL_ID = f"{REGION}_AbCdEf123"
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:servit-dev-mail-secret-AbCdEf"
SOCIAL_SECRET_ARN = (
    f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:servit-dev-social-secret-GhIjKl"
)
DEAD_LETTER_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:servit-dev-ticket-events-failed"
INBOUND_FAILURES_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:servit-dev-inbound-mail-failed"
SCHEDULE_FAILURES_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:servit-dev-scheduled-activity-failed"
SCHEDULER_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/servit-dev-SchedulerRole-AbCdEf"
WORKFLOW_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:servit-dev-workflow"
SCHEDULED_ACTIVITY_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:servit-dev-scheduled-activity"

# Chalice's function name -> the logical id of its role in the packaged template.
ROLES = {"api_handler": "ApiHandlerRole", "inbound_mail": "InboundMailRole",
         "ticket_events": "TicketEventsRole", "workflow": "WorkflowRole",
         "scheduled_activity": "ScheduledActivityRole",
         "inbound_sms": "InboundSmsRole", "sms_events": "SmsEventsRole",
         "retention": "RetentionRole",
         "websocket_connect": "WebsocketConnectRole",
         "websocket_disconnect": "WebsocketDisconnectRole"}  # fmt: skip
# Texts (issue 13): the stack's SmsOriginationIdentityArn / SmsConfigurationSetName parameters.
SMS_IDENTITY_ARN = f"arn:aws:sms-voice:{REGION}:{ACCOUNT}:phone-number/phone-0123456789abcdef"
SMS_CONFIGURATION_SET = "servit-texts"
INBOUND_SMS_FAILURES_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:servit-dev-inbound-sms-failed"
WEBSOCKET_API_ID = "a1b2c3d4e5"  # issue 15: the live lists' WebSocket API


def connections_arn(connection: str = "x") -> str:
    return f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{WEBSOCKET_API_ID}/api/POST/@connections/{connection}"


def machine_arn(name: str) -> str:
    return f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:servit-{STAGE}-{name}"


def execution_arn(name: str, execution: str = "x") -> str:
    return f"arn:aws:states:{REGION}:{ACCOUNT}:execution:servit-{STAGE}-{name}:{execution}"


def schedule_arn(name: str = "x") -> str:
    return f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/servit-{STAGE}/{name}"


def load(path: str) -> Any:
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


VALUES = {
    "Stage": STAGE,
    "AWS::AccountId": ACCOUNT,
    "AWS::Region": REGION,
    "AWS::Partition": "aws",
    "MailDomain": MAIL_DOMAIN,
    "UserPool": USER_POOL_ID,
    "UserPool.Arn": f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{USER_POOL_ID}",
    "MailSecret": SECRET_ARN,
    "SocialSecret": SOCIAL_SECRET_ARN,
    "TicketEventsDeadLetters.Arn": DEAD_LETTER_ARN,
    "InboundMailFailures.Arn": INBOUND_FAILURES_ARN,
    "ScheduledActivityFailures.Arn": SCHEDULE_FAILURES_ARN,
    "SchedulerRole.Arn": SCHEDULER_ROLE_ARN,
    "SmsOriginationIdentityArn": SMS_IDENTITY_ARN,
    "SmsConfigurationSetName": SMS_CONFIGURATION_SET,
    "InboundSmsFailures.Arn": INBOUND_SMS_FAILURES_ARN,
    "WebsocketAPI": WEBSOCKET_API_ID,
}


def resolve(value: Any) -> Any:
    """The template value with the intrinsic functions this test knows evaluated."""
    if isinstance(value, list):
        return [resolve(v) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Fn::Sub"}:
        return re.sub(r"\$\{([^}]+)\}", lambda m: VALUES[m.group(1)], value["Fn::Sub"])
    if set(value) == {"Ref"}:
        return VALUES[value["Ref"]]
    if set(value) == {"Fn::GetAtt"}:
        return VALUES[".".join(value["Fn::GetAtt"])]
    return {k: resolve(v) for k, v in value.items()}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Statement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: dict[str, Any]
    source: str  # the policy file or template resource it comes from

    def matches(self, action: str, arn: str, context: dict[str, str]) -> bool:
        return (
            any(fnmatchcase(action, a) for a in self.actions)
            and any(fnmatchcase(arn, r) for r in self.resources)
            and all(
                _condition(op, key, patterns, context)
                for op, tests in self.conditions.items()
                for key, patterns in tests.items()
            )
        )


def _condition(op: str, key: str, patterns: Any, context: dict[str, str]) -> bool:
    if key not in context:
        return False  # a condition on a key the request lacks does not match
    if op == "StringLike":
        return any(fnmatchcase(context[key], p) for p in as_list(patterns))
    if op == "StringEquals":
        return context[key] in as_list(patterns)
    raise AssertionError(f"condition operator {op} unknown to this test")


def chalice_policy_file(function: str) -> str:
    config = load(".chalice/config.json")["stages"]["aws"]  # the one Chalice stage
    per_function = config.get("lambda_functions", {}).get(function, {})
    return str(per_function.get("iam_policy_file") or config["iam_policy_file"])


def statements(function: str) -> list[Statement]:
    """Every Allow statement the function's role holds."""
    found: list[tuple[dict[str, Any], str]] = []
    name = chalice_policy_file(function)
    found += [(s, name) for s in load(f".chalice/{name}")["Statement"]]
    template = load("infra/resources.json")["Resources"]
    for logical, resource in template.items():
        if resource.get("Type") != "AWS::IAM::Policy":
            continue
        roles = resource["Properties"]["Roles"]
        if {"Ref": ROLES[function]} in roles:
            document = resource["Properties"]["PolicyDocument"]
            found += [(s, logical) for s in document["Statement"]]
    result = []
    for raw, source in found:
        assert raw["Effect"] == "Allow", f"{source}: only Allow statements are expected"
        resolved = resolve(raw)
        result.append(
            Statement(
                sid=raw.get("Sid", ""),
                actions=tuple(as_list(resolved["Action"])),
                resources=tuple(as_list(resolved["Resource"])),
                conditions=resolved.get("Condition", {}),
                source=source,
            )
        )
    return result


def allows(function: str, action: str, arn: str, context: dict[str, str] | None = None) -> bool:
    return any(s.matches(action, arn, context or {}) for s in statements(function))


def table_arn(logical: str, index: str | None = None) -> str:
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/servit-{STAGE}-{logical}"
    return f"{arn}/index/{index}" if index else arn
