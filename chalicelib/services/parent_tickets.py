"""Parent tickets (S10): link tickets to a parent; closing the parent closes every child,
and a reply written on the parent can go to each child's contact in that child's own thread.

Links: a child carries ``parent_id`` (the sparse ``by_parent`` index lists a parent's
children by Query). One level only: a parent is no child, a child is no parent (422).

Runs: closing a parent (``PATCH {"status": "closed"}``) or replying on it with
``include_children`` stores, in the parent's own write, a ``children_run_started`` event
naming the run and the children not closed yet (the ticket's ``children_run`` keeps the
run's summary). The TicketEvents stream reaction ``arm`` starts the CloseChildren machine
as execution ``children-<parent>-<run>``; its Map runs ``close_child`` once per child and
``close_children_done`` at the end. Each child is handled exactly once per run: the marker
``childdone#<run>#<child>`` (Lookups) is claimed in the same transaction that closes the
child (or alone when there is nothing to close), and the child's reply is claimed
(``childreply#<run>#<child>``) before it is sent, so a retried Map item does nothing
twice. Progress (done / total) is the number of markers. A failed run is resumed
(``POST .../children/resume``): a ``children_run_resumed`` event names the children not
done, and the reaction starts ``children-<parent>-<run>-retry<n>``.

Modes: ``close`` (the parent was closed), ``reply`` (a reply to every child, the parent
stays open), ``close_reply`` (a reply with ``close_parent``: each child is answered, then
closed). Children that are already closed are left alone. At most ``MAX_CHILDREN`` children
per parent, so one run's ids fit in a Step Functions input (256 KB) with room to spare.
"""

from __future__ import annotations

import html as html_lib
from dataclasses import replace
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.events import EventType, TicketEvent
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.notifications import StoredEvent
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.statuses import Status
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.timefmt import iso
from chalicelib.services import directory, inputs, workflows
from chalicelib.services.context import Services
from chalicelib.services.mail import outbound
from chalicelib.services.ports import ListIndex, Page, TicketQuery
from chalicelib.services.rendering import language_of, render
from chalicelib.services.ticket_access import save_ticket, writable_ticket
from chalicelib.services.visibility import filter_visible, visible_ticket

logger = Logger(service="servit-workflows")

MAX_CHILDREN = 1000  # per parent: one run's ids stay far below the 256 KB input limit
MAX_LINK_BATCH = 50  # children linked by one request
ACTOR = "system:parent"
CLOSE, REPLY, CLOSE_REPLY = "close", "reply", "close_reply"
STEP = "close_child"
DONE_STEP = "close_children_done"
_SAVE_ATTEMPTS = 5


# --- links ---------------------------------------------------------------------------


def children(svc: Services, parent_id: str) -> list[Ticket]:
    """Every child of a parent (all pages of the ``by_parent`` index), newest first."""
    found: list[Ticket] = []
    cursor: str | None = None
    while True:
        page = svc.tickets.query(TicketQuery(ListIndex.PARENT, parent_id, limit=200, cursor=cursor))
        found.extend(page.items)
        cursor = page.cursor
        if not cursor:
            return found


def has_children(svc: Services, ticket_id: str) -> bool:
    return bool(svc.tickets.query(TicketQuery(ListIndex.PARENT, ticket_id, limit=1)).items)


def check_parent(svc: Services, parent: Ticket) -> None:
    """A ticket may become a parent unless it is itself a child (one level)."""
    if parent.parent_id:
        raise ValidationError(
            f"ticket #{parent.number} is a child of another ticket and cannot be a parent",
            code="parent_is_child",
        )


def check_child(svc: Services, child: Ticket, parent: Ticket) -> None:
    """``child`` may be linked to ``parent``: not itself, not a parent of its own."""
    if child.id == parent.id:
        raise ValidationError("a ticket cannot be its own parent", code="own_parent")
    check_parent(svc, parent)
    if has_children(svc, child.id):
        raise ValidationError(
            f"ticket #{child.number} has children of its own and cannot be a child",
            code="child_is_parent",
        )


def link_children(svc: Services, actor: User, parent_id: str, body: Any) -> list[Ticket]:
    """Make the tickets named children of ``parent_id``. Everything is checked before any
    child is written; a ticket already its child is left as it is."""

    parent = writable_ticket(svc, actor, parent_id, None)  # a hidden parent is not there
    data = inputs.require_object(body)
    inputs.only_keys(data, {"ticket_ids"})
    ids = inputs.string_list(data, "ticket_ids", max_items=MAX_LINK_BATCH, max_len=40)
    if not ids:
        raise ValidationError("ticket_ids: name at least one ticket")
    if not parent.is_open:
        raise ValidationError(
            f"ticket #{parent.number} is {parent.status}: children are linked to open tickets",
            code="parent_closed",
        )
    now = svc.clock()
    todo: list[Ticket] = []
    for child_id in dict.fromkeys(ids):
        try:
            child = writable_ticket(svc, actor, child_id, None)
        except NotFoundError:
            raise ValidationError(f"no ticket {child_id!r}") from None
        if child.parent_id == parent.id:
            continue
        check_child(svc, child, parent)
        if child.parent_id:
            raise ValidationError(
                f"ticket #{child.number} is already a child of another ticket; remove it there",
                code="has_parent",
            )
        todo.append(child)
    if todo and len(children(svc, parent.id)) + len(todo) > MAX_CHILDREN:
        raise ValidationError(
            f"a parent has at most {MAX_CHILDREN} children", code="too_many_children"
        )
    for child in todo:
        child.set_field("parent_id", parent.id, actor.id, now)
        save_ticket(svc, actor, child)
    return todo


def unlink_child(svc: Services, actor: User, parent_id: str, child_id: str) -> Ticket:

    parent = visible_ticket(svc, actor, parent_id)
    child = writable_ticket(svc, actor, child_id, None)
    if child.parent_id != parent.id:
        raise NotFoundError(f"ticket #{child.number} is no child of ticket #{parent.number}")
    child.set_field("parent_id", None, actor.id, svc.clock())
    return save_ticket(svc, actor, child)


def list_children(
    svc: Services, actor: User, parent_id: str, *, limit: int, cursor: str | None
) -> tuple[Page[Ticket], dict[str, Any] | None]:
    """One page of the parent's children (those the actor may see), and its run's progress."""
    parent = visible_ticket(svc, actor, parent_id)
    page = svc.tickets.query(TicketQuery(ListIndex.PARENT, parent.id, limit=limit, cursor=cursor))
    return Page(filter_visible(svc, actor, page.items), page.cursor), progress(svc, parent)


# --- runs --------------------------------------------------------------------------------


def _marker(run_id: str, child_id: str) -> str:
    return f"childdone#{run_id}#{child_id}"


def _reply_marker(run_id: str, child_id: str) -> str:
    return f"childreply#{run_id}#{child_id}"


def execution(parent_id: str, run_id: str, attempt: int = 0) -> str:
    parts: list[object] = ["children", parent_id, run_id]
    if attempt:
        parts.append(f"retry{attempt}")
    return workflows.execution_name(*parts)


def start_run(
    svc: Services,
    actor: User,
    parent: Ticket,
    mode: str,
    reply: dict[str, Any] | None = None,
) -> bool:
    """Record, on ``parent`` (the caller saves it, with the change that asks for the run),
    a run over its children not closed yet that ``actor`` may see. False if there are none."""
    targets = [
        c.id for c in filter_visible(svc, actor, children(svc, parent.id))
        if c.status is not Status.CLOSED
    ]  # fmt: skip
    if not targets:
        return False
    now = svc.clock()
    run_id = new_ulid(now)
    parent.children_run = {
        "run_id": run_id,
        "mode": mode,
        "total": len(targets),
        "by": actor.id,
        "started_at": iso(now),
        "finished_at": None,
        "done": 0,
        "attempt": 0,
    }
    parent.record_children_event(
        EventType.CHILDREN_RUN_STARTED,
        actor.id,
        now,
        run_id=run_id,
        mode=mode,
        parent_number=parent.number,
        total=len(targets),
        children=targets,
        **({"reply": reply} if reply else {}),
    )
    return True


def on_status_change(svc: Services, actor: User, parent: Ticket, before: Status) -> None:
    """``update_ticket``: a parent closed now closes its children, in a run recorded in the
    same write as its own close."""
    if before is not Status.CLOSED and parent.status is Status.CLOSED:
        start_run(svc, actor, parent, CLOSE)


def reply_with_children(svc: Services, actor: User, ticket_id: str, body: Any) -> TicketEvent:
    """``POST /replies`` with ``include_children``: the reply goes to the parent's contact
    now, and to each child's contact (in that child's thread and language) by a run;
    with ``close_parent`` the parent closes too, and every child after its reply."""

    data = dict(inputs.require_object(body))
    include, close = data.pop("include_children", False), data.pop("close_parent", False)
    if not isinstance(include, bool) or not isinstance(close, bool):
        raise ValidationError("include_children and close_parent must be true or false")
    if close and not include:
        raise ValidationError("close_parent goes with include_children")
    if include:
        parent = writable_ticket(svc, actor, ticket_id, None)
        if data.get("attachments"):
            raise ValidationError(
                "a reply to the children carries no attachments; send them on each child",
                code="children_attachments",
            )
        if not has_children(svc, parent.id):
            raise ValidationError(f"ticket #{parent.number} has no children", code="no_children")
    event = outbound.send_reply(svc, actor, ticket_id, data)
    if not include:
        return event
    reply = {
        "text": data.get("text") or "",
        "html": data.get("html"),
        "ask_customer": data.get("ask_customer", False),
        "event_id": event.event_id,
    }
    for _ in range(_SAVE_ATTEMPTS):
        parent = writable_ticket(svc, actor, ticket_id, None)
        before = parent.status
        if close and parent.status is not Status.CLOSED:
            parent.change_status(Status.CLOSED, actor.id, svc.clock())
        mode = CLOSE_REPLY if close and before is not Status.CLOSED else REPLY
        if not start_run(svc, actor, parent, mode, reply) and not parent.pending_events:
            return event
        try:
            save_ticket(svc, actor, parent)
            return event
        except ConflictError:
            continue  # the reply's own write raced another change: look again
    raise ConflictError(f"ticket {ticket_id} kept changing; send the reply to the children again")


def resume(svc: Services, actor: User, parent_id: str) -> dict[str, Any]:
    """Start the parent's unfinished run again for the children not done yet (after a
    failed execution); harmless while it still runs: no child is handled twice."""

    parent = writable_ticket(svc, actor, parent_id, None)
    run = parent.children_run
    if not run or run.get("finished_at"):
        raise ValidationError(
            f"ticket #{parent.number} has no unfinished run over its children",
            code="nothing_to_resume",
        )
    run_id = str(run["run_id"])
    ids = _run_children(svc, parent.id, run_id)
    done = _done(svc, run_id, ids)
    remaining = [c for c in ids if c not in done] or ids[:1]  # one done child ends it
    attempt = int(run.get("attempt") or 0) + 1
    parent.children_run = {**run, "attempt": attempt}
    parent.record_children_event(
        EventType.CHILDREN_RUN_RESUMED,
        actor.id,
        svc.clock(),
        run_id=run_id,
        attempt=attempt,
        children=remaining,
    )
    save_ticket(svc, actor, parent)
    return progress(svc, parent) or {}


def progress(svc: Services, parent: Ticket) -> dict[str, Any] | None:
    """The parent's latest run: {run_id, mode, total, done, finished, started_at}."""
    run = parent.children_run
    if not run:
        return None
    finished = bool(run.get("finished_at"))
    if finished:
        done = int(run.get("done") or 0)
    else:
        run_id = str(run["run_id"])
        done = len(_done(svc, run_id, _run_children(svc, parent.id, run_id)))
    return {
        "run_id": run["run_id"],
        "mode": run.get("mode"),
        "total": int(run.get("total") or 0),
        "done": done,
        "finished": finished,
        "started_at": run.get("started_at"),
        "finished_at": run.get("finished_at"),
        "attempt": int(run.get("attempt") or 0),
    }


def _run_event(svc: Services, parent_id: str, run_id: str) -> dict[str, Any] | None:
    for event in svc.tickets.events(parent_id):
        if event.type == EventType.CHILDREN_RUN_STARTED and event.data.get("run_id") == run_id:
            return {**event.data, "by": event.actor}
    return None


def _run_children(svc: Services, parent_id: str, run_id: str) -> list[str]:
    run = _run_event(svc, parent_id, run_id)
    return [str(c) for c in (run or {}).get("children") or []]


def _done(svc: Services, run_id: str, child_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(child_ids), 100):  # BatchGetItem takes 100 keys
        chunk = child_ids[start : start + 100]
        got = svc.lookups.get_many([_marker(run_id, c) for c in chunk])
        found.update(c for c in chunk if _marker(run_id, c) in got)
    return found


# --- the workflow: stream reaction and steps -------------------------------------------


def arm(svc: Services, change: list[StoredEvent]) -> int:
    """Stream reaction: start the CloseChildren execution a stored run (or resume) asks for."""
    started = 0
    for stored in change:
        event = stored.event
        if event.type not in (EventType.CHILDREN_RUN_STARTED, EventType.CHILDREN_RUN_RESUMED):
            continue
        run_id, ids = event.data.get("run_id"), event.data.get("children")
        if not isinstance(run_id, str) or not isinstance(ids, list) or not ids:
            continue
        attempt = int(event.data.get("attempt") or 0)
        payload = {"parent_id": event.ticket_id, "run_id": run_id, "children": ids}
        started += svc.workflows.start(
            workflows.CLOSE_CHILDREN, execution(event.ticket_id, run_id, attempt), payload
        )
    return started


def close_child(svc: Services, payload: dict[str, Any]) -> dict[str, Any]:
    """Workflow step, one child of one run: answer it (when the run carries a reply) and
    close it (when the run closes), each at most once. Returns {child_id, outcome}."""
    parent_id, run_id = str(payload["parent_id"]), str(payload["run_id"])
    child_id = str(payload["child_id"])
    marker = _marker(run_id, child_id)

    def result(outcome: str) -> dict[str, Any]:
        return {"child_id": child_id, "outcome": outcome}

    if svc.lookups.get(marker) is not None:
        return result("already")
    run = _run_event(svc, parent_id, run_id)
    if run is None or child_id not in (run.get("children") or []):
        return result("not_in_run")
    mode = str(run.get("mode"))
    replied: str | None = None
    for _ in range(_SAVE_ATTEMPTS):
        try:
            child = svc.tickets.get(child_id)
        except NotFoundError:
            svc.lookups.claim(marker, child_id)
            return result("gone")
        if child.parent_id != parent_id:  # unlinked since the run started
            svc.lookups.claim(marker, child_id)
            return result("unlinked")
        if child.status is Status.CLOSED:
            svc.lookups.claim(marker, child_id)
            return result(f"replied:{replied}" if replied else "was_closed")
        if mode in (REPLY, CLOSE_REPLY) and replied is None:
            replied = _reply_to_child(svc, run, parent_id, run_id, child)
            continue  # the reply changed the child: read it again
        if mode == REPLY:
            svc.lookups.claim(marker, child_id)
            return result(f"replied:{replied}")
        now = svc.clock()
        child.change_status(Status.CLOSED, ACTOR, now)
        child.record_children_event(
            EventType.CLOSED_BY_PARENT,
            ACTOR,
            now,
            parent_id=parent_id,
            parent_number=run.get("parent_number"),
            run_id=run_id,
            **({"reply": replied} if replied else {}),
        )
        try:
            svc.tickets.save(child, claims={marker: child_id})
        except ConflictError:
            if svc.lookups.get(marker) is not None:
                return result("already")
            continue  # the child changed meanwhile: look again
        logger.info("child closed by its parent", extra={"child_id": child_id, "run_id": run_id})
        return result("closed")
    raise ConflictError(f"ticket {child_id} kept changing; the step is retried")


def _reply_to_child(
    svc: Services, run: dict[str, Any], parent_id: str, run_id: str, child: Ticket
) -> str:
    """Send the run's reply to the child's contact, at most once (claimed before sending).
    Returns "sent", or why not ("sent_before", or the refusal's code)."""

    reply = run.get("reply") or {}
    claim = _reply_marker(run_id, child.id)
    if not svc.lookups.claim(claim, child.id):
        return "sent_before"
    try:
        # The agent who wrote the reply, acting on the run's children (which they could see
        # when the run started) whoever holds a child's lock now.
        agent = directory.user(svc, str(run.get("by")))
        acting = replace(agent, roles=[*agent.roles, Role.DISPATCHER])
        parent_number = run.get("parent_number")
        body: dict[str, Any] = {
            "text": _with_footer(svc, child, reply.get("text") or "", parent_number),
            "ask_customer": bool(reply.get("ask_customer")),
        }
        if reply.get("html"):
            footer = _footer(svc, child, parent_number)
            body["html"] = f"{reply['html']}<p>{html_lib.escape(footer)}</p>"
        outbound.send_reply(svc, acting, child.id, body, by_agent=False)
    except (ValidationError, NotFoundError, ConflictError) as refused:
        # Trying again changes nothing (no address, an address change to confirm, the
        # agent gone): the child is still closed, and its history says why no reply.
        logger.info(
            "child not answered",
            extra={"child_id": child.id, "run_id": run_id, "code": refused.code},
        )
        return str(refused.code)
    except Exception:
        svc.lookups.release(claim, child.id)  # the step's retry sends it
        raise
    return "sent"


def _footer(svc: Services, child: Ticket, parent_number: int | None) -> str:
    contact = None
    if child.contact_id:
        try:
            contact = svc.contacts.get(child.contact_id)
        except NotFoundError:
            contact = None
    if contact is not None:
        language = language_of(contact.language.value)
    else:
        rp = directory.response_point(svc, child.response_point_id)
        language = language_of(rp.language.value)
    return render(
        f"mail/parent_reply_{language}.txt.j2", number=child.number, parent_number=parent_number
    ).strip()


def _with_footer(svc: Services, child: Ticket, text: str, parent_number: int | None) -> str:
    return f"{text.rstrip()}\n\n{_footer(svc, child, parent_number)}"


def close_children_done(svc: Services, payload: dict[str, Any]) -> dict[str, Any]:
    """Workflow step after the Map: the run is finished; the parent shows it."""
    parent_id, run_id = str(payload["parent_id"]), str(payload["run_id"])
    for _ in range(_SAVE_ATTEMPTS):
        try:
            parent = svc.tickets.get(parent_id)
        except NotFoundError:
            return {"outcome": "gone"}
        run = parent.children_run
        if not run or run.get("run_id") != run_id:
            return {"outcome": "superseded"}
        if run.get("finished_at"):
            return {"outcome": "already"}
        ids = _run_children(svc, parent_id, run_id)
        done = len(_done(svc, run_id, ids))
        now = svc.clock()
        parent.children_run = {**run, "finished_at": iso(now), "done": done}
        parent.record_children_event(
            EventType.CHILDREN_RUN_DONE, ACTOR, now, run_id=run_id, done=done, total=len(ids)
        )
        try:
            svc.tickets.save(parent)
        except ConflictError:
            continue
        return {"outcome": "finished", "done": done, "total": len(ids)}
    raise ConflictError(f"ticket {parent_id} kept changing; the step is retried")


def rearm(svc: Services, tickets: list[Any]) -> int:
    """Start again the unfinished run of every parent given (the local stack after a
    restart): the retry execution names carry the attempt, and done children are skipped."""
    started = 0
    for ticket in tickets:
        run = ticket.children_run
        if not run or run.get("finished_at"):
            continue
        run_id = str(run["run_id"])
        ids = _run_children(svc, ticket.id, run_id)
        done = _done(svc, run_id, ids)
        # Nothing left: one done child (which does nothing) leads on to the end step.
        remaining = [c for c in ids if c not in done] or ids[:1]
        payload = {"parent_id": ticket.id, "run_id": run_id, "children": remaining}
        attempt = int(run.get("attempt") or 0)
        started += svc.workflows.start(
            workflows.CLOSE_CHILDREN, execution(ticket.id, run_id, attempt), payload
        )
    return started


__all__ = [
    "MAX_CHILDREN",
    "arm",
    "check_child",
    "check_parent",
    "close_child",
    "close_children_done",
    "link_children",
    "list_children",
    "on_status_change",
    "progress",
    "rearm",
    "reply_with_children",
    "resume",
    "unlink_child",
]
