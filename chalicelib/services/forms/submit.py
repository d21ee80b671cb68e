"""A customer sends a web form (S1): one new ticket on the form's response point.

Checked first, writing nothing: the form is published, the post passes the guard (honeypot,
origin, signed token), every value is within its limits; a refused value comes back to the
page with its reason. Then the hourly caps are counted, the contact found or created by
e-mail (or phone), and the ticket made with channel ``webform``: routed to the form's
template (as an agent's ticket with a template: ``routing.for_template``), or else by the
matching rules as mail is; the form's group, when it names one, is where it lands. The
form as posted is stored (``webform/<event id>.json``), its files under the message, and
the message recorded in the history as mail is.

The confirmation mail is not sent here: it is noted on the ticket's created event, as
intake notes an acknowledgement, and the TicketEvents stream consumer sends it through the
outbox (services/mail/outbound.py), with the portal link, once.

A page token makes one ticket at most: it is claimed in the ticket's own transaction, so
a double click or a reload of the answer gives the same ticket back.

Requests (bench/form_costs.py, docs/performance.md): with the config cache warm, a post
by a known contact is 7 (the form's token claim read, the contact, two hourly caps, the
ticket number, one TransactWriteItems); a new contact adds a Query and a TransactWriteItems.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.channels import webform
from chalicelib.channels.message import InboundMessage
from chalicelib.domain.email_address import unreachable_reason
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.events import EventType
from chalicelib.domain.forms import REQUIRED, Submission, WebForm, check_submission, title_of
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.matching import Sample
from chalicelib.domain.organisation import ResponsePoint
from chalicelib.domain.statuses import Channel, Priority
from chalicelib.domain.ticket import MAX_DESCRIPTION, Ticket
from chalicelib.services import directory, metrics, routing, templates
from chalicelib.services.contacts import find_or_create_contact
from chalicelib.services.context import Services
from chalicelib.services.forms import guard
from chalicelib.services.mail.events import inbound_event_data, store_attachments
from chalicelib.services.mail.outbound import ACKNOWLEDGE
from chalicelib.services.tickets import FIRST_TICKET_NUMBER, TICKET_NUMBER_COUNTER

logger = Logger(service="servit-forms")

ACTOR = "system:webform"


@dataclass(frozen=True)
class Sent:
    """What became of a post: ``outcome`` "created", "duplicate" (this page's post made its
    ticket before) or "invalid" (``errors``: field -> reason; nothing was written)."""

    outcome: str
    form: WebForm
    submission: Submission
    errors: dict[str, str]
    ticket: Ticket | None = None


def submit(
    svc: Services,
    form: WebForm,
    posted: webform.PostedForm,
    *,
    ip: str,
    origin: str | None,
    own_origins: set[str],
    language: str,
) -> Sent:
    """``form``: as ``guard.published`` gave it."""
    cross = guard.check_source(form, posted.values, origin=origin, own_origins=own_origins)
    types = [t.id for t in directory.ticket_types(svc)] if "ticket_type" in form.fields else []
    custom = directory.custom_fields(svc) if form.custom_ids else {}
    submission, errors = check_submission(form, posted.values, custom, types)
    files = posted.files if "attachments" in form.fields else ()
    if "attachments" in form.fields and posted.file_problem:
        errors["attachments"] = posted.file_problem
    elif form.is_required("attachments") and not files:
        errors["attachments"] = REQUIRED
    if errors:  # said before the token is looked at: a quick person learns what to fix
        return Sent("invalid", form, submission, errors)
    token = guard.check_token(svc, form, posted.values, cross=cross)
    claim = guard.idempotency_key(token, posted.get(guard.TOKEN_FIELD))
    if claim is not None and (earlier := _earlier(svc, claim)) is not None:
        return Sent("duplicate", form, submission, {}, earlier)
    guard.count(svc, ip, submission)
    try:
        ticket = _file(svc, form, submission, files, language, claim)
    except ConflictError:
        if claim is None or (earlier := _earlier(svc, claim)) is None:
            raise
        return Sent("duplicate", form, submission, {}, earlier)
    logger.info("web form filed", extra={"form_id": form.id, "ticket_id": ticket.id})
    return Sent("created", form, submission, {}, ticket)


def _earlier(svc: Services, claim: str) -> Ticket | None:
    ticket_id = svc.lookups.get(claim)
    return svc.tickets.get(ticket_id) if ticket_id else None


def _file(
    svc: Services,
    form: WebForm,
    submission: Submission,
    files: tuple[Any, ...],
    language: str,
    claim: str | None,
) -> Ticket:
    now = svc.clock()
    rp = directory.response_point(svc, form.response_point_id)
    contact = find_or_create_contact(
        svc,
        {
            "email": submission.email or None,
            "phone": submission.phone or None,
            "name": submission.name,
            "organisation": submission.organisation,
            "language": language,
        },
    )
    title = title_of(form, submission)
    ticket = Ticket.open_new(
        actor=ACTOR,
        id=new_ulid(now),
        number=svc.config.next_number(TICKET_NUMBER_COUNTER, FIRST_TICKET_NUMBER),
        title=title,
        description=submission.description[:MAX_DESCRIPTION],
        priority=Priority(submission.priority) if submission.priority else Priority.MEDIUM,
        ticket_type=submission.ticket_type or None,
        custom_fields=dict(submission.custom_fields),
        response_point_id=rp.id,
        contact_id=contact.id,
        organisation_id=contact.organisation_id,
        channel=Channel.WEBFORM,
        created_at=now,
        updated_at=now,
    )
    msg = webform.inbound_message(submission, title, files, now)
    _route(svc, form, ticket, rp, msg, submission)
    event_id = new_ulid(now)
    raw_key = f"webform/{event_id}.json"
    # What the customer sent is kept as it arrived, like a raw e-mail.
    svc.blobs.put(raw_key, _as_posted(form, submission, files), "application/json")
    refs, cid_map = store_attachments(svc, msg, ticket.id, event_id)
    data = inbound_event_data(
        msg,
        raw_key=raw_key,
        message_id=f"webform-{event_id.lower()}@webform.invalid",
        attachments=refs,
        cid_map=cid_map,
        threading_rule="new",
        channel=Channel.WEBFORM.value,
    )
    data["form_id"] = form.id
    ticket.record_message(
        EventType.MESSAGE_IN, data, actor=msg.from_addr or ACTOR, now=now, event_id=event_id
    )
    _note_confirmation(ticket, form, submission)
    svc.tickets.add(ticket, claims={claim: ticket.id} if claim else None)
    metrics.count(metrics.TICKETS_CREATED)
    return ticket


def _route(
    svc: Services,
    form: WebForm,
    ticket: Ticket,
    rp: ResponsePoint,
    msg: InboundMessage,
    submission: Submission,
) -> None:
    """The form's template places the ticket as an agent's choice of it would; without one
    the matching rules do, as for mail. What the customer wrote stays as written."""
    keep = {"title", "description"}
    keep |= {name for name in ("priority", "ticket_type") if getattr(submission, name)}
    if submission.custom_fields:
        keep.add("custom_fields")
    template = templates.load(svc, form.template_id) if form.template_id else None
    if template is not None and template.enabled:
        decision = routing.for_template(svc, template, rp)
        record = False
    else:
        if form.template_id:
            logger.warning("web form's template is gone", extra={"form_id": form.id})
        sample = Sample(
            subject=msg.subject, body=msg.text, sender=msg.from_addr, channel=Channel.WEBFORM.value
        )
        decision = routing.decide(svc, sample, rp)
        record = True
    if form.group_id and decision.response_point_id == _group_rp(svc, form.group_id):
        decision = replace(decision, group_id=form.group_id, agent_id=None)
    routing.apply(svc, ticket, decision, ACTOR, svc.clock(), keep=keep, record=record)


def _group_rp(svc: Services, group_id: str) -> str | None:
    try:
        return directory.group(svc, group_id).response_point_id
    except NotFoundError:  # deleted since the form was saved: not used
        return None


def _note_confirmation(ticket: Ticket, form: WebForm, submission: Submission) -> None:
    """The customer was promised a confirmation by mail: noted on the created event for the
    stream consumer to send (and only to an address that can take mail)."""
    if not ticket.is_open or not submission.email or unreachable_reason(submission.email):
        return
    created = next(e for e in ticket.pending_events if e.type == EventType.CREATED.value)
    created.data[ACKNOWLEDGE] = {"to": submission.email, "form": form.id}


def _as_posted(form: WebForm, submission: Submission, files: tuple[Any, ...]) -> bytes:
    record = {
        "form_id": form.id,
        **{k: v for k, v in submission.__dict__.items() if v},
        "files": [{"filename": f.filename, "size": f.size} for f in files],
    }
    return json.dumps(record, ensure_ascii=False, default=str).encode()
