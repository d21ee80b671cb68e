"""Workflows for tests: remembers what was started, stopped and completed, and runs a
started execution's first step on request, so a test drives the steps that the real
state machines (infra/statemachines/, run on moto in tests/integration) would run."""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.services.ports import Workflows


@dataclass
class Execution:
    machine: str
    name: str
    payload: dict[str, Any]
    status: str = "RUNNING"  # RUNNING, STOPPED, SUCCEEDED
    outputs: list[dict[str, Any]] = field(default_factory=list)


class RecordingWorkflows(Workflows):
    def __init__(self) -> None:
        self.executions: dict[str, Execution] = {}
        self.tokens: dict[str, dict[str, Any] | None] = {}  # token -> output once completed
        self._lock = threading.Lock()

    def start(self, machine: str, name: str, payload: Mapping[str, Any]) -> bool:
        with self._lock:
            if name in self.executions:
                return False
            self.executions[name] = Execution(machine, name, copy.deepcopy(dict(payload)))
            return True

    def stop(self, machine: str, name: str) -> None:
        with self._lock:
            execution = self.executions.get(name)
            if execution is not None and execution.status == "RUNNING":
                execution.status = "STOPPED"

    def send_task_success(self, token: str, output: Mapping[str, Any]) -> bool:
        with self._lock:
            if token not in self.tokens or self.tokens[token] is not None:
                return False
            self.tokens[token] = dict(output)
            return True

    # --- for tests --------------------------------------------------------------
    def issue_token(self, token: str) -> str:
        """A task token as the engine would hand to a waitForTaskToken step."""
        self.tokens[token] = None
        return token

    def running(self, machine: str | None = None) -> list[Execution]:
        return [
            e
            for e in self.executions.values()
            if e.status == "RUNNING" and (machine is None or e.machine == machine)
        ]
