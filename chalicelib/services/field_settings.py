"""Field settings (S10, S16): which ticket fields a response point uses.

A hidden field is gone from the API's answers (``api/present.py`` drops it) and a
write naming it is refused with 422 ``hidden_field``. The hidden set of a ticket is
the global settings' list plus its response point's own.
"""

from __future__ import annotations

import contextlib
from typing import Any

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.services import directory
from chalicelib.services.context import Services


def hidden_fields(svc: Services, rp_id: str) -> frozenset[str]:
    hidden = set(directory.settings(svc).hidden_fields)
    with contextlib.suppress(NotFoundError):  # a ticket of a deleted response point
        hidden.update(directory.response_point(svc, rp_id).hidden_fields)
    return frozenset(hidden)


def is_hidden(name: str, hidden: frozenset[str]) -> bool:
    """``custom_fields.x`` is hidden by its own entry or by hiding every custom field."""
    if name in hidden:
        return True
    return name.startswith("custom_fields.") and "custom_fields" in hidden


def refuse_hidden_writes(svc: Services, rp_id: str, data: dict[str, Any]) -> None:
    hidden = hidden_fields(svc, rp_id)
    if not hidden:
        return
    named = [k for k in data if k != "custom_fields" and is_hidden(k, hidden)]
    custom = data.get("custom_fields")
    if isinstance(custom, dict) and custom:
        named += [f"custom_fields.{k}" for k in custom if is_hidden(f"custom_fields.{k}", hidden)]
    if named:
        raise ValidationError(
            f"not used at this response point: {sorted(named)}", code="hidden_field"
        )


def all_settings(svc: Services) -> dict[str, Any]:
    """What any logged-in user's forms need: the hidden fields, global and per response point."""
    global_hidden = list(directory.settings(svc).hidden_fields)
    return {
        "global": global_hidden,
        "response_points": {
            rp.id: sorted(set(global_hidden) | set(rp.hidden_fields))
            for rp in directory.response_points(svc)
        },
    }
