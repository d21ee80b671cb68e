"""The ``workflow`` Lambda: every Task state of the state machines in infra/statemachines/
invokes it with a payload naming its step (services/workflow_steps.run_step). The local stack
routes moto's Lambda invocations to ``handle`` in process (local/workflows.py)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib import bootstrap
from chalicelib.api import observability
from chalicelib.services import workflow_steps

bp = Blueprint(__name__)


@bp.lambda_function(name="workflow")
def workflow(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event)


observability.instrument(workflow)


def handle(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ValueError("a workflow step's payload is a JSON object")
    return workflow_steps.run_step(bootstrap.services(), payload)
