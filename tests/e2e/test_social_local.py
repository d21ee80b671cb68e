"""Messenger in the local stack (issue 13): a signed Facebook webhook makes a ticket, an
unsigned one is refused with 401, and an agent's reply lands in the social outbox."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Stack, start_stack
from tests.e2e.test_local_stack import login
from tests.social_payloads import (
    FB_APP_SECRET,
    FB_VERIFY_TOKEN,
    PAGE_ID,
    body_of,
    facebook_signature,
    messenger_delivery,
    messenger_message,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def social_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SERVIT_FACEBOOK_APP_SECRET", FB_APP_SECRET.decode())
        env.setenv("SERVIT_FACEBOOK_VERIFY_TOKEN", FB_VERIFY_TOKEN)
        running = start_stack(tmp_path_factory.mktemp("social-stack"))
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.stop()


def post_webhook(stack: Stack, payload: dict[str, Any], signed: bool) -> requests.Response:
    body = body_of(payload)
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["X-Hub-Signature-256"] = facebook_signature(body)
    return requests.post(f"{stack.url}/webhooks/facebook", data=body, headers=headers, timeout=10)


def tickets_titled(stack: Stack, auth: dict[str, str], title: str) -> list[dict[str, Any]]:
    found = []
    for rp in ("kundtjanst", "it-support"):
        answer = requests.get(
            f"{stack.url}/api/tickets",
            params={"response_point": rp, "limit": "200"},
            headers=auth,
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        found += [t for t in answer.json()["items"] if t["title"] == title]
    return found


def test_signed_messenger_webhook_makes_a_ticket_and_the_reply_goes_out(
    social_stack: Stack,
) -> None:
    admin = login(social_stack, "admin@example.com")
    created = requests.post(
        f"{social_stack.url}/api/admin/social-accounts",
        json={
            "platform": "facebook",
            "account_id": PAGE_ID,
            "name": "IT på Facebook",
            "response_point_id": "it-support",
        },
        headers=admin,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    handshake = requests.get(
        f"{social_stack.url}/webhooks/facebook",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": FB_VERIFY_TOKEN,
            "hub.challenge": "424242",
        },
        timeout=10,
    )
    assert (handshake.status_code, handshake.text) == (200, "424242")

    title = f"Wifi nere på plan {uuid.uuid4().hex[:6]}"
    answer = post_webhook(social_stack, messenger_delivery(messenger_message(title)), signed=True)

    assert answer.status_code == 200 and answer.json() == {"filed": 1, "duplicates": 0}
    [ticket] = tickets_titled(social_stack, admin, title)
    assert ticket["channel"] == "facebook" and ticket["response_point_id"] == "it-support"

    reply = requests.post(
        f"{social_stack.url}/api/tickets/{ticket['id']}/replies",
        json={"channel": "facebook", "text": "Vi startar om routern."},
        headers=admin,
        timeout=10,
    )
    assert reply.status_code == 201, reply.text
    [sent] = sorted((social_stack.data_dir / "social-outbox").glob("*.json"))
    message = json.loads(sent.read_text(encoding="utf-8"))
    assert (message["account"], message["text"]) == (PAGE_ID, "Vi startar om routern.")


def test_unsigned_messenger_webhook_is_refused_with_401(social_stack: Stack) -> None:
    admin = login(social_stack, "admin@example.com")
    title = f"Osignerat {uuid.uuid4().hex[:6]}"
    answer = post_webhook(social_stack, messenger_delivery(messenger_message(title)), signed=False)

    assert answer.status_code == 401
    assert answer.json()["error"] == "bad_signature"
    assert tickets_titled(social_stack, admin, title) == []
