"""Write infra/resources.json: the CloudFormation template that `chalice package` merges
into the one it generates (see infra/package.sh). Run it after changing a model or this file:

    .venv/bin/python infra/gen_resources.py

tests/infra/test_tables_match_models.py fails while the committed file differs from what this
script would write, so a table can never drift from its pynamodb model.

How the Lambda functions get their settings:

- Literal, per Chalice stage, in .chalice/config.json: SERVIT_STAGE, SERVIT_IDENTITY and
  SERVIT_TABLE_PREFIX ("servit-dev-"; the tables below are named "servit-${Stage}-<Logical>").
- Values only CloudFormation knows (the user pool and app client ids) are merged into each
  function's Environment.Variables here. Chalice's merge is a deep merge of dictionaries, so
  these keys join the literal ones instead of replacing them. Every function the app defines
  must be listed in FUNCTIONS (tests/infra/test_package.py fails otherwise): that also gives it
  a predictable name "servit-${Stage}-<name>", which the log permissions in
  .chalice/policy-dev.json rely on.
- IAM: .chalice/policy-dev.json grants what can be scoped by name prefix (tables, indexes,
  stream, bucket, topics, state machines, log groups). The user pool's ARN holds a generated
  id, so the Cognito admin calls are granted here, by the pool's real ARN, to the API
  handler's role only (Chalice makes one role per function when autogen_policy is false).

Other choices worth knowing:

- TTL: Tickets, TicketEvents, Config and Notifications expire items by TTL_ATTRIBUTE
  ("expires_at", a Number of epoch seconds). Config's hourly automatic-mail counters set it,
  notifications 90 days after they were made; tickets and their history do not yet (whoever
  implements retention sets it).
  TTL deletions appear on the TicketEvents stream as REMOVE records: consumers skip them.
- The TicketEvents stream consumer (function TicketEvents, chalicelib/api/events.py): Chalice
  needs a literal stream ARN in its decorator; functions() points the event source at this
  stack's table stream (Fn::GetAtt StreamArn) and adds what Chalice cannot say: partial batch
  responses, bisect on error, a retry limit and an SQS on-failure destination (its role may send
  there: stream_consumer()). Alarms watch its Errors, IteratorAge and the destination queue.
- The `Stage` parameter only allows the Chalice stages that have a policy file and
  environment (`dev`): the package is built for one Chalice stage.
- SES can have one active receipt rule set per account and region. CloudFormation creates
  ours but cannot activate it: run `aws ses set-active-receipt-rule-set --rule-set-name
  servit-dev-inbound` once (output ReceiptRuleSetName). SES receiving exists only in some
  regions.
- Data-bearing resources (tables, mail bucket, user pool) are retained when the stack is
  deleted or they would be replaced.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "infra" / "resources.json"
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"

STAGES = ["dev"]
TTL_ATTRIBUTE = "expires_at"
# Config: hourly mail counters; Notifications: kept 90 days
TTL_TABLES = ("Tickets", "TicketEvents", "Config", "Notifications")

INBOUND_PREFIX = "inbound/"  # SES writes raw MIME here
QUARANTINE_PREFIX = "quarantine/"  # kept forever: no lifecycle rule may match it
ROLE_GROUPS = ("admin", "dispatcher", "agent")  # identity_cognito.ROLE_GROUPS, by precedence

# Chalice's logical id of each Lambda function -> the short name in "servit-${Stage}-<name>".
FUNCTIONS = {"APIHandler": "api", "InboundMail": "inbound-mail", "TicketEvents": "ticket-events"}
# The TicketEvents stream consumer (chalicelib/api/events.py): its event source as Chalice
# names it, and how Lambda retries it before a change's records go to the dead-letter queue.
STREAM_SOURCE = "TicketEventsDynamodbEventSource"
STREAM_RETRIES = 10
STREAM_MAX_AGE_SECONDS = 24 * 3600  # the stream keeps records 24 h anyway
ITERATOR_AGE_ALARM_MS = 5 * 60 * 1000  # notices more than 5 minutes behind
# Chalice names the API handler's role and log group "ApiHandler...", the function "APIHandler".
API_STEM = "ApiHandler"

RULE_SET = "servit-${Stage}-inbound"
RULE = "servit-${Stage}-store-and-notify"
RULE_ARN = (
    "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:"
    f"receipt-rule-set/{RULE_SET}:receipt-rule/{RULE}"
)
RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def table_logical_id(logical: str) -> str:
    return f"{logical}Table"


def tables() -> dict[str, Any]:
    from chalicelib.adapters.dynamodb.tables import all_specs

    resources: dict[str, Any] = {}
    for logical, spec in all_specs().items():
        props: dict[str, Any] = {"TableName": sub(f"servit-${{Stage}}-{logical}")}
        props.update(spec)
        props["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": True}
        props["SSESpecification"] = {"SSEEnabled": True}
        if logical in TTL_TABLES:
            props["TimeToLiveSpecification"] = {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
        resources[table_logical_id(logical)] = {
            "Type": "AWS::DynamoDB::Table",
            **RETAIN,
            "Properties": props,
        }
    return resources


# Both buckets: encrypted at rest, and no way to make anything in them public.
PRIVATE_ENCRYPTED_BUCKET: dict[str, Any] = {
    "BucketEncryption": {
        "ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]
    },
    "PublicAccessBlockConfiguration": {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    },
}


def mail_bucket() -> dict[str, Any]:
    bucket_arn = sub("arn:${AWS::Partition}:s3:::${MailBucket}")
    return {
        "MailBucket": {
            "Type": "AWS::S3::Bucket",
            **RETAIN,
            "Properties": {
                "BucketName": sub("servit-${Stage}-mail-${AWS::AccountId}-${AWS::Region}"),
                **PRIVATE_ENCRYPTED_BUCKET,
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                # Versions are an undo for deletes and overwrites; quarantine/ has no rule at
                # all, so neither its objects nor their old versions ever expire.
                "VersioningConfiguration": {"Status": "Enabled"},
                "LifecycleConfiguration": {
                    "Rules": [
                        {
                            "Id": "abort-incomplete-uploads",
                            "Status": "Enabled",
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2},
                        },
                        {
                            "Id": "inbound-old-versions",
                            "Status": "Enabled",
                            "Prefix": INBOUND_PREFIX,
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                        },
                    ]
                },
            },
        },
        "MailBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": ref("MailBucket"),
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "SesStoresInboundMail",
                            "Effect": "Allow",
                            "Principal": {"Service": "ses.amazonaws.com"},
                            "Action": "s3:PutObject",
                            "Resource": sub(
                                f"arn:${{AWS::Partition}}:s3:::${{MailBucket}}/{INBOUND_PREFIX}*"
                            ),
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")},
                                "ArnLike": {"aws:SourceArn": sub(RULE_ARN)},
                            },
                        },
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [
                                bucket_arn,
                                sub("arn:${AWS::Partition}:s3:::${MailBucket}/*"),
                            ],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                },
            },
        },
    }


def inbound_mail() -> dict[str, Any]:
    return {
        "InboundMailTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": sub("servit-${Stage}-inbound-mail")},
        },
        "InboundMailTopicPolicy": {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [ref("InboundMailTopic")],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "SesNotifiesInboundMail",
                            "Effect": "Allow",
                            "Principal": {"Service": "ses.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": ref("InboundMailTopic"),
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")},
                                "ArnLike": {"aws:SourceArn": sub(RULE_ARN)},
                            },
                        }
                    ],
                },
            },
        },
        "ReceiptRuleSet": {
            "Type": "AWS::SES::ReceiptRuleSet",
            "Properties": {"RuleSetName": sub(RULE_SET)},
        },
        # SES checks that it may write to the bucket and publish to the topic when the rule
        # is created, so both policies must exist first.
        "ReceiptRule": {
            "Type": "AWS::SES::ReceiptRule",
            "DependsOn": ["MailBucketPolicy", "InboundMailTopicPolicy"],
            "Properties": {
                "RuleSetName": ref("ReceiptRuleSet"),
                "Rule": {
                    "Name": sub(RULE),
                    "Enabled": True,
                    "ScanEnabled": True,
                    "TlsPolicy": "Optional",
                    "Recipients": {
                        "Fn::If": ["HasRecipients", ref("InboundRecipients"), ref("AWS::NoValue")]
                    },
                    "Actions": [
                        {
                            "S3Action": {
                                "BucketName": ref("MailBucket"),
                                "ObjectKeyPrefix": INBOUND_PREFIX,
                                "TopicArn": ref("InboundMailTopic"),
                            }
                        }
                    ],
                },
            },
        },
    }


def user_pool() -> dict[str, Any]:
    resources: dict[str, Any] = {
        "UserPool": {
            "Type": "AWS::Cognito::UserPool",
            **RETAIN,
            "Properties": {
                "UserPoolName": sub("servit-${Stage}-agents"),
                # The username is our user id; people log in with their verified e-mail.
                "AliasAttributes": ["email"],
                "UsernameConfiguration": {"CaseSensitive": False},
                "AutoVerifiedAttributes": ["email"],
                "Schema": [
                    {
                        "Name": "email",
                        "AttributeDataType": "String",
                        "Required": True,
                        "Mutable": True,
                    }
                ],
                "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
                "Policies": {
                    "PasswordPolicy": {
                        "MinimumLength": 12,
                        "RequireLowercase": True,
                        "RequireUppercase": True,
                        "RequireNumbers": True,
                        "RequireSymbols": True,
                        "TemporaryPasswordValidityDays": 3,
                    }
                },
                "AccountRecoverySetting": {
                    "RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]
                },
                "MfaConfiguration": "OFF",
                "DeletionProtection": "ACTIVE",
            },
        },
        "UserPoolClient": {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {
                "ClientName": sub("servit-${Stage}-web"),
                "UserPoolId": ref("UserPool"),
                "GenerateSecret": False,
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "PreventUserExistenceErrors": "ENABLED",
                "EnableTokenRevocation": True,
                "AccessTokenValidity": 60,
                "IdTokenValidity": 60,
                "RefreshTokenValidity": 12,
                "TokenValidityUnits": {
                    "AccessToken": "minutes",
                    "IdToken": "minutes",
                    "RefreshToken": "hours",
                },
            },
        },
        # The API handler registers logins (identity_cognito.CognitoIdentity.register);
        # initiate_auth needs no IAM permission.
        "ApiHandlerUserPoolPolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "UserPoolAdmin",
                "Roles": [ref(f"{API_STEM}Role")],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": [
                                "cognito-idp:AdminCreateUser",
                                "cognito-idp:AdminUpdateUserAttributes",
                                "cognito-idp:AdminSetUserPassword",
                                "cognito-idp:AdminAddUserToGroup",
                                "cognito-idp:AdminRemoveUserFromGroup",
                            ],
                            "Resource": {"Fn::GetAtt": ["UserPool", "Arn"]},
                        }
                    ],
                },
            },
        },
    }
    for precedence, group in enumerate(ROLE_GROUPS):
        resources[f"{group.capitalize()}Group"] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {
                "GroupName": group,
                "UserPoolId": ref("UserPool"),
                "Precedence": precedence,
                "Description": f"ServIT role {group}",
            },
        }
    return resources


def functions() -> dict[str, Any]:
    """What Chalice cannot say in config.json, merged into its own function resources."""
    resources: dict[str, Any] = {}
    for logical_id, name in FUNCTIONS.items():
        resources[logical_id] = {
            "Properties": {
                "FunctionName": sub(f"servit-${{Stage}}-{name}"),
                "Environment": {
                    "Variables": {
                        "SERVIT_USER_POOL_ID": ref("UserPool"),
                        "SERVIT_USER_POOL_CLIENT_ID": ref("UserPoolClient"),
                        "SERVIT_MAIL_BUCKET": ref("MailBucket"),
                        "SERVIT_MAIL_DOMAIN": ref("MailDomain"),
                        "SERVIT_SECRET": ref("MailSecret"),
                        "SERVIT_PUBLIC_URL": {
                            "Fn::If": [
                                "HasPublicUrl",
                                ref("PublicUrl"),
                                sub(
                                    "https://${RestAPI}.execute-api.${AWS::Region}.amazonaws.com/api"
                                ),
                            ]
                        },
                    }
                },
            }
        }
    # Chalice subscribes the handler to a topic by name; point it at this stack's topic.
    resources["InboundMail"]["Properties"]["Events"] = {
        "InboundMailSnsSubscription": {
            "Type": "SNS",
            # Same key as Chalice's value ("Fn::Sub"), so the deep merge replaces it.
            "Properties": {"Topic": sub("${InboundMailTopic}")},
        }
    }
    # The stream consumer reads the stack's TicketEvents stream (Chalice wants a literal ARN;
    # the deep merge replaces it), reports partial batch failures so delivery resumes at the
    # failed change, halves a batch that crashes, and after STREAM_RETRIES hands the records'
    # coordinates to the dead-letter queue rather than blocking the shard.
    resources["TicketEvents"]["Properties"]["Events"] = {
        STREAM_SOURCE: {
            "Type": "DynamoDB",
            "Properties": {
                "Stream": {"Fn::GetAtt": [table_logical_id("TicketEvents"), "StreamArn"]},
                "StartingPosition": "TRIM_HORIZON",
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                "BisectBatchOnFunctionError": True,
                "MaximumRetryAttempts": STREAM_RETRIES,
                "MaximumRecordAgeInSeconds": STREAM_MAX_AGE_SECONDS,
                "DestinationConfig": {
                    "OnFailure": {"Destination": {"Fn::GetAtt": ["TicketEventsDeadLetters", "Arn"]}}
                },
            },
        }
    }
    # Chalice 1.34 names the API handler's log group after "${ApiHandler}", a resource that
    # does not exist (aws/chalice#2079): point it at the real function.
    # Logs go with the stack (they expire after log_retention_in_days anyway).
    resources[f"{API_STEM}LogGroup"] = {
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {"LogGroupName": sub("/aws/lambda/${APIHandler}")},
    }
    return resources


def stream_consumer() -> dict[str, Any]:
    """Where the consumer's given-up batches go (their shard and sequence numbers: the
    events themselves stay in the table), and its role's right to send there."""
    return {
        "TicketEventsDeadLetters": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": sub("servit-${Stage}-ticket-events-failed"),
                "MessageRetentionPeriod": 14 * 24 * 3600,
                "SqsManagedSseEnabled": True,
            },
        },
        "TicketEventsDeadLetterPolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "StreamFailuresToQueue",
                "Roles": [ref("TicketEventsRole")],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sqs:SendMessage",
                            "Resource": {"Fn::GetAtt": ["TicketEventsDeadLetters", "Arn"]},
                        }
                    ],
                },
            },
        },
    }


def alarms(app_name: str, api_stage: str) -> dict[str, Any]:
    def alarm(
        description: str,
        namespace: str,
        metric: str,
        dimensions: list[Any],
        *,
        statistic: str = "Sum",
        threshold: int = 1,
    ) -> Any:
        return {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmDescription": description,
                "Namespace": namespace,
                "MetricName": metric,
                "Dimensions": dimensions,
                "Statistic": statistic,
                "Period": 300,
                "EvaluationPeriods": 1,
                "Threshold": threshold,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "TreatMissingData": "notBreaching",
                "AlarmActions": [ref("AlarmTopic")],
                "OKActions": [ref("AlarmTopic")],
            },
        }

    handler = [{"Name": "FunctionName", "Value": ref("APIHandler")}]
    consumer = [{"Name": "FunctionName", "Value": ref("TicketEvents")}]
    # Chalice's routes answer unhandled errors with 500 without failing the invocation:
    # those show only in API Gateway's 5XXError, keyed by the API's name (the app name).
    api = [{"Name": "ApiName", "Value": app_name}, {"Name": "Stage", "Value": api_stage}]
    return {
        "AlarmTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": sub("servit-${Stage}-alarms")},
        },
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {
                "TopicArn": ref("AlarmTopic"),
                "Protocol": "email",
                "Endpoint": ref("AlarmEmail"),
            },
        },
        "ApiHandlerErrorsAlarm": alarm(
            "The API Lambda failed (crash, timeout, out of memory)",
            "AWS/Lambda",
            "Errors",
            handler,
        ),
        "ApiHandlerThrottlesAlarm": alarm(
            "The API Lambda was throttled", "AWS/Lambda", "Throttles", handler
        ),
        "Api5xxAlarm": alarm("The API answered 5xx", "AWS/ApiGateway", "5XXError", api),
        "TicketEventsErrorsAlarm": alarm(
            "The TicketEvents stream consumer failed (crash, timeout): notices are retried",
            "AWS/Lambda",
            "Errors",
            consumer,
        ),
        "TicketEventsIteratorAgeAlarm": alarm(
            "The TicketEvents stream consumer is more than 5 minutes behind "
            "(a change failing again and again holds up its shard)",
            "AWS/Lambda",
            "IteratorAge",
            consumer,
            statistic="Maximum",
            threshold=ITERATOR_AGE_ALARM_MS,
        ),
        "TicketEventsDeadLettersAlarm": alarm(
            "The TicketEvents stream consumer gave up on records "
            "(their coordinates are in the dead-letter queue)",
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            [
                {
                    "Name": "QueueName",
                    "Value": {"Fn::GetAtt": ["TicketEventsDeadLetters", "QueueName"]},
                }
            ],
            statistic="Maximum",
        ),
    }


def web_hosting() -> dict[str, Any]:
    """The agent UI in AWS: web/dist in a private bucket behind CloudFront, which also passes
    /api and /portal to API Gateway, so the browser sees one origin (as with the local front
    door) and the same strict Content-Security-Policy (local/web_proxy.UI_CSP) holds."""
    from local.web_proxy import UI_CSP

    caching_disabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS managed cache policy
    all_viewer_but_host = "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # AWS managed request policy
    optimized = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed: CachingOptimized

    def api_behaviour(pattern: str) -> dict[str, Any]:
        return {
            "PathPattern": pattern,
            "TargetOriginId": "api",
            "ViewerProtocolPolicy": "redirect-to-https",
            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
            "CachePolicyId": caching_disabled,
            "OriginRequestPolicyId": all_viewer_but_host,
            "Compress": True,
        }

    return {
        "WebBucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                **PRIVATE_ENCRYPTED_BUCKET,
            },
        },
        "WebOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": sub("servit-${Stage}-web"),
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            },
        },
        "WebHeadersPolicy": {
            "Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": {
                "ResponseHeadersPolicyConfig": {
                    "Name": sub("servit-${Stage}-web-headers"),
                    "SecurityHeadersConfig": {
                        "ContentSecurityPolicy": {
                            "ContentSecurityPolicy": UI_CSP,
                            "Override": True,
                        },
                        "ContentTypeOptions": {"Override": True},
                        "ReferrerPolicy": {"ReferrerPolicy": "no-referrer", "Override": True},
                        "FrameOptions": {"FrameOption": "DENY", "Override": True},
                        "StrictTransportSecurity": {
                            "AccessControlMaxAgeSec": 31536000,
                            "IncludeSubdomains": True,
                            "Override": True,
                        },
                    },
                }
            },
        },
        "WebDistribution": {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {
                "DistributionConfig": {
                    "Enabled": True,
                    "Comment": sub("ServIT ${Stage}: agent UI, API and portal on one origin"),
                    "DefaultRootObject": "index.html",
                    "HttpVersion": "http2",
                    "Origins": [
                        {
                            "Id": "web",
                            "DomainName": {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]},
                            "OriginAccessControlId": {
                                "Fn::GetAtt": ["WebOriginAccessControl", "Id"]
                            },
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        },
                        {
                            "Id": "api",
                            "DomainName": sub(
                                "${RestAPI}.execute-api.${AWS::Region}.amazonaws.com"
                            ),
                            "OriginPath": "/api",
                            "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"},
                        },
                    ],
                    "DefaultCacheBehavior": {
                        "TargetOriginId": "web",
                        "ViewerProtocolPolicy": "redirect-to-https",
                        "CachePolicyId": optimized,
                        "ResponseHeadersPolicyId": ref("WebHeadersPolicy"),
                        "Compress": True,
                    },
                    "CacheBehaviors": [api_behaviour("/api/*"), api_behaviour("/portal/*")],
                }
            },
        },
        "WebBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": ref("WebBucket"),
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "CloudFrontReadsTheUI",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudfront.amazonaws.com"},
                            "Action": "s3:GetObject",
                            "Resource": sub("arn:${AWS::Partition}:s3:::${WebBucket}/*"),
                            "Condition": {
                                "StringEquals": {
                                    "AWS:SourceArn": sub(
                                        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:"
                                        "distribution/${WebDistribution}"
                                    )
                                }
                            },
                        }
                    ],
                },
            },
        },
    }


# API Gateway's own refusals (an unknown path, throttling, a body over its limit, its own
# trouble) answer in the app's {"error", "message"} shape too (issue 10).
GATEWAY_RESPONSES = {
    # API Gateway calls an unknown path "Missing Authentication Token" with a 403.
    "MISSING_AUTHENTICATION_TOKEN": ("404", "not_found", "no such route"),
    "THROTTLED": ("429", "too_many_requests", "$context.error.messageString"),
    "REQUEST_TOO_LARGE": ("413", "too_large", "$context.error.messageString"),
    "DEFAULT_4XX": (None, "bad_request", "$context.error.messageString"),
    "DEFAULT_5XX": (None, "internal", "$context.error.messageString"),
}


def gateway_responses() -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for kind, (status, code, message) in GATEWAY_RESPONSES.items():
        quoted = message if message.startswith("$") else f'"{message}"'
        body = f'{{"error": "{code}", "message": {quoted}}}'
        properties: dict[str, Any] = {
            "RestApiId": ref("RestAPI"),
            "ResponseType": kind,
            "ResponseTemplates": {"application/json": body},
        }
        if status is not None:
            properties["StatusCode"] = status
        logical = "GatewayResponse" + "".join(w.capitalize() for w in kind.split("_"))
        resources[logical] = {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": properties}
    return resources


def build_template() -> dict[str, Any]:
    chalice = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    resources: dict[str, Any] = {}
    for part in (
        tables(),
        mail_bucket(),
        web_hosting(),
        inbound_mail(),
        user_pool(),
        functions(),
        stream_consumer(),
        gateway_responses(),
        alarms(chalice["app_name"], chalice.get("api_gateway_stage", "api")),
    ):
        resources.update(part)
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "ServIT: API, tables, mail intake, user pool and alarms "
        "(merged by `chalice package`; generated by infra/gen_resources.py)",
        "Parameters": {
            "Stage": {
                "Type": "String",
                "Default": STAGES[0],
                "AllowedValues": STAGES,
                "Description": "Must be the Chalice stage the package was built for",
            },
            "InboundRecipients": {
                "Type": "CommaDelimitedList",
                "Default": "",
                "Description": "Addresses or domains SES accepts for ServIT; "
                "empty: every recipient on the account's verified domains",
            },
            "MailDomain": {
                "Type": "String",
                "Default": "servit.example",
                "Description": "Right-hand side of the Message-IDs ServIT creates (your domain)",
            },
            "MailSecret": {
                "Type": "String",
                "NoEcho": True,
                "MinLength": 32,
                "Description": "Signs reply addresses and portal links (32+ random characters)",
            },
            "PublicUrl": {
                "Type": "String",
                "Default": "",
                "Description": "Base URL customers reach the portal at; empty: the API's URL",
            },
            "AlarmEmail": {
                "Type": "String",
                "Default": "",
                "Description": "Optional e-mail address subscribed to the alarm topic",
            },
        },
        "Conditions": {
            "HasRecipients": {
                "Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", ref("InboundRecipients")]}, ""]}]
            },
            "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [ref("AlarmEmail"), ""]}]},
            "HasPublicUrl": {"Fn::Not": [{"Fn::Equals": [ref("PublicUrl"), ""]}]},
        },
        "Resources": resources,
        "Outputs": {
            # The API's URL is Chalice's own output EndpointURL.
            "UserPoolId": {"Value": ref("UserPool")},
            "UserPoolClientId": {"Value": ref("UserPoolClient")},
            "MailBucketName": {"Value": ref("MailBucket")},
            "InboundMailTopicArn": {"Value": ref("InboundMailTopic")},
            "ReceiptRuleSetName": {"Value": ref("ReceiptRuleSet")},
            "TicketEventsStreamArn": {
                "Value": {"Fn::GetAtt": [table_logical_id("TicketEvents"), "StreamArn"]}
            },
            "AlarmTopicArn": {"Value": ref("AlarmTopic")},
            "TicketEventsDeadLetterQueueUrl": {"Value": ref("TicketEventsDeadLetters")},
            "WebUrl": {"Value": sub("https://${WebDistribution.DomainName}/")},
            "WebBucketName": {"Value": ref("WebBucket")},
            "WebDistributionId": {"Value": ref("WebDistribution")},
        },
    }


def render(template: dict[str, Any]) -> str:
    return json.dumps(template, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    OUTPUT.write_text(render(build_template()), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
