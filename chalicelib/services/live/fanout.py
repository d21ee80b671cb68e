"""The stream consumer's live step: a notice per changed ticket to the browsers that may
show it.

Per batch: one BatchGetItem of the changed tickets (status, group and agent now), then per
ticket one Query per audience (``audience.of_change``: everyone, its agent and group, and
those before an assignment) and one post per connection. A post to a connection that is gone
removes it. Pushing is best effort: a failure is logged and never fails the batch (the
change's other side effects must not be delivered again for a notice; the UI's fallback
refresh catches up).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from chalicelib.domain.notifications import StoredEvent
from chalicelib.services.context import Services
from chalicelib.services.live import audience
from chalicelib.services.live.ports import GoneConnectionError, LiveChannel

logger = Logger(service="servit-live")


@dataclass
class Pushed:
    notices: int = 0  # messages posted
    gone: int = 0  # connections found gone and removed


def notice(ticket_id: str, version: int, status: str, group_id: str | None,
           agent_id: str | None) -> bytes:  # fmt: skip
    """What a browser is told: ids and state only, never a title, name or address."""
    body = {"type": "ticket", "id": ticket_id, "version": version, "status": status,
            "group_id": group_id, "agent_id": agent_id}  # fmt: skip
    return json.dumps(body, separators=(",", ":")).encode()


def push_changes(svc: Services, changes: list[list[StoredEvent]]) -> Pushed:
    """Notify the connections of every ticket changed in ``changes`` (a stream batch's
    changes, each whole); a ticket changed twice in the batch is told once, at its last."""
    channel: LiveChannel | None = getattr(svc, "live", None)
    done = Pushed()
    if channel is None or not changes:
        return done
    try:
        events: dict[str, list[dict[str, object]]] = {}
        for change in changes:
            for stored in change:
                events.setdefault(stored.event.ticket_id, []).append(stored.event.data)
        tickets = svc.tickets.get_many(list(events)[:100])
        for ticket_id, data in events.items():
            ticket = tickets.get(ticket_id)
            if ticket is None:
                continue
            targets = channel.connections.in_audiences(
                audience.of_change(ticket.agent_id, ticket.group_id, data)
            )
            message = notice(ticket.id, ticket.version, str(ticket.status),
                             ticket.group_id, ticket.agent_id)  # fmt: skip
            for connection_id in sorted(targets):
                _post(channel, connection_id, message, done)
    except Exception:  # a notice is a hint; the lists' fallback refresh catches up
        logger.exception("live notices not pushed")
    return done


def _post(channel: LiveChannel, connection_id: str, message: bytes, done: Pushed) -> None:
    try:
        channel.pusher.post(connection_id, message)
        done.notices += 1
    except GoneConnectionError:
        channel.connections.remove(connection_id)
        done.gone += 1
