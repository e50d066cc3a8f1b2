"""The evals package's import graph, read from the source with ``ast`` (imports inside functions count):
no cycle among evals modules, and the report renders a summary without importing any suite."""

from __future__ import annotations

import ast
from pathlib import Path

EVALS = Path(__file__).resolve().parents[2] / "evals"
SUITES = {"evals.seed", "evals.realtimeqa"}


def evals_imports(path: Path) -> set[str]:
    """The evals modules ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)  # from evals import seed
    modules = {f"evals.{p.stem}" for p in EVALS.glob("*.py")}
    return {m for m in found if m in modules} - {f"evals.{path.stem}"}


def graph() -> dict[str, set[str]]:
    return {f"evals.{p.stem}": evals_imports(p) for p in EVALS.glob("*.py")}


def reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(edges.get(module, ()))
    return seen


def test_the_walk_sees_imports_inside_functions(tmp_path: Path):
    source = tmp_path / "probe.py"
    source.write_text(
        "from evals import gate\n\n\ndef f():\n    from evals.seed import run_seed\n    import evals.report\n"
    )
    assert evals_imports(source) == {"evals.gate", "evals.seed", "evals.report"}


def test_no_import_cycle_among_evals_modules():
    edges = graph()
    assert "evals.realtimeqa" in edges["evals.runner"]  # the walk sees the dispatcher's imports
    cycles = sorted(m for m in edges if m in reachable(m, edges))
    assert not cycles, f"modules on an import cycle: {cycles}"


def test_report_imports_no_suite():
    edges = graph()
    assert not reachable("evals.report", edges) & (SUITES | {"evals.runner", "evals.harness"})
