"""Placeholders in template texts, rendered by Jinja2's SandboxedEnvironment (S12).

Admins write the texts, so they run in the sandbox (no attribute games, no
imports) with StrictUndefined: a misspelt placeholder is an error, found when
the template is saved, never in front of a customer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, nodes
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


class _LimitError(SecurityError):
    """A text that would grow past what a Lambda may spend on it."""


class _RefusedError(SecurityError):
    """A text using more of Jinja than placeholders and conditions."""


class _TextSandbox(SandboxedEnvironment):
    """The sandbox, also refusing ``"x" * 10**9`` and big powers: admins' texts must not
    be able to exhaust a Lambda's memory or time."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        numbers = all(isinstance(v, int | float) for v in (left, right))
        if operator == "**" and not (numbers and abs(right) <= 100 and abs(left) <= 10**6):
            raise _LimitError("powers are limited")
        if operator == "*" and not numbers:
            count = right if isinstance(right, int) else left
            if not isinstance(count, int) or count > 1000:
                raise _LimitError("repeating text is limited to 1000 times")
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
        raise _RefusedError("only placeholders and if-conditions are allowed, no loops or macros")
    return env.from_string(tree)


class TemplateTextError(ValidationError):
    """A text that does not render, with what the UI needs to say it in the admin's
    language beside the field: ``kind`` (syntax, undefined, refused, unsafe, too_long,
    error), the ``line`` of the text (1-based, when known), the unknown ``name`` and the
    ``field`` (a key of ``Template.texts()``). The message stays English, for logs and
    API clients that read it."""

    code = "template_render"

    def __init__(
        self, message: str, *, kind: str, line: int | None = None, name: str | None = None
    ) -> None:
        super().__init__(message)
        self.kind, self.line, self.name = kind, line, name
        self.field: str | None = None

    @property
    def details(self) -> dict[str, Any]:
        """Added to the error answer beside ``error`` and ``message`` (issue 15)."""
        return {"field": self.field, "kind": self.kind, "line": self.line, "name": self.name}


def _first_line(text: str, found: Any) -> int | None:
    """The line of the first node ``found`` picks in the parsed text, if it parses."""
    try:
        tree = _environment().parse(text)
    except TemplateError:
        return None
    node = next(iter(found(tree)), None)
    return getattr(node, "lineno", None)


def _unknown_name(text: str, context: dict[str, Any]) -> tuple[str | None, int | None]:
    """The first placeholder the context lacks, and its line (StrictUndefined's error
    names it only in words)."""
    try:
        tree = _environment().parse(text)
    except TemplateError:
        return None, None
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in context:
            return node.name, node.lineno
    return None, None


def render_text(text: str, context: dict[str, Any]) -> str:
    """Render one text; TemplateTextError names what went wrong, and where."""
    if "{" not in text:
        return text  # nothing to fill: most texts, and no parse cost
    try:
        rendered = _compiled(text).render(**context)
    except TemplateSyntaxError as error:
        raise TemplateTextError(
            f"{type(error).__name__}: {error.message or error}", kind="syntax", line=error.lineno
        ) from None
    except UndefinedError as error:
        name, line = _unknown_name(text, context)
        raise TemplateTextError(
            f"{type(error).__name__}: {error.message or error}",
            kind="undefined",
            line=line,
            name=name,
        ) from None
    except SecurityError as error:
        kind = {_LimitError: "too_long", _RefusedError: "refused"}.get(type(error), "unsafe")
        line = _first_line(text, lambda tree: tree.find_all(_REFUSED_NODES))
        raise TemplateTextError(
            f"SecurityError: {error.message or error}",
            kind=kind,
            line=line if kind == "refused" else None,
        ) from None
    except TemplateError as error:
        raise TemplateTextError(
            f"{type(error).__name__}: {error.message or error}", kind="error"
        ) from None
    except (ArithmeticError, TypeError, ValueError, LookupError, OverflowError) as error:
        raise TemplateTextError(f"{type(error).__name__}: {error}", kind="error") from None
    if len(rendered) > MAX_RENDERED:
        raise TemplateTextError(f"renders to more than {MAX_RENDERED} characters", kind="too_long")
    return rendered


def check_renders(template: Template) -> None:
    """Refuse a template any of whose texts does not render, naming the text and why."""
    for where, text in template.texts().items():
        try:
            render_text(text, PLACEHOLDERS)
        except TemplateTextError as error:
            refused = TemplateTextError(
                f"{where} does not render: {error.message}",
                kind=error.kind,
                line=error.line,
                name=error.name,
            )
            refused.field = where
            raise refused from None


def render_all(template: Template, context: dict[str, Any]) -> dict[str, str]:
    return {where: render_text(text, context) for where, text in template.texts().items()}
