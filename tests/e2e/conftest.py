"""The local stack as `make run` starts it, on free ports and a data folder of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from local import dynamodb_local
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Stack:
    url: str
    dynamodb_port: int
    smtp_port: int
    data_dir: Path
    process: subprocess.Popen[str]
    output: list[str]

    def stop(self, how: signal.Signals = signal.SIGTERM) -> int:
        self.process.send_signal(how)
        return self.process.wait(timeout=30)


def _as_a_background_job() -> None:
    """What a shell script's `cmd &` does to its child: SIGINT (and SIGQUIT) ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGQUIT, signal.SIG_IGN)


def start_stack(data_dir: Path, *, background_job: bool = False) -> Stack:
    port, dynamodb_port, smtp_port = free_port(), free_port(), free_port()
    env = dict(os.environ, SERVIT_PORT=str(port), SERVIT_DYNAMODB_PORT=str(dynamodb_port),
               SERVIT_SMTP_PORT=str(smtp_port), SERVIT_DATA_DIR=str(data_dir))  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "local" / "run.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_as_a_background_job if background_job else None,
    )
    output: list[str] = []
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            raise RuntimeError("the stack exited:\n" + "".join(output))
        output.append(line)
        if "Ctrl-C stops everything" in line:
            break
    else:
        process.kill()
        raise RuntimeError("the stack did not come up:\n" + "".join(output))
    assert requests.get(f"{url}/api/health", timeout=5).json() == {"status": "ok"}
    return Stack(url, dynamodb_port, smtp_port, data_dir, process, output)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("stack-data"))
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.stop()
        assert not dynamodb_local.port_open(running.dynamodb_port)
