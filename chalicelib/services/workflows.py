"""Time and follow-up on Step Functions (issue 12): the machines, their execution names,
the names of their executions (the steps and reactions: services/workflow_steps).

How a workflow starts: a change to a ticket is stored with its history events (one
transaction); the TicketEvents stream consumer hands each stored change to ``react``,
and the reactions start the executions that change calls for, by a name fixed by the
change (``dormant-<ticket>-<generation>``). The event item is the outbox (DESIGN §3): a
start that fails is retried from the stream, a start that is repeated finds its
execution there, and the request that made the change never waits for Step Functions.

How a workflow acts: each Task state invokes the ``workflow`` Lambda with a payload whose
``step`` names a function here. Every step reads DynamoDB first and acts only if the
record still asks for it (a wake generation, a consultation's round): DynamoDB holds the
truth, so a late, repeated or superseded step does nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.notifications import StoredEvent
from chalicelib.services.context import Services

logger = Logger(service="servit-workflows")

# The state machines (infra/statemachines/<name>.asl.json; resource and env var per name).
WAKEUP = "wakeup"  # DormantWakeup and SlaDeadline: Wait until $.at, then one step
CONSULTATION = "consultation"  # ExternalConsultation: wait for the answer, remind, hand back
CLOSE_CHILDREN = "close_children"  # CloseChildren: Map over a parent's children
MACHINES = (WAKEUP, CONSULTATION, CLOSE_CHILDREN)

Step = Callable[[Services, dict[str, Any]], dict[str, Any]]
Reaction = Callable[[Services, list[StoredEvent]], int]

_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def execution_name(*parts: object) -> str:
    """An execution name Step Functions accepts (80 characters of [A-Za-z0-9_-]), made
    only of the parts, so the same change always names the same execution."""
    name = "-".join(_NAME_UNSAFE.sub("_", str(part)) for part in parts)
    if len(name) > 80:
        raise ValueError(f"execution name too long: {name!r}")
    return name
