"""Business metrics (issue 11): counts in CloudWatch's embedded metric format (EMF).

Use cases call ``count(NAME)`` where the thing happens; the Lambda middleware
(``chalicelib/api/observability.py``) prints the collected counts as one EMF line at the end of
each invocation, which CloudWatch Logs turns into metrics in the namespace ``ServIT`` with the
dimensions ``service`` ("servit") and ``stage`` (SERVIT_STAGE). No port, no I/O: a line on
standard output is the whole transport.

Counting is on in Lambda (``AWS_LAMBDA_FUNCTION_NAME`` is set) and off elsewhere (the local
stack, tests), so nothing piles up where nobody flushes; ``SERVIT_METRICS=on|off`` overrides.
The dashboard and the alarms in infra/gen_resources.py name these same constants.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from chalicelib.domain.mail_log import MailLogEntry, Outcome

if TYPE_CHECKING:
    from aws_lambda_powertools.metrics import Metrics

NAMESPACE = "ServIT"
SERVICE = "servit"

MAILS_RECEIVED = "MailsReceived"  # every mail the intake Lambda took (each delivery)
TICKETS_CREATED = "TicketsCreated"  # from mail (created, new_linked) and by agents
REPLIES_SENT = "RepliesSent"  # an agent's answer to the customer went out
MAILS_QUARANTINED = "MailsQuarantined"  # held: unparseable, failing, SES virus/spam FAIL
BOUNCES = "Bounces"  # delivery status notifications received
DUPLICATES = "Duplicates"  # the same mail delivered again (SNS/SES at-least-once)
SLA_BREACHES = "SlaBreaches"  # a due time passed unmet (services/sla_clock.breach)
NOTIFICATIONS_SENT = "NotificationsSent"  # agent notices stored by the stream consumer

ALL_METRICS = (
    MAILS_RECEIVED,
    TICKETS_CREATED,
    REPLIES_SENT,
    MAILS_QUARANTINED,
    BOUNCES,
    DUPLICATES,
    SLA_BREACHES,
    NOTIFICATIONS_SENT,
)

_store: Metrics | None = None


def enabled() -> bool:
    setting = os.environ.get("SERVIT_METRICS", "").strip().lower()
    if setting in ("on", "off"):
        return setting == "on"
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


def dimensions() -> dict[str, str]:
    return {"service": SERVICE, "stage": os.environ.get("SERVIT_STAGE", "local")}


def count(name: str, value: int = 1) -> None:
    """Add ``value`` to the counter ``name`` (one of ALL_METRICS) for this invocation."""
    if value <= 0 or not enabled():
        return
    _metrics().add_metric(name=name, unit="Count", value=value)


def flush() -> None:
    """Print what was counted as one EMF line and start afresh (nothing counted: no line)."""
    if _store is not None and _store.metric_set:
        _store.flush_metrics()


def mail_outcome(entry: MailLogEntry) -> list[str]:
    """The counters one filed mail adds to (the intake's MailLogEntry is the whole story)."""
    names = [MAILS_RECEIVED]
    if entry.outcome in (Outcome.CREATED, Outcome.NEW_LINKED):
        names.append(TICKETS_CREATED)
    elif entry.outcome is Outcome.QUARANTINED:
        names.append(MAILS_QUARANTINED)
    reason = entry.reason.lower()
    if entry.threading_rule == "bounce" or reason.startswith("delivery report"):
        names.append(BOUNCES)  # joined its ticket, or returns a message we do not know
    if entry.outcome is Outcome.IGNORED and "duplicate" in reason:
        names.append(DUPLICATES)
    return names


def _metrics() -> Metrics:
    global _store
    if _store is None:
        from aws_lambda_powertools.metrics import Metrics

        # Metrics keeps its data on the class: every instance shares one set.
        _store = Metrics(namespace=NAMESPACE, service=SERVICE)
        _store.set_default_dimensions(stage=dimensions()["stage"])
    return _store
