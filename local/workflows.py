"""Step Functions in the local stack and in tests: moto's ASL interpreter runs the very
definition files AWS runs (infra/statemachines/), and its Lambda tasks are routed to the
workflow steps in this process (DESIGN §5).

- ``start_server`` runs moto as a server on a port of its own, with the interpreter on,
  creates the state machines and returns what the app's processes need in their
  environment (AWS_ENDPOINT_URL_SFN and one SERVIT_SFN_<NAME>_ARN per machine).
- ``route_steps`` makes moto's Lambda invocations call the steps here: the machines'
  Task states name the workflow function's ARN, and the step runs as the Lambda would.
- ``rearm`` starts, after a restart, every wake-up and open consultation DynamoDB says is
  pending: moto keeps nothing across restarts, and DynamoDB holds the truth.
"""

from __future__ import annotations

import json
import logging
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STATEMACHINES = ROOT / "infra" / "statemachines"
ACCOUNT = "123456789012"
REGION = "eu-north-1"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:servit-local-workflow"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/servit-local-workflows"
MOTO_CONFIG: dict[str, Any] = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}

logger = logging.getLogger("servit.local.workflows")


def definition(name: str, function_arn: str = FUNCTION_ARN) -> str:
    """The machine's ASL as the template deploys it (DefinitionSubstitutions applied)."""
    text = (STATEMACHINES / f"{name}.asl.json").read_text()
    return text.replace("${WorkflowFunctionArn}", function_arn)


def machine_names() -> list[str]:
    return sorted(p.name.removesuffix(".asl.json") for p in STATEMACHINES.glob("*.asl.json"))


def create_machines(client: Any) -> dict[str, str]:
    """Create every state machine (again after a restart); name -> ARN."""
    arns = {}
    for name in machine_names():
        found = [
            m["stateMachineArn"]
            for m in client.list_state_machines()["stateMachines"]
            if m["name"] == f"servit-local-{name}"
        ]
        arns[name] = found[0] if found else client.create_state_machine(
            name=f"servit-local-{name}", definition=definition(name), roleArn=ROLE_ARN,
            type="STANDARD",
        )["stateMachineArn"]  # fmt: skip
    return arns


def route_steps(run: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """moto's Lambda invocations run ``run(payload)`` here. A step that raises answers as
    a Lambda function error, so the machine's Retry and Catch see what AWS would show."""
    from moto.awslambda_simple.models import LambdaSimpleBackend

    def invoke(
        self: Any, name: str, qualifier: Any, body: Any, headers: Any, response_headers: Any
    ) -> bytes:
        try:
            payload = json.loads(body or b"{}")
            return json.dumps(run(payload)).encode()
        except Exception as error:
            logger.warning("workflow step failed: %s", "".join(traceback.format_exception(error)))
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(
                {"errorType": type(error).__name__, "errorMessage": str(error)}
            ).encode()

    LambdaSimpleBackend.invoke = invoke  # type: ignore[method-assign]


class Engine:
    """moto as a threaded server: Step Functions for the local stack's processes."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self._server: Any = None

    def start(self) -> dict[str, str]:
        import boto3
        import requests
        from moto.server import ThreadedMotoServer

        # One access-log line per Step Functions call would drown the stack's own output.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        # The interpreter invokes Lambda through the server it runs in: tell it the port.
        os.environ["MOTO_PORT"] = str(self.port)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        requests.post(f"{self.endpoint}/moto-api/config", json=MOTO_CONFIG, timeout=10)
        client = boto3.client(
            "stepfunctions", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id="local", aws_secret_access_key="local",  # noqa: S106 (moto)
        )  # fmt: skip
        arns = create_machines(client)
        env = {"AWS_ENDPOINT_URL_SFN": self.endpoint}
        env.update({f"SERVIT_SFN_{name.upper()}_ARN": arn for name, arn in arns.items()})
        return env

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


def rearm(svc: Any) -> int:
    """Every pending wake-up, started again from DynamoDB (a Scan: the local stack's start
    only, never a request path)."""
    from chalicelib.adapters.dynamodb.codec import ticket_from_model
    from chalicelib.adapters.dynamodb.models import TicketModel
    from chalicelib.services import dormant

    dormant_tickets = [
        ticket_from_model(item) for item in TicketModel.scan(TicketModel.status == "dormant_until")
    ]
    started = dormant.rearm(svc, dormant_tickets)
    from chalicelib.services import sla_clock

    # Open tickets with a due time (a resolved or closed one has resolved_at): their
    # pending SLA deadlines, and resumes still to settle.
    timed = TicketModel.scan(
        (TicketModel.first_response_due.exists() | TicketModel.resolution_due.exists())
        & TicketModel.resolved_at.does_not_exist()
    )
    started += sla_clock.rearm(svc, [ticket_from_model(item) for item in timed])
    from chalicelib.services.consultation import flow as consultation_flow

    # Tickets that ever consulted someone (S6): the open consultations wait again.
    consulting = TicketModel.scan(TicketModel.consultations.exists())
    started += consultation_flow.rearm(svc, [ticket_from_model(item) for item in consulting])
    from chalicelib.services import parent_tickets

    # Parents whose run over their children has not finished (S10): the rest of it.
    parents = TicketModel.scan(TicketModel.children_run.exists())
    started += parent_tickets.rearm(svc, [ticket_from_model(item) for item in parents])
    return started
