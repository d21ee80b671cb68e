"""The local stack in one command (``make run``): DynamoDB Local, tables, demo
data, the API on Chalice's local server behind the front door (agent UI), the SMTP
intake, the TicketEvents stream poller (agent notifications, workflow starts) and Step
Functions on moto's interpreter (wake-ups, consultations). Ctrl-C or SIGTERM stops it all.

Environment: SERVIT_PORT (8000), SERVIT_DYNAMODB_PORT (8001), SERVIT_SMTP_PORT
(2525), SERVIT_SFN_PORT (a free port), SERVIT_DATA_DIR (.data), SERVIT_HOST
(127.0.0.1); for `make bench` only, SERVIT_COUNT_REQUESTS (a file: DynamoDB requests
counted, written there on SIGUSR1).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.services.context import Services  # noqa: E402
from chalicelib.services.workflow_steps import run_step  # noqa: E402
from local import dynamodb_local, scheduler_loop, smtp, stream_poller, web_proxy  # noqa: E402
from local import workflows as local_workflows  # noqa: E402
from local.live import LiveSockets  # noqa: E402

TABLE_PREFIX = "servit-local-"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stack_environment(data_dir: Path, dynamodb_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SERVIT_STAGE": "local",
            "SERVIT_IDENTITY": "local",
            "SERVIT_TABLE_PREFIX": TABLE_PREFIX,
            "SERVIT_DYNAMODB_ENDPOINT": f"http://127.0.0.1:{dynamodb_port}",
            "SERVIT_DATA_DIR": str(data_dir),
            "AWS_ACCESS_KEY_ID": env.get("AWS_ACCESS_KEY_ID", "local"),
            "AWS_SECRET_ACCESS_KEY": env.get("AWS_SECRET_ACCESS_KEY", "local"),
            "AWS_DEFAULT_REGION": "eu-north-1",
            "AWS_REGION": "eu-north-1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def prepare_data(env: dict[str, str]) -> Services:
    """Create missing tables; returns the services the in-process parts use."""
    os.environ.update(env)
    import boto3

    from chalicelib import bootstrap, config
    from chalicelib.adapters.dynamodb.tables import create_missing_tables

    client = boto3.client("dynamodb", endpoint_url=env["SERVIT_DYNAMODB_ENDPOINT"])
    create_missing_tables(client, TABLE_PREFIX)
    return bootstrap.build(config.load(env))


def count_requests(path: str) -> None:
    """For the bench (SERVIT_COUNT_REQUESTS=<file>): count this process's DynamoDB requests,
    the SMTP intake's and the stream poller's apart, and write the totals to the file as
    JSON on SIGUSR1."""
    import json
    import threading

    from bench.counting import RequestCounter
    from chalicelib.adapters.dynamodb.models import ALL_MODELS

    def poller() -> bool:
        return threading.current_thread().name == stream_poller.THREAD_NAME

    counters = {
        "intake": RequestCounter(TABLE_PREFIX, only=lambda: not poller()),
        "poller": RequestCounter(TABLE_PREFIX, only=poller),
    }
    for counter in counters.values():
        counter.attach_models(ALL_MODELS)

    def write(signum: int, frame: FrameType | None) -> None:
        totals = {name: dict(c.usage().requests) for name, c in counters.items()}
        Path(f"{path}.tmp").write_text(json.dumps(totals))
        os.replace(f"{path}.tmp", path)  # the bench never reads half a file

    signal.signal(signal.SIGUSR1, write)


def seed_demo(svc: Services) -> int:
    """Seed demo data once; returns tickets seeded now."""
    from local.seed import seed

    return seed(svc)


def wait_for_api(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the API server did not answer within 60 s")


def banner(url: str, dynamodb_port: int, smtp_port: int, seeded: int, data_dir: Path) -> str:
    from local.seed import DEMO_PASSWORD, USERS

    logins = "\n".join(
        f"    {u['email']:<26} {DEMO_PASSWORD:<6} {', '.join(u['roles'])}" for u in USERS
    )  # type: ignore[arg-type]
    seeded_line = f"seeded {seeded} demo tickets" if seeded else "demo data already there (kept)"
    return (
        f"\nServIT local stack is up ({seeded_line}; data in {data_dir})\n"
        f"  Agent UI:       {url}/\n"
        f"  API:            {url}/api   (health: {url}/api/health)\n"
        f"  DynamoDB Local: http://127.0.0.1:{dynamodb_port}\n"
        f"  SMTP (mail in): 127.0.0.1:{smtp_port}  (any recipient; kundtjanst@servit.example, "
        "it@servit.example)\n"
        "  Stream poller:  TicketEvents -> notifications, acknowledgements, workflow starts\n"
        f"  Live lists:     ws://{url.split('://', 1)[1]}/live  (notices from the stream poller)\n"
        "  Step Functions: infra/statemachines/ on moto's interpreter (wake-ups, consultations)\n"
        f"  Outbox (mail out): {data_dir / 'outbox'}  and GET {url}/api/dev/outbox (admin)\n"
        f"  Web form (public): {url}/forms/kontakt\n"
        f"  Demo logins (e-mail / password / roles):\n{logins}\n"
        "  Ctrl-C stops everything.\n"
    )


def main() -> int:
    host = os.environ.get("SERVIT_HOST", "127.0.0.1")
    port = int(os.environ.get("SERVIT_PORT", "8000"))
    dynamodb_port = int(os.environ.get("SERVIT_DYNAMODB_PORT", "8001"))
    smtp_port = int(os.environ.get("SERVIT_SMTP_PORT", "2525"))
    # Chalice's server sits behind the front door on a port of its own.
    api_port = int(os.environ.get("SERVIT_API_PORT", str(free_port())))
    data_dir = Path(os.environ.get("SERVIT_DATA_DIR", str(ROOT / ".data"))).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    children: list[subprocess.Popen[bytes]] = []
    smtp_server = None
    front = None
    poller = None
    timers: scheduler_loop.SchedulerLoop | None = None
    engine: local_workflows.Engine | None = None

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    # Also when started in the background of a script, where the shell leaves SIGINT ignored.
    signal.signal(signal.SIGINT, stop)
    try:
        dynamodb = dynamodb_local.start(
            dynamodb_port,
            str(data_dir / "dynamodb"),
            log_path=str(data_dir / "dynamodb.log"),
            quick_jit=True,
        )
        children.append(dynamodb)
        env = stack_environment(data_dir, dynamodb_port)
        env["SERVIT_PUBLIC_URL"] = f"http://{host}:{port}"
        # Step Functions: moto's interpreter on a port of its own, running the definition
        # files in infra/statemachines/; its Lambda tasks run the steps in this process.
        engine = local_workflows.Engine(int(os.environ.get("SERVIT_SFN_PORT", free_port())))
        env.update(engine.start())
        svc = prepare_data(env)
        local_workflows.route_steps(lambda payload: run_step(svc, payload))
        if os.environ.get("SERVIT_COUNT_REQUESTS"):
            count_requests(os.environ["SERVIT_COUNT_REQUESTS"])
        # Before the seed, so the demo's changes notify as any other change does.
        poller = stream_poller.start(
            svc, env["SERVIT_DYNAMODB_ENDPOINT"], f"{TABLE_PREFIX}TicketEvents"
        )
        seeded = seed_demo(svc)
        # moto remembers nothing across a restart; DynamoDB holds every pending wake-up.
        rearmed = local_workflows.rearm(svc)
        if rearmed:
            print(f"re-armed {rearmed} pending wake-up(s) from DynamoDB", flush=True)
        # Scheduled activities: moto's Scheduler never fires, so this loop does (S1).
        timers = scheduler_loop.start(svc)
        smtp_server = smtp.start(svc, host, smtp_port)
        api = subprocess.Popen(
            [str(Path(sys.executable).parent / "chalice"), "local", "--no-autoreload",
             "--stage", "local", "--host", "127.0.0.1", "--port", str(api_port)],
            cwd=str(ROOT),
            env=env,
        )  # fmt: skip
        children.append(api)
        wait_for_api(f"http://127.0.0.1:{api_port}", api)
        # Issue 15: /live upgrades to a WebSocket here, beside the stream poller's notices.
        front = web_proxy.start(host, port, api_port, ROOT / "web" / "dist", live=LiveSockets(svc))
        url = f"http://{host}:{port}"
        print(banner(url, dynamodb_port, smtp_port, seeded, data_dir), flush=True)
        while all(child.poll() is None for child in children) and poller.alive():
            time.sleep(0.5)
        print("a part of the stack stopped; shutting down", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping the local stack ...", flush=True)
        return 0
    finally:
        if front is not None:
            front.shutdown()
        if smtp_server is not None:
            smtp.stop(smtp_server)
        if poller is not None:
            poller.stop()
        if timers is not None:
            timers.stop()
        if engine is not None:
            engine.stop()
        for child in reversed(children):
            dynamodb_local.stop(child)


if __name__ == "__main__":
    sys.exit(main())
