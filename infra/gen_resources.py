"""Write infra/resources.json: the CloudFormation template that `chalice package` merges
into the one it generates (see infra/package.sh). Run it after changing a model or this file:

    .venv/bin/python infra/gen_resources.py

tests/infra/test_tables_match_models.py fails while the committed file differs from what this
script would write, so a table can never drift from its pynamodb model.

How the Lambda functions get their settings:

- One Chalice stage, "aws", packages every stack (.chalice/config.json: SERVIT_IDENTITY).
  The stack's Stage parameter (any short name) names the resources "servit-${Stage}-...";
  SERVIT_STAGE and SERVIT_TABLE_PREFIX ("servit-${Stage}-") are merged in below.
- Values only CloudFormation knows (the user pool and app client ids) are merged into each
  function's Environment.Variables here. Chalice's merge is a deep merge of dictionaries, so
  these keys join the literal ones instead of replacing them. Every function the app defines
  must be listed in FUNCTIONS (tests/infra/test_package.py fails otherwise): that also gives it
  a predictable name "servit-${Stage}-<name>", which the log permissions in
  .chalice/policy-aws-<function>.json rely on.
- IAM: one role per function, each with only what its code does (issue 11). Each function's
  .chalice/policy-aws-<function>.json grants what can be scoped by name (its tables and
  actions, bucket prefixes, its own log group); least_privilege() and user_pool() grant here
  what only CloudFormation can name (the signing secret, SES from ${MailDomain}, the user
  pool). tests/infra/test_iam_policy.py holds the table of what each function needs and
  checks it both ways; tests/integration/test_function_permissions.py records real calls.

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
- SES can have one active receipt rule set per account and region. CloudFormation creates
  ours but cannot activate it: run `aws ses set-active-receipt-rule-set --rule-set-name
  servit-<stage>-inbound` once (output ReceiptRuleSetName). SES receiving exists only in some
  regions.
- Nothing deleted by mistake loses data: tables, buckets, log groups and the user pool are
  retained when the stack is deleted or they would be replaced; tables and the user pool
  also refuse a direct delete (deletion protection).
- No cycle: SERVIT_PUBLIC_URL defaults to the CloudFront origin, which points at the REST
  API; the API's integrations name the API function by its ARN built from its name
  (infra/package_finish.py), so the API does not depend on the function.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "infra" / "resources.json"
# The CLOUDFRONT-scope web ACL: its own stack in us-east-1 (infra/deploy.sh deploys it).
CLOUDFRONT_WAF_OUTPUT = ROOT / "infra" / "waf-cloudfront.json"
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"

# The stack's Stage parameter: any short name (dev, test, prod, ...). Every named resource is
# "servit-<stage>-...", so stacks of different stages live side by side in one account; the
# mail bucket's name ("servit-<stage>-mail-<account>-<region>", at most 63) bounds its length.
STAGE_PATTERN = "^[a-z][a-z0-9]{0,15}$"
TTL_ATTRIBUTE = "expires_at"
# Config: hourly mail counters; Notifications: kept 90 days
TTL_TABLES = ("Tickets", "TicketEvents", "Config", "Notifications")

INBOUND_PREFIX = "inbound/"  # SES writes raw MIME here
QUARANTINE_PREFIX = "quarantine/"  # kept forever: no lifecycle rule may match it
ROLE_GROUPS = ("admin", "dispatcher", "agent")  # identity_cognito.ROLE_GROUPS, by precedence

# Chalice's logical id of each Lambda function -> the short name in "servit-${Stage}-<name>".
FUNCTIONS = {"APIHandler": "api", "InboundMail": "inbound-mail", "TicketEvents": "ticket-events",
             "Workflow": "workflow", "ScheduledActivity": "scheduled-activity",
             "InboundSms": "inbound-sms", "SmsEvents": "sms-events",
             "Retention": "retention",
             # Issue 15, live lists (infra/live_resources.py): the WebSocket API's handlers.
             "WebsocketConnect": "websocket-connect",
             "WebsocketDisconnect": "websocket-disconnect"}  # fmt: skip
# The TicketEvents stream consumer (chalicelib/api/events.py): its event source as Chalice
# names it, and how Lambda retries it before a change's records go to the dead-letter queue.
STREAM_SOURCE = "TicketEventsDynamodbEventSource"
STREAM_RETRIES = 10
STREAM_MAX_AGE_SECONDS = 24 * 3600  # the stream keeps records 24 h anyway
ITERATOR_AGE_ALARM_MS = 5 * 60 * 1000  # notices more than 5 minutes behind
# Chalice names the API handler's role and log group "ApiHandler...", the function "APIHandler".
API_STEM = "ApiHandler"
API_NAME = "servit-${Stage}"  # the REST API's name (Chalice would name every stack's "servit")

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
        # A table deleted by mistake (console, CLI, a stack update) would lose its data.
        props["DeletionProtectionEnabled"] = True
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
                        raw_mail_lifecycle_rule(),
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
                    # Senders that cannot do STARTTLS are refused (issue 11).
                    "TlsPolicy": "Require",
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
                # TOTP for anyone who sets it up; admins must (services/auth.login asks an
                # admin without it to set it up before the first token is handed out).
                "MfaConfiguration": "OPTIONAL",
                "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
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
                                "cognito-idp:AdminUserGlobalSignOut",
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
                        # One Chalice stage ("aws") packages every stack; the stack's Stage
                        # parameter names its resources (the deep merge replaces config.json's).
                        "SERVIT_STAGE": ref("Stage"),
                        "SERVIT_TABLE_PREFIX": sub("servit-${Stage}-"),
                        "SERVIT_USER_POOL_ID": ref("UserPool"),
                        "SERVIT_USER_POOL_CLIENT_ID": ref("UserPoolClient"),
                        "SERVIT_MAIL_BUCKET": ref("MailBucket"),
                        "SERVIT_MAIL_DOMAIN": ref("MailDomain"),
                        # Only the secret's ARN: bootstrap reads the value once per container.
                        "SERVIT_SECRET_ARN": ref("MailSecret"),
                        # Default: the CloudFront origin that serves UI, API and portal. The
                        # distribution points at the REST API, which reaches the API function
                        # by name, not by reference (infra/package_finish.py): no cycle.
                        "SERVIT_PUBLIC_URL": {
                            "Fn::If": [
                                "HasPublicUrl",
                                ref("PublicUrl"),
                                sub("https://${WebDistribution.DomainName}"),
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
    # Logs outlive a stack deleted by mistake (they expire after log_retention_in_days).
    resources[f"{API_STEM}LogGroup"] = {
        **RETAIN,
        "Properties": {"LogGroupName": sub("/aws/lambda/${APIHandler}")},
    }
    for logical_id in FUNCTIONS:
        if logical_id != "APIHandler":
            resources[f"{logical_id}LogGroup"] = dict(RETAIN)
    # Issue 12: what starts executions, completes their waits or keeps timers learns where.
    for logical_id, extra in FUNCTION_ENVIRONMENT.items():
        resources[logical_id]["Properties"]["Environment"]["Variables"].update(extra())
    return resources


# Roles of the functions (Chalice: one per function, each with its own policy file
# .chalice/policy-aws-<function>.json; tests/infra/test_iam_policy.py holds what each needs).
FUNCTION_ROLES = {"APIHandler": f"{API_STEM}Role", "InboundMail": "InboundMailRole",
                  "TicketEvents": "TicketEventsRole", "Workflow": "WorkflowRole",
                  "ScheduledActivity": "ScheduledActivityRole",
                  "InboundSms": "InboundSmsRole", "SmsEvents": "SmsEventsRole",
                  "Retention": "RetentionRole",
                  "WebsocketConnect": "WebsocketConnectRole",
                  "WebsocketDisconnect": "WebsocketDisconnectRole"}  # fmt: skip


def least_privilege() -> dict[str, Any]:
    """Grants whose resources only CloudFormation can name, each to the roles that use them:
    the signing secret (generated here, read by every function once per container) and
    sending mail from the stack's own SES identity, the MailDomain (API: replies; stream
    consumer: acknowledgements of new tickets and notices to agents; workflow: consultation
    reminders and the replies of a parent's run to its children). Mail intake and scheduled
    activities send no mail: they note an acknowledgement as due, the stream consumer sends
    it."""
    roles = [ref(role) for role in FUNCTION_ROLES.values()]
    senders = [ref(FUNCTION_ROLES[f]) for f in ("APIHandler", "TicketEvents", "Workflow")]
    identity = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${MailDomain}"
    return {
        # Signs reply addresses, portal links and the login guard's keys. Generated by
        # Secrets Manager; never a parameter or a plain environment variable.
        "MailSecret": {
            "Type": "AWS::SecretsManager::Secret",
            **RETAIN,
            "Properties": {
                "Name": sub("servit-${Stage}-mail-secret"),
                "Description": "ServIT: signs reply addresses and portal links",
                "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
            },
        },
        "ReadMailSecretPolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "ReadMailSecret",
                "Roles": roles,
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "ReadTheSigningSecret",
                            "Effect": "Allow",
                            "Action": "secretsmanager:GetSecretValue",
                            "Resource": ref("MailSecret"),
                        }
                    ],
                },
            },
        },
        "SendMailPolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "SendMailFromOwnIdentity",
                "Roles": senders,
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "SendFromTheStacksDomainOnly",
                            "Effect": "Allow",
                            "Action": "ses:SendEmail",
                            # No configuration set: the stack sets none (a stack that sets
                            # SERVIT_SES_CONFIGURATION_SET must grant its ARN here too).
                            "Resource": sub(identity),
                            "Condition": {
                                "StringLike": {"ses:FromAddress": sub("*@${MailDomain}")}
                            },
                        }
                    ],
                },
            },
        },
    }


def social_secret() -> dict[str, Any]:
    """Messenger and X (issue 13): one secret holding the app secrets that sign the
    webhooks and the tokens replies are sent with (JSON, services/social/keys.py). The
    stack makes it with a random ``facebook_verify_token`` (the handshake's token, entered
    in Facebook's app dashboard); an admin puts the platform's values in after deploying.
    Only the API function serves the webhooks and sends replies: only its role reads it."""
    return {
        "SocialSecret": {
            "Type": "AWS::SecretsManager::Secret",
            **RETAIN,
            "Properties": {
                "Name": sub("servit-${Stage}-social-secret"),
                "Description": "ServIT: Facebook app secret and page tokens, X consumer "
                "secret and access tokens (JSON; see README)",
                "GenerateSecretString": {
                    "SecretStringTemplate": json.dumps(
                        {
                            "facebook_app_secret": "",
                            "facebook_page_tokens": {},
                            "x_consumer_secret": "",
                            "x_access_tokens": {},
                        }
                    ),
                    "GenerateStringKey": "facebook_verify_token",
                    "PasswordLength": 40,
                    "ExcludePunctuation": True,
                },
            },
        },
        "ReadSocialSecretPolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "ReadSocialSecret",
                "Roles": [ref(FUNCTION_ROLES["APIHandler"])],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "ReadTheSocialSecret",
                            "Effect": "Allow",
                            "Action": "secretsmanager:GetSecretValue",
                            "Resource": ref("SocialSecret"),
                        }
                    ],
                },
            },
        },
    }


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
        evaluation_periods: int = 1,
        datapoints: int | None = None,
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
                "EvaluationPeriods": evaluation_periods,
                "DatapointsToAlarm": datapoints or evaluation_periods,
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
    # those show only in API Gateway's 5XXError, keyed by the API's name (one per stage).
    api = [{"Name": "ApiName", "Value": sub(API_NAME)}, {"Name": "Stage", "Value": api_stage}]
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
        # Issue 11: a trend, not one error: 5+ (10+) in 5 minutes, in 2 of 3 periods.
        "ApiHandlerErrorsAlarm": alarm(
            "The API Lambda failed 5+ times in 5 minutes, twice in 15 (crash, timeout, "
            "out of memory)",
            "AWS/Lambda",
            "Errors",
            handler,
            threshold=5,
            evaluation_periods=3,
            datapoints=2,
        ),
        "ApiHandlerThrottlesAlarm": alarm(
            "The API Lambda was throttled 10+ times in 5 minutes, twice in 15 (its reserved "
            "concurrency is its cap)",
            "AWS/Lambda",
            "Throttles",
            handler,
            threshold=10,
            evaluation_periods=3,
            datapoints=2,
        ),
        "Api5xxAlarm": alarm(
            "The API answered 5xx 10+ times in 5 minutes, twice in 15",
            "AWS/ApiGateway",
            "5XXError",
            api,
            threshold=10,
            evaluation_periods=3,
            datapoints=2,
        ),
        "TicketEventsErrorsAlarm": alarm(
            "The TicketEvents stream consumer failed 5+ times in 5 minutes, twice in 15 "
            "(crash, timeout): notices are retried",
            "AWS/Lambda",
            "Errors",
            consumer,
            threshold=5,
            evaluation_periods=3,
            datapoints=2,
        ),
        "TicketEventsIteratorAgeAlarm": alarm(
            "The TicketEvents stream consumer is more than 5 minutes behind "
            "(a change failing again and again holds up its shard)",
            "AWS/Lambda",
            "IteratorAge",
            consumer,
            statistic="Maximum",
            threshold=ITERATOR_AGE_ALARM_MS,
            evaluation_periods=3,
            datapoints=2,
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


# Issue 11: failure handling and observability. ------------------------------------------
# The inbound-mail Lambda is invoked asynchronously by SNS. Lambda tries a failed invocation
# (crash, timeout, out of memory) INBOUND_RETRIES more times, and keeps a throttled one
# queued for up to INBOUND_MAX_EVENT_AGE_SECONDS; then the event goes to the on-failure queue.
# The raw mail stays in S3 throughout: `python -m chalicelib.ops.replay --from-queue <url>`
# re-feeds it (docs/operations.md). SNS's own dead-letter queue catches what SNS could not
# hand to Lambda at all. Every later async source gets the same pair.
INBOUND_RETRIES = 2  # Lambda's maximum for asynchronous invocations
INBOUND_MAX_EVENT_AGE_SECONDS = 6 * 3600  # Lambda's maximum
FAILED_MAIL_RETENTION_SECONDS = 14 * 24 * 3600  # SQS's maximum
# Raw mail under inbound/: to STANDARD_IA after RAW_MAIL_IA_DAYS, deleted after the
# RawMailRetentionDays parameter (S3: expiry must come after the transition).
RAW_MAIL_IA_DAYS = 30
RAW_MAIL_RETENTION_DAYS = 365
# Reserved concurrency (parameters; 0: none reserved). The API's reservation is also its cap,
# so a flood of requests cannot take the concurrency mail intake and the stream consumer need.
# Lambda keeps 100 of the account's limit unreserved: the defaults need a limit of at least
# 177 (the default limit is 1,000; new accounts may start lower: set these to 0 there).
# The workflow function's share is the close_children Map's MaxConcurrency (10); its
# throttles are retried by the state machines (Lambda.TooManyRequestsException).
RESERVED_CONCURRENCY = {
    "APIHandler": ("ApiReservedConcurrency", 50),
    "InboundMail": ("InboundMailReservedConcurrency", 10),
    "TicketEvents": ("TicketEventsReservedConcurrency", 5),
    "Workflow": ("WorkflowReservedConcurrency", 10),
    "ScheduledActivity": ("ScheduledActivityReservedConcurrency", 2),
    # Texts (issue 13): received texts and delivery receipts, each small and quick.
    "InboundSms": ("InboundSmsReservedConcurrency", 5),
    "SmsEvents": ("SmsEventsReservedConcurrency", 2),
    # Issue 14: the daily retention job (services/gdpr/retention.py): one run at a time.
    "Retention": ("RetentionReservedConcurrency", 1),
    # Issue 15: browsers opening and closing live connections (a burst after a deploy).
    "WebsocketConnect": ("WebsocketConnectReservedConcurrency", 10),
    "WebsocketDisconnect": ("WebsocketDisconnectReservedConcurrency", 5),
}
DASHBOARD = "servit-${Stage}"
DAY_SECONDS = 24 * 3600


def function_name(logical_id: str) -> str:
    return f"servit-${{Stage}}-{FUNCTIONS[logical_id]}"


def failure_queue(name: str) -> dict[str, Any]:
    return {
        "Type": "AWS::SQS::Queue",
        "Properties": {
            "QueueName": sub(f"servit-${{Stage}}-{name}"),
            "MessageRetentionPeriod": FAILED_MAIL_RETENTION_SECONDS,
            "SqsManagedSseEnabled": True,
        },
    }


def inbound_failures() -> dict[str, Any]:
    """The inbound-mail function's on-failure destination, retries and event age, the SNS
    subscription's dead-letter queue, and the permissions to send to each."""
    return {
        "InboundMailFailures": failure_queue("inbound-mail-failed"),
        "InboundMailDeadLetters": failure_queue("inbound-mail-undeliverable"),
        "InboundMailInvokeConfig": {
            "Type": "AWS::Lambda::EventInvokeConfig",
            # The destination is checked against the role's permissions on creation.
            "DependsOn": ["InboundMailFailurePolicy"],
            "Properties": {
                "FunctionName": ref("InboundMail"),
                "Qualifier": "$LATEST",
                "MaximumRetryAttempts": INBOUND_RETRIES,
                "MaximumEventAgeInSeconds": INBOUND_MAX_EVENT_AGE_SECONDS,
                "DestinationConfig": {
                    "OnFailure": {"Destination": {"Fn::GetAtt": ["InboundMailFailures", "Arn"]}}
                },
            },
        },
        "InboundMailFailurePolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "FailedMailToQueue",
                "Roles": [ref("InboundMailRole")],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sqs:SendMessage",
                            "Resource": {"Fn::GetAtt": ["InboundMailFailures", "Arn"]},
                        }
                    ],
                },
            },
        },
        "InboundMailDeadLetterPolicy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [ref("InboundMailDeadLetters")],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "SnsDeadLetters",
                            "Effect": "Allow",
                            "Principal": {"Service": "sns.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": {"Fn::GetAtt": ["InboundMailDeadLetters", "Arn"]},
                            "Condition": {"ArnEquals": {"aws:SourceArn": ref("InboundMailTopic")}},
                        }
                    ],
                },
            },
        },
    }


def harden_functions(resources: dict[str, Any]) -> None:
    """Merged into the function resources functions() made (a deep merge, as Chalice's):
    reserved concurrency per function, and the SNS subscription's dead-letter queue."""
    for logical_id, (parameter, _default) in RESERVED_CONCURRENCY.items():
        props = resources.setdefault(logical_id, {}).setdefault("Properties", {})
        props["ReservedConcurrentExecutions"] = {
            "Fn::If": [f"Reserve{parameter}", ref(parameter), ref("AWS::NoValue")]
        }
    events = resources["InboundMail"]["Properties"].setdefault("Events", {})
    subscription = events.setdefault("InboundMailSnsSubscription", {"Type": "SNS"})
    subscription.setdefault("Properties", {})["RedrivePolicy"] = {
        "deadLetterTargetArn": {"Fn::GetAtt": ["InboundMailDeadLetters", "Arn"]}
    }


def raw_mail_lifecycle_rule() -> dict[str, Any]:
    return {
        "Id": "inbound-infrequent-access-then-expire",
        "Status": "Enabled",
        "Prefix": INBOUND_PREFIX,
        "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": RAW_MAIL_IA_DAYS}],
        "ExpirationInDays": ref("RawMailRetentionDays"),
    }


def observability_parameters() -> dict[str, Any]:
    parameters: dict[str, Any] = {
        "RawMailRetentionDays": {
            "Type": "Number",
            "Default": RAW_MAIL_RETENTION_DAYS,
            "MinValue": RAW_MAIL_IA_DAYS + 1,
            "Description": "Days received raw mail (inbound/) is kept; after "
            f"{RAW_MAIL_IA_DAYS} days it moves to STANDARD_IA (quarantined mail's too)",
        }
    }
    for logical_id, (parameter, default) in RESERVED_CONCURRENCY.items():
        parameters[parameter] = {
            "Type": "Number",
            "Default": default,
            "MinValue": 0,
            "Description": f"Reserved concurrency of servit-<Stage>-{FUNCTIONS[logical_id]}; "
            "0: none reserved (accounts whose concurrency limit is low)",
        }
    return parameters


def observability_conditions() -> dict[str, Any]:
    return {
        f"Reserve{parameter}": {"Fn::Not": [{"Fn::Equals": [ref(parameter), 0]}]}
        for parameter, _default in RESERVED_CONCURRENCY.values()
    }


def observability_outputs() -> dict[str, Any]:
    return {
        "InboundMailFailureQueueUrl": {"Value": ref("InboundMailFailures")},
        "InboundMailDeadLetterQueueUrl": {"Value": ref("InboundMailDeadLetters")},
        "DashboardUrl": {
            "Value": sub(
                "https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home"
                f"?region=${{AWS::Region}}#dashboards:name={DASHBOARD}"
            )
        },
    }


def metric_alarm(
    description: str,
    metric: dict[str, Any],
    threshold: float,
    *,
    period: int = 300,
    evaluation_periods: int = 1,
    datapoints: int | None = None,
    comparison: str = "GreaterThanOrEqualToThreshold",
    missing: str = "notBreaching",
) -> dict[str, Any]:
    """An alarm reaching the alarm topic. ``metric`` holds Namespace, MetricName, Dimensions
    and Statistic or ExtendedStatistic, or Metrics (metric math)."""
    props: dict[str, Any] = {"AlarmDescription": description, **metric}
    if "Metrics" not in metric:
        props["Period"] = period
    props.update(
        EvaluationPeriods=evaluation_periods,
        DatapointsToAlarm=datapoints or evaluation_periods,
        Threshold=threshold,
        ComparisonOperator=comparison,
        TreatMissingData=missing,
        AlarmActions=[ref("AlarmTopic")],
        OKActions=[ref("AlarmTopic")],
    )
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": props}


def servit_metric(name: str, statistic: str = "Sum") -> dict[str, Any]:
    from chalicelib.services import metrics

    return {
        "Namespace": metrics.NAMESPACE,
        "MetricName": name,
        "Dimensions": [
            {"Name": "service", "Value": metrics.SERVICE},
            {"Name": "stage", "Value": ref("Stage")},
        ],
        "Statistic": statistic,
    }


def throttle_math(kind: str) -> dict[str, Any]:
    """Read or write throttle events of every table, summed (an alarm takes 10 metrics)."""
    from chalicelib.adapters.dynamodb.tables import all_specs

    queries: list[dict[str, Any]] = []
    for index, logical in enumerate(all_specs()):
        queries.append(
            {
                "Id": f"t{index}",
                "ReturnData": False,
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/DynamoDB",
                        "MetricName": f"{kind}ThrottleEvents",
                        "Dimensions": [
                            {"Name": "TableName", "Value": sub(f"servit-${{Stage}}-{logical}")}
                        ],
                    },
                    "Period": 300,
                    "Stat": "Sum",
                },
            }
        )
    ids = ", ".join(q["Id"] for q in queries)
    queries.append(
        {
            "Id": "total",
            "Expression": f"SUM([{ids}])",
            "Label": f"{kind} throttles",
            "ReturnData": True,
        }
    )
    return {"Metrics": queries}


def observability_alarms(app_name: str, api_stage: str) -> dict[str, Any]:
    """Alarms beside alarms()'s (API, stream consumer): mail intake, latency, DynamoDB, SES.
    Thresholds are for a helpdesk's traffic: several failures or a sustained trend, except
    where one is already a loss to act on (a mail in a failure queue)."""
    from chalicelib.services import metrics

    inbound = [{"Name": "FunctionName", "Value": ref("InboundMail")}]
    api = [{"Name": "ApiName", "Value": sub(API_NAME)}, {"Name": "Stage", "Value": api_stage}]

    def queue_depth(queue: str) -> dict[str, Any]:
        return {
            "Namespace": "AWS/SQS",
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}],
            "Statistic": "Maximum",
        }

    def lambda_metric(name: str) -> dict[str, Any]:
        return {
            "Namespace": "AWS/Lambda",
            "MetricName": name,
            "Dimensions": inbound,
            "Statistic": "Sum",
        }

    return {
        "InboundMailErrorsAlarm": metric_alarm(
            "Mail intake failed 3+ times in 5 minutes, twice in 15 (each failure is retried; "
            "mail that still fails waits in the failure queue)",
            lambda_metric("Errors"),
            3,
            evaluation_periods=3,
            datapoints=2,
        ),
        "InboundMailThrottlesAlarm": metric_alarm(
            "Mail intake hit its reserved concurrency (10+ throttles in 5 minutes, twice in "
            "15): Lambda keeps the mail queued for up to 6 hours",
            lambda_metric("Throttles"),
            10,
            evaluation_periods=3,
            datapoints=2,
        ),
        # One message is the threshold: each is a mail that was not filed.
        "InboundMailFailuresAlarm": metric_alarm(
            "A mail is in the inbound failure queue: replay it (docs/operations.md)",
            queue_depth("InboundMailFailures"),
            1,
        ),
        "InboundMailDeadLettersAlarm": metric_alarm(
            "SNS could not deliver a mail notification to the intake: replay it "
            "(docs/operations.md)",
            queue_depth("InboundMailDeadLetters"),
            1,
        ),
        "MailIntakeStoppedAlarm": metric_alarm(
            "No mail received for 24 hours: is the SES receipt rule set active, the MX right?",
            servit_metric(metrics.MAILS_RECEIVED),
            1,
            period=3600,
            evaluation_periods=24,
            comparison="LessThanThreshold",
            missing="breaching",
        ),
        "MailFloodAlarm": metric_alarm(
            "500+ mails in 5 minutes, twice in 15: a mail loop or a flood",
            servit_metric(metrics.MAILS_RECEIVED),
            500,
            evaluation_periods=3,
            datapoints=2,
        ),
        "MailsQuarantinedAlarm": metric_alarm(
            "10+ mails quarantined in an hour: look at the quarantine (admin, mail log)",
            servit_metric(metrics.MAILS_QUARANTINED),
            10,
            period=3600,
        ),
        "ApiLatencyAlarm": metric_alarm(
            "API p99 latency at or over 3 s for 15 minutes",
            {
                "Namespace": "AWS/ApiGateway",
                "MetricName": "Latency",
                "Dimensions": api,
                "ExtendedStatistic": "p99",
            },
            3000,
            evaluation_periods=3,
        ),
        "DynamoReadThrottlesAlarm": metric_alarm(
            "DynamoDB throttled 10+ reads in 5 minutes, twice in 15",
            throttle_math("Read"),
            10,
            evaluation_periods=3,
            datapoints=2,
        ),
        "DynamoWriteThrottlesAlarm": metric_alarm(
            "DynamoDB throttled 10+ writes in 5 minutes, twice in 15",
            throttle_math("Write"),
            10,
            evaluation_periods=3,
            datapoints=2,
        ),
        # SES reviews an account at a 5% bounce or 0.1% complaint rate (and may pause
        # sending at 10% / 0.5%): hear of it at the review level.
        "SesBounceRateAlarm": metric_alarm(
            "SES bounce rate at or over 5% (SES reviews the account there)",
            {"Namespace": "AWS/SES", "MetricName": "Reputation.BounceRate", "Statistic": "Maximum"},
            0.05,
            period=3600,
        ),
        "SesComplaintRateAlarm": metric_alarm(
            "SES complaint rate at or over 0.1% (SES reviews the account there)",
            {
                "Namespace": "AWS/SES",
                "MetricName": "Reputation.ComplaintRate",
                "Statistic": "Maximum",
            },
            0.001,
            period=3600,
        ),
    }


def dashboard(app_name: str, api_stage: str) -> dict[str, Any]:
    """One CloudWatch dashboard: intake, errors, latency, quarantine and failure queues,
    stream lag, DynamoDB throttles, SES reputation, concurrency, and the alarms' states."""
    from chalicelib.adapters.dynamodb.tables import all_specs
    from chalicelib.services import metrics

    dims = ["service", metrics.SERVICE, "stage", "${Stage}"]
    api = ["ApiName", API_NAME, "Stage", api_stage]
    names = [function_name(f) for f in FUNCTIONS]

    def servit(*metric_names: str) -> list[list[Any]]:
        return [[metrics.NAMESPACE, n, *dims] for n in metric_names]

    def widget(title: str, series: list[list[Any]], stat: str = "Sum", **extra: Any) -> Any:
        return {
            "type": "metric",
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": "${AWS::Region}",
                "view": "timeSeries",
                "stat": stat,
                "period": 300,
                "metrics": series,
                **extra,
            },
        }

    def per_function(metric: str, stat: str) -> list[list[Any]]:
        return [["AWS/Lambda", metric, "FunctionName", n, {"stat": stat}] for n in names]

    queues = ["inbound-mail-failed", "inbound-mail-undeliverable", "ticket-events-failed",
              SCHEDULE_FAILURES_QUEUE]  # fmt: skip
    tables = [f"servit-${{Stage}}-{t}" for t in all_specs()]
    every = {
        **alarms(app_name, api_stage),
        **observability_alarms(app_name, api_stage),
        **workflows(),
        **schedules(),
    }
    alarm_names = sorted(n for n, r in every.items() if r["Type"] == "AWS::CloudWatch::Alarm")
    widgets = [
        widget(
            "Mail intake (per 5 minutes)",
            servit(
                metrics.MAILS_RECEIVED,
                metrics.TICKETS_CREATED,
                metrics.DUPLICATES,
                metrics.BOUNCES,
                metrics.MAILS_QUARANTINED,
            ),
        ),
        widget(
            "Work done (per 5 minutes)",
            servit(metrics.REPLIES_SENT, metrics.NOTIFICATIONS_SENT, metrics.SLA_BREACHES),
        ),
        widget(
            "Errors: Lambda failures, API 5xx",
            [*per_function("Errors", "Sum"), ["AWS/ApiGateway", "5XXError", *api]],
        ),
        widget(
            "API latency p50 / p99 (ms)",
            [
                ["AWS/ApiGateway", "Latency", *api, {"stat": "p50"}],
                ["AWS/ApiGateway", "Latency", *api, {"stat": "p99"}],
            ],
        ),
        widget(
            "Lambda duration p50 / p99 (ms)",
            [*per_function("Duration", "p50"), *per_function("Duration", "p99")],
        ),
        widget(
            "Quarantined per hour; mail and changes waiting in failure queues",
            [
                *[
                    [*row, {"stat": "Sum", "period": 3600}]
                    for row in servit(metrics.MAILS_QUARANTINED)
                ],
                *[
                    [
                        "AWS/SQS",
                        "ApproximateNumberOfMessagesVisible",
                        "QueueName",
                        f"servit-${{Stage}}-{q}",
                        {"stat": "Maximum"},
                    ]
                    for q in queues
                ],
            ],
        ),
        widget(
            "Workflows: executions started and failed (per 5 minutes)",
            [
                ["AWS/States", metric, "StateMachineArn", f"${{{machine_logical_id(m)}}}"]
                for m in MACHINES
                for metric in ("ExecutionsStarted", "ExecutionsFailed")
            ],
        ),
        widget(
            "Stream consumer iterator age (ms)",
            [["AWS/Lambda", "IteratorAge", "FunctionName", function_name("TicketEvents")]],
            stat="Maximum",
        ),
        widget(
            "DynamoDB throttled requests",
            [
                ["AWS/DynamoDB", f"{kind}ThrottleEvents", "TableName", t]
                for t in tables
                for kind in ("Read", "Write")
            ],
        ),
        widget(
            "SES bounce and complaint rates",
            [
                ["AWS/SES", "Reputation.BounceRate"],
                ["AWS/SES", "Reputation.ComplaintRate"],
            ],
            stat="Maximum",
            period=3600,
        ),
        widget(
            "Concurrency and throttles",
            [*per_function("ConcurrentExecutions", "Maximum"), *per_function("Throttles", "Sum")],
        ),
        {
            "type": "alarm",
            "width": 24,
            "height": 4,
            "properties": {
                "title": "Alarms",
                "alarms": [f"${{{name}.Arn}}" for name in alarm_names],
            },
        },
    ]
    body = {"widgets": widgets}
    return {
        "Dashboard": {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {"DashboardName": sub(DASHBOARD), "DashboardBody": sub(json.dumps(body))},
        }
    }


# Logs Insights saved queries. Every Powertools line carries correlation_id (the SES message
# id for mail, whose raw object is inbound/<that id>), function_name and the logger's service.
WHERE_DID_THIS_MAIL_GO = """\
fields @timestamp, function_name, level, message, outcome, ticket_id, mail_log_id, raw_key, \
reason, correlation_id
| filter message_id like "PUT-THE-MESSAGE-ID-HERE" or correlation_id = "OR-THE-SES-MESSAGE-ID"
| sort @timestamp asc
| limit 200"""
ERRORS_BY_USE_CASE = """\
fields @timestamp, @message
| filter level in ["ERROR", "CRITICAL"] or @message like /Task timed out|Runtime\\.|MemoryError/
| stats count(*) as errors by function_name, service, location, message
| sort errors desc
| limit 100"""


def saved_queries() -> dict[str, Any]:
    log_groups = [sub(f"/aws/lambda/{function_name(f)}") for f in FUNCTIONS]

    def query(name: str, text: str) -> dict[str, Any]:
        return {
            "Type": "AWS::Logs::QueryDefinition",
            "Properties": {
                "Name": sub(f"servit-${{Stage}}/{name}"),
                "LogGroupNames": log_groups,
                "QueryString": text,
            },
        }

    return {
        "WhereDidThisMailGoQuery": query("where-did-this-mail-go", WHERE_DID_THIS_MAIL_GO),
        "ErrorsByUseCaseQuery": query("errors-by-use-case", ERRORS_BY_USE_CASE),
    }


def web_hosting() -> dict[str, Any]:
    """The agent UI in AWS: web/dist in a private bucket behind CloudFront, which also passes
    /api, /portal and /forms to API Gateway, so the browser sees one origin (as with the local front
    door) and the same strict Content-Security-Policy (local/web_proxy.UI_CSP) holds."""
    from infra import live_resources
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
            **RETAIN,
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
                            # Issue 15: and the stack's WebSocket API (infra/live_resources).
                            "ContentSecurityPolicy": live_resources.ui_csp(UI_CSP),
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
                    "CacheBehaviors": [
                        api_behaviour("/api/*"),
                        api_behaviour("/portal/*"),
                        api_behaviour("/forms/*"),  # public web forms (issue 13)
                        api_behaviour("/webhooks/*"),  # Messenger and X webhooks (issue 13)
                    ],
                    # A CLOUDFRONT-scope web ACL lives in us-east-1 (infra/waf-cloudfront.json,
                    # deployed there by infra/deploy.sh): its ARN comes in as a parameter.
                    "WebACLId": {
                        "Fn::If": [
                            "HasCloudFrontWebAcl",
                            ref("CloudFrontWebAclArn"),
                            ref("AWS::NoValue"),
                        ]
                    },
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
    """Inside the REST API's own definition (merged into Chalice's DefinitionBody): the API is
    created from that body in overwrite mode, so separate AWS::ApiGateway::GatewayResponse
    resources would be wiped by every update that changes a route (cfn-lint W3660)."""
    responses: dict[str, Any] = {}
    for kind, (status, code, message) in GATEWAY_RESPONSES.items():
        quoted = message if message.startswith("$") else f'"{message}"'
        body = f'{{"error": "{code}", "message": {quoted}}}'
        response: dict[str, Any] = {"responseTemplates": {"application/json": body}}
        if status is not None:
            response["statusCode"] = int(status)
        responses[kind] = response
    return {
        "RestAPI": {
            "Properties": {
                # Per stage, not the app name Chalice gives every stack's API: the 5xx alarm
                # finds its API by name.
                "Name": sub(API_NAME),
                "DefinitionBody": {"x-amazon-apigateway-gateway-responses": responses},
                # SAM hands these to the stage it makes (RestAPIapiStage); the login routes'
                # tighter entries are added by infra/package_finish.py, which sees the routes.
                "MethodSettings": [stage_throttling()],
            }
        }
    }


# Issue 11: throttling and WAF. -------------------------------------------------------------
# API Gateway throttles per stage and method (a token bucket: steady rate per second, burst),
# for all callers together: a cap that keeps a flood from reaching Lambda, DynamoDB and
# Cognito, not a per-client limit. The login routes get a tighter bucket of their own
# (infra/package_finish.py). Per-client limits are WAF rate rules, keyed by client IP.
API_THROTTLE = {"ApiThrottleRate": 50, "ApiThrottleBurst": 100}
API_LOGIN_THROTTLE = {"ApiLoginThrottleRate": 5, "ApiLoginThrottleBurst": 20}
LOGIN_PATH_PREFIX = "/api/auth/"  # login, MFA challenge, ... (logout too: harmless)
# WAF rate rules count requests per client IP over WAF_WINDOW_SECONDS.
WAF_WINDOW_SECONDS = 300
WAF_RATE_LIMIT = 2000  # all requests
WAF_LOGIN_RATE_LIMIT = 100  # requests to LOGIN_PATH_PREFIX
# AWS managed rule groups, in priority order. The common rule set's body rules would block
# what helpdesk users legitimately send: portal uploads over 8 KB (SizeRestrictions_BODY),
# an uploaded or quoted HTML file (CrossSiteScripting_BODY), a URL with an IP address in a
# note or reply (GenericRFI_BODY). They only count; the app bounds bodies and cleans HTML.
MANAGED_RULE_GROUPS: dict[str, list[str]] = {
    "AWSManagedRulesAmazonIpReputationList": [],
    "AWSManagedRulesCommonRuleSet": [
        "SizeRestrictions_BODY",
        "CrossSiteScripting_BODY",
        "GenericRFI_BODY",
    ],
    "AWSManagedRulesKnownBadInputsRuleSet": [],
}


def stage_throttling() -> dict[str, Any]:
    return {
        "ResourcePath": "/*",
        "HttpMethod": "*",
        "ThrottlingRateLimit": ref("ApiThrottleRate"),
        "ThrottlingBurstLimit": ref("ApiThrottleBurst"),
    }


def login_throttling(resource_path: str, method: str) -> dict[str, Any]:
    """One login route's own bucket; resource_path as in the API ("/api/auth/login")."""
    return {
        # API Gateway's encoding: "/a/b" is "/~1a~1b"
        "ResourcePath": "/" + resource_path.replace("/", "~1"),
        "HttpMethod": method.upper(),
        "ThrottlingRateLimit": ref("ApiLoginThrottleRate"),
        "ThrottlingBurstLimit": ref("ApiLoginThrottleBurst"),
    }


def web_acl_rules(name: str) -> list[dict[str, Any]]:
    """The rules of both web ACLs (the API stage's, REGIONAL, and CloudFront's)."""
    rules: list[dict[str, Any]] = []

    def visibility(metric: str) -> dict[str, Any]:
        return {
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": sub(f"{name}-{metric}"),
        }

    for group, counted in MANAGED_RULE_GROUPS.items():
        statement: dict[str, Any] = {"VendorName": "AWS", "Name": group}
        if counted:
            statement["RuleActionOverrides"] = [
                {"Name": rule, "ActionToUse": {"Count": {}}} for rule in counted
            ]
        rules.append(
            {
                "Name": group,
                "Priority": len(rules),
                "OverrideAction": {"None": {}},
                "Statement": {"ManagedRuleGroupStatement": statement},
                "VisibilityConfig": visibility(group),
            }
        )

    def rate_rule(rule: str, limit: str, scope_down: dict[str, Any] | None) -> dict[str, Any]:
        statement: dict[str, Any] = {
            "Limit": ref(limit),
            "EvaluationWindowSec": WAF_WINDOW_SECONDS,
            "AggregateKeyType": "IP",
        }
        if scope_down:
            statement["ScopeDownStatement"] = scope_down
        return {
            "Name": rule,
            "Priority": len(rules),
            "Action": {"Block": {}},
            "Statement": {"RateBasedStatement": statement},
            "VisibilityConfig": visibility(rule),
        }

    login_paths = {
        "ByteMatchStatement": {
            "FieldToMatch": {"UriPath": {}},
            "PositionalConstraint": "CONTAINS",
            "SearchString": LOGIN_PATH_PREFIX,
            "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
        }
    }
    rules.append(rate_rule("login-rate-per-ip", "WafLoginRateLimit", login_paths))
    rules.append(rate_rule("rate-per-ip", "WafRateLimit", None))
    return rules


def web_acl(scope: str, name: str) -> dict[str, Any]:
    return {
        "Type": "AWS::WAFv2::WebACL",
        "Properties": {
            "Name": sub(name),
            "Scope": scope,
            "Description": f"ServIT {scope.lower()} - AWS managed rules, rate limits per IP",
            "DefaultAction": {"Allow": {}},
            "Rules": web_acl_rules(name),
            "VisibilityConfig": {
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": sub(name),
            },
        },
    }


def regional_waf() -> dict[str, Any]:
    """The API stage's web ACL, when WafOn. Behind CloudFront it sees CloudFront's addresses
    as client IPs (its rate rules then cap each edge's share); it is what guards calls
    straight to the execute-api URL. CloudFront's own ACL limits per viewer IP."""
    acl = web_acl("REGIONAL", "servit-${Stage}-api")
    return {
        "RegionalWebAcl": {"Condition": "WafOn", **acl},
        "RegionalWebAclAssociation": {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "Condition": "WafOn",
            "Properties": {
                # ${RestAPI.Stage}: SAM's reference to the stage it makes, so the association
                # waits for it.
                "ResourceArn": sub(
                    "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}"
                    "/stages/${RestAPI.Stage}"
                ),
                "WebACLArn": {"Fn::GetAtt": ["RegionalWebAcl", "Arn"]},
            },
        },
    }


def waf_parameters() -> dict[str, Any]:
    return {
        "WafRateLimit": {
            "Type": "Number",
            "Default": WAF_RATE_LIMIT,
            "MinValue": 10,
            "Description": f"WAF: requests per client IP per {WAF_WINDOW_SECONDS // 60} "
            "minutes before the IP is blocked for a while",
        },
        "WafLoginRateLimit": {
            "Type": "Number",
            "Default": WAF_LOGIN_RATE_LIMIT,
            "MinValue": 10,
            "Description": f"WAF: requests to {LOGIN_PATH_PREFIX}* per client IP per "
            f"{WAF_WINDOW_SECONDS // 60} minutes",
        },
    }


def protection_parameters() -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    for name, default in {**API_THROTTLE, **API_LOGIN_THROTTLE}.items():
        login = "Login" in name
        what = "steady requests per second" if name.endswith("Rate") else "burst (requests)"
        parameters[name] = {
            "Type": "Number",
            "Default": default,
            "MinValue": 1,
            "Description": f"API Gateway stage throttling, all callers together: {what}"
            + (f" of each {LOGIN_PATH_PREFIX}* route" if login else " (every route)"),
        }
    parameters["EnableWaf"] = {
        "Type": "String",
        "Default": "auto",
        "AllowedValues": ["auto", "true", "false"],
        "Description": "WAF web ACL on the API stage (AWS managed rules, rate limits per IP); "
        "auto: on when Stage is prod",
    }
    parameters.update(waf_parameters())
    parameters["CloudFrontWebAclArn"] = {
        "Type": "String",
        "Default": "",
        "Description": "ARN of a CLOUDFRONT-scope web ACL (us-east-1) for the distribution; "
        "infra/deploy.sh makes one when WAF is on. Empty: none",
    }
    return parameters


def protection_conditions() -> dict[str, Any]:
    return {
        "WafOn": {
            "Fn::Or": [
                {"Fn::Equals": [ref("EnableWaf"), "true"]},
                {
                    "Fn::And": [
                        {"Fn::Equals": [ref("EnableWaf"), "auto"]},
                        {"Fn::Equals": [ref("Stage"), "prod"]},
                    ]
                },
            ]
        },
        "HasCloudFrontWebAcl": {"Fn::Not": [{"Fn::Equals": [ref("CloudFrontWebAclArn"), ""]}]},
    }


def cloudfront_waf_template() -> dict[str, Any]:
    """infra/waf-cloudfront.json: the distribution's web ACL. CLOUDFRONT scope exists only in
    us-east-1, so it is a stack of its own there ("<stack>-waf"); its output WebAclArn goes to
    the main stack's CloudFrontWebAclArn (infra/deploy.sh does both)."""
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "ServIT: the CloudFront distribution's web ACL (us-east-1 only; "
        "generated by infra/gen_resources.py, deployed by infra/deploy.sh)",
        "Parameters": {
            "Stage": {
                "Type": "String",
                "AllowedPattern": STAGE_PATTERN,
                "Description": "The main stack's Stage",
            },
            **waf_parameters(),
        },
        "Resources": {"CloudFrontWebAcl": web_acl("CLOUDFRONT", "servit-${Stage}-cloudfront")},
        "Outputs": {"WebAclArn": {"Value": {"Fn::GetAtt": ["CloudFrontWebAcl", "Arn"]}}},
    }


# Issue 12: time and follow-up on Step Functions, scheduled activities on EventBridge
# Scheduler. ---------------------------------------------------------------------------
# Three Standard machines from infra/statemachines/<name>.asl.json, embedded as Definition
# objects (cfn-lint checks them; a DefinitionString it would skip), each Task invoking the
# workflow function, whose ARN comes in through DefinitionSubstitutions.
#
# No cycle: a machine depends on the workflow function (its ARN); the functions that start
# executions or complete waits name the machines by ARNs built from their fixed names
# (state_machine_arn), never by Ref, so no function depends on a machine. Likewise the
# Scheduler role names the scheduled_activity function by its built ARN, and that function
# names itself as the timers' target by its built ARN.
STATEMACHINES = ROOT / "infra" / "statemachines"
MACHINES = ("wakeup", "consultation", "close_children")  # services/workflows.MACHINES
WORKFLOW_LOG_RETENTION_DAYS = 30
SCHEDULE_GROUP = "servit-${Stage}"
SCHEDULE_FAILURES_QUEUE = "scheduled-activity-failed"
# Lambda's own retries of a scheduled activity that failed (Scheduler invokes it
# asynchronously); then the event goes to the failure queue, as Scheduler's dead letters do.
SCHEDULED_RETRIES = 2
SCHEDULED_MAX_EVENT_AGE_SECONDS = 3600  # a later occurrence is not made (scheduler_aws)


def machine_logical_id(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "StateMachine"


def machine_name(name: str) -> str:
    return f"servit-${{Stage}}-{name}"


def state_machine_arn(name: str) -> dict[str, str]:
    return sub(
        f"arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:"
        f"{machine_name(name)}"
    )


def function_arn(logical_id: str) -> dict[str, str]:
    """A function's ARN built from its fixed name: no dependency on the function."""
    return sub(
        "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
        + function_name(logical_id)
    )


def machine_environment() -> dict[str, Any]:
    return {f"SERVIT_SFN_{name.upper()}_ARN": state_machine_arn(name) for name in MACHINES}


def schedule_environment() -> dict[str, Any]:
    return {
        "SERVIT_SCHEDULE_GROUP": sub(SCHEDULE_GROUP),
        "SERVIT_SCHEDULE_TARGET_ARN": function_arn("ScheduledActivity"),
        "SERVIT_SCHEDULER_ROLE_ARN": {"Fn::GetAtt": ["SchedulerRole", "Arn"]},
        "SERVIT_SCHEDULE_DEAD_LETTER_ARN": {"Fn::GetAtt": ["ScheduledActivityFailures", "Arn"]},
    }


# Variables beside the common ones, per function: the stream consumer starts and stops
# executions and completes consultation waits; the API keeps the activities' timers, the
# scheduled activity arms one-off timers (next_open). The workflow function completes a
# wait by its token alone: it needs no machine's ARN.
def api_environment() -> dict[str, Any]:
    # The API alone serves the Messenger and X webhooks and sends the replies (issue 13).
    return {**schedule_environment(), "SERVIT_SOCIAL_SECRET_ARN": ref("SocialSecret")}


def live_environment() -> dict[str, Any]:
    """Issue 15: where browsers connect and where notices are posted (infra/live_resources)."""
    from infra import live_resources

    return live_resources.environment()


def sms_environment() -> dict[str, Any]:
    """Where texts leave from (issue 13): the functions that send them (the API: agents'
    replies; the stream consumer: trigger alarms)."""
    from infra import sms_resources

    return sms_resources.environment()


FUNCTION_ENVIRONMENT = {
    "TicketEvents": lambda: {**machine_environment(), **sms_environment(), **live_environment()},
    "APIHandler": lambda: {**api_environment(), **sms_environment(), **live_environment()},
    "ScheduledActivity": schedule_environment,
    "WebsocketConnect": lambda: live_environment(),
    "WebsocketDisconnect": lambda: live_environment(),
}


def workflows() -> dict[str, Any]:
    """The state machines, their role, log group and alarms."""
    resources: dict[str, Any] = {
        "WorkflowsLogGroup": {
            "Type": "AWS::Logs::LogGroup",
            **RETAIN,
            "Properties": {
                "LogGroupName": sub("/aws/vendedlogs/states/servit-${Stage}-workflows"),
                "RetentionInDays": WORKFLOW_LOG_RETENTION_DAYS,
            },
        },
        "StateMachineRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "states.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}
                            },
                        }
                    ],
                },
                "Policies": [
                    {
                        "PolicyName": "InvokeTheWorkflowFunction",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Sid": "EveryTaskInvokesTheWorkflowFunction",
                                    "Effect": "Allow",
                                    "Action": "lambda:InvokeFunction",
                                    "Resource": {"Fn::GetAtt": ["Workflow", "Arn"]},
                                },
                                {
                                    # Step Functions' log delivery to CloudWatch Logs: these
                                    # actions have no resource-level permissions.
                                    "Sid": "ErrorLogDelivery",
                                    "Effect": "Allow",
                                    "Action": [
                                        "logs:CreateLogDelivery",
                                        "logs:GetLogDelivery",
                                        "logs:UpdateLogDelivery",
                                        "logs:DeleteLogDelivery",
                                        "logs:ListLogDeliveries",
                                        "logs:PutResourcePolicy",
                                        "logs:DescribeResourcePolicies",
                                        "logs:DescribeLogGroups",
                                    ],
                                    "Resource": "*",
                                },
                                {
                                    "Sid": "XRayHasNoResourceLevelPermissions",
                                    "Effect": "Allow",
                                    "Action": [
                                        "xray:PutTraceSegments",
                                        "xray:PutTelemetryRecords",
                                        "xray:GetSamplingRules",
                                        "xray:GetSamplingTargets",
                                    ],
                                    "Resource": "*",
                                },
                            ],
                        },
                    }
                ],
            },
        },
    }
    for name in MACHINES:
        path = STATEMACHINES / f"{name}.asl.json"
        logical = machine_logical_id(name)
        resources[logical] = {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "StateMachineName": sub(machine_name(name)),
                "StateMachineType": "STANDARD",
                "Definition": json.loads(path.read_text(encoding="utf-8")),
                "DefinitionSubstitutions": {
                    "WorkflowFunctionArn": {"Fn::GetAtt": ["Workflow", "Arn"]}
                },
                "RoleArn": {"Fn::GetAtt": ["StateMachineRole", "Arn"]},
                # Failures only, without the executions' data (ticket ids and task tokens
                # are all they hold, but the console shows them anyway).
                "LoggingConfiguration": {
                    "Level": "ERROR",
                    "IncludeExecutionData": False,
                    "Destinations": [
                        {
                            "CloudWatchLogsLogGroup": {
                                "LogGroupArn": {"Fn::GetAtt": ["WorkflowsLogGroup", "Arn"]}
                            }
                        }
                    ],
                },
                "TracingConfiguration": {"Enabled": True},
            },
        }
        resources[f"{logical}FailedAlarm"] = metric_alarm(
            f"An execution of {name} failed: a step failed after its retries (see "
            "docs/operations.md, Workflows: re-arm from DynamoDB)",
            {
                "Namespace": "AWS/States",
                "MetricName": "ExecutionsFailed",
                "Dimensions": [{"Name": "StateMachineArn", "Value": ref(logical)}],
                "Statistic": "Sum",
            },
            1,
        )
    resources["WorkflowErrorsAlarm"] = metric_alarm(
        "The workflow Lambda failed 3+ times in 5 minutes, twice in 15 (each step is "
        "retried by its state machine)",
        lambda_errors("Workflow"),
        3,
        evaluation_periods=3,
        datapoints=2,
    )
    return resources


def lambda_errors(logical_id: str) -> dict[str, Any]:
    return {
        "Namespace": "AWS/Lambda",
        "MetricName": "Errors",
        "Dimensions": [{"Name": "FunctionName", "Value": ref(logical_id)}],
        "Statistic": "Sum",
    }


def schedules() -> dict[str, Any]:
    """The schedule group every activity's timer lives in, the role Scheduler invokes the
    scheduled_activity function with, and where an occurrence goes that could not be made:
    Scheduler's dead letters (not delivered within its retry policy) and Lambda's on-failure
    destination (the function failed SCHEDULED_RETRIES more times) share one queue; both
    hold the activity id and scheduled time, and firing again is idempotent."""
    queue_arn = {"Fn::GetAtt": ["ScheduledActivityFailures", "Arn"]}
    return {
        "ScheduleGroup": {
            "Type": "AWS::Scheduler::ScheduleGroup",
            "Properties": {"Name": sub(SCHEDULE_GROUP)},
        },
        "ScheduledActivityFailures": failure_queue(SCHEDULE_FAILURES_QUEUE),
        "SchedulerRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "scheduler.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            # Only this account's schedules in this stack's group.
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")},
                                "ArnLike": {
                                    "aws:SourceArn": sub(
                                        "arn:${AWS::Partition}:scheduler:${AWS::Region}:"
                                        f"${{AWS::AccountId}}:schedule-group/{SCHEDULE_GROUP}"
                                    )
                                },
                            },
                        }
                    ],
                },
                "Policies": [
                    {
                        "PolicyName": "FireScheduledActivities",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Sid": "InvokeTheScheduledActivityFunction",
                                    "Effect": "Allow",
                                    "Action": "lambda:InvokeFunction",
                                    "Resource": function_arn("ScheduledActivity"),
                                },
                                {
                                    "Sid": "DeadLetters",
                                    "Effect": "Allow",
                                    "Action": "sqs:SendMessage",
                                    "Resource": queue_arn,
                                },
                            ],
                        },
                    }
                ],
            },
        },
        # The API (each activity's schedule) and the scheduled activity (one-off timers of
        # next_open) hand the Scheduler role to Scheduler, and to nothing else.
        "PassSchedulerRolePolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "PassTheSchedulerRole",
                "Roles": [ref(FUNCTION_ROLES[f]) for f in ("APIHandler", "ScheduledActivity")],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "iam:PassRole",
                            "Resource": {"Fn::GetAtt": ["SchedulerRole", "Arn"]},
                            "Condition": {
                                "StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}
                            },
                        }
                    ],
                },
            },
        },
        "ScheduledActivityInvokeConfig": {
            "Type": "AWS::Lambda::EventInvokeConfig",
            "DependsOn": ["ScheduledActivityFailurePolicy"],
            "Properties": {
                "FunctionName": ref("ScheduledActivity"),
                "Qualifier": "$LATEST",
                "MaximumRetryAttempts": SCHEDULED_RETRIES,
                "MaximumEventAgeInSeconds": SCHEDULED_MAX_EVENT_AGE_SECONDS,
                "DestinationConfig": {"OnFailure": {"Destination": queue_arn}},
            },
        },
        "ScheduledActivityFailurePolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "FailedOccurrencesToQueue",
                "Roles": [ref("ScheduledActivityRole")],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn}
                    ],
                },
            },
        },
        "ScheduledActivityErrorsAlarm": metric_alarm(
            "The scheduled activity Lambda failed 3+ times in 15 minutes (each failure is "
            "retried; what still fails waits in the failure queue)",
            lambda_errors("ScheduledActivity"),
            3,
            period=900,
        ),
        "ScheduledActivityFailuresAlarm": metric_alarm(
            "A scheduled activity's occurrence could not be made: it is in the failure queue "
            "(docs/operations.md, Scheduled activities)",
            {
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [
                    {
                        "Name": "QueueName",
                        "Value": {"Fn::GetAtt": ["ScheduledActivityFailures", "QueueName"]},
                    }
                ],
                "Statistic": "Maximum",
            },
            1,
        ),
    }


def build_template() -> dict[str, Any]:
    from infra import (
        live_resources,  # live lists (issue 15): the WebSocket API's wiring
        sms_resources,  # texts (issue 13): topics, failure queue, send policy
    )

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
        least_privilege(),
        social_secret(),
        gateway_responses(),
        regional_waf(),
        alarms(chalice["app_name"], chalice.get("api_gateway_stage", "api")),
        inbound_failures(),
        observability_alarms(chalice["app_name"], chalice.get("api_gateway_stage", "api")),
        dashboard(chalice["app_name"], chalice.get("api_gateway_stage", "api")),
        saved_queries(),
        workflows(),
        schedules(),
        sms_resources.resources(),
        live_resources.resources(),
    ):
        resources.update(part)
    harden_functions(resources)
    sms_resources.wire(resources)
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "ServIT: API, tables, mail intake, user pool and alarms "
        "(merged by `chalice package`; generated by infra/gen_resources.py)",
        "Parameters": {
            "Stage": {
                "Type": "String",
                "Default": "dev",
                "AllowedPattern": STAGE_PATTERN,
                "ConstraintDescription": "1-16 lower-case letters and digits, from a letter",
                "Description": "Names every resource servit-<Stage>-...: one stage per stack "
                "(dev, test, prod, ...)",
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
                "Description": "Your SES-verified domain: the only one ServIT may send from "
                "(response point addresses must be on it); also names its Message-IDs",
            },
            "PublicUrl": {
                "Type": "String",
                "Default": "",
                "Description": "Base URL of the agent UI and the portal in mails (your own "
                "domain in front of CloudFront); empty: the stack's CloudFront URL (WebUrl)",
            },
            "AlarmEmail": {
                "Type": "String",
                "Default": "",
                "Description": "Optional e-mail address subscribed to the alarm topic",
            },
            **observability_parameters(),
            **protection_parameters(),
            **sms_resources.parameters(),
        },
        "Conditions": {
            "HasRecipients": {
                "Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", ref("InboundRecipients")]}, ""]}]
            },
            "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [ref("AlarmEmail"), ""]}]},
            "HasPublicUrl": {"Fn::Not": [{"Fn::Equals": [ref("PublicUrl"), ""]}]},
            **observability_conditions(),
            **protection_conditions(),
            **sms_resources.conditions(),
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
            "ScheduledActivityFailureQueueUrl": {"Value": ref("ScheduledActivityFailures")},
            "ScheduleGroupName": {"Value": ref("ScheduleGroup")},
            **{
                f"{machine_logical_id(m)}Arn": {"Value": ref(machine_logical_id(m))}
                for m in MACHINES
            },
            "WebUrl": {"Value": sub("https://${WebDistribution.DomainName}/")},
            "WebBucketName": {"Value": ref("WebBucket")},
            "WebDistributionId": {"Value": ref("WebDistribution")},
            **observability_outputs(),
            "RegionalWebAclArn": {
                "Condition": "WafOn",
                "Value": {"Fn::GetAtt": ["RegionalWebAcl", "Arn"]},
            },
            **sms_resources.outputs(),
            **live_resources.outputs(),
        },
    }


def render(template: dict[str, Any]) -> str:
    return json.dumps(template, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    OUTPUT.write_text(render(build_template()), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    CLOUDFRONT_WAF_OUTPUT.write_text(render(cloudfront_waf_template()), encoding="utf-8")
    print(f"wrote {CLOUDFRONT_WAF_OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
