"""Workflows on AWS Step Functions (and on moto's ASL interpreter in the local stack, which
answers the same API at AWS_ENDPOINT_URL_SFN)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from chalicelib.services.ports import Workflows

logger = Logger(service="servit-workflows")

# A token that can no longer complete anything: the task ended, timed out or never was.
_SPENT_TOKEN = {"TaskDoesNotExist", "TaskTimedOut", "InvalidToken"}


class StepFunctionsWorkflows(Workflows):
    def __init__(self, client: Callable[[], Any], machines: Mapping[str, str]) -> None:
        self._make_client = client  # made on first use: most requests start nothing
        self._made: Any = None
        self._machines = dict(machines)  # machine name -> state machine ARN

    @property
    def _client(self) -> Any:
        if self._made is None:
            self._made = self._make_client()
        return self._made

    def _arn(self, machine: str) -> str:
        arn = self._machines.get(machine)
        if not arn:
            raise RuntimeError(f"no state machine ARN configured for {machine!r}")
        return arn

    def start(self, machine: str, name: str, payload: Mapping[str, Any]) -> bool:
        try:
            self._client.start_execution(
                stateMachineArn=self._arn(machine), name=name, input=json.dumps(dict(payload))
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ExecutionAlreadyExists":
                return False
            raise
        return True

    def stop(self, machine: str, name: str) -> None:
        """Best effort: a stop only saves the transitions of an execution whose step would do
        nothing anyway (every step checks DynamoDB), so a failed stop is logged, not raised:
        it must not hold up the stream. (moto's interpreter also fails to stop an execution
        it has only just started.)"""
        arn = self._arn(machine).replace(":stateMachine:", ":execution:", 1) + ":" + name
        try:
            self._client.stop_execution(executionArn=arn, cause="no longer wanted")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ExecutionDoesNotExist":
                logger.warning(
                    "execution not stopped", extra={"execution": name, "error": str(error)[:300]}
                )
        except Exception as error:  # see above: a stop is an optimisation
            logger.warning(
                "execution not stopped", extra={"execution": name, "error": repr(error)[:300]}
            )

    def send_task_success(self, token: str, output: Mapping[str, Any]) -> bool:
        try:
            self._client.send_task_success(taskToken=token, output=json.dumps(dict(output)))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _SPENT_TOKEN:
                return False
            raise
        return True
