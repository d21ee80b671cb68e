"""The steps the ``workflow`` Lambda runs for the state machines' Task states, and the
stream reactions that start executions (services/workflows names the machines)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.notifications import StoredEvent
from chalicelib.services import dormant, parent_tickets, sla_clock
from chalicelib.services.consultation import flow as consultation_flow
from chalicelib.services.context import Services
from chalicelib.services.workflows import Reaction, Step, logger


def steps() -> dict[str, Step]:
    """Every step the workflow Lambda runs, by the name the state machines give."""
    return {
        "dormant_wake": dormant.wake,
        "sla_due": sla_clock.breach,
        consultation_flow.WAIT_STEP: consultation_flow.wait,
        consultation_flow.TIMEOUT_STEP: consultation_flow.timeout,
        "close_child": parent_tickets.close_child,
        "close_children_done": parent_tickets.close_children_done,
    }


def reactions() -> list[Reaction]:
    """What the stream consumer runs for every stored change, in this order."""
    return [sla_clock.arm, dormant.arm, consultation_flow.arm, parent_tickets.arm]


def run_step(svc: Services, payload: dict[str, Any]) -> dict[str, Any]:
    """The workflow Lambda's one entry: run the step the payload names. An unknown step
    raises, so the state machine's Retry and then its failure show it."""
    name = payload.get("step")
    step = steps().get(name) if isinstance(name, str) else None
    if step is None:
        raise ValueError(f"unknown workflow step {name!r}")
    result = step(svc, payload)
    logger.info("workflow step", extra={"step": name, "result": result})
    return result


def react(svc: Services, change: list[StoredEvent]) -> int:
    """Start (or stop) what one stored change calls for; returns how many starts were new.
    Raises what should be retried from the stream (Step Functions unreachable)."""
    return sum(reaction(svc, change) for reaction in reactions())
