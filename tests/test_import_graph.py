"""The import graph of the project's packages: no cycles, and the UI only reaches the library's front door.

Every import counts, including lazy ones inside functions and those under ``TYPE_CHECKING``. An edge may
be exempt only when its import line carries ``# import-graph: factory`` (a factory choosing an
implementation) or ``# import-graph: dispatch`` (the CLI dispatching to a shell), with the reason beside it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("rag", "index", "ui", "evals")
UI_MAY_IMPORT = {"rag.assistant", "rag.models", "rag.rendering", "rag.settings", "rag.errors"}
EXEMPT_MARKS = ("# import-graph: factory", "# import-graph: dispatch")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _resolve(target: str, modules: dict[str, Path]) -> str | None:
    """The project module an import names (``rag.models.Answer`` -> ``rag.models``), or None if external."""
    while target:
        if target in modules:
            return target
        target = target.rpartition(".")[0]
    return None


def _edges(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            else:
                continue
            span = "\n".join(lines[node.lineno - 1 : (node.end_lineno or node.lineno)])
            if any(mark in span for mark in EXEMPT_MARKS):
                continue
            for target in targets:
                resolved = _resolve(target, modules)
                if resolved and resolved != name:
                    graph[name].add(resolved)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
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
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return _edges(_modules())


def test_no_import_cycles(graph: dict[str, set[str]]) -> None:
    assert _cycles(graph) == []


def test_ui_reaches_only_the_front_door(graph: dict[str, set[str]]) -> None:
    bad = {
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.startswith("ui")
        for target in targets
        if target.startswith("rag") and target not in UI_MAY_IMPORT
    }
    assert sorted(bad) == []


def test_the_checker_sees_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_lazy_and_relative_imports_count_unless_marked(tmp_path: Path) -> None:
    one, two, three = tmp_path / "one.py", tmp_path / "two.py", tmp_path / "three.py"
    one.write_text("def f():\n    from pkg.two import g\n")
    two.write_text("from . import three\n")
    three.write_text("import pkg.one  # import-graph: factory (test)\n")
    modules = {"pkg.one": one, "pkg.two": two, "pkg.three": three}
    assert _edges(modules) == {"pkg.one": {"pkg.two"}, "pkg.two": {"pkg.three"}, "pkg.three": set()}
