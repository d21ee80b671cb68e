"""The local stack's live socket (issue 15): the front door upgrades /live to a WebSocket
for a signed-in user (the REST token offered as a subprotocol), and what the stream poller
pushes through LocalLiveHub reaches the browser; a socket that goes is forgotten."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.adapters.live_memory import LocalLiveHub, MemoryLiveConnections
from chalicelib.domain.organisation import User
from chalicelib.services.context import Services
from chalicelib.services.live import fanout
from chalicelib.services.live.ports import LiveChannel
from local import web_proxy
from local.live import LiveSockets
from local.live_client import LiveClient
from tests.support import seed_helpdesk


@pytest.fixture
def front(svc: Services, tmp_path: Path) -> Iterator[tuple[str, Services, dict[str, User]]]:
    svc.live = LiveChannel(MemoryLiveConnections(), LocalLiveHub(), url="/live")
    people = seed_helpdesk(svc)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = web_proxy.start("127.0.0.1", port, 1, tmp_path, live=LiveSockets(svc))
    try:
        yield f"ws://127.0.0.1:{port}/live", svc, people
    finally:
        server.shutdown()


def token(svc: Services, user: User) -> str:
    return str(svc.identity.issue(user.id, user.email, [str(r) for r in user.roles]))  # type: ignore[attr-defined]


def wait_until(check: object, seconds: float = 3) -> None:
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)


def test_a_signed_in_browser_gets_the_notices_of_its_audience(
    front: tuple[str, Services, dict[str, User]],
) -> None:
    url, svc, people = front
    assert svc.live is not None
    agent = LiveClient(url, token(svc, people["agent1"]))  # group kt-first
    other = LiveClient(url, token(svc, people["agent3"]))  # kt-second, it-desk
    assert agent.status == other.status == 101
    assert "Sec-WebSocket-Protocol: servit" in agent.headers
    wait_until(lambda: len(svc.live.connections.in_audiences(["user#agent1", "user#agent3"])) == 2)

    pushed = fanout.push_changes(svc, [[_change(svc, people)]])

    assert pushed.notices == 1
    notice = agent.receive(timeout=3)
    assert (notice["type"], notice["group_id"]) == ("ticket", "kt-first")
    with pytest.raises(TimeoutError):
        other.receive(timeout=0.3)
    agent.close()
    other.close()


def test_without_a_valid_token_the_upgrade_is_refused(
    front: tuple[str, Services, dict[str, User]],
) -> None:
    url, svc, _ = front
    refused = LiveClient(url, "not-a-token")
    assert refused.status == 401
    assert svc.live is not None and svc.live.connections.in_audiences(["all"]) == set()


def test_a_browser_that_leaves_is_forgotten(front: tuple[str, Services, dict[str, User]]) -> None:
    url, svc, people = front
    assert svc.live is not None
    client = LiveClient(url, token(svc, people["dispatcher"]))
    wait_until(lambda: svc.live.connections.in_audiences(["all"]) != set())
    assert svc.live.connections.in_audiences(["all"]) != set()

    client.close()

    wait_until(lambda: svc.live.connections.in_audiences(["all"]) == set())
    assert svc.live.connections.in_audiences(["all"]) == set()


def _change(svc: Services, people: dict[str, User]) -> object:
    from chalicelib.domain.notifications import StoredEvent
    from chalicelib.services import tickets

    made = tickets.create_ticket(svc, people["dispatcher"], {"title": "X", "group_id": "kt-first"})
    return StoredEvent(svc.tickets.events(made.id)[-1])
