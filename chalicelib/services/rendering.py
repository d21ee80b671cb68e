"""Jinja2 templates from ``templates/`` (customer mails, portal pages).

The folder sits beside ``chalicelib/`` in the repository and at the bundle
root in Lambda (``make package`` copies it into ``vendor/``), so the same
relative path finds it in both.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=True, default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def language_of(preferred: str | None) -> str:
    return preferred if preferred in ("sv", "en") else "sv"
