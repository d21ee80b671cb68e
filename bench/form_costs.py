"""What a web form costs (issue 13), measured: the DynamoDB requests of showing the public
form and of each kind of post, through the real routes (chalice.test.Client) on DynamoDB
Local, and of the stream consumer's confirmation mail that follows a new ticket.

Run alone: ``.venv/bin/python -m bench.form_costs`` (starts its own DynamoDB Local);
``make bench`` runs it too and writes the table to docs/performance.md (``<!-- forms -->``).
"""

from __future__ import annotations

import os
import re
import socket
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import boto3

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workloads  # noqa: E402
from bench.counting import Usage  # noqa: E402
from chalicelib import bootstrap  # noqa: E402
from chalicelib.adapters.dynamodb.tables import create_missing_tables  # noqa: E402
from chalicelib.services.forms import admin as form_admin  # noqa: E402
from chalicelib.services.mail.outbound import acknowledge_change  # noqa: E402
from local import dynamodb_local  # noqa: E402

FORM_ID = "kontakt"
FORM = {
    "id": FORM_ID, "name": "Kontakta oss", "response_point_id": "kundtjanst",
    "fields": ["name", "email", "phone", "subject", "description", "priority"],
    "required": ["email", "description"], "group_id": "kt-second",
}  # fmt: skip


@dataclass(frozen=True)
class FormCost:
    name: str
    status: int
    usage: Usage

    def ops(self) -> str:
        found = self.usage.by_operation()
        return ", ".join(f"{op} {n}" for op, n in sorted(found.items())) or "none"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(desk: workloads.Helpdesk) -> list[FormCost]:
    from chalice.test import Client

    import app

    svc = desk.svc
    form_admin.save_form(svc, desk.users["admin"], None, FORM, create=True)
    bootstrap.use(svc)
    costs: list[FormCost] = []
    try:
        with Client(app.app) as client:

            def measured(name: str, call: Callable[[], int], *, cold: bool = False) -> None:
                if cold:
                    desk.cache.clear()  # a new container: nothing of Config cached
                before = desk.counter.usage()
                status = call()
                costs.append(FormCost(name, status, desk.counter.usage().minus(before)))

            def show() -> tuple[int, str]:
                answer = client.http.get(f"/forms/{FORM_ID}", headers={"Accept": "text/html"})
                found = re.search(rb'name="ft" value="([^"]+)"', answer.body)
                return answer.status_code, found.group(1).decode() if found else ""

            numbers: list[int] = []

            def send(email: str, **extra: str) -> int:
                _, token = show()
                desk.clock.advance(seconds=10)
                values = {"ft": token, "name": "Kund", "email": email, "subject": "Hjälp",
                          "description": "Skrivaren fastnar.", **extra}  # fmt: skip
                answer = client.http.post(
                    f"/forms/{FORM_ID}", body=urlencode(values).encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )  # fmt: skip
                if number := re.search(rb'data-testid="ticket-number">#(\d+)<', answer.body):
                    numbers.append(int(number.group(1)))
                return int(answer.status_code)

            fresh = lambda: f"ny-{uuid.uuid4().hex[:8]}@example.se"  # noqa: E731
            send(fresh())  # warm: the app's imports, the config cache
            measured("form page shown (GET), container warm", lambda: show()[0])
            measured("form page shown (GET), new container", lambda: show()[0], cold=True)
            # The page's GET is part of each post below: subtract "form page shown".
            measured("GET + post, new contact, container warm", lambda: send(fresh()))
            measured("GET + post, known contact, container warm",
                     lambda: send(desk.emails[0]))  # fmt: skip
            measured("GET + post, new contact, new container", lambda: send(fresh()), cold=True)
            measured("GET + post refused (e-mail address not valid)",
                     lambda: send("inte-en-adress"))  # fmt: skip
            costs.append(_confirmation(desk, numbers[-1]))
    finally:
        bootstrap.use(None)
    return costs


def _confirmation(desk: workloads.Helpdesk, number: int) -> FormCost:
    """The stream consumer's part: the confirmation mail of a form's new ticket."""
    svc = desk.svc
    ticket_id = svc.tickets.id_for_number(number)
    if ticket_id is None:
        raise RuntimeError(f"no ticket #{number}")
    change = svc.tickets.change_events(ticket_id, 1)  # the change that created it
    desk.clock.advance(hours=2)  # past the hourly cap on automatic mail
    before = desk.counter.usage()
    if acknowledge_change(svc, change) != 1:
        raise RuntimeError("the confirmation was not sent")
    return FormCost("confirmation mail (stream consumer)", 0, desk.counter.usage().minus(before))


def table(costs: list[FormCost]) -> list[str]:
    lines = ["| what | HTTP status | DynamoDB requests | by operation |", "|---|---:|---:|---|"]
    for cost in costs:
        status = str(cost.status) if cost.status else "–"
        lines.append(f"| {cost.name} | {status} | {cost.usage.total_requests} | {cost.ops()} |")
    return lines


def section(costs: list[FormCost]) -> str:
    return "\n".join([
        "<!-- forms -->",
        "## Web forms: requests per form post (issue 13)",
        "",
        "Measured by `bench/form_costs.py` (`make bench`): the public form's routes driven",
        "through `chalice.test.Client` on DynamoDB Local, the config cache as in AWS. A post",
        "below includes the GET of its page (the signed token comes from it). A new ticket is",
        "one TransactWriteItems (ticket, its events and the page token's claim); the hourly",
        "caps are two UpdateItem ADDs (per IP, per sender); a new contact is one more",
        "TransactWriteItems; a refused value writes nothing.",
        "",
        *table(costs),
        "<!-- /forms -->",
    ])  # fmt: skip


def main() -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(key, "bench")
    port = _free_port()
    process = dynamodb_local.start(port, None)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        prefix = f"fm{uuid.uuid4().hex[:6]}-"
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
    found = re.search(r"<!-- forms -->.*?<!-- /forms -->", current, re.S)
    if found:
        current = current[: found.start()] + text + current[found.end() :]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    output.write_text(current, encoding="utf-8")
    print(f"written to {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
