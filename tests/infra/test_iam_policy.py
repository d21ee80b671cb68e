"""One role per Lambda function, holding exactly what that function's code does.

NEEDS is the table of permissions each function needs (which code needs them: see the
comments). The roles — each function's Chalice policy file plus the template policies
attached to its role (tests/infra/iam_model.py) — are checked against it both ways: every
need is granted, and every granted action and resource is one the table names. No ``*``
action anywhere. tests/integration/test_function_permissions.py records the calls the
functions really make and checks them against the same roles.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from tests.infra import iam_model
from tests.infra.iam_model import (
    ACCOUNT,
    MAIL_DOMAIN,
    REGION,
    SECRET_ARN,
    execution_arn,
    machine_arn,
    schedule_arn,
    table_arn,
)

TABLES = ("Tickets", "TicketEvents", "Contacts", "Config", "Lookups", "MailLog", "Notifications",
          "Stats", "SearchIndex", "Live")  # fmt: skip
BUCKET = f"arn:aws:s3:::servit-dev-mail-{ACCOUNT}-{REGION}"
OWN_IDENTITY = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{MAIL_DOMAIN}"
POOL = iam_model.VALUES["UserPool.Arn"]
STREAM = table_arn("TicketEvents") + "/stream/2026-01-01T00:00:00.000"
SENDER = {"ses:FromAddress": f"kundtjanst@{MAIL_DOMAIN}"}
# The context of every request checked below: mail from the stack's domain, and the
# Scheduler role handed to Scheduler.
CONTEXT = {**SENDER, "iam:PassedToService": "scheduler.amazonaws.com"}
MACHINES = ("wakeup", "consultation", "close_children")
# Scheduled activities' timers (adapters/scheduler_aws.py), in the stack's schedule group.
PASS_SCHEDULER_ROLE = {"iam:PassRole": [iam_model.SCHEDULER_ROLE_ARN]}


def log_stream(short: str) -> str:
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/servit-dev-{short}:log-stream:x"


def common(short: str, *, sends_mail: bool = True) -> dict[str, list[str]]:
    """Every function: its own log group, X-Ray, the signing secret (bootstrap reads it once
    per container); all but mail intake: mail from the stack's own domain (the API: replies;
    the stream consumer: acknowledgements and notices)."""
    return {
        "logs:CreateLogStream": [log_stream(short)],
        "logs:PutLogEvents": [log_stream(short)],
        "xray:PutTraceSegments": ["*"],
        "xray:PutTelemetryRecords": ["*"],
        "secretsmanager:GetSecretValue": [SECRET_ARN],
        **({"ses:SendEmail": [OWN_IDENTITY]} if sends_mail else {}),
    }


def tables(*names: str, index: bool = False) -> list[str]:
    arns = [table_arn(n) for n in names]
    return arns + ([table_arn(n, "any_index") for n in names] if index else [])


# Issue 15, services/search_index: a source's manifest read (GetItem), its words written in
# batches (BatchWriteItem); an entity forgotten (GDPR): its marker (PutItem), its manifests
# (Query) and their words deleted (BatchWriteItem).
INDEX_WRITE = {"dynamodb:BatchWriteItem": tables("SearchIndex")}

API_ITEM_ACTIONS = ("GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem",
                    "ConditionCheckItem")  # fmt: skip

NEEDS: dict[str, dict[str, list[str]]] = {
    # Every route: all tables and indexes (repositories in adapters/dynamodb), raw mail,
    # attachments and sent mail in the bucket, user management in Cognito (admin routes).
    "api_handler": {
        **common("api"),
        **{f"dynamodb:{a}": tables(*TABLES, index=True) for a in API_ITEM_ACTIONS},
        "s3:GetObject": [f"{BUCKET}/inbound/x", f"{BUCKET}/attachments/x"],
        "s3:PutObject": [f"{BUCKET}/outbound/x", f"{BUCKET}/attachments/x"],
        "s3:ListBucket": [BUCKET],  # so a missing object is NoSuchKey, not AccessDenied
        # Issue 14, services/gdpr/anonymise: a contact's raw mails and attachments deleted.
        "s3:DeleteObject": [f"{BUCKET}/inbound/x", f"{BUCKET}/attachments/x"],
        **{
            f"cognito-idp:{a}": [POOL]
            for a in (
                "AdminCreateUser",
                "AdminUpdateUserAttributes",
                "AdminSetUserPassword",
                "AdminAddUserToGroup",
                "AdminRemoveUserFromGroup",
                "AdminUserGlobalSignOut",
            )
        },
        # services/schedules: each activity's timer, written whole (update, else create) and
        # deleted with the activity; Scheduler is handed the role it fires with.
        **{
            f"scheduler:{a}": [schedule_arn()]
            for a in ("CreateSchedule", "UpdateSchedule", "DeleteSchedule")
        },
        **PASS_SCHEDULER_ROLE,
        # Messenger and X (issue 13): the webhooks' app secrets and the reply tokens.
        "secretsmanager:GetSecretValue": [SECRET_ARN, iam_model.SOCIAL_SECRET_ARN],
        # Issue 13, services/sms/outbound: agents' texts, from the stack's origination
        # identity with its configuration set (adapters/sms_eum), checked against opt-outs.
        "sms-voice:SendTextMessage": [
            iam_model.SMS_IDENTITY_ARN,
            f"arn:aws:sms-voice:{REGION}:{ACCOUNT}:configuration-set/"
            f"{iam_model.SMS_CONFIGURATION_SET}",
            f"arn:aws:sms-voice:{REGION}:{ACCOUNT}:opt-out-list/x",
        ],
        **INDEX_WRITE,  # issue 15: contacts, organisations, GDPR
    },
    # Issue 13, services/sms/intake: the contact found by number (Lookups batch, Contacts
    # Get) or created (Contacts + Lookups Put in one transaction), STOP/START claimed
    # (Lookups Put, Delete to undo a failed change) and kept on the card; the text filed by
    # services/conversations (thread and message keys: Lookups; the ticket and its events:
    # one transaction; the number counter and routing: Config). No mail, no bucket.
    "inbound_sms": {
        **common("inbound-sms", sends_mail=False),
        "dynamodb:GetItem": tables("Tickets", "Contacts", "Config", "SearchIndex"),
        "dynamodb:PutItem": tables("Tickets", "TicketEvents", "Contacts", "Lookups"),
        "dynamodb:BatchGetItem": tables("Lookups"),
        "dynamodb:DeleteItem": tables("Lookups"),
        **INDEX_WRITE,  # issue 15: a new contact is found by the top-bar search
        "dynamodb:Query": tables("Config"),
        "dynamodb:UpdateItem": tables("Config"),
        # Lambda's on-failure destination of the SNS-invoked function.
        "sqs:SendMessage": [iam_model.INBOUND_SMS_FAILURES_ARN],
    },
    # Issue 13, services/sms/receipts: the sent text and the receipt's claim (Lookups), the
    # ticket read and saved with its delivery_status event (one transaction).
    "sms_events": {
        **common("sms-events", sends_mail=False),
        "dynamodb:GetItem": tables("Tickets", "Lookups"),
        "dynamodb:BatchGetItem": tables("Lookups"),
        "dynamodb:PutItem": tables("Tickets", "TicketEvents", "Lookups"),
    },
    # services/mail_intake and what it calls: new tickets and follow-ups (never a delete or
    # an update of a ticket in place), contacts found or created, threading lookups, the
    # ticket number counter (Config UpdateItem), the mail log; reads raw mail under inbound/,
    # stores attachments. Sends no mail: an acknowledgement is noted on the new ticket's
    # created event and sent by the stream consumer (no SES, no sent mail in the bucket).
    "inbound_mail": {
        **common("inbound-mail", sends_mail=False),
        "dynamodb:GetItem": tables(
            "Tickets", "Contacts", "Lookups", "Config", "MailLog", "SearchIndex"
        ),
        "dynamodb:PutItem": tables("Tickets", "TicketEvents", "Contacts", "Lookups", "MailLog"),
        **INDEX_WRITE,  # issue 15: a new contact is found by the top-bar search
        "dynamodb:Query": tables("Config"),
        "dynamodb:BatchGetItem": tables("Lookups"),
        "dynamodb:UpdateItem": tables("Config"),
        "s3:GetObject": [f"{BUCKET}/inbound/x"],
        "s3:PutObject": [f"{BUCKET}/attachments/x"],
        "s3:ListBucket": [BUCKET],
        # Lambda's on-failure destination of the SNS-invoked function (failed deliveries).
        "sqs:SendMessage": [iam_model.INBOUND_FAILURES_ARN],
    },
    # services/event_stream + notifications: reads the stream and the ticket, writes and
    # claims notices, mails agents; failed batches go to its dead-letter queue.
    # + outbound.acknowledge_change: claims the acknowledgement's Message-ID (Lookups Put,
    # Delete to undo it after a failed send), counts automatic mail (Config UpdateItem),
    # reads the contact (language), stores the sent mail under outbound/ and records it
    # (Tickets + TicketEvents Put in one transaction).
    # Issue 14, services/statistics/recording: a ticket's ledger (Stats GetItem), its day
    # counters (UpdateItem ADD) and new ledger (PutItem) in one transaction.
    "ticket_events": {
        **common("ticket-events"),
        "dynamodb:GetItem": tables(
            "Tickets", "Contacts", "Config", "Lookups", "Stats", "SearchIndex", "Live"
        ),
        "dynamodb:Query": tables("TicketEvents", "Config", "SearchIndex", "Live"),
        "dynamodb:PutItem": tables(
            "Tickets", "TicketEvents", "Lookups", "Notifications", "Stats", "SearchIndex"
        ),
        **INDEX_WRITE,  # issue 15: a change's words (services/search_index/indexing)
        # ... and a gone live connection removed (services/live/fanout)
        "dynamodb:BatchWriteItem": [*INDEX_WRITE["dynamodb:BatchWriteItem"], *tables("Live")],
        "dynamodb:UpdateItem": tables("Config", "Notifications", "Stats"),
        "dynamodb:DeleteItem": tables("Lookups"),
        # Issue 15, services/live/fanout: the batch's tickets (one BatchGetItem), the
        # connections per audience (Query), a gone one removed (GetItem + BatchWriteItem),
        # and the notices posted through the WebSocket API's management endpoint.
        "dynamodb:BatchGetItem": tables("Tickets"),
        "execute-api:ManageConnections": [iam_model.connections_arn()],
        "s3:PutObject": [f"{BUCKET}/outbound/x"],
        "dynamodb:DescribeStream": [STREAM],
        "dynamodb:GetRecords": [STREAM],
        "dynamodb:GetShardIterator": [STREAM],
        "dynamodb:ListStreams": ["*"],  # has no resource-level permissions
        "sqs:SendMessage": [iam_model.DEAD_LETTER_ARN],
        # Issue 12, services/workflow_steps.reactions(): starts the executions a change asks for
        # (dormant, sla_clock, consultation_flow, parent_tickets), stops a wake-up or SLA
        # deadline made void (dormant, sla_clock: wakeup only), and ends a consultation's
        # wait when it is answered or cancelled (consultation_flow._complete).
        "states:StartExecution": [machine_arn(m) for m in MACHINES],
        "states:StopExecution": [execution_arn("wakeup")],
        "states:SendTaskSuccess": [machine_arn("consultation")],
        # Issue 13, services/triggers: an SMS alarm goes out through End User Messaging
        # (adapters/sms_eum), from the account's origination identity (a phone number, a
        # pool or a sender id) with its configuration set and opt-out list. The e-mail
        # alarm and the trigger's claims, counter and record use what is above.
        "sms-voice:SendTextMessage": [
            f"arn:aws:sms-voice:{REGION}:{ACCOUNT}:{kind}/x"
            for kind in ("phone-number", "pool", "sender-id", "configuration-set", "opt-out-list")
        ],
    },
    # Issue 12: the steps every state machine's Task invokes (services/workflow_steps.steps()):
    # dormant.wake and sla_clock.breach read and save the ticket (a Put of the ticket and
    # its events in one transaction); consultation_flow.wait keeps the task token on the
    # ticket or ends the wait at once (SendTaskSuccess), consultation_flow.timeout reads the
    # question (Query of the events), the response point (Config) and sends the reminder
    # (automatic mail: the hourly counter in Config, outbound.may_send_automatic; claims in
    # Lookups, the sent mail under outbound/); parent_tickets.close_child answers
    # a child through outbound.send_reply (contact, claims, undone after a failed send) and
    # closes it with its childdone claim; progress reads the claims in batches.
    "workflow": {
        **common("workflow"),
        "dynamodb:GetItem": tables("Tickets", "Contacts", "Config", "Lookups"),
        "dynamodb:PutItem": tables("Tickets", "TicketEvents", "Lookups"),
        "dynamodb:Query": tables("TicketEvents", "Config"),
        "dynamodb:BatchGetItem": tables("Lookups"),
        "dynamodb:UpdateItem": tables("Config"),
        "dynamodb:DeleteItem": tables("Lookups"),
        "s3:PutObject": [f"{BUCKET}/outbound/x"],
        "states:SendTaskSuccess": [machine_arn("consultation")],
    },
    # services/schedule_firing.fire: reads the activity and its template (Config), claims
    # the occurrence (Lookups) in the transaction that adds the ticket and its created
    # event, takes the ticket number (Config UpdateItem); with next_open arms a one-off
    # timer. Sends no mail (the stream consumer acknowledges); Lambda's on-failure
    # destination is the failure queue it shares with Scheduler's dead letters.
    "scheduled_activity": {
        **common("scheduled-activity", sends_mail=False),
        "dynamodb:GetItem": tables("Config", "Lookups"),
        "dynamodb:PutItem": tables("Tickets", "TicketEvents", "Lookups"),
        "dynamodb:UpdateItem": tables("Config"),
        "scheduler:CreateSchedule": [schedule_arn()],
        **PASS_SCHEDULER_ROLE,
        "sqs:SendMessage": [iam_model.SCHEDULE_FAILURES_ARN],
    },
    # Issue 14, services/gdpr/retention (daily): settings, response points and users
    # (Config Get/Query), the audit entry (Config Put); closed tickets by Query on by_rp_status
    # and a contact's by by_contact; anonymise: history items rewritten (Get, UpdateItem), the
    # ticket saved with its contact_anonymised event (Put), the card saved and its Lookups
    # keys released (Put, Delete), mail log entries by sender (index Query, Put); delete: the
    # ticket (DeleteItem) and its history and notifications (BatchWriteItem); files deleted
    # from the bucket. Sends no mail.
    # Issue 15, live lists (chalicelib/api/live.py): $connect verifies the token as every
    # request does (the user record in Config, the revoked-token key in Lookups) and keeps
    # the connection (Live BatchWriteItem); $disconnect reads it back and deletes it.
    "websocket_connect": {
        **common("websocket-connect", sends_mail=False),
        "dynamodb:GetItem": tables("Config", "Lookups"),
        "dynamodb:BatchWriteItem": tables("Live"),
    },
    "websocket_disconnect": {
        **common("websocket-disconnect", sends_mail=False),
        "dynamodb:GetItem": tables("Live"),
        "dynamodb:BatchWriteItem": tables("Live"),
    },
    "retention": {
        **common("retention", sends_mail=False),
        "dynamodb:GetItem": tables("Tickets", "TicketEvents", "Contacts", "Lookups", "Config"),
        "dynamodb:Query": [
            *tables("Tickets", "MailLog", index=True),
            *tables("TicketEvents", "Config", "Notifications", "SearchIndex"),
        ],
        "dynamodb:PutItem": tables(
            "Tickets", "TicketEvents", "Contacts", "Config", "MailLog", "SearchIndex"
        ),
        "dynamodb:UpdateItem": tables("TicketEvents"),
        "dynamodb:DeleteItem": tables("Tickets", "Lookups"),
        # Issue 15: the deleted or anonymised ticket's words leave the search index.
        "dynamodb:BatchWriteItem": tables("TicketEvents", "Notifications", "SearchIndex"),
        "s3:DeleteObject": [f"{BUCKET}/inbound/x", f"{BUCKET}/attachments/x"],
    },
}
# Actions that have no resource-level permissions: the only ones allowed on "*".
STAR_RESOURCE_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "dynamodb:ListStreams",
}


def test_every_function_has_a_role_and_a_policy_file_of_its_own() -> None:
    files = {f: iam_model.chalice_policy_file(f) for f in iam_model.ROLES}
    assert len(set(files.values())) == len(files), files
    assert set(NEEDS) == set(iam_model.ROLES)


@pytest.mark.parametrize("function", sorted(NEEDS))
def test_no_action_is_a_wildcard(function: str) -> None:
    for statement in iam_model.statements(function):
        for action in statement.actions:
            assert "*" not in action and "?" not in action, (statement.source, statement.sid)


@pytest.mark.parametrize("function", sorted(NEEDS))
def test_the_role_grants_everything_the_function_needs(function: str) -> None:
    missing = [
        (action, arn)
        for action, arns in NEEDS[function].items()
        for arn in arns
        if not iam_model.allows(function, action, arn, CONTEXT)
    ]
    assert not missing, f"{function} lacks {missing}"


@pytest.mark.parametrize("function", sorted(NEEDS))
def test_the_role_grants_nothing_the_function_does_not_need(function: str) -> None:
    needs = NEEDS[function]
    for statement in iam_model.statements(function):
        where = (function, statement.source, statement.sid)
        for action in statement.actions:
            assert action in needs, f"{where}: {action} is not used by {function}"
            for resource in statement.resources:
                if resource == "*":
                    assert action in STAR_RESOURCE_ACTIONS, f"{where}: {action} on *"
                # Each granted resource pattern covers something the function needs.
                assert any(fnmatchcase(arn, resource) for arn in needs[action]), (
                    f"{where}: {action} on {resource} is broader than {function} needs"
                )


def test_the_stream_consumer_cannot_delete_or_rewrite_tickets() -> None:
    # It records the acknowledgement it sends (a ticket Put conditioned on the version read,
    # and a new history event): never a delete, an update in place or a batch write.
    for action in ("DeleteItem", "UpdateItem", "BatchWriteItem"):
        for table in ("Tickets", "TicketEvents", "Contacts"):
            assert not iam_model.allows("ticket_events", f"dynamodb:{action}", table_arn(table))
    assert not iam_model.allows("ticket_events", "dynamodb:PutItem", table_arn("Contacts"))


def test_intake_cannot_send_mail_to_anyone() -> None:
    # Issue 11: the acknowledgement of a new ticket is sent by the stream consumer.
    for action in ("ses:SendEmail", "ses:SendRawEmail"):
        assert not iam_model.allows("inbound_mail", action, OWN_IDENTITY, SENDER)
    assert not iam_model.allows("inbound_mail", "s3:PutObject", f"{BUCKET}/outbound/x")


def test_intake_cannot_delete_anything_nor_touch_users_or_notices() -> None:
    for table in TABLES:
        assert not iam_model.allows("inbound_mail", "dynamodb:DeleteItem", table_arn(table))
    assert not iam_model.allows("inbound_mail", "dynamodb:PutItem", table_arn("Notifications"))
    assert not iam_model.allows("inbound_mail", "cognito-idp:AdminCreateUser", POOL)
    assert not iam_model.allows("inbound_mail", "s3:GetObject", f"{BUCKET}/attachments/x")


@pytest.mark.parametrize("function", sorted(f for f in NEEDS if "ses:SendEmail" in NEEDS[f]))
def test_mail_goes_out_only_from_the_stacks_own_domain(function: str) -> None:
    assert iam_model.allows(function, "ses:SendEmail", OWN_IDENTITY, SENDER)
    other = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/bank.example"
    assert not iam_model.allows(
        function, "ses:SendEmail", other, {"ses:FromAddress": "x@bank.example"}
    )
    # Even through our identity, a From outside the domain is refused.
    assert not iam_model.allows(
        function, "ses:SendEmail", OWN_IDENTITY, {"ses:FromAddress": "ceo@bank.example"}
    )
    assert not iam_model.allows(function, "ses:SendRawEmail", OWN_IDENTITY, SENDER)


@pytest.mark.parametrize("function", sorted(NEEDS))
def test_no_role_reaches_other_stages_or_other_apps(function: str) -> None:
    for other in ("servit-prod-Tickets", "billing-Invoices"):
        arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{other}"
        assert not iam_model.allows(function, "dynamodb:GetItem", arn)
    assert not iam_model.allows(function, "s3:GetObject", "arn:aws:s3:::someone-else/inbound/x")
    assert not iam_model.allows(function, "dynamodb:Scan", table_arn("Tickets"))
    other_secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db-password-xyz"
    assert not iam_model.allows(function, "secretsmanager:GetSecretValue", other_secret)


def test_the_secret_is_generated_by_the_stack_and_only_its_arn_reaches_the_functions() -> None:
    template = iam_model.load("infra/resources.json")
    assert "MailSecret" not in template["Parameters"]
    secret = template["Resources"]["MailSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    for logical in ("APIHandler", "InboundMail", "TicketEvents", "Workflow", "ScheduledActivity"):
        variables = template["Resources"][logical]["Properties"]["Environment"]["Variables"]
        assert "SERVIT_SECRET" not in variables
        assert variables["SERVIT_SECRET_ARN"] == {"Ref": "MailSecret"}


def test_only_the_api_reads_the_social_secret() -> None:
    # Issue 13: the webhooks and the replies run in the API function alone.
    for function in NEEDS:
        allowed = iam_model.allows(
            function, "secretsmanager:GetSecretValue", iam_model.SOCIAL_SECRET_ARN
        )
        assert allowed == (function == "api_handler"), function


def test_receipt_rule_requires_tls_and_mfa_is_offered() -> None:
    resources = iam_model.load("infra/resources.json")["Resources"]
    rule = resources["ReceiptRule"]["Properties"]["Rule"]
    assert rule["TlsPolicy"] == "Require"
    assert rule["Recipients"] == {
        "Fn::If": ["HasRecipients", {"Ref": "InboundRecipients"}, {"Ref": "AWS::NoValue"}]
    }
    pool = resources["UserPool"]["Properties"]
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
