"""What time and follow-up cost (issue 12), measured: for each workflow, the Step Functions
state transitions (from the execution's own history, on moto's interpreter running the
definition files AWS runs) and the DynamoDB requests of its steps (counted on DynamoDB
Local), and so the dollars per execution at the prices in docs/performance.md.

Run alone: ``.venv/bin/python -m bench.workflow_costs`` (starts its own DynamoDB Local);
``make bench`` runs it too and writes the table to docs/performance.md.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workloads  # noqa: E402
from chalicelib.adapters.dynamodb.tables import create_missing_tables  # noqa: E402
from chalicelib.adapters.workflows_sfn import StepFunctionsWorkflows  # noqa: E402
from chalicelib.domain.notifications import StoredEvent  # noqa: E402
from chalicelib.services import dormant, parent_tickets, tickets, workflow_steps, workflows  # noqa: E402
from local import dynamodb_local  # noqa: E402
from local import workflows as local_workflows  # noqa: E402

CHILDREN = 3
TRANSITION_USD = 0.025 / 1000  # Step Functions Standard, per state transition
LAMBDA_REQUEST_USD = 0.20 / 1_000_000


@dataclass(frozen=True)
class WorkflowCost:
    name: str
    transitions: int  # states entered, as AWS bills them
    lambda_calls: int
    requests: dict[str, int]  # DynamoDB operation -> count, all steps of one execution

    @property
    def dollars(self) -> float:
        return self.transitions * TRANSITION_USD + self.lambda_calls * LAMBDA_REQUEST_USD


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _history(client: object, arn: str, name: str) -> list[dict[str, object]]:
    execution = arn.replace(":stateMachine:", ":execution:", 1) + ":" + name
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = client.describe_execution(executionArn=execution)["status"]  # type: ignore[attr-defined]
        if status != "RUNNING":
            break
        time.sleep(0.1)
    return list(client.get_execution_history(executionArn=execution)["events"])  # type: ignore[attr-defined]


def run(desk: workloads.Helpdesk) -> list[WorkflowCost]:
    engine = local_workflows.Engine(_free_port())
    env = engine.start()
    try:
        client = boto3.client(
            "stepfunctions", endpoint_url=engine.endpoint, region_name="eu-north-1",
            aws_access_key_id="bench", aws_secret_access_key="bench",
        )  # fmt: skip
        arns = {m: env[f"SERVIT_SFN_{m.upper()}_ARN"] for m in workflows.MACHINES}
        svc = desk.svc
        svc.workflows = StepFunctionsWorkflows(lambda: client, arns)
        local_workflows.route_steps(lambda payload: workflow_steps.run_step(svc, payload))
        return [_dormant_wakeup(desk, client, arns), _close_children(desk, client, arns, CHILDREN)]
    finally:
        engine.stop()


def _dormant_wakeup(desk: workloads.Helpdesk, client: object, arns: dict[str, str]) -> WorkflowCost:
    svc = desk.svc
    agent = desk.users["agent1"]
    desk.clock.now = datetime.now(UTC)
    made = tickets.create_ticket(svc, agent, {"title": "Bench: väck mig", "agent_id": agent.id})
    at = datetime.now(UTC) + timedelta(seconds=1)
    tickets.update_ticket(
        svc, agent, made.id, {"status": "dormant_until", "dormant_until": at.isoformat()}
    )
    event = [e for e in svc.tickets.events(made.id) if e.data.get("to") == "dormant_until"][-1]
    before = desk.counter.usage()
    dormant.arm(svc, [StoredEvent(event)])  # the stream reaction: starts the execution
    history = _history(client, arns[workflows.WAKEUP], dormant.execution(made.id, 1))
    # Nothing else runs in this process meanwhile: the difference is the reaction's and the
    # steps' requests (steps of a Map run in parallel, so they are not counted one by one).
    requests = desk.counter.usage().minus(before).by_operation()
    entered = [e for e in history if str(e["type"]).endswith("StateEntered")]
    return WorkflowCost("dormant wake-up (Wakeup machine)", len(entered), 1, requests)


def _close_children(
    desk: workloads.Helpdesk,
    client: object,
    arns: dict[str, str],
    count: int,
) -> WorkflowCost:
    """A parent with ``count`` open children is closed: the CloseChildren run."""
    svc = desk.svc
    agent = desk.users["agent1"]
    parent = tickets.create_ticket(svc, agent, {"title": "Bench: förälder", "agent_id": agent.id})
    kids = [
        tickets.create_ticket(svc, agent, {"title": f"Bench: barn {i}", "agent_id": agent.id}).id
        for i in range(count)
    ]
    parent_tickets.link_children(svc, agent, parent.id, {"ticket_ids": kids})
    tickets.update_ticket(svc, agent, parent.id, {"status": "closed"})
    started = [e for e in svc.tickets.events(parent.id) if e.type == "children_run_started"][-1]
    before = desk.counter.usage()
    parent_tickets.arm(svc, [StoredEvent(started)])
    name = parent_tickets.execution(parent.id, str(started.data["run_id"]))
    history = _history(client, arns[workflows.CLOSE_CHILDREN], name)
    requests = desk.counter.usage().minus(before).by_operation()
    entered = [e for e in history if str(e["type"]).endswith("StateEntered")]
    closed = sum(svc.tickets.get(k).status.value == "closed" for k in kids)
    if closed != count:
        raise RuntimeError(f"only {closed} of {count} children closed")
    return WorkflowCost(
        f"closing a parent with {count} children (CloseChildren machine)",
        len(entered),
        count + 1,
        requests,
    )


def table(costs: list[WorkflowCost]) -> list[str]:
    lines = [
        "| workflow | state transitions | Lambda invocations | DynamoDB requests (steps) "
        "| USD per execution (SFN + Lambda requests) |",
        "|---|---:|---:|---|---:|",
    ]
    for cost in costs:
        ops = ", ".join(f"{op} {n}" for op, n in sorted(cost.requests.items())) or "none"
        lines.append(
            f"| {cost.name} | {cost.transitions} | {cost.lambda_calls} | {ops} "
            f"| {cost.dollars:.7f} |"
        )
    return lines


def section(costs: list[WorkflowCost]) -> str:
    """The docs/performance.md section, between markers that bench/run.py keeps."""
    return "\n".join([
        "<!-- workflows -->",
        "## Time and follow-up: cost per workflow execution (issue 12)",
        "",
        "Measured by `bench/workflow_costs.py` (`make bench`): each machine of",
        "`infra/statemachines/` runs on moto's interpreter with its Lambda steps in process on",
        "DynamoDB Local; transitions are the states the execution entered (its own history, as",
        "AWS bills them), requests are those of the steps and of the stream reaction that",
        "started it. USD: $0.025 per 1,000 transitions and $0.20 per million Lambda requests",
        "(Lambda duration not included: each step runs in tens of milliseconds).",
        "",
        *table(costs),
        "",
        "The SLA deadline runs on the same Wakeup machine as the dormant wake-up (2",
        "transitions, 1 Lambda call); the consultation machine's figures are in its own section.",
        "A waiting execution costs nothing while it waits (Standard workflows bill transitions,",
        "not time).",
        "<!-- /workflows -->",
    ])  # fmt: skip


def main() -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(key, "bench")  # DynamoDB Local and moto take any
    port = _free_port()
    process = dynamodb_local.start(port, None)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        prefix = f"wf{uuid.uuid4().hex[:6]}-"
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
    """Put the section into docs/performance.md, replacing the one there."""
    output = ROOT / "docs" / "performance.md"
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    found = re.search(r"<!-- workflows -->.*?<!-- /workflows -->", current, re.S)
    if found:
        current = current[: found.start()] + text + current[found.end() :]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    output.write_text(current, encoding="utf-8")
    print(f"written to {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
