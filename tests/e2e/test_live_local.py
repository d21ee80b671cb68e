"""Live lists on the local stack (issue 15), over real sockets: the front door's /live
WebSocket carries the stream poller's notice of a mail accepted over SMTP, and the lists the
UI refreshes answer 304 through the front door while nothing changed."""

from __future__ import annotations

import time
import uuid

import requests

from local.live_client import LiveClient
from tests.e2e.conftest import Stack
from tests.e2e.test_local_stack import login
from tests.e2e.test_mail_flow import customer_mail, send


def test_a_mail_accepted_over_smtp_reaches_an_open_socket_within_2_s(stack: Stack) -> None:
    auth = login(stack, "dispatcher@example.com")
    url = requests.get(f"{stack.url}/api/live", headers=auth, timeout=10).json()["url"]
    assert url == "/live"
    client = LiveClient(stack.url.replace("http", "ws", 1) + url, auth["Authorization"][7:])
    assert client.status == 101
    try:
        subject = f"Live {uuid.uuid4().hex[:6]}"
        send(stack, customer_mail(f"live-{uuid.uuid4().hex[:6]}@example.se", subject, "Hej"))
        accepted = time.monotonic()
        while True:  # the dispatcher hears of every ticket: find the new one's notice
            notice = client.receive(timeout=5)
            ticket = requests.get(f"{stack.url}/api/tickets/{notice['id']}", headers=auth,
                                  timeout=10).json()  # fmt: skip
            if ticket["title"] == subject:
                break
        assert time.monotonic() - accepted < 2.0
        assert set(notice) == {"type", "id", "version", "status", "group_id", "agent_id"}
        assert subject not in str(notice)  # ids and state only
    finally:
        client.close()


def test_an_unchanged_list_is_a_304_through_the_front_door(stack: Stack) -> None:
    auth = login(stack, "agent1@example.com")
    first = requests.get(f"{stack.url}/api/inboxes", headers=auth, timeout=10)
    etag = first.headers["ETag"]
    again = requests.get(
        f"{stack.url}/api/inboxes", headers={**auth, "If-None-Match": etag}, timeout=10
    )
    assert (again.status_code, again.content, again.headers["ETag"]) == (304, b"", etag)
