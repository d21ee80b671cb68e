"""Config objects to plain records and back (storage and JSON share the shape)."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from chalicelib.domain.errors import ValidationError

R = TypeVar("R")


def to_record(obj: Any) -> dict[str, Any]:
    record = dataclasses.asdict(obj)
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in record.items()}


def from_record(cls: type[R], record: dict[str, Any]) -> R:
    """Build ``cls`` from a record, ignoring unknown keys; ValidationError on bad values."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    try:
        return cls(**{k: v for k, v in record.items() if k in names})
    except TypeError as exc:
        raise ValidationError(f"missing or wrong fields: {exc}") from None
