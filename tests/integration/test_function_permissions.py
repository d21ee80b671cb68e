"""Each Lambda function's AWS calls, recorded while it really runs, fall inside its own role.

Under moto: DynamoDB through the real repositories, the mail bucket through the S3 adapter,
mail out through the SES adapter. The mail intake Lambda gets SES's SNS notifications of a
new request (with the acknowledgement on) and of a delivery report, the stream consumer the
stream's records (first the new ticket's: it sends the acknowledgement; then everything once
more), the API handler an agent's reply, an admin's contact change, a scheduled activity (its
EventBridge Scheduler timer) and a dormant date. Issue 12: the scheduled_activity function
makes the activity's ticket; the stream consumer starts the wake-up, SLA deadline,
consultation and close-children executions (Step Functions under moto) and completes a
consultation's wait; the workflow function runs every step the machines invoke it with
(services/workflow_steps.steps()). Every call is turned
into the IAM action and resource it needs and checked against the role the function has in
the packaged template (tests/infra/iam_model.py), so a code change that needs a new
permission fails here, not in production.

The other direction — nothing granted that the code does not use — is
``test_every_granted_permission_is_used_by_its_function``: what the runs below do not reach
must be named in RARE_PATHS with the code that needs it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import botocore.client
import pytest
from chalice.test import Client
from moto import mock_aws

import app
from chalicelib import bootstrap
from chalicelib.adapters.blobs_s3 import S3BlobStore
from chalicelib.adapters.dynamodb.live import DynamoLiveConnections, DynamoReadMarkers
from chalicelib.adapters.live_apigw import ApiGatewayPusher
from chalicelib.adapters.mail_ses import SesMailer
from chalicelib.adapters.scheduler_aws import EventBridgeScheduler
from chalicelib.adapters.workflows_sfn import StepFunctionsWorkflows
from chalicelib.services import parent_tickets, tickets, workflows
from chalicelib.services.consultation import use_cases as consultations
from chalicelib.services.context import Services
from chalicelib.services.live.ports import LiveChannel
from local import workflows as local_workflows
from tests.api.apiclient import Api
from tests.infra import iam_model
from tests.integration.test_ticket_event_stream import stream_records
from tests.support import FrozenClock, dynamo_backed_services, seed_helpdesk
from tests.unit.mail.flows import configure_rp, mail_file
from tests.unit.rules.desk import make_template

REGION = iam_model.REGION
PREFIX = f"servit-{iam_model.STAGE}-"
BUCKET = f"servit-{iam_model.STAGE}-mail-{iam_model.ACCOUNT}-{REGION}"
SCHEDULE_GROUP = f"servit-{iam_model.STAGE}"
# What IAM checks besides the action and resource: the sender's address (SES), the service
# a role is handed to (iam:PassRole).
CONTEXT = {
    "ses:FromAddress": f"kundtjanst@{iam_model.MAIL_DOMAIN}",
    "iam:PassedToService": "scheduler.amazonaws.com",
}

Call = tuple[str, str]  # (IAM action, resource ARN)


class AwsCalls:
    """The IAM action and resource of every AWS call, under the function now running."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.function = "setup"
        self.calls: dict[str, set[Call]] = defaultdict(set)
        real = botocore.client.BaseClient._make_api_call

        def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            if self.function == "setup":  # the test's own preparations
                return real(client, operation, params)
            for call in needed(service, operation, params):
                self.calls[self.function].add(call)
            return real(client, operation, params)

        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)


def needed(service: str, operation: str, params: dict[str, Any]) -> list[Call]:
    """What IAM checks for one API call (the subset of services ServIT calls)."""
    if service == "dynamodb":
        if operation == "TransactWriteItems":  # checked per item, by the item's action
            kinds = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                     "ConditionCheck": "ConditionCheckItem"}  # fmt: skip
            return [
                (f"dynamodb:{kinds[kind]}", _table(item["TableName"]))
                for entry in params["TransactItems"]
                for kind, item in entry.items()
            ]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [(f"dynamodb:{operation}", _table(t)) for t in params["RequestItems"]]
        return [(f"dynamodb:{operation}", _table(params["TableName"], params.get("IndexName")))]
    if service == "s3":
        action = {"HeadObject": "GetObject", "ListObjectsV2": "ListBucket"}.get(
            operation, operation
        )
        key = params.get("Key")
        arn = f"arn:aws:s3:::{params['Bucket']}" + (f"/{key}" if key else "")
        return [(f"s3:{action}", arn)]
    if service == "sesv2" and operation == "SendEmail":
        domain = parseaddr(params["FromEmailAddress"])[1].rpartition("@")[2]
        return [("ses:SendEmail", f"arn:aws:ses:{REGION}:{iam_model.ACCOUNT}:identity/{domain}")]
    if service == "stepfunctions" and operation == "StartExecution":
        return [("states:StartExecution", params["stateMachineArn"])]
    if service == "stepfunctions" and operation == "StopExecution":
        return [("states:StopExecution", params["executionArn"])]
    if service == "stepfunctions" and operation == "SendTaskSuccess":
        # Checked against the machine whose task the token stands for (SAM's
        # StepFunctionsCallbackPolicy): only the consultation machine waits for a token.
        return [("states:SendTaskSuccess", iam_model.machine_arn("consultation"))]
    if service == "scheduler":
        arn = f"arn:aws:scheduler:{REGION}:{iam_model.ACCOUNT}:schedule/{params['GroupName']}"
        calls = [(f"scheduler:{operation}", f"{arn}/{params['Name']}")]
        if "Target" in params:  # Scheduler is handed the role it invokes the target with
            calls.append(("iam:PassRole", params["Target"]["RoleArn"]))
        return calls
    if service == "apigatewaymanagementapi" and operation == "PostToConnection":
        return [
            ("execute-api:ManageConnections", iam_model.connections_arn(params["ConnectionId"]))
        ]
    raise AssertionError(f"{service}:{operation} is not mapped to IAM by this test")


def _table(name: str, index: str | None = None) -> str:
    return iam_model.table_arn(name.removeprefix(PREFIX), index)


def sns_notification(key: str, recipients: list[str]) -> dict[str, Any]:
    """SES's "Received" notification of a mail stored under the key."""
    return {
        "notificationType": "Received",
        "mail": {"source": "anna.andersson@kund.example.se", "destination": recipients},
        "receipt": {
            "recipients": recipients,
            "action": {"type": "S3", "bucketName": BUCKET, "objectKey": key},
            "spamVerdict": {"status": "PASS"},
            "virusVerdict": {"status": "PASS"},
        },
    }


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, set[Call]]]:
    """Intake, stream consumer and API run once each, on moto; their calls by function."""
    with mock_aws():
        from chalicelib.adapters.dynamodb.tables import create_missing_tables

        create_missing_tables(boto3.client("dynamodb", region_name=REGION), PREFIX)
        sfn = boto3.client("stepfunctions", region_name=REGION)
        timers = boto3.client("scheduler", region_name=REGION)
        timers.create_schedule_group(Name=SCHEDULE_GROUP)
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        boto3.client("ses", region_name=REGION).verify_domain_identity(Domain=iam_model.MAIL_DOMAIN)
        clock = FrozenClock()
        base = dynamo_backed_services(None, PREFIX, clock)  # type: ignore[arg-type]
        svc = Services(
            **{
                **base.__dict__,
                "blobs": S3BlobStore(s3, BUCKET),
                "mailer": SesMailer(boto3.client("sesv2", region_name=REGION)),
                # Notices come from servit@<MailDomain>, replies from the response point.
                "mail": replace(base.mail, message_id_domain=iam_model.MAIL_DOMAIN),
                "workflows": StepFunctionsWorkflows(lambda: sfn, machines(sfn)),
                "scheduler": EventBridgeScheduler(
                    lambda: timers,
                    group=SCHEDULE_GROUP,
                    target_arn=iam_model.SCHEDULED_ACTIVITY_ARN,
                    role_arn=iam_model.VALUES["SchedulerRole.Arn"],
                    dead_letter_arn=iam_model.VALUES["ScheduledActivityFailures.Arn"],
                ),
                # Issue 15: live connections and notices, read markers of list rows.
                "live": LiveChannel(
                    DynamoLiveConnections(), ApiGatewayPusher(LIVE_ENDPOINT, REGION)
                ),
                "read_markers": DynamoReadMarkers(clock),
            }
        )
        bootstrap.use(svc)
        people = seed_helpdesk(svc)
        configure_rp(svc, "kundtjanst", auto_acknowledge=True)
        trace = AwsCalls(monkeypatch)
        try:
            with Client(app.app) as client:
                connection = connect_live(client, svc, trace, people["dispatcher"])
                run_functions(client, svc, trace)
                run_sms(client, svc, trace)  # before issue 12 moves the clock past logins
                run_issue_12(client, svc, trace, clock, people)
                run_retention(client, svc, trace, clock)
                disconnect_live(client, trace, connection)
            yield trace.calls
        finally:
            bootstrap.use(None)


def run_functions(client: Client, svc: Services, trace: AwsCalls) -> None:
    # inbound_mail: SES stored a new request (with attachments); SNS tells the Lambda.
    mail_in(client, svc, trace, "rich_html_inline_image_and_pdf.eml", "inbound/one")

    # ticket_events: the new ticket reaches the stream consumer, which acknowledges it (the
    # ticket has no agent yet, so that is the only mail it sends).
    trace.function = "setup"
    records = stream_records()
    trace.function = "ticket_events"
    answer = client.lambda_.invoke("ticket_events", {"Records": records})
    assert answer.payload == {"batchItemFailures": []}
    assert {a for a, _ in trace.calls["ticket_events"] if a.startswith("ses:")} == {
        "ses:SendEmail"
    }, "the stream consumer sends the acknowledgement"

    # inbound_mail: a delivery report (a bounce) for the customer's address.
    mail_in(client, svc, trace, "dsn_report.eml", "inbound/two")

    # api_handler: an admin assigns the ticket and replies to the customer; edits the contact.
    trace.function = "setup"
    api = Api(client.http)
    admin = api.as_user("admin")
    listed = admin.get("/api/tickets?response_point=kundtjanst")
    assert listed.status == 200, listed.body
    ticket_id = listed.body["items"][0]["id"]
    contact_id = listed.body["items"][0]["contact_id"]
    trace.function = "api_handler"
    answer = admin.post("/api/dispatcher/assign", {"ticket_ids": [ticket_id], "agent_id": "agent1"})
    assert answer.status == 200, answer.body
    answer = admin.post(f"/api/tickets/{ticket_id}/replies", {"text": "Vi tittar på det."})
    assert answer.status == 201, answer.body
    answer = admin.patch(f"/api/contacts/{contact_id}", {"emails": ["anna@kund.example.se"]})
    assert answer.status == 200, answer.body

    # ticket_events: the stream's records since the start reach the consumer (the first
    # change again, as a redelivery would: its acknowledgement is not sent twice).
    trace.function = "setup"
    records = stream_records()
    trace.function = "ticket_events"
    answer = client.lambda_.invoke("ticket_events", {"Records": records})
    assert answer.payload == {"batchItemFailures": []}


LIVE_ENDPOINT = f"https://{iam_model.WEBSOCKET_API_ID}.execute-api.{REGION}.amazonaws.com/api"


def _ws_event(route: str, connection_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "requestContext": {"routeKey": route, "connectionId": connection_id, "stage": "api",
                           "apiId": iam_model.WEBSOCKET_API_ID,
                           "domainName": LIVE_ENDPOINT.split("/")[2]},
        **extra,
    }  # fmt: skip


def connect_live(client: Client, svc: Services, trace: AwsCalls, user: Any) -> str:
    """Issue 15: the dispatcher's browser connects (so the stream consumer posts to it)."""
    trace.function = "setup"
    token = svc.identity.issue(user.id, user.email, [str(r) for r in user.roles])  # type: ignore[attr-defined]
    trace.function = "websocket_connect"
    header = {"Sec-WebSocket-Protocol": f"servit, bearer.{token}"}
    answer = client.lambda_.invoke("websocket_connect", _ws_event("$connect", "c1", headers=header))
    trace.function = "setup"
    assert answer.payload["statusCode"] == 200, answer.payload
    return "c1"


def disconnect_live(client: Client, trace: AwsCalls, connection_id: str) -> None:
    trace.function = "websocket_disconnect"
    client.lambda_.invoke("websocket_disconnect", _ws_event("$disconnect", connection_id))
    trace.function = "setup"


def machines(sfn: Any) -> dict[str, str]:
    """The stack's state machines, as named in the template (servit-<stage>-<name>)."""
    return {
        name: sfn.create_state_machine(
            name=f"{PREFIX}{name}",
            definition=local_workflows.definition(name, iam_model.WORKFLOW_ARN),
            roleArn=f"arn:aws:iam::{iam_model.ACCOUNT}:role/servit-dev-machines",
            type="STANDARD",
        )["stateMachineArn"]
        for name in workflows.MACHINES
    }


def run_issue_12(
    client: Client, svc: Services, trace: AwsCalls, clock: FrozenClock, people: dict[str, Any]
) -> None:
    """Scheduled activities and every workflow step, each through its own function."""
    trace.function = "setup"
    stream_records()  # what came before is the first scenario's
    api = Api(client.http)
    admin, agent = api.as_user("admin"), api.as_user("agent1")
    make_template(svc, people["admin"])

    # api_handler: an admin adds a scheduled activity (its timer), an agent a dormant date.
    trace.function = "api_handler"
    body = {"id": "backup", "name": "Backupkontroll", "template_id": "faktura",
            "title": "Kontrollera backup {date}", "cron": "cron(0 9 * * ? *)",
            "time_zone": "Europe/Stockholm"}  # fmt: skip
    answer = admin.post("/api/admin/schedules", body)
    assert answer.status == 201, answer.body
    trace.function = "setup"
    dormant = tickets.create_ticket(
        svc, people["agent1"], {"title": "Ring tillbaka", "agent_id": "agent1"}
    ).id
    wake_at = clock.now + timedelta(hours=1)
    trace.function = "api_handler"
    answer = agent.patch(
        f"/api/tickets/{dormant}",
        {"status": "dormant_until", "dormant_until": wake_at.isoformat()},
    )
    assert answer.status == 200, answer.body

    # scheduled_activity: Scheduler fires the activity at 09:00 in Stockholm (the last one).
    nine = (clock.now - timedelta(days=1)).astimezone(ZoneInfo("Europe/Stockholm"))
    nine = nine.replace(hour=9, minute=0, second=0)
    trace.function = "scheduled_activity"
    fired = client.lambda_.invoke(
        "scheduled_activity", {"activity_id": "backup", "scheduled": nine.isoformat()}
    ).payload
    assert fired["outcome"] == "created", fired

    # Consultation and a parent's run, asked for by an agent (the use cases, not recorded).
    trace.function = "setup"
    asked = tickets.create_ticket(
        svc, people["agent1"],
        {"title": "Leverans saknas", "agent_id": "agent1", "group_id": "kt-first",
         "contact": {"email": "kund@example.se", "name": "Kund Kundsson"}},
    ).id  # fmt: skip
    consultation = consultations.ask(
        svc, people["agent1"], asked,
        {"to": "order@lev.example", "text": "När skickades order 4711?", "reminders": 2},
    ).id  # fmt: skip
    parent = tickets.create_ticket(
        svc, people["agent1"],
        {"title": "Skrivarna nere", "agent_id": "agent1",
         "contact": {"email": "it-chef@example.se"}},
    ).id  # fmt: skip
    child = tickets.create_ticket(
        svc, people["agent1"],
        {"title": "Kan inte skriva ut", "agent_id": "agent1",
         "contact": {"name": "Sara", "email": "sara@example.se", "language": "sv"}},
    ).id  # fmt: skip
    parent_tickets.link_children(svc, people["agent1"], parent, {"ticket_ids": [child]})
    parent_tickets.reply_with_children(
        svc, people["agent1"], parent,
        {"text": "Skrivarna fungerar igen.", "include_children": True, "close_parent": True},
    )  # fmt: skip
    records = stream_records()

    # ticket_events: starts the wake-up, the SLA deadlines of the scheduled ticket, the
    # consultation's wait and the run over the children.
    trace.function = "ticket_events"
    answer = client.lambda_.invoke("ticket_events", {"Records": records})
    assert answer.payload == {"batchItemFailures": []}
    started = {a for a, _ in trace.calls["ticket_events"] if a == "states:StartExecution"}
    assert started, "the stream consumer started no execution"

    # workflow: each step as its machine invokes it.
    def step(payload: dict[str, Any]) -> Any:
        trace.function = "workflow"
        result = client.lambda_.invoke("workflow", payload).payload
        trace.function = "setup"
        return result

    wait = {"ticket_id": asked, "consultation_id": consultation, "round": 0}
    step({"step": "consultation_wait", **wait, "token": "token-0"})
    reminded = step({"step": "consultation_timeout", **wait})
    assert reminded["done"] is False, reminded
    step({"step": "consultation_wait", **wait, "round": 1, "token": "token-1"})
    run_id = svc.tickets.get(parent).children_run["run_id"]  # type: ignore[index]
    closed = step({"step": "close_child", "parent_id": parent, "run_id": run_id,
                   "child_id": child})  # fmt: skip
    assert closed["outcome"] == "closed", closed
    step({"step": "close_children_done", "parent_id": parent, "run_id": run_id})

    # ticket_events: the agent cancels the consultation: its wait ends (SendTaskSuccess).
    consultations.cancel(svc, people["agent1"], asked, consultation, {})
    records = stream_records()
    trace.function = "ticket_events"
    answer = client.lambda_.invoke("ticket_events", {"Records": records})
    assert answer.payload == {"batchItemFailures": []}

    # workflow: the date and the SLA deadlines come.
    trace.function = "setup"
    clock.advance(days=40)
    woke = step({"step": "dormant_wake", "ticket_id": dormant, "generation": 1})
    assert woke["outcome"] == "woke", woke
    scheduled = fired["ticket_id"]
    breached = step({"step": "sla_due", "ticket_id": scheduled, "generation": 1,
                     "target": "first_response"})  # fmt: skip
    assert breached["outcome"] == "breached", breached

    # ticket_events: the wake-up and the breach reach the agent (and stop nothing new).
    records = stream_records()
    trace.function = "ticket_events"
    client.lambda_.invoke("ticket_events", {"Records": records})
    trace.function = "setup"


def run_sms(client: Client, svc: Services, trace: AwsCalls) -> None:
    """Issue 13, texts: received texts (a new number, the same number again, a repeated
    delivery, STOPP and START) through inbound_sms, an agent's SMS reply through the API (sent
    by the recording fake: moto has no End User Messaging SMS) and its delivery receipt
    through sms_events."""

    def text(body: str, message_id: str) -> None:
        payload = {"originationNumber": "070-123 45 67", "destinationNumber": "+46766861234",
                   "messageBody": body, "inboundMessageId": message_id}  # fmt: skip
        trace.function = "inbound_sms"
        client.lambda_.invoke(
            "inbound_sms", client.events.generate_sns_event(message=json.dumps(payload))
        )
        trace.function = "setup"

    text("Routern blinkar rött", "sms-1")
    text("Nu fungerar inget", "sms-2")
    text("Nu fungerar inget", "sms-2")
    ticket_id = svc.lookups.get("thread#sms:kundtjanst:+46701234567")
    assert ticket_id, "the texts made no ticket"
    admin = Api(client.http).as_user("admin")
    trace.function = "api_handler"
    answer = admin.post(f"/api/tickets/{ticket_id}/replies", {"channel": "sms", "text": "Hej!"})
    assert answer.status == 201, answer.body
    trace.function = "setup"
    receipt = {"eventType": "TEXT_DELIVERED", "isFinal": True, "messageStatus": "DELIVERED",
               "messageId": answer.body["data"]["provider_id"]}  # fmt: skip
    trace.function = "sms_events"
    client.lambda_.invoke(
        "sms_events", client.events.generate_sns_event(message=json.dumps(receipt))
    )
    trace.function = "setup"
    text("STOPP", "sms-3")
    text("START", "sms-4")


def run_retention(client: Client, svc: Services, trace: AwsCalls, clock: FrozenClock) -> None:
    """Issue 14: the daily retention job anonymises the response point's closed tickets
    (history rewritten, files deleted, the contact card once none of its tickets is left)."""
    from chalicelib.services.gdpr import retention

    trace.function = "setup"
    retention.save_setting(svc, "kundtjanst", {"months": 1, "action": "anonymise"})
    clock.advance(days=70)
    trace.function = "retention"
    event = client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    report = client.lambda_.invoke("retention", event).payload
    trace.function = "setup"
    assert report["touched"].get("kundtjanst"), report


def mail_in(client: Client, svc: Services, trace: AwsCalls, name: str, key: str) -> None:
    trace.function = "setup"
    svc.blobs.put(key, mail_file(name), "message/rfc822")
    trace.function = "inbound_mail"
    event = client.events.generate_sns_event(
        message=json.dumps(sns_notification(key, ["kundtjanst@example.com"]))
    )
    client.lambda_.invoke("inbound_mail", event)


def test_intake_sends_no_mail_the_stream_consumer_sends_the_acknowledgement(
    recorded: dict[str, set[Call]],
) -> None:
    # Issue 11: "intake cannot send mail to anyone" — and needs to.
    intake = recorded["inbound_mail"]
    assert not [c for c in intake if c[0].startswith("ses:")], "intake called SES"
    assert not [c for c in intake if c[0] == "s3:PutObject" and "/outbound/" in c[1]]
    assert ("dynamodb:PutItem", _table("Tickets")) in intake  # it did file the mail
    sent = [c for c in recorded["ticket_events"] if c[0] == "ses:SendEmail"]
    assert sent, "the acknowledgement was not sent by the stream consumer"


@pytest.mark.parametrize("function", sorted(iam_model.ROLES))
def test_every_call_a_function_makes_is_allowed_by_its_own_role(
    recorded: dict[str, set[Call]], function: str
) -> None:
    calls = recorded[function]
    assert calls, f"{function} made no AWS call: the scenario did not run it"
    refused = [c for c in sorted(calls) if not iam_model.allows(function, *c, CONTEXT)]
    assert not refused, f"{function}'s role would refuse {refused}"


# Granted, not reached by the scenario above, and why the code needs it.
RARE_PATHS = {
    "inbound_mail": {
        ("dynamodb:GetItem", "Tickets"): "a follow-up to a known ticket (mail_intake)",
        ("dynamodb:GetItem", "Contacts"): "a subject-tag reply's sender against the ticket's "
        "contact (mail_intake._sender_belongs)",
        ("dynamodb:GetItem", "MailLog"): "a redelivered notification finds its entry",
        ("dynamodb:PutItem", "Tickets"): "follow-ups are conditional puts (seen in other runs)",
        ("s3:ListBucket", ""): "a missing raw object is NoSuchKey, not AccessDenied",
    },
    "ticket_events": {
        ("dynamodb:Query", "TicketEvents"): "a change larger than its batch (change_events)",
        ("dynamodb:DeleteItem", "Lookups"): "an acknowledgement's claim undone after a failed "
        "send (outbound.acknowledge_change), so the stream's retry sends it",
        ("dynamodb:Query", "Config"): "the users of a group, for a group notice",
        ("states:StopExecution", ""): "a dormant date moved or left, an SLA clock re-armed: "
        "the void wake-up's execution is stopped (dormant.arm, sla_clock.arm)",
        ("sms-voice:SendTextMessage", ""): "an admin's trigger texts an alarm (services/"
        "triggers/actions._sms); moto has no End User Messaging SMS, so no trigger is set "
        "up in this scenario (tests/unit/triggers, tests/e2e/test_triggers_local.py)",
        # Issue 15, services/search_index/indexing.reindex_ticket (tests/unit/search).
        ("dynamodb:Query", "SearchIndex"): "a contact anonymised (GDPR): the ticket's words "
        "are removed (its manifests read) and its scrubbed history indexed again",
        ("dynamodb:PutItem", "SearchIndex"): "the same removal's marker, so a late stream "
        "record of an old message does not bring its words back",
        # Issue 15, services/live/fanout (tests/integration/test_live_fanout.py): moto's
        # management API never answers GoneException.
        ("dynamodb:GetItem", "Live"): "a connection API Gateway calls gone is read ...",
        ("dynamodb:BatchWriteItem", "Live"): "... and removed from each of its audiences",
    },
    "workflow": {
        ("dynamodb:DeleteItem", "Lookups"): "a child's reply claim undone after a failed send "
        "(parent_tickets._reply_to_child), so the step's retry sends it",
        ("states:SendTaskSuccess", ""): "a wait that starts after its consultation ended ends "
        "at once (consultation_flow.wait)",
    },
    "inbound_sms": {
        ("dynamodb:DeleteItem", "Lookups"): "a STOP/START claim undone when the card could "
        "not be saved, so SNS's redelivery records it (sms.intake._keyword)",
    },
    "sms_events": {
        ("dynamodb:GetItem", "Lookups"): "a receipt recorded concurrently by another delivery "
        "of the same event: its claim is read to tell (sms.receipts.record_receipt)",
    },
    "scheduled_activity": {
        ("scheduler:CreateSchedule", ""): "an occurrence on a closed day moved to the next "
        "open one (schedule_firing.fire, next_open)",
        ("iam:PassRole", ""): "the same one-off timer is handed the Scheduler role",
    },
}
# Not made through the adapters: by Lambda itself (logs, X-Ray, the event source mapping,
# the on-failure destination) or once per container by bootstrap (the secret, tested in
# test_secret_handling.py).
OUTSIDE_THE_SCENARIO = ("logs:", "xray:", "secretsmanager:", "sqs:", "dynamodb:DescribeStream",
                        "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams")  # fmt: skip


@pytest.mark.parametrize("function", sorted(RARE_PATHS))
def test_every_permission_granted_is_used_by_its_function(
    recorded: dict[str, set[Call]], function: str
) -> None:
    from tests.infra.test_iam_policy import NEEDS

    seen = {(action, _short(arn)) for action, arn in recorded[function]}
    unused = []
    for action, arns in NEEDS[function].items():
        if action.startswith(OUTSIDE_THE_SCENARIO):
            continue
        for arn in arns:
            key = (action, _short(arn))
            if key not in seen and key not in RARE_PATHS[function]:
                unused.append(key)
    assert not unused, f"{function} is granted {unused} but never used it: drop or explain"


def _short(arn: str) -> str:
    """A table's logical name; "" for S3, SES and the rest (checked by action)."""
    if ":dynamodb:" in arn:
        return arn.split("table/servit-dev-", 1)[1].split("/", 1)[0]
    return ""
