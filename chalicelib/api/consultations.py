"""External consultation routes (S6): ask, list, answer for them, cancel; the open
consultations of an agent or a group; the saved external parties."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.present import event_json
from chalicelib.api.routing import MAX_FILE_BODY_BYTES, Call, endpoint
from chalicelib.domain.consultation import Consultation
from chalicelib.domain.timefmt import iso
from chalicelib.services.consultation import use_cases as consultations

bp = Blueprint(__name__)


def consultation_json(c: Consultation) -> dict[str, Any]:
    """What the agent sees of a consultation (never its task token)."""
    return {
        "id": c.id,
        "status": c.status.value,
        "to": c.to,
        "to_name": c.to_name,
        "asked_by": c.asked_by,
        "asked_at": iso(c.asked_at),
        "remind_after_hours": c.remind_after_hours,
        "reminders": c.reminders,
        "reminders_sent": c.reminders_sent,
        "deadline": iso(c.deadline) if c.is_open else None,
        "working_hours": bool(c.calendar_id),
        "ended_at": iso(c.ended_at) if c.ended_at else None,
    }


@endpoint(
    bp, "/api/tickets/{ticket_id}/consultations", ["POST"], status=201,
    max_body=MAX_FILE_BODY_BYTES,
)  # fmt: skip
def ask(call: Call) -> dict[str, Any]:
    c = consultations.ask(call.svc, call.actor, call.params["ticket_id"], call.body())
    return consultation_json(c)


@endpoint(bp, "/api/tickets/{ticket_id}/consultations", ["GET"])
def list_for_ticket(call: Call) -> dict[str, Any]:
    found = consultations.for_ticket(call.svc, call.actor, call.params["ticket_id"])
    return {"items": [consultation_json(c) for c in found]}


@endpoint(bp, "/api/tickets/{ticket_id}/consultations/{consultation_id}/answer", ["POST"])
def answer(call: Call) -> dict[str, Any]:
    return event_json(
        consultations.answer_for_them(
            call.svc, call.actor, call.params["ticket_id"], call.params["consultation_id"],
            call.body(),
        )
    )  # fmt: skip


@endpoint(bp, "/api/tickets/{ticket_id}/consultations/{consultation_id}/cancel", ["POST"])
def cancel(call: Call) -> dict[str, Any]:
    return event_json(
        consultations.cancel(
            call.svc, call.actor, call.params["ticket_id"], call.params["consultation_id"],
            call.body(),
        )
    )  # fmt: skip


@endpoint(bp, "/api/consultations", ["GET"])
def open_consultations(call: Call) -> dict[str, Any]:
    rows = consultations.open_list(call.svc, call.actor, call.query)
    return {
        "items": [
            {
                **consultation_json(r["consultation"]),
                "ticket": {
                    "id": r["ticket"].id,
                    "number": r["ticket"].number,
                    "title": r["ticket"].title,
                    "agent_id": r["ticket"].agent_id,
                    "group_id": r["ticket"].group_id,
                },
            }
            for r in rows
        ]
    }


@endpoint(bp, "/api/external-parties", ["GET"])
def external_parties(call: Call) -> dict[str, Any]:
    return {"items": consultations.external_parties(call.svc, call.actor)}
