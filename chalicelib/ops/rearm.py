"""Start again, from DynamoDB, every workflow execution that should be running (issue 12).

    python -m chalicelib.ops.rearm --stage prod [--region eu-north-1] [--dry-run]

DynamoDB holds the truth: a dormant ticket carries its date and wake generation, an open
ticket its SLA due times and generation, an open consultation its round and deadline, a
parent its unfinished run over its children. This scans the Tickets table for them (a Scan:
an operator's command, never a request path) and starts each execution under the name its
stream reaction would have given it (``dormant-<ticket>-<generation>``, ...). Step Functions
refuses a name it already has, so whatever is running is left alone and a second run starts
nothing: run it after a failed execution (its alarm), after executions were stopped by hand,
or after restoring the table. A step that finds its record changed does nothing, so starting
one too many is harmless. The same re-arm runs when the local stack starts
(local/workflows.rearm).

Needs credentials allowed to Scan and read (and, for a pending SLA resume, save) the stage's
Tickets, TicketEvents and Lookups tables and to states:StartExecution on its machines.
``--dry-run`` lists the executions it would start (a pending SLA resume is still settled:
that is a write of its own, as the stream consumer would make it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.adapters.memory_workflows import RecordingWorkflows
from chalicelib.services import workflows
from chalicelib.services.context import Services
from chalicelib.services.ports import Workflows


@dataclass
class Rearmed:
    """Executions asked for, by kind (a running one is not started twice)."""

    dormant: int = 0
    sla: int = 0
    consultations: int = 0
    children_runs: int = 0

    @property
    def total(self) -> int:
        return self.dormant + self.sla + self.consultations + self.children_runs


def rearm_all(svc: Services) -> Rearmed:
    """Start what DynamoDB says is pending."""
    from chalicelib.adapters.dynamodb.codec import ticket_from_model
    from chalicelib.adapters.dynamodb.models import TicketModel
    from chalicelib.services import dormant, parent_tickets, sla_clock
    from chalicelib.services.consultation import flow as consultation_flow

    def scan(condition: Any) -> list[Any]:
        return [ticket_from_model(item) for item in TicketModel.scan(condition)]

    done = Rearmed()
    done.dormant = dormant.rearm(svc, scan(TicketModel.status == "dormant_until"))
    # Open tickets with a due time (a resolved or closed one has resolved_at).
    done.sla = sla_clock.rearm(
        svc,
        scan(
            (TicketModel.first_response_due.exists() | TicketModel.resolution_due.exists())
            & TicketModel.resolved_at.does_not_exist()
        ),
    )
    done.consultations = consultation_flow.rearm(svc, scan(TicketModel.consultations.exists()))
    done.children_runs = parent_tickets.rearm(svc, scan(TicketModel.children_run.exists()))
    return done


class _NotUsed:
    """A port re-arming never touches (mail, identity, blobs): any use is a bug here."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        raise RuntimeError(f"rearm does not use {self._name}.{attribute}")


def machine_arns(stage: str, region: str, account: str, partition: str = "aws") -> dict[str, str]:
    """The stack's machines, by the names infra/gen_resources gives them."""
    return {
        name: f"arn:{partition}:states:{region}:{account}:stateMachine:servit-{stage}-{name}"
        for name in workflows.MACHINES
    }


def services_for(
    stage: str, region: str, engine: Workflows, clock: Callable[[], datetime] | None = None
) -> Services:
    from chalicelib.adapters.dynamodb.config import DynamoConfigRepository
    from chalicelib.adapters.dynamodb.contacts import DynamoContactRepository
    from chalicelib.adapters.dynamodb.mail import DynamoLookupRepository, DynamoMailLogRepository
    from chalicelib.adapters.dynamodb.models import bind
    from chalicelib.adapters.dynamodb.notifications import DynamoNotificationRepository
    from chalicelib.adapters.dynamodb.tickets import DynamoTicketRepository

    bind(f"servit-{stage}-", None, region)
    return Services(
        tickets=DynamoTicketRepository(),
        contacts=DynamoContactRepository(),
        config=DynamoConfigRepository(),
        identity=_NotUsed("identity"),  # type: ignore[arg-type]
        clock=clock or (lambda: datetime.now(UTC)),
        lookups=DynamoLookupRepository(),
        mail_log=DynamoMailLogRepository(),
        blobs=_NotUsed("blobs"),  # type: ignore[arg-type]
        mailer=_NotUsed("mailer"),  # type: ignore[arg-type]
        notifications=DynamoNotificationRepository(),
        workflows=engine,
    )


def main(argv: list[str] | None = None, *, sfn: Any = None, account: str | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalicelib.ops.rearm",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stage", required=True)
    parser.add_argument("--region", default=None, help="default: the AWS CLI's region")
    parser.add_argument("--dry-run", action="store_true", help="list, start nothing")
    args = parser.parse_args(argv)

    import boto3

    region = args.region or boto3.session.Session().region_name or "eu-north-1"
    engine: Workflows
    if args.dry_run:
        engine = RecordingWorkflows()
    else:
        from chalicelib.adapters.workflows_sfn import StepFunctionsWorkflows

        client = sfn or boto3.client("stepfunctions", region_name=region)
        account = (
            account or boto3.client("sts", region_name=region).get_caller_identity()["Account"]
        )
        engine = StepFunctionsWorkflows(lambda: client, machine_arns(args.stage, region, account))
    done = rearm_all(services_for(args.stage, region, engine))
    if isinstance(engine, RecordingWorkflows):  # a dry run: what it would have started
        for machine in workflows.MACHINES:
            for execution in engine.running(machine):
                print(f"{machine}: {execution.name}")
    # Step Functions answers a start of a running execution (same name and input) as if it
    # were new: the counts are of executions asked for, none of which runs twice.
    print(
        f"{'would ask' if args.dry_run else 'asked'} for {done.total} execution(s): "
        f"{done.dormant} dormant wake-up(s), {done.sla} SLA deadline(s), "
        f"{done.consultations} consultation wait(s), {done.children_runs} children run(s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
