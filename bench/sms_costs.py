"""What a text costs (issue 13), measured: the DynamoDB requests of each received text through
the SNS Lambda (``inbound_sms``, the handler AWS invokes), of an agent's SMS reply through its
route, and of a delivery receipt through ``sms_events``; on DynamoDB Local with the config
cache as in AWS.

Run alone: ``.venv/bin/python -m bench.sms_costs`` (starts its own DynamoDB Local);
``make bench`` runs it too and writes the table to docs/performance.md (``<!-- sms -->``).
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workloads  # noqa: E402
from bench.counting import Usage  # noqa: E402
from chalicelib import bootstrap  # noqa: E402
from chalicelib.adapters.dynamodb.tables import create_missing_tables  # noqa: E402
from local import dynamodb_local  # noqa: E402

OUR_NUMBER = "+46766861234"


@dataclass(frozen=True)
class SmsCost:
    name: str
    usage: Usage

    def ops(self) -> str:
        found = self.usage.by_operation()
        return ", ".join(f"{op} {n}" for op, n in sorted(found.items())) or "none"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(desk: workloads.Helpdesk) -> list[SmsCost]:
    from chalice.test import Client

    import app

    svc = desk.svc
    bootstrap.use(svc)
    costs: list[SmsCost] = []
    try:
        with Client(app.app) as client:
            token = client.http.post(
                "/api/auth/login",
                headers={"Content-Type": "application/json"},
                body=json.dumps({"email": "admin@example.com", "password": "secret-pw"}).encode(),
            )
            auth = {
                "Authorization": f"Bearer {json.loads(token.body)['token']}",
                "Content-Type": "application/json",
            }

            def measured(name: str, call: Callable[[], object], *, cold: bool = False) -> object:
                if cold:
                    desk.cache.clear()  # a new container: nothing of Config cached
                before = desk.counter.usage()
                result = call()
                costs.append(SmsCost(name, desk.counter.usage().minus(before)))
                return result

            def text(sender: str, body: str, message_id: str | None = None) -> dict[str, str]:
                payload = {
                    "originationNumber": sender,
                    "destinationNumber": OUR_NUMBER,
                    "messageBody": body,
                    "inboundMessageId": message_id or str(uuid.uuid4()),
                }
                event = client.events.generate_sns_event(message=json.dumps(payload))
                client.lambda_.invoke("inbound_sms", event)
                return payload

            text("0700000001", "värm upp")  # warm: the app's imports, the config cache
            first = measured(
                "text from a new number (new contact, new ticket)",
                lambda: text("0701234567", "Internet ligger nere"),
            )
            measured("next text from the same number (joins the ticket)",
                     lambda: text("0701234567", "Fortfarande nere"))  # fmt: skip
            assert isinstance(first, dict)
            measured("the same text delivered again (duplicate)",
                     lambda: text(first["originationNumber"], first["messageBody"],
                                  first["inboundMessageId"]))  # fmt: skip
            measured("text from a new number, new container",
                     lambda: text("0709876543", "Hjälp"), cold=True)  # fmt: skip
            measured("STOPP (opt-out on the contact card)", lambda: text("0709876543", "STOPP"))
            ticket_id = svc.lookups.get("thread#sms:kundtjanst:+46701234567")

            def reply() -> str:
                answer = client.http.post(
                    f"/api/tickets/{ticket_id}/replies",
                    headers=auth,
                    body=json.dumps({"channel": "sms", "text": "Vi felsöker. " * 15}).encode(),
                )
                if answer.status_code != 201:
                    raise RuntimeError(answer.body)
                return str(json.loads(answer.body)["data"]["provider_id"])

            provider_id = measured("agent's SMS reply (2 parts), route", reply)

            def receipt() -> None:
                event = {"eventType": "TEXT_DELIVERED", "isFinal": True,
                         "messageId": provider_id, "messageStatus": "DELIVERED",
                         "totalMessageParts": 2}  # fmt: skip
                sns = client.events.generate_sns_event(message=json.dumps(event))
                client.lambda_.invoke("sms_events", sns)

            measured("delivery receipt (sms_events)", receipt)
    finally:
        bootstrap.use(None)
    return costs


def table(costs: list[SmsCost]) -> list[str]:
    lines = ["| what | DynamoDB requests | by operation |", "|---|---:|---|"]
    for cost in costs:
        lines.append(f"| {cost.name} | {cost.usage.total_requests} | {cost.ops()} |")
    return lines


def section(costs: list[SmsCost]) -> str:
    return "\n".join([
        "<!-- sms -->",
        "## Texts: requests per inbound SMS, reply and receipt (issue 13)",
        "",
        "Measured by `bench/sms_costs.py` (`make bench`): the SNS Lambdas `inbound_sms` and",
        "`sms_events` and the reply route driven through `chalice.test.Client` on DynamoDB",
        "Local, the config cache as in AWS. A text finds its contact by number with one",
        "BatchGetItem of the Lookups items cards keep (every form the number may be typed in),",
        "then the thread and its own message id with another; a new ticket is one",
        "TransactWriteItems (ticket, events, the message and thread claims) and the number",
        "counter (UpdateItem); a text joining a ticket is one GetItem and one",
        "TransactWriteItems; a repeated delivery writes nothing. No Scan anywhere.",
        "",
        *table(costs),
        "<!-- /sms -->",
    ])  # fmt: skip


def main() -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(key, "bench")
    port = _free_port()
    process = dynamodb_local.start(port, None)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        prefix = f"sm{uuid.uuid4().hex[:6]}-"
        create_missing_tables(
            boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-north-1"), prefix
        )
        with tempfile.TemporaryDirectory() as data_dir:
            desk = workloads.open_helpdesk(endpoint, prefix, data_dir)
            text = section(run(desk))
    finally:
        dynamodb_local.stop(process)
    print(text)
    write(text)


def write(text: str) -> None:
    output = ROOT / "docs" / "performance.md"
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    found = re.search(r"<!-- sms -->.*?<!-- /sms -->", current, re.S)
    if found:
        current = current[: found.start()] + text + current[found.end() :]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    output.write_text(current, encoding="utf-8")
    print(f"written to {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
