"""The code's import graph (issue 13): no circles, not even through an import deferred into
a function, and no module takes another's private (underscore) names."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> list[tuple[str, str, int]]:
    """(imported module, imported name or "", line) for every import, at any depth,
    except those under ``if TYPE_CHECKING:`` (never run)."""
    out: list[tuple[str, str, int]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                out.extend((a.name, "", child.lineno) for a in child.names if a.name in modules)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                for alias in child.names:
                    full = f"{child.module}.{alias.name}"
                    if full in modules:
                        out.append((full, "", child.lineno))
                    elif child.module in modules:
                        out.append((child.module, alias.name, child.lineno))
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_no_import_circles_even_through_deferred_imports() -> None:
    modules = _modules()
    graph = {
        name: {m for m, _, _ in _imports(path, modules)} - {name} for name, path in modules.items()
    }
    assert _cycles(graph) == []


def test_the_graph_check_finds_a_circle() -> None:
    # The checker itself: a circle through three modules is reported.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_another_modules_private_names() -> None:
    modules = _modules()
    taken = [
        f"{path.relative_to(ROOT)}:{line} takes {module}.{name}"
        for path in modules.values()
        for module, name, line in _imports(path, modules)
        if name.startswith("_") and not name.startswith("__")
    ]
    assert taken == []
