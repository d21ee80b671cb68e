"""Placeholders in template texts, rendered by Jinja2's SandboxedEnvironment (S12).

Admins write the texts, so they run in the sandbox (no attribute games, no
imports) with StrictUndefined: a misspelt placeholder is an error, found when
the template is saved, never in front of a customer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2 import Template as JinjaTemplate
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.templates import Template

# What a text may name, and the values a save is checked with.
PLACEHOLDERS: dict[str, Any] = {
    "ticket_number": 10001,
    "ticket_title": "Printer prints blank pages",
    "contact_name": "Anna Andersson",
    "agent_name": "Agnes Agent",
    "response_point": "Kundtjänst",
}
MAX_RENDERED = 100_000


class _TextSandbox(SandboxedEnvironment):
    """The sandbox, also refusing ``"x" * 10**9`` and big powers: admins' texts must not
    be able to exhaust a Lambda's memory or time."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        numbers = all(isinstance(v, int | float) for v in (left, right))
        if operator == "**" and not (numbers and abs(right) <= 100 and abs(left) <= 10**6):
            raise SecurityError("powers are limited")
        if operator == "*" and not numbers:
            count = right if isinstance(right, int) else left
            if not isinstance(count, int) or count > 1000:
                raise SecurityError("repeating text is limited to 1000 times")
        return super().call_binop(context, operator, left, right)


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    # Plain text (mail bodies, descriptions): no HTML escaping; the UI escapes on display.
    return _TextSandbox(undefined=StrictUndefined, autoescape=False)


# Placeholders and conditions are enough for these texts; loops, macros (recursion) and
# other files would let one text run for minutes.
_REFUSED_NODES = (nodes.For, nodes.Macro, nodes.CallBlock, nodes.Extends, nodes.Include,
                  nodes.Import, nodes.FromImport, nodes.Block)  # fmt: skip


@lru_cache(maxsize=2048)
def _compiled(text: str) -> JinjaTemplate:
    env = _environment()
    tree = env.parse(text)
    if any(True for _ in tree.find_all(_REFUSED_NODES)):
        raise SecurityError("only placeholders and if-conditions are allowed, no loops or macros")
    return env.from_string(tree)


def render_text(text: str, context: dict[str, Any]) -> str:
    """Render one text; ValidationError names what went wrong."""
    if "{" not in text:
        return text  # nothing to fill: most texts, and no parse cost
    try:
        rendered = _compiled(text).render(**context)
    except TemplateError as error:
        raise ValidationError(f"{type(error).__name__}: {error.message or error}") from None
    except (ArithmeticError, TypeError, ValueError, LookupError, OverflowError) as error:
        raise ValidationError(f"{type(error).__name__}: {error}") from None
    if len(rendered) > MAX_RENDERED:
        raise ValidationError(f"renders to more than {MAX_RENDERED} characters")
    return rendered


def check_renders(template: Template) -> None:
    """Refuse a template any of whose texts does not render, naming the text and why."""
    for where, text in template.texts().items():
        try:
            render_text(text, PLACEHOLDERS)
        except ValidationError as error:
            raise ValidationError(
                f"{where} does not render: {error.message}", code="template_render"
            ) from None


def render_all(template: Template, context: dict[str, Any]) -> dict[str, str]:
    return {where: render_text(text, context) for where, text in template.texts().items()}
