"""Texts in AWS (issue 13), merged into the template by infra/gen_resources.py.

- Two SNS topics End User Messaging SMS publishes to: received texts (two-way SMS on the
  phone number or pool, set to this topic) and delivery events (the configuration set's
  event destination); each subscribes its own function (chalicelib/api/sms.py:
  ``inbound_sms``, ``sms_events``), with an on-failure queue for received texts as mail has.
- Sending: agents' replies leave from the API function, with the origination identity and
  configuration set the stack's parameters name; its role may send from those alone
  (``SendSmsRepliesPolicy``), and only when an origination identity is given.
- The monthly spend cap is an admin setting (Settings.sms_monthly_spend_cap), not a stack
  parameter: it changes with the month's needs, not with a deployment. End User Messaging's
  own account spend limit stays the hard ceiling above it.
"""

from __future__ import annotations

from typing import Any

FUNCTIONS = {"InboundSms": "inbound-sms", "SmsEvents": "sms-events"}
ROLES = {"InboundSms": "InboundSmsRole", "SmsEvents": "SmsEventsRole"}
# The topic names chalicelib/api/sms.py subscribes to; the merge points them at these.
TOPICS = {"InboundSms": "InboundSmsTopic", "SmsEvents": "SmsEventsTopic"}
FAILED_TEXT_RETENTION_SECONDS = 14 * 24 * 3600
SMS_ARN = "arn:${AWS::Partition}:sms-voice:${AWS::Region}:${AWS::AccountId}"


def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def _ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def parameters() -> dict[str, Any]:
    return {
        "SmsOriginationIdentityArn": {
            "Type": "String",
            "Default": "",
            "AllowedPattern": "^$|^arn:[a-z-]+:sms-voice:[a-z0-9-]+:[0-9]{12}:"
            "(phone-number|pool|sender-id)/.+$",
            "Description": "End User Messaging SMS: the ARN of the phone number or pool agents' "
            "texts leave from (set its two-way SMS destination to InboundSmsTopicArn); "
            "empty: no texts are sent",
        },
        "SmsConfigurationSetName": {
            "Type": "String",
            "Default": "",
            "AllowedPattern": "^[A-Za-z0-9_-]{0,64}$",
            "Description": "End User Messaging SMS: the configuration set texts are sent with "
            "(its SNS event destination: SmsEventsTopicArn, for delivery receipts); "
            "empty: none",
        },
    }


def conditions() -> dict[str, Any]:
    return {"SendsSms": {"Fn::Not": [{"Fn::Equals": [_ref("SmsOriginationIdentityArn"), ""]}]}}


def _topic(logical: str, name: str, sid: str) -> dict[str, Any]:
    return {
        logical: {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": _sub(f"servit-${{Stage}}-{name}")},
        },
        f"{logical}Policy": {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [_ref(logical)],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": sid,
                            "Effect": "Allow",
                            "Principal": {"Service": "sms-voice.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": _ref(logical),
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": _ref("AWS::AccountId")}
                            },
                        }
                    ],
                },
            },
        },
    }


def _dead_letters(logical_id: str, name: str) -> dict[str, Any]:
    queue = f"{logical_id}DeadLetters"
    return {
        queue: {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": _sub(f"servit-${{Stage}}-{name}"),
                "MessageRetentionPeriod": FAILED_TEXT_RETENTION_SECONDS,
                "SqsManagedSseEnabled": True,
            },
        },
        f"{queue}Policy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [_ref(queue)],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "SnsDeadLetters",
                            "Effect": "Allow",
                            "Principal": {"Service": "sns.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": {"Fn::GetAtt": [queue, "Arn"]},
                            "Condition": {"ArnEquals": {"aws:SourceArn": _ref(TOPICS[logical_id])}},
                        }
                    ],
                },
            },
        },
    }


def resources() -> dict[str, Any]:
    failures_arn = {"Fn::GetAtt": ["InboundSmsFailures", "Arn"]}
    return {
        **_topic("InboundSmsTopic", "inbound-sms", "EndUserMessagingPublishesReceivedTexts"),
        **_topic("SmsEventsTopic", "sms-events", "EndUserMessagingPublishesDeliveryEvents"),
        # A received text whose filing failed three times waits here (redrive: publish its
        # message to InboundSmsTopic again; filing is idempotent on the message id).
        "InboundSmsFailures": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": _sub("servit-${Stage}-inbound-sms-failed"),
                "MessageRetentionPeriod": FAILED_TEXT_RETENTION_SECONDS,
                "SqsManagedSseEnabled": True,
            },
        },
        # What SNS could not deliver to a function at all (throttled past its retries).
        **_dead_letters("InboundSms", "inbound-sms-undeliverable"),
        **_dead_letters("SmsEvents", "sms-events-undeliverable"),
        "InboundSmsInvokeConfig": {
            "Type": "AWS::Lambda::EventInvokeConfig",
            "DependsOn": ["InboundSmsFailurePolicy"],
            "Properties": {
                "FunctionName": _ref("InboundSms"),
                "Qualifier": "$LATEST",
                "MaximumRetryAttempts": 2,
                "MaximumEventAgeInSeconds": 6 * 3600,
                "DestinationConfig": {"OnFailure": {"Destination": failures_arn}},
            },
        },
        "InboundSmsFailurePolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "FailedTextsToQueue",
                "Roles": [_ref(ROLES["InboundSms"])],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": failures_arn}
                    ],
                },
            },
        },
        "SendSmsRepliesPolicy": {
            "Type": "AWS::IAM::Policy",
            "Condition": "SendsSms",
            "Properties": {
                "PolicyName": "SendTextsFromTheStacksIdentity",
                "Roles": [_ref("ApiHandlerRole")],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "SendFromTheOriginationIdentityOnly",
                            "Effect": "Allow",
                            "Action": "sms-voice:SendTextMessage",
                            # The identity, the configuration set it is sent with, and the
                            # opt-out lists End User Messaging checks the number against.
                            "Resource": [
                                _ref("SmsOriginationIdentityArn"),
                                _sub(f"{SMS_ARN}:configuration-set/${{SmsConfigurationSetName}}"),
                                _sub(f"{SMS_ARN}:opt-out-list/*"),
                            ],
                        }
                    ],
                },
            },
        },
    }


def wire(resources: dict[str, Any]) -> None:
    """Merged into the function resources gen_resources.functions() made: each SMS function
    subscribed to its stack's topic, with a dead-letter queue."""
    for logical_id, topic in TOPICS.items():
        resources[logical_id]["Properties"]["Events"] = {
            f"{logical_id}SnsSubscription": {
                "Type": "SNS",
                # Same key as Chalice's value ("Fn::Sub"), so the deep merge replaces it.
                "Properties": {
                    "Topic": _sub(f"${{{topic}}}"),
                    "RedrivePolicy": {
                        "deadLetterTargetArn": {"Fn::GetAtt": [f"{logical_id}DeadLetters", "Arn"]}
                    },
                },
            }
        }


def environment() -> dict[str, Any]:
    """Where texts are sent from: for every function that sends them (gen_resources)."""
    return {
        "SERVIT_SMS_ORIGINATION_IDENTITY": _ref("SmsOriginationIdentityArn"),
        "SERVIT_SMS_CONFIGURATION_SET": _ref("SmsConfigurationSetName"),
    }


def outputs() -> dict[str, Any]:
    return {
        "InboundSmsTopicArn": {"Value": _ref("InboundSmsTopic")},
        "SmsEventsTopicArn": {"Value": _ref("SmsEventsTopic")},
        "InboundSmsFailureQueueUrl": {"Value": _ref("InboundSmsFailures")},
    }
