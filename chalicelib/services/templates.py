"""Template use cases (S12): admins keep versioned templates; agents read and apply them.

Storage: the current template at Config (``template``, id); every saved version as a
snapshot at (``template_version#<id>``, ``<version, 6 digits>``), so one Query lists a
template's versions and a ticket's ``template_version`` can always be read back.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.checks import check_slug
from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.organisation import Role, User
from chalicelib.domain.records import from_record, to_record
from chalicelib.domain.templates import Template
from chalicelib.domain.timefmt import iso
from chalicelib.services import calendars, directory, inputs, template_texts
from chalicelib.services.context import Services
from chalicelib.services.visibility import require_role

TEMPLATE = "template"
MATCHING_RULE = "matching_rule"  # rules (services/rules.py) point at templates
MAX_VERSIONS_LISTED = 500


def version_kind(template_id: str) -> str:
    return f"template_version#{template_id}"


def load(svc: Services, template_id: str) -> Template | None:
    record = svc.config.get(TEMPLATE, template_id)
    return from_record(Template, record) if record else None


def require(svc: Services, template_id: str) -> Template:
    template = load(svc, template_id)
    if template is None:
        raise NotFoundError(f"no template {template_id!r}")
    return template


def load_version(svc: Services, template_id: str, version: int) -> Template | None:
    record = svc.config.get(version_kind(template_id), f"{version:06d}")
    return from_record(Template, record) if record else None


# --- admin ------------------------------------------------------------------------


def list_templates(svc: Services, actor: User, *, include_disabled: bool) -> list[dict[str, Any]]:
    """Admins see every template; everyone else the enabled ones (to apply them)."""
    if include_disabled:
        require_role(actor, Role.ADMIN)
    records = svc.config.list(TEMPLATE)
    return [r for r in records if include_disabled or r.get("enabled", True)]


def get_template(svc: Services, actor: User, template_id: str) -> dict[str, Any]:
    template = require(svc, template_id)
    if not template.enabled:
        require_role(actor, Role.ADMIN)
    rules = [r for r in svc.config.list(MATCHING_RULE) if r.get("template_id") == template_id]
    rules.sort(key=lambda r: (r.get("position", 0), r["id"]))
    return {**to_record(template), "matching_rules": rules}


def save_template(
    svc: Services, actor: User, template_id: str, body: Any, *, create: bool
) -> dict[str, Any]:
    """Create or replace a template as a new version; refused (422) if a text does not
    render, or (409 ``stale``) if ``version`` is given and is not the stored one."""
    require_role(actor, Role.ADMIN)
    data = dict(inputs.require_object(body))
    check_slug(template_id, "template id")
    stored = load(svc, template_id)
    inputs.check_create_or_replace(
        "template", template_id, exists=stored is not None, create=create
    )
    expected = data.pop("version", None)
    if stored is not None and expected is not None and expected != stored.version:
        raise ConflictError(
            f"template {template_id!r} is at version {stored.version}, not {expected}",
            code="stale",
        )
    for key in ("updated_at", "updated_by", "matching_rules"):
        data.pop(key, None)
    template = from_record(Template, {**data, "id": template_id})
    _check_references(svc, template)
    template_texts.check_renders(template)
    template.version = (stored.version if stored else 0) + 1
    template.updated_at = iso(svc.clock())
    template.updated_by = actor.id
    record = to_record(template)
    # The snapshot first: a current record always has its version stored.
    svc.config.put(version_kind(template_id), f"{template.version:06d}", record)
    svc.config.put(TEMPLATE, template_id, record)
    return record


def copy_template(svc: Services, actor: User, template_id: str, body: Any) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    data = inputs.require_object(body)
    inputs.only_keys(data, {"id", "title"})
    new_id = inputs.text(data, "id", max_len=63, required=True) or ""
    source = to_record(require(svc, template_id))
    source["title"] = inputs.text(data, "title", max_len=200) or f"{source['title']} (copy)"[:200]
    return save_template(svc, actor, new_id, source, create=True)


def list_versions(svc: Services, actor: User, template_id: str) -> list[dict[str, Any]]:
    require_role(actor, Role.ADMIN)
    require(svc, template_id)
    versions = svc.config.list(version_kind(template_id))[-MAX_VERSIONS_LISTED:]
    return [
        {k: v.get(k) for k in ("version", "title", "enabled", "updated_at", "updated_by")}
        for v in reversed(versions)
    ]


def get_version(svc: Services, actor: User, template_id: str, version: int) -> dict[str, Any]:
    template = load_version(svc, template_id, version)
    if template is None:
        raise NotFoundError(f"template {template_id!r} has no version {version}")
    if not template.enabled:
        require_role(actor, Role.ADMIN)
    return to_record(template)


def _check_references(svc: Services, template: Template) -> None:
    def must(kind: str, item_id: str) -> None:
        if item_id and svc.config.get(kind, item_id) is None:
            raise ValidationError(f"no {kind.replace('_', ' ')} {item_id!r}")

    must(directory.RESPONSE_POINT, template.response_point_id)
    must(directory.GROUP, template.group_id)
    must(directory.USER, template.agent_id)
    if template.group_id:
        group = directory.group(svc, template.group_id)
        if group.response_point_id != template.response_point_id:
            raise ValidationError(f"group {group.id!r} belongs to another response point")
    types = {t.id for t in directory.ticket_types(svc)}
    for ticket_type in template.ticket_types:
        if ticket_type["id"] not in types:
            raise ValidationError(f"no ticket type {ticket_type['id']!r}")
    must(calendars.CALENDAR, template.calendar_id)
    # Prefilled custom field values: only those given are kept, each checked as the
    # field's type asks (a required field may stay empty: the ticket form asks for it).
    definitions = directory.custom_fields(svc)
    unknown = set(template.custom_fields) - set(definitions)
    if unknown:
        raise ValidationError(f"unknown custom fields: {sorted(unknown)}")
    given = {k: v for k, v in template.custom_fields.items() if v is not None and v != ""}
    template.custom_fields = {key: definitions[key].clean(value) for key, value in given.items()}
