"""Issue 11 in the template: no mail lost silently (on-failure destination, retries, SNS
dead-letter queue), reserved concurrency, the raw-mail lifecycle, the dashboard, alarms that
reach the alarm topic at sensible thresholds, and the Logs Insights saved queries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.services import metrics
from infra import gen_resources

# The names the issue asks for, spelt as CloudWatch shows them.
METRIC_NAMES = {
    "MailsReceived",
    "TicketsCreated",
    "RepliesSent",
    "MailsQuarantined",
    "Bounces",
    "Duplicates",
    "SlaBreaches",
    "NotificationsSent",
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return gen_resources.build_template()


@pytest.fixture(scope="module")
def expanded(packaged: Path) -> dict[str, Any]:
    """The packaged template after SAM's transform: what CloudFormation creates."""
    return json.loads((packaged / "expanded.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v.get("Type") == kind}


def get_att(value: Any) -> str:
    assert isinstance(value, dict) and "Fn::GetAtt" in value, value
    logical, attribute = value["Fn::GetAtt"]
    assert attribute == "Arn"
    return str(logical)


def test_the_metric_names_are_the_issues() -> None:
    assert set(metrics.ALL_METRICS) == METRIC_NAMES
    assert metrics.NAMESPACE == "ServIT"


def test_inbound_mail_retries_then_sends_the_event_to_an_sqs_on_failure_queue(
    template: dict[str, Any],
) -> None:
    configs = of_type(template, "AWS::Lambda::EventInvokeConfig")
    (config,) = [
        c["Properties"]
        for c in configs.values()
        if c["Properties"]["FunctionName"] == {"Ref": "InboundMail"}
    ]
    assert config["Qualifier"] == "$LATEST"
    assert config["MaximumRetryAttempts"] == 2
    assert 3600 <= config["MaximumEventAgeInSeconds"] <= 21600
    queue = get_att(config["DestinationConfig"]["OnFailure"]["Destination"])
    resources = template["Resources"]
    assert resources[queue]["Type"] == "AWS::SQS::Queue"
    assert resources[queue]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    # The function's role may send there (CloudFormation checks it when creating the config).
    granted = [
        p["Properties"]
        for p in of_type(template, "AWS::IAM::Policy").values()
        if {"Ref": "InboundMailRole"} in p["Properties"]["Roles"]
    ]
    statements = [s for p in granted for s in p["PolicyDocument"]["Statement"]]
    assert any(
        s["Action"] == "sqs:SendMessage" and s["Resource"] == {"Fn::GetAtt": [queue, "Arn"]}
        for s in statements
    )
    # Someone hears of the first mail waiting there.
    assert any(
        a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
        and a["Properties"]["Dimensions"][0]["Value"] == {"Fn::GetAtt": [queue, "QueueName"]}
        for a in of_type(template, "AWS::CloudWatch::Alarm").values()
    )
    assert "InboundMailFailureQueueUrl" in template["Outputs"]


def test_every_sns_subscription_has_a_dead_letter_queue_sns_may_write_to(
    expanded: dict[str, Any],
) -> None:
    subscriptions = [
        s["Properties"]
        for s in of_type(expanded, "AWS::SNS::Subscription").values()
        if s["Properties"]["Protocol"] == "lambda"
    ]

    # Mail intake; received texts and SMS delivery events (issue 13).
    def topic(subscription: dict[str, Any]) -> str:  # {"Fn::Sub": "${Topic}"} or {"Ref": ...}
        arn = subscription["TopicArn"]
        return arn["Ref"] if "Ref" in arn else arn["Fn::Sub"].strip("${}")

    assert {topic(s) for s in subscriptions} == {
        "InboundMailTopic",
        "InboundSmsTopic",
        "SmsEventsTopic",
    }
    for subscription in subscriptions:
        queue = get_att(subscription["RedrivePolicy"]["deadLetterTargetArn"])
        assert expanded["Resources"][queue]["Type"] == "AWS::SQS::Queue"
        (policy,) = [
            p["Properties"]
            for p in of_type(expanded, "AWS::SQS::QueuePolicy").values()
            if {"Ref": queue} in p["Properties"]["Queues"]
        ]
        (statement,) = policy["PolicyDocument"]["Statement"]
        assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
        assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == {"Ref": topic(subscription)}


def test_every_function_has_reserved_concurrency(expanded: dict[str, Any]) -> None:
    functions = of_type(expanded, "AWS::Lambda::Function")
    assert set(functions) == set(gen_resources.FUNCTIONS)
    defaults = {}
    for logical, function in functions.items():
        reserved = function["Properties"]["ReservedConcurrentExecutions"]
        condition, value, otherwise = reserved["Fn::If"]
        assert otherwise == {"Ref": "AWS::NoValue"}
        parameter = expanded["Parameters"][value["Ref"]]
        assert condition in expanded["Conditions"]
        defaults[logical] = parameter["Default"]
    # Mail intake and the stream consumer keep their share, whatever the API does.
    assert all(d > 0 for d in defaults.values())
    assert defaults["APIHandler"] > defaults["InboundMail"] >= defaults["TicketEvents"]
    # The workflow function serves the close_children Map's MaxConcurrency at once.
    assert defaults["Workflow"] >= 10


def test_raw_mail_moves_to_infrequent_access_then_expires_per_the_retention_setting(
    template: dict[str, Any],
) -> None:
    rules = template["Resources"]["MailBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    (rule,) = [r for r in rules if "Transitions" in r]
    assert rule["Status"] == "Enabled" and rule["Prefix"] == "inbound/"
    assert rule["Transitions"] == [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}]
    assert rule["ExpirationInDays"] == {"Ref": "RawMailRetentionDays"}
    retention = template["Parameters"]["RawMailRetentionDays"]
    assert retention["Default"] == 365 and retention["MinValue"] > 30
    # Quarantined mail is never expired.
    assert not any("quarantine/".startswith(r.get("Prefix", "-")) for r in rules)


def dashboard_body(template: dict[str, Any]) -> str:
    (dashboard,) = of_type(template, "AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    assert isinstance(body, str)
    json.loads(body)  # valid JSON once substituted (only ${...} references inside strings)
    return body


def test_the_dashboard_shows_every_metric_and_signal(template: dict[str, Any]) -> None:
    body = dashboard_body(template)
    widgets = json.loads(body)["widgets"]
    series = [row for w in widgets if w["type"] == "metric" for row in w["properties"]["metrics"]]
    names = {row[1] for row in series}
    assert names >= METRIC_NAMES
    assert {
        "Errors",
        "5XXError",
        "Latency",
        "Duration",
        "IteratorAge",
        "ReadThrottleEvents",
        "WriteThrottleEvents",
        "Reputation.BounceRate",
        "Reputation.ComplaintRate",
        "ApproximateNumberOfMessagesVisible",
    } <= names
    stats = {row[-1].get("stat") for row in series if isinstance(row[-1], dict)}
    assert {"p50", "p99"} <= stats
    # The alarm widget shows the alarms' states (each a real alarm of the stack).
    alarm_widget = next(w for w in widgets if w["type"] == "alarm")
    alarms = {f"${{{n}.Arn}}" for n in of_type(template, "AWS::CloudWatch::Alarm")}
    shown = alarm_widget["properties"]["alarms"]
    assert len(shown) >= 15 and set(shown) <= alarms


def test_every_alarm_reaches_the_alarm_topic_at_a_sensible_threshold(
    template: dict[str, Any],
) -> None:
    alarms = of_type(template, "AWS::CloudWatch::Alarm")
    assert len(alarms) >= 15
    for name, alarm in alarms.items():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert props["OKActions"] == [{"Ref": "AlarmTopic"}], name
        assert props["AlarmDescription"], name
        if props.get("MetricName") == "ApproximateNumberOfMessagesVisible":
            continue  # one message waiting there is one mail or change not handled
        if props.get("MetricName") == "ExecutionsFailed":
            # one failed execution is a wake-up, reminder or close that did not happen
            assert props["Namespace"] == "AWS/States", name
            continue
        if props.get("Namespace") == "AWS/SES":
            assert 0 < props["Threshold"] < 1, name  # a rate
            continue
        if props["ComparisonOperator"] == "LessThanThreshold":
            # silence: no mail at all for a day
            assert props["Period"] * props["EvaluationPeriods"] >= 24 * 3600, name
            continue
        # not "1 error in 5 minutes": several, or sustained over several periods
        assert props["Threshold"] >= 3 or props["DatapointsToAlarm"] >= 2, name
        assert props["Threshold"] > 1, name
    # The alarm topic's subscription is a parameter.
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert "AlarmEmail" in template["Parameters"]


def test_there_is_an_alarm_on_each_dashboard_signal(template: dict[str, Any]) -> None:
    alarmed = set()
    for alarm in of_type(template, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if "Metrics" in props:
            alarmed |= {
                q["MetricStat"]["Metric"]["MetricName"]
                for q in props["Metrics"]
                if "MetricStat" in q
            }
        else:
            alarmed.add(props["MetricName"])
    assert {
        "MailsReceived",  # intake rate: silence and floods
        "Errors",
        "5XXError",
        "Latency",
        "MailsQuarantined",
        "IteratorAge",
        "ReadThrottleEvents",
        "WriteThrottleEvents",
        "Reputation.BounceRate",
        "Reputation.ComplaintRate",
    } <= alarmed


def test_logs_insights_saved_queries_find_a_mail_and_count_errors_by_use_case(
    template: dict[str, Any],
) -> None:
    queries = {
        q["Properties"]["Name"]["Fn::Sub"]: q["Properties"]
        for q in of_type(template, "AWS::Logs::QueryDefinition").values()
    }
    where = queries["servit-${Stage}/where-did-this-mail-go"]
    errors = queries["servit-${Stage}/errors-by-use-case"]
    assert "message_id" in where["QueryString"] and "correlation_id" in where["QueryString"]
    assert "stats count(*)" in errors["QueryString"] and "service" in errors["QueryString"]
    groups = [
        {"Fn::Sub": f"/aws/lambda/servit-${{Stage}}-{n}"} for n in gen_resources.FUNCTIONS.values()
    ]
    assert where["LogGroupNames"] == groups == errors["LogGroupNames"]


def test_scheduled_activities_retry_then_land_in_a_failure_queue_and_machines_alarm(
    template: dict[str, Any],
) -> None:
    """Issue 12: Scheduler invokes the scheduled activity asynchronously: Lambda retries it,
    then sends it to the queue Scheduler's own dead letters go to; a failed execution of
    any state machine reaches the alarm topic."""
    resources = template["Resources"]
    config = resources["ScheduledActivityInvokeConfig"]["Properties"]
    assert config["FunctionName"] == {"Ref": "ScheduledActivity"}
    queue = get_att(config["DestinationConfig"]["OnFailure"]["Destination"])
    assert queue == "ScheduledActivityFailures"
    scheduler_role = resources["SchedulerRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    assert {
        "Sid": "DeadLetters",
        "Effect": "Allow",
        "Action": "sqs:SendMessage",
        "Resource": {"Fn::GetAtt": [queue, "Arn"]},
    } in scheduler_role["Statement"]
    env = resources["ScheduledActivity"]["Properties"]["Environment"]["Variables"]
    assert env["SERVIT_SCHEDULE_DEAD_LETTER_ARN"] == {"Fn::GetAtt": [queue, "Arn"]}
    alarms = of_type(template, "AWS::CloudWatch::Alarm").values()
    failed = {
        a["Properties"]["Dimensions"][0]["Value"]["Ref"]
        for a in alarms
        if a["Properties"].get("MetricName") == "ExecutionsFailed"
    }
    assert failed == set(of_type(template, "AWS::StepFunctions::StateMachine"))
    assert any(
        a["Properties"].get("Dimensions", [{}])[0].get("Value")
        == {"Fn::GetAtt": [queue, "QueueName"]}
        for a in alarms
    )
