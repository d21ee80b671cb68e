"""Web forms, for admins (S1): the forms a response point publishes.

Stored at Config (``web_form``, id), like the other admin collections; checked whole on
every save (422 with the reason): the response point, template, group and custom fields a
form names must exist, and its group must belong to where its tickets go.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain import form_token
from chalicelib.domain.checks import check_slug
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.forms import WebForm
from chalicelib.domain.ids import new_ulid
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.records import from_record, to_record
from chalicelib.services import directory, inputs, templates
from chalicelib.services.context import Services
from chalicelib.services.visibility import require_role

WEB_FORM = "web_form"
KEYS = {
    "id", "name", "response_point_id", "fields", "required", "template_id", "group_id",
    "thank_you", "allowed_origins", "enabled", "embed_generation",
}  # fmt: skip
SHOWN_ONLY = ("links",)  # what GET adds, accepted back in a PUT and ignored


def load(svc: Services, form_id: str) -> WebForm | None:
    record = svc.config.get(WEB_FORM, form_id)
    return from_record(WebForm, record) if record else None


def shown(svc: Services, record: dict[str, Any]) -> dict[str, Any]:
    """The stored form, with where the public finds it and the token a cross-origin form
    on the customer's own site posts with."""
    base = svc.mail.portal_base_url.rstrip("/")
    form_id = str(record["id"])
    token = form_token.issue_embed(form_id, int(record.get("embed_generation", 0)), svc.mail.secret)
    links = {"page": f"{base}/forms/{form_id}", "embed": f"{base}/forms/{form_id}/embed",
             "embed_token": token}  # fmt: skip
    return {**record, "links": links}


def list_forms(svc: Services, actor: User) -> list[dict[str, Any]]:
    require_role(actor, Role.ADMIN)
    records = svc.config.list(WEB_FORM)
    items = [shown(svc, r) for r in records]
    return sorted(items, key=lambda r: (str(r.get("name", "")).casefold(), r["id"]))


def get_form(svc: Services, actor: User, form_id: str) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    record = svc.config.get(WEB_FORM, form_id)
    if record is None:
        raise NotFoundError(f"no web form {form_id!r}")
    return shown(svc, record)


def save_form(
    svc: Services, actor: User, form_id: str | None, body: Any, *, create: bool
) -> dict[str, Any]:
    """Create (409 if the id exists) or replace a form, checked whole before it is written."""
    require_role(actor, Role.ADMIN)
    data = dict(inputs.require_object(body))
    for key in SHOWN_ONLY:
        data.pop(key, None)
    inputs.only_keys(data, KEYS)
    if form_id is None:  # POST: the body may name the id, else one is made
        form_id = data["id"] if data.get("id") is not None else new_ulid(svc.clock()).lower()
    check_slug(form_id, "id")  # type: ignore[arg-type]
    assert form_id is not None
    if data.get("id") not in (None, form_id):
        raise ValidationError("id in the body differs from the one in the path")
    exists = svc.config.get(WEB_FORM, form_id) is not None
    inputs.check_create_or_replace("web form", form_id, exists=exists, create=create)
    form = from_record(WebForm, {**data, "id": form_id})
    _check_references(svc, form)
    record = to_record(form)
    svc.config.put(WEB_FORM, form.id, record, create=create)
    return shown(svc, record)


def delete_form(svc: Services, actor: User, form_id: str) -> None:
    require_role(actor, Role.ADMIN)
    if svc.config.get(WEB_FORM, form_id) is None:
        raise NotFoundError(f"no web form {form_id!r}")
    svc.config.delete(WEB_FORM, form_id)


def _check_references(svc: Services, form: WebForm) -> None:
    try:
        directory.response_point(svc, form.response_point_id)
    except NotFoundError:
        raise ValidationError(
            f"response_point_id: no response point {form.response_point_id!r}"
        ) from None
    target_rp = form.response_point_id
    if form.template_id:
        template = templates.load(svc, form.template_id)
        if template is None or not template.enabled:
            raise ValidationError(f"template_id: no enabled template {form.template_id!r}")
        target_rp = template.response_point_id or target_rp
    if form.group_id:
        try:
            group = directory.group(svc, form.group_id)
        except NotFoundError:
            raise ValidationError(f"group_id: no group {form.group_id!r}") from None
        if group.response_point_id != target_rp:
            raise ValidationError(
                f"group_id: group {form.group_id!r} belongs to another response point "
                "than the form's tickets go to"
            )
    known = directory.custom_fields(svc)
    if missing := [f for f in form.custom_ids if f not in known]:
        raise ValidationError(f"fields: no custom field {missing[0]!r}")
