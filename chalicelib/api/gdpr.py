"""GDPR routes (issue 14): a contact's export archive and anonymisation; retention."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, Cron, Response

from chalicelib.api import observability
from chalicelib.api.routing import Call, endpoint
from chalicelib.services import inputs
from chalicelib.services.gdpr import anonymise, export, retention

bp = Blueprint(__name__)
logger = Logger(service="servit-retention")


@endpoint(bp, "/api/contacts/{contact_id}/export", ["GET"])
def export_contact(call: Call) -> Response:
    contact_id = call.params["contact_id"]
    data, _ = export.export_contact(call.svc, call.actor, contact_id)
    name = f"servit-contact-{contact_id}.zip"
    return Response(
        body=data,
        status_code=200,
        headers={
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@endpoint(bp, "/api/contacts/{contact_id}/anonymise", ["POST"])
def anonymise_contact(call: Call) -> dict[str, Any]:
    outcome = anonymise.anonymise_contact(call.svc, call.actor, call.params["contact_id"])
    return {
        "contact_id": outcome.contact_id,
        "already_anonymised": outcome.already,
        "counts": outcome.counts.as_dict(),
    }


@endpoint(bp, "/api/admin/retention/preview", ["GET"])
def retention_preview(call: Call) -> dict[str, Any]:
    rp_id = inputs.text(call.query, "response_point", max_len=100) or ""
    return retention.preview(call.svc, rp_id).as_dict()


@endpoint(bp, "/api/admin/retention/{response_point}", ["GET"])
def get_retention(call: Call) -> dict[str, Any]:
    return retention.setting_json(call.svc, call.params["response_point"])


@endpoint(bp, "/api/admin/retention/{response_point}", ["PUT"])
def put_retention(call: Call) -> dict[str, Any]:
    return retention.save_setting(call.svc, call.params["response_point"], call.body())


# Daily, 02:30 UTC (night in Sweden): closed tickets past their response point's retention.
@bp.schedule(Cron(30, 2, "*", "*", "?", "*"), name="retention")
def retention_job(event: Any) -> dict[str, Any]:
    from chalicelib import bootstrap

    report = retention.run(bootstrap.services()).as_dict()
    logger.info("retention run", extra=report)
    return report


observability.instrument(retention_job)
